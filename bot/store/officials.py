"""Queries of the officials directory; the only SQL of the officials package.

Imports replace a whole dataset inside the caller's transaction: DELETE then a bulk INSERT
(executemany), so readers see the old rows until the commit and a failure rolls everything
back. A ZIP reads its candidate districts in one indexed query; the members come from
`bot.officials.roster`, which reads them all once per import.
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


# The two reads of every ZIP lookup are built once, not per call: bench/officials_bench.py (one
# Store.run per lookup, same machine) ran 2,090-2,170 lookups/s prebuilt against 1,400-1,430/s
# built per call; building and keying a statement cost more than running it.
_DISTRICTS_OF_ZCTA = (
    select(col(ZipDistrict.state), col(ZipDistrict.district))
    .where(col(ZipDistrict.zcta) == bindparam("zcta"))
    .order_by(col(ZipDistrict.state), col(ZipDistrict.district))
)
_LEGISLATORS_STAMP = select(col(OfficialsDataset.imported_at), col(OfficialsDataset.sha256)).where(
    col(OfficialsDataset.name) == LEGISLATORS
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


def districts_of_zcta(repo: Repo, zcta: str) -> list[tuple[str, int]]:
    """(state, district) per candidate district of a ZCTA."""
    rows = repo.session.exec(_DISTRICTS_OF_ZCTA, params={"zcta": zcta})
    return [(state, district) for state, district in rows]


def legislators_stamp(repo: Repo) -> tuple[Any, str] | None:
    """When and what the legislators were last imported from; None before any import."""
    found = repo.session.exec(_LEGISLATORS_STAMP).first()
    return None if found is None else (found[0], found[1])


def all_legislators(repo: Repo) -> list[Legislator]:
    """Every loaded member, as rows that belong to no session (kept in memory between them)."""
    rows = repo.session.execute(select(*_TABLES[LEGISLATORS].__table__.columns))
    return [Legislator(**row._mapping) for row in rows]


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
