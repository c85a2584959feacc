"""Inserting a row that a unique constraint allows only once: the double tap, or two instances
racing. The database decides; the loser gets the winner's row."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

Row = TypeVar("Row")


def insert_once(session: Session, row: Row, existing: Callable[[], Row | None]) -> tuple[Row, bool]:
    """Insert `row` under a savepoint (True), or, when a unique constraint refuses it, the row
    `existing` finds (False): the one another transaction inserted first."""
    try:
        with session.begin_nested():
            session.add(row)
        return row, True
    except IntegrityError:
        found = existing()
        if found is None:
            raise
        return found, False
