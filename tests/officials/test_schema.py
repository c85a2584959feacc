"""Migration 0003 adds the officials tables beside existing data, and can be undone."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect, text

from bot.officials.datasets import import_files
from bot.officials.lookup import resolve_zip
from bot.store import Store
from bot.store.db import create_db_engine
from bot.store.migrate import alembic_config, upgrade
from tests.officials.conftest import FIXTURES

OFFICIALS_TABLES = {"legislator", "zip_district", "officials_dataset"}


def test_0003_keeps_supporters_and_downgrades_cleanly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    engine = create_db_engine(url, migrate=False)
    upgrade(engine, "0002")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO supporter (telegram_id, public_id, opted_in, offered_updates, "
                "blocked, created_at, updated_at) VALUES (7, 'abc', 0, 0, 0, '2026-01-01', "
                "'2026-01-01')"
            )
        )
    upgrade(engine)
    assert set(inspect(engine).get_table_names()) >= OFFICIALS_TABLES
    indexes = {i["name"] for i in inspect(engine).get_indexes("legislator")}
    assert "ix_legislator_seat" in indexes

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0002")
    assert not OFFICIALS_TABLES & set(inspect(engine).get_table_names())
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT telegram_id FROM supporter")).scalars().all() == [7]
    engine.dispose()

    store = Store.from_url(url)
    try:
        import_files(store, [FIXTURES / "zccd-small.csv"])
        assert store.call(resolve_zip, "85215").states == ("AZ",)
    finally:
        store.close()
