"""A SQLite DATABASE_URL in a folder that does not exist is a typo, refused in one line; only the
default database's folder is the bot's to create."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.config import ConfigError, default_database_url
from bot.store import create_db_engine


def test_a_missing_folder_is_refused_and_not_created(tmp_path: Path) -> None:
    folder = tmp_path / "typo" / "deeper"
    with pytest.raises(ConfigError) as info:
        create_db_engine(f"sqlite:///{folder / 'bot.db'}")
    assert str(info.value) == (
        f"DATABASE_URL sqlite:///{folder / 'bot.db'}: the folder {folder} does not exist; "
        "create it or fix DATABASE_URL."
    )
    assert not (tmp_path / "typo").exists()


def test_the_default_database_folder_is_created(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # platformdirs' user data dir
    url = default_database_url()
    path = Path(make_url(url).database or "")
    assert path.is_relative_to(tmp_path) and not path.parent.exists()
    engine = create_db_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert path.is_file()
    finally:
        engine.dispose()


@pytest.mark.parametrize("database", ["", "/:memory:"])
def test_memory_databases_need_no_folder(database: str) -> None:
    create_db_engine(f"sqlite://{database}").dispose()
