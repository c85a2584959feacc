"""The entry point: a problem with the settings or the campaign ends in one line and status 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from tests.support import campaign_toml


@pytest.mark.usefixtures("bot_token")
def test_unknown_campaign_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CAMPAIGN", "no-such-campaign")
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "CAMPAIGN='no-such-campaign' is not a campaign" in err
    assert "(there: lachin-2023)" in err and len(err.splitlines()) == 1


@pytest.mark.usefixtures("bot_token")
def test_a_campaign_file_not_in_utf8_is_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "notepad.toml"
    path.write_bytes(("# Café\n" + campaign_toml()).encode("cp1252"))
    expected = f"{path}:1: not UTF-8 text: save it as UTF-8"
    assert main(["check", str(path)]) == 2
    assert capsys.readouterr().err.startswith(f"error: {expected}")
    monkeypatch.setenv("CAMPAIGN", str(path))
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"campaign-bot: {expected}") and err.count("\n") == 1
