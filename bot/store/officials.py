"""Queries of the officials directory; the only SQL of the officials package.

Imports replace a whole dataset inside the caller's transaction: DELETE then a bulk INSERT
(executemany), so readers see the old rows until the commit and a failure rolls everything
back. Lookups hand back `Legislator` rows: a ZIP reads its candidate districts joined to their
members in one indexed query.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, delete, func, insert
from sqlmodel import col, select

from bot.store.models import Legislator, OfficialsDataset, ZipDistrict
from bot.store.repo import Repo

LEGISLATORS = "legislators"
ZCCD = "zccd"
_TABLES: dict[str, Any] = {LEGISLATORS: Legislator, ZCCD: ZipDistrict}


def _holds_the_seat() -> ColumnElement[bool]:
    """A House member holding the seat of a ZIP's candidate district."""
    return and_(
        col(Legislator.state) == col(ZipDistrict.state),
        col(Legislator.chamber) == "rep",
        col(Legislator.district) == col(ZipDistrict.district),
    )


# The three lookups of the letter flow are built once, not per call: a ZIP lookup (resolve_zip +
# senators + representative, bench/officials_bench.py's loop, best of 3 on one machine) ran at
# 960/s built per call against 1,700/s prebuilt in one Store.run each (1,400/s against 3,350/s
# inside one transaction): building and keying the statement cost more than running it.
_MEMBERS_OF_ZCTA = (
    select(col(ZipDistrict.state), col(ZipDistrict.district), Legislator)
    .outerjoin(Legislator, _holds_the_seat())
    .where(col(ZipDistrict.zcta) == bindparam("zcta"))
    .order_by(col(ZipDistrict.state), col(ZipDistrict.district), col(Legislator.bioguide_id))
)
_SENATORS = (
    select(Legislator)
    .where(col(Legislator.state) == bindparam("state"), col(Legislator.chamber) == "sen")
    .order_by(col(Legislator.last_name), col(Legislator.first_name))
)
_SEAT_HOLDER = (
    select(Legislator)
    .where(
        col(Legislator.state) == bindparam("state"),
        col(Legislator.chamber) == "rep",
        col(Legislator.district) == bindparam("district"),
    )
    .order_by(col(Legislator.bioguide_id))
)


def replace_dataset(
    repo: Repo, name: str, rows: Sequence[Mapping[str, Any]], meta: Mapping[str, Any]
) -> None:
    """Swap dataset `name` for `rows` and record `meta`, within the caller's transaction."""
    table = _TABLES[name].__table__
    repo.session.execute(delete(table))
    if rows:
        repo.session.execute(insert(table), list(rows))
    repo.session.execute(delete(OfficialsDataset).where(col(OfficialsDataset.name) == name))
    repo.session.execute(insert(OfficialsDataset), [{**meta, "name": name}])


def datasets(repo: Repo) -> list[OfficialsDataset]:
    return list(repo.session.exec(select(OfficialsDataset).order_by(col(OfficialsDataset.name))))


def members_of_zcta(repo: Repo, zcta: str) -> list[tuple[str, int, Legislator | None]]:
    """(state, district, its House member or None if vacant) per candidate district of a ZCTA."""
    rows = repo.session.exec(_MEMBERS_OF_ZCTA, params={"zcta": zcta})
    return [(state, district, found) for state, district, found in rows]


def senators(repo: Repo, state: str) -> list[Legislator]:
    return list(repo.session.exec(_SENATORS, params={"state": state}))


def seat_holder(repo: Repo, state: str, district: int) -> Legislator | None:
    """The House member for a seat (the first by bioguide id, should the data list two)."""
    return repo.session.exec(_SEAT_HOLDER, params={"state": state, "district": district}).first()


def legislator(repo: Repo, bioguide_id: str) -> Legislator | None:
    return repo.session.get(Legislator, bioguide_id)


def districts_of_state(repo: Repo, state: str) -> set[int]:
    """The House districts a state has, known from either dataset (territories are not in zccd)."""
    held = (
        select(col(Legislator.district))
        .distinct()
        .where(col(Legislator.state) == state, col(Legislator.chamber) == "rep")
    )
    zipped = select(col(ZipDistrict.district)).distinct().where(col(ZipDistrict.state) == state)
    found = {*repo.session.exec(held), *repo.session.exec(zipped)}
    return {int(district) for district in found if district is not None}


def chamber_counts(repo: Repo) -> dict[tuple[str, bool], int]:
    """{(chamber, in a territory or DC): count} of the loaded legislators."""
    territory = col(Legislator.state).in_(("DC", "PR", "AS", "GU", "MP", "VI"))
    query = select(col(Legislator.chamber), territory, func.count()).group_by(
        col(Legislator.chamber), territory
    )
    return {(chamber, bool(non_state)): n for chamber, non_state, n in repo.session.exec(query)}


def zip_counts(repo: Repo) -> tuple[int, int]:
    """(rows, distinct ZCTAs) of the ZIP table."""
    query = select(func.count(), func.count(func.distinct(col(ZipDistrict.zcta))))
    rows, zctas = repo.session.exec(query).one()
    return rows, zctas


def ended_terms(repo: Repo, today: date) -> int:
    """How many loaded members' terms ended before `today`: the data predates a change."""
    query = select(func.count()).select_from(Legislator).where(col(Legislator.term_end) < today)
    return repo.session.exec(query).one()


def seats_without_member(repo: Repo) -> list[tuple[str, int]]:
    """House seats the ZIP data has but no loaded member holds (vacancies, or stale data)."""
    query = (
        select(col(ZipDistrict.state), col(ZipDistrict.district))
        .distinct()
        .outerjoin(Legislator, _holds_the_seat())
        .where(col(Legislator.bioguide_id).is_(None))
        .order_by(col(ZipDistrict.state), col(ZipDistrict.district))
    )
    return [(state, district) for state, district in repo.session.exec(query)]
