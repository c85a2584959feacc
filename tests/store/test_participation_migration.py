"""Revision 0014 carries a database made by the previous schema (one campaign per bot) into
campaigns per supporter: every letter, draft, broadcast and delivery stays, and each supporter's
source, referrer and opt-in move to the campaigns they took part in, nothing lost. Run on a
copy of the old database (SQLite) or in place (PostgreSQL), and back down again."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import make_url, text
from sqlalchemy.engine import Connection

from bot.store.db import create_db_engine
from bot.store.migrate import downgrade, upgrade

WHEN = datetime(2025, 6, 1, 12, tzinfo=UTC)
TABLES = ("supporter", "draft", "letter", "letter_demand", "broadcast", "broadcast_delivery")


def _insert(connection: Connection, table: str, **values: Any) -> int:
    names = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    statement = f"INSERT INTO {table} ({names}) VALUES ({marks}) RETURNING id"  # noqa: S608
    return int(connection.execute(text(statement), values).scalar_one())


def _supporter(connection: Connection, telegram_id: int, **values: Any) -> int:
    defaults: dict[str, Any] = {
        "opted_in": False,
        "offered_updates": False,
        "blocked": False,
        "street_asked": False,
        "public_id": f"pub{telegram_id}",
        "created_at": WHEN,
        "updated_at": WHEN,
    }
    return _insert(connection, "supporter", telegram_id=telegram_id, **(defaults | values))


def _draft(connection: Connection, supporter_id: int, campaign_id: str) -> int:
    return _insert(
        connection,
        "draft",
        supporter_id=supporter_id,
        campaign_id=campaign_id,
        status="done",
        state="{}",
        revision=3,
        created_at=WHEN,
        updated_at=WHEN,
    )


def _letter(connection: Connection, supporter_id: int, draft_id: int, campaign_id: str) -> int:
    letter_id = _insert(
        connection,
        "letter",
        campaign_id=campaign_id,
        supporter_id=supporter_id,
        draft_id=draft_id,
        target_id="president",
        demands="sanctions",
        variant="standard/letter",
        wording=0,
        body="Dear Mr. President, ...",
        score=0.5,
        edited=False,
        created_at=WHEN,
        sent_at=WHEN,
    )
    connection.execute(
        text("INSERT INTO letter_demand (letter_id, demand_id) VALUES (:l, 'sanctions')"),
        {"l": letter_id},
    )
    return letter_id


def _seed(connection: Connection) -> dict[str, int]:
    """Ani came from an op-ed link and opted in; Bob came through her invite and wrote in two
    campaigns (the bot's, and an earlier one); Cy never wrote; one broadcast reached Ani."""
    ani = _supporter(connection, 11, source="op-ed", opted_in=True, offered_updates=True)
    bob = _supporter(connection, 12, source="referral", referrer_id=ani)
    cy = _supporter(connection, 13, source="flyer")
    for supporter, campaign in ((ani, "lachin"), (bob, "earlier"), (bob, "lachin")):
        _letter(connection, supporter, _draft(connection, supporter, campaign), campaign)
    broadcast = _insert(
        connection,
        "broadcast",
        campaign_id="lachin",
        text="News",
        created_by=1,
        status="done",
        recipients=1,
        delivered=1,
        blocked=0,
        failed=0,
        created_at=WHEN,
    )
    _insert(
        connection,
        "broadcast_delivery",
        broadcast_id=broadcast,
        supporter_id=ani,
        status="sent",
        updated_at=WHEN,
    )
    return {"ani": ani, "bob": bob, "cy": cy}


def _counts(connection: Connection) -> dict[str, int]:
    return {
        table: int(connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())  # noqa: S608
        for table in TABLES
    }


def _participation(connection: Connection) -> set[tuple[Any, ...]]:
    rows = connection.execute(
        text(
            "SELECT supporter_id, campaign_id, source, referrer_id, opted_in, offered_updates "
            "FROM participation"
        )
    )
    return {(s, c, src, ref, bool(opt), bool(off)) for s, c, src, ref, opt, off in rows}


def test_an_old_database_moves_into_campaigns_with_nothing_lost(
    new_database_url: Callable[..., str],
) -> None:
    old_url = new_database_url(migrated=False)
    old = create_db_engine(old_url, migrate=False)
    upgrade(old, "0013")
    with old.begin() as connection:
        ids = _seed(connection)
        before = _counts(connection)
    old.dispose()  # SQLite: the last connection's close writes the WAL back into the file
    url = old_url
    database = make_url(old_url).database
    if make_url(old_url).get_backend_name() == "sqlite" and database:
        copy = database.replace(".db", "-copy.db")
        shutil.copyfile(database, copy)  # the old file stays as it was, a backup
        url = make_url(old_url).set(database=copy).render_as_string(hide_password=False)

    engine = create_db_engine(url)  # migrates to the newest revision
    ani, bob, cy = ids["ani"], ids["bob"], ids["cy"]
    with engine.connect() as connection:
        assert _counts(connection) == before
        assert _participation(connection) == {
            (ani, "lachin", "op-ed", None, True, True),
            (bob, "earlier", "referral", ani, False, False),
            (bob, "lachin", "referral", ani, False, False),
            (cy, "lachin", "flyer", None, False, False),  # the campaign the bot served
        }
        current = dict(connection.execute(text("SELECT id, campaign_id FROM supporter")).all())
        assert current == {ani: "lachin", bob: "lachin", cy: None}

    downgrade(engine, "0013")
    with engine.connect() as connection:
        back = connection.execute(
            text("SELECT id, source, referrer_id, opted_in FROM supporter ORDER BY id")
        ).all()
        assert [(i, s, r, bool(o)) for i, s, r, o in back] == [
            (ani, "op-ed", None, True),
            (bob, "referral", ani, False),
            (cy, "flyer", None, False),
        ]
        assert _counts(connection) == before
    engine.dispose()
