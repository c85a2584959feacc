"""PAID_BROADCASTS: off unless asked for, since every message beyond the free rate costs Stars."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No PAID_BROADCASTS in the environment and no `.env` in the (empty) cwd."""
    monkeypatch.setenv("PAID_BROADCASTS", "")  # recorded, so whatever load_dotenv sets is undone
    monkeypatch.delenv("PAID_BROADCASTS")
    monkeypatch.chdir(tmp_path)


def test_paid_broadcasts_are_off_by_default() -> None:
    assert Settings(token=None).paid_broadcasts is False
    assert load_settings().paid_broadcasts is False


@pytest.mark.parametrize(
    ("raw", "paid"),
    [("true", True), (" TRUE ", True), ("1", True), ("yes", True), ("on", True),
     ("false", False), ("0", False), ("no", False), ("off", False), ("", False)],
)  # fmt: skip
def test_paid_broadcasts_setting(monkeypatch: pytest.MonkeyPatch, raw: str, paid: bool) -> None:
    monkeypatch.setenv("PAID_BROADCASTS", raw)
    assert load_settings().paid_broadcasts is paid


def test_paid_broadcasts_from_the_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / "bot.env"
    env_file.write_text("PAID_BROADCASTS=true\n", encoding="utf-8")
    assert load_settings(env_file).paid_broadcasts is True


@pytest.mark.parametrize("raw", ["maybe", "tru", "2", "paid"])
def test_anything_else_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("PAID_BROADCASTS", raw)
    with pytest.raises(ConfigError) as error:
        load_settings()
    message = str(error.value)
    assert "\n" not in message and "PAID_BROADCASTS" in message and repr(raw) in message
