"""`campaign-bot officials import | status | update`: mounted on the real campaign-bot parser,
as bot/cli.py will mount it; failures end in one line and exit status 2."""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from bot import cli
from bot.config import load_settings
from bot.officials.cli import add_officials_commands
from bot.officials.cli import main as officials_main
from tests.officials.conftest import FIXTURES


@pytest.fixture(autouse=True)
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_BASE_URL", "ADMIN_IDS", "CAMPAIGN"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "cli.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.chdir(tmp_path)  # no .env here
    return path


def campaign_bot(argv: Sequence[str]) -> int:
    """`campaign-bot ARGS` with the officials commands added to bot.cli's own parser."""
    parser = cli.build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    if "officials" not in action.choices:  # until bot/cli.py mounts them itself
        add_officials_commands(action)
    args = parser.parse_args(argv)
    return int(args.func(args, load_settings()))


def test_import_then_status(capsys: pytest.CaptureFixture[str]) -> None:
    code = campaign_bot(
        [
            "officials",
            "import",
            str(FIXTURES / "legislators-small.json"),
            str(FIXTURES / "zccd-malformed.csv"),
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0
    assert out.splitlines() == [
        "legislators-small.json: imported 11 legislators (json)",
        "zccd-malformed.csv: imported 12 ZIP→district rows (csv), skipped 1 malformed record(s)",
    ]
    assert err == "  skipped: zccd-malformed.csv line 5: zcta 'ABCDE' is not a 5-digit ZIP code\n"

    assert campaign_bot(["officials", "status"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("legislators: 4 senators, 4 representatives, 3 delegates; from")
    assert lines[1].startswith("ZIP→district: 8 ZIP codes (ZCTAs), 12 candidate rows; from")
    assert lines[2] == "House seats with no member in the data (vacant?): AZ-2, UT-3"


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (["empty.csv"], "campaign-bot officials: empty.csv is empty\n"),
        (
            ["legislators-small.json", "zccd-header-only.csv"],
            "campaign-bot officials: zccd-header-only.csv has no usable zccd rows\n",
        ),
    ],
)
def test_a_failed_import_is_one_line_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], files: list[str], message: str
) -> None:
    code = campaign_bot(["officials", "import", *(str(FIXTURES / f) for f in files)])
    out, err = capsys.readouterr()
    assert (code, out, err) == (2, "", message)
    assert campaign_bot(["officials", "status"]) == 0
    assert "note: no legislators loaded" in capsys.readouterr().out


def test_too_many_malformed_records_can_be_allowed(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(FIXTURES / "legislators-malformed.json")
    assert campaign_bot(["officials", "import", path]) == 2
    assert "2 of 5 records are malformed (more than 10%)" in capsys.readouterr().err
    assert campaign_bot(["officials", "import", "--max-bad", "0.5", path]) == 0
    out, err = capsys.readouterr()
    assert out == (
        "legislators-malformed.json: imported 3 legislators (json), skipped 2 malformed record(s)\n"
    )
    assert err.count("  skipped: legislators-malformed.json record") == 2


def test_update_from_a_local_server(capsys: pytest.CaptureFixture[str], server: str) -> None:
    code = campaign_bot(
        [
            "officials",
            "update",
            "--legislators-url",
            f"{server}/legislators-small.csv",
            "--zccd-url",
            f"{server}/zccd-small.csv",
        ]
    )
    assert code == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{server}/legislators-small.csv: imported 12 legislators (csv)",
        f"{server}/zccd-small.csv: imported 12 ZIP→district rows (csv)",
    ]
    assert officials_main(["officials", "status"]) == 0  # the stand-alone entry point too
    assert f"from {server}/zccd-small.csv (csv), file dated 2026-06-15" in capsys.readouterr().out


def test_a_failed_update_is_one_line(capsys: pytest.CaptureFixture[str], server: str) -> None:
    code = campaign_bot(
        ["officials", "update", "--legislators-url", f"{server}/gone.json", "--zccd-url", server]
    )
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert (
        err
        == f"campaign-bot officials: cannot download {server}/gone.json: HTTP 404 File not found\n"
    )


def test_a_bad_database_url_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "nosuchdriver://x")
    assert campaign_bot(["officials", "status"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("campaign-bot officials: DATABASE_URL 'nosuchdriver://x' cannot be used")
    assert err.count("\n") == 1


def test_officials_needs_a_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        campaign_bot(["officials"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "the following arguments are required: {import,status,update}" in err
    assert err.count("\n") == 1  # bot.cli's parser class: one line, not the usage block


def test_mounting_the_commands_keeps_campaign_bot_help_light() -> None:
    """bot.cli keeps SQLAlchemy out of `--help` and `preview`; the officials commands too."""
    code = (
        "import sys, bot.cli, bot.officials.cli; "
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'zipcodes') if m in sys.modules))"
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


def test_the_package_exports_resolve() -> None:
    import bot.officials

    for name in bot.officials.__all__:
        assert getattr(bot.officials, name) is not None, name
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        _ = bot.officials.nope  # type: ignore[attr-defined]
