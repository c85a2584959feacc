"""Queries of the officials directory; the only SQL of the officials module.

Imports replace a whole dataset inside the caller's transaction: DELETE then a bulk INSERT
(executemany), so readers see the old rows until the commit and a failure rolls everything
back. The lookups are prebuilt statements on the hot path of the letter flow: a ZIP reads its
candidate districts joined to their members in one indexed query.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import CompoundSelect, Row, and_, bindparam, delete, func, insert, union
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from bot.store.models import Legislator, OfficialsDataset, ZipDistrict
from bot.store.repo import Repo

LEGISLATORS = "legislators"
ZCCD = "zccd"

# Every column of a legislator, under its own name: rows map straight onto a Member.
_MEMBER_COLUMNS = tuple(col(column) for column in Legislator.__table__.columns)  # type: ignore[attr-defined]

# A House member holding the seat of a ZIP's candidate district.
_HOLDS_THE_SEAT = and_(
    col(Legislator.state) == ZipDistrict.state,
    col(Legislator.chamber) == "rep",
    col(Legislator.district) == ZipDistrict.district,
)

_BY_ZCTA = (
    sa_select(
        col(ZipDistrict.state).label("zip_state"),
        col(ZipDistrict.district).label("zip_district"),
        *_MEMBER_COLUMNS,
    )
    .select_from(ZipDistrict)
    .outerjoin(
        Legislator,
        _HOLDS_THE_SEAT,
    )
    .where(col(ZipDistrict.zcta) == bindparam("zcta"))
    .order_by(col(ZipDistrict.state), col(ZipDistrict.district), col(Legislator.bioguide_id))
)
_SENATORS = (
    sa_select(*_MEMBER_COLUMNS)
    .where(col(Legislator.state) == bindparam("state"), col(Legislator.chamber) == "sen")
    .order_by(col(Legislator.last_name), col(Legislator.first_name))
)
_SEAT = (
    sa_select(*_MEMBER_COLUMNS)
    .where(
        col(Legislator.state) == bindparam("state"),
        col(Legislator.chamber) == "rep",
        col(Legislator.district) == bindparam("district"),
    )
    .order_by(col(Legislator.bioguide_id))
)
_MEMBER = sa_select(*_MEMBER_COLUMNS).where(col(Legislator.bioguide_id) == bindparam("bioguide"))
# The House districts a state has, known from either dataset (territories are not in zccd).
_DISTRICTS_OF_STATE: CompoundSelect[Any] = union(
    sa_select(col(Legislator.district).label("district")).where(
        col(Legislator.state) == bindparam("state"),
        col(Legislator.chamber) == "rep",
    ),
    sa_select(col(ZipDistrict.district).label("district")).where(
        col(ZipDistrict.state) == bindparam("state")
    ),
)


def replace_dataset(
    repo: Repo, name: str, rows: Sequence[Mapping[str, Any]], meta: Mapping[str, Any]
) -> None:
    """Swap dataset `name` for `rows` and record `meta`, within the caller's transaction."""
    table: Any = {LEGISLATORS: Legislator, ZCCD: ZipDistrict}[name]
    connection = repo.session.connection()
    connection.execute(delete(table))
    if rows:
        connection.execute(insert(table), list(rows))
    connection.execute(delete(OfficialsDataset).where(col(OfficialsDataset.name) == name))
    connection.execute(insert(OfficialsDataset), [{**meta, "name": name}])


def datasets(repo: Repo) -> list[OfficialsDataset]:
    return list(repo.session.exec(select(OfficialsDataset).order_by(col(OfficialsDataset.name))))


def chamber_counts(repo: Repo) -> dict[tuple[str, bool], int]:
    """{(chamber, in a territory or DC): count} of the loaded legislators."""
    territory = col(Legislator.state).in_(("DC", "PR", "AS", "GU", "MP", "VI"))
    rows = repo.session.connection().execute(
        sa_select(col(Legislator.chamber), territory, func.count()).group_by(
            col(Legislator.chamber), territory
        )
    )
    return {(str(chamber), bool(non_state)): int(n) for chamber, non_state, n in rows}


def zip_counts(repo: Repo) -> tuple[int, int]:
    """(rows, distinct ZCTAs) of the ZIP table."""
    row = (
        repo.session.connection()
        .execute(sa_select(func.count(), func.count(func.distinct(col(ZipDistrict.zcta)))))
        .one()
    )
    return int(row[0]), int(row[1])


def ended_terms(repo: Repo, today: date) -> int:
    """How many loaded members' terms ended before `today`: the data predates a change."""
    return int(
        repo.session.connection()
        .execute(sa_select(func.count()).where(col(Legislator.term_end) < today))
        .scalar_one()
    )


def seats_without_member(repo: Repo) -> list[tuple[str, int]]:
    """House seats the ZIP data has but no loaded member holds (vacancies, or stale data)."""
    seats = (
        sa_select(col(ZipDistrict.state), col(ZipDistrict.district))
        .distinct()
        .outerjoin(
            Legislator,
            _HOLDS_THE_SEAT,
        )
        .where(col(Legislator.bioguide_id).is_(None))
        .order_by(col(ZipDistrict.state), col(ZipDistrict.district))
    )
    return [(str(s), int(d)) for s, d in repo.session.connection().execute(seats)]


def members_of_zcta(repo: Repo, zcta: str) -> list[Row[Any]]:
    """(zip_state, zip_district, member columns...) per candidate; member columns None if vacant."""
    return list(repo.session.connection().execute(_BY_ZCTA, {"zcta": zcta}))


def senator_rows(repo: Repo, state: str) -> list[Row[Any]]:
    return list(repo.session.connection().execute(_SENATORS, {"state": state}))


def seat_rows(repo: Repo, state: str, district: int) -> list[Row[Any]]:
    return list(repo.session.connection().execute(_SEAT, {"state": state, "district": district}))


def member_row(repo: Repo, bioguide_id: str) -> Row[Any] | None:
    return repo.session.connection().execute(_MEMBER, {"bioguide": bioguide_id}).first()


def districts_of_state(repo: Repo, state: str) -> set[int]:
    rows: Iterable[Row[Any]] = repo.session.connection().execute(
        _DISTRICTS_OF_STATE, {"state": state}
    )
    return {int(row[0]) for row in rows if row[0] is not None}


__all__ = [
    "LEGISLATORS",
    "ZCCD",
    "chamber_counts",
    "datasets",
    "districts_of_state",
    "ended_terms",
    "member_row",
    "members_of_zcta",
    "replace_dataset",
    "seat_rows",
    "seats_without_member",
    "senator_rows",
    "zip_counts",
]
