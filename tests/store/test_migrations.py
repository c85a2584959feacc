"""Alembic migrations build exactly the schema the models describe, and upgrade old data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from bot.store import (
    Letter,
    Store,
    Supporter,
    models,  # noqa: F401
)
from bot.store.db import create_db_engine
from bot.store.migrate import alembic_config, downgrade, upgrade


def test_migrations_match_the_models(database_url: str) -> None:
    engine = create_db_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert diff == []


def test_every_migration_downgrades_and_upgrades_again(
    new_database_url: Callable[..., str],
) -> None:
    engine = create_db_engine(new_database_url(migrated=False))
    upgrade(engine)
    downgrade(engine, "base")
    with engine.connect() as connection:
        assert inspect(connection).get_table_names() == ["alembic_version"]
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
    engine.dispose()


def test_long_demand_lists_and_variants_fit(tmp_store: Store) -> None:
    """On PostgreSQL these were VARCHAR(255) and VARCHAR(128): a campaign with many demands
    failed at the supporter's last step (StringDataRightTruncation)."""
    demands = ",".join(f"demand-{i:03d}-long-slug-x" for i in range(40))  # 24-char slugs
    variant = "campaigns/" + "nested-folder/" * 20 + "letter"
    supporter = tmp_store.call(lambda repo: repo.add_supporter(Supporter(telegram_id=5))[0].id)
    letter = Letter(
        campaign_id="c", supporter_id=supporter, target_id="t", demands=demands, variant=variant
    )
    stored = tmp_store.call(lambda repo: repo.add_letter(letter).id)
    row = tmp_store.query(lambda repo: repo.session.get(Letter, stored))
    assert row is not None and row.demands == demands and row.variant == variant
    assert len(demands) > 255 and len(variant) > 128


# SQLite only: these seed an old schema with SQLite's literals (0 for false, text dates).


def test_upgrade_keeps_old_data_gives_pseudonyms_and_backfills_demands(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'old.db'}", migrate=False)
    upgrade(engine, "0001")
    with engine.begin() as connection:
        for telegram_id in (11, 12):
            connection.execute(
                text(
                    "INSERT INTO supporter (telegram_id, opted_in, blocked, created_at, "
                    "updated_at) VALUES (:t, 0, 0, '2026-01-01', '2026-01-01')"
                ),
                {"t": telegram_id},
            )
        connection.execute(
            text(
                "INSERT INTO letter (campaign_id, supporter_id, target_id, demands, variant, "
                "wording, body, personal_chars, score, edited, created_at) VALUES "
                "('c', 1, 'president', 'sanctions,aid', 'v', 0, 'b', 0, 0, 0, '2026-01-01')"
            )
        )
    upgrade(engine, "0013")  # the revision before updates became a campaign's (0014)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT telegram_id, public_id, offered_updates FROM supporter")
        ).all()
    assert [r[0] for r in rows] == [11, 12]
    assert all(r[1] for r in rows) and rows[0][1] != rows[1][1]
    assert all(r[2] in (0, False) for r in rows)
    with engine.connect() as connection:
        demands = connection.execute(
            text("SELECT demand_id FROM letter_demand ORDER BY demand_id")
        ).scalars()
        assert list(demands) == ["aid", "sanctions"]  # old letters backfilled


def test_upgrading_twice_is_a_no_op(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'twice.db'}"
    create_db_engine(url)
    engine = create_db_engine(url)  # runs the migrations again: nothing to do
    with engine.connect() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert version is not None and version == head
