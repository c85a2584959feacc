"""The command line: organizers proof letters with `preview`; bad settings end in one line."""

from __future__ import annotations

import asyncio
import re
import socket
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.campaign import find_campaign, load_campaign
from bot.campaign.freshness import stale_items
from bot.cli import main
from tests.fakes.telegram_api import FakeTelegram
from tests.logstate import saved_logging
from tests.support import FIXTURES_DIR, LIBRARY_CAMPAIGN, campaign_toml

OFFICIALS = FIXTURES_DIR / "officials"
BUNDLED = load_campaign(find_campaign(None))

TOKEN = "123456:abcdefghijklmnopqrstuvwxyz"


@pytest.fixture(autouse=True)
def keep_logging() -> Iterator[None]:
    """`run` installs its log handler on stderr, which capsys closes after the test."""
    with saved_logging():
        yield


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_BASE_URL",
        "DATABASE_URL",
        "ADMIN_IDS",
        "CAMPAIGN",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env here, and not the repository


def test_preview_prints_every_variant_for_a_target(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["preview", "--target", "secstate", "--all-variants", "--name", "Անի {{ 7*7 }}"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.count("===== to The Secretary of State") == 3
    assert out.count("Dear Mr. Secretary:") == 3
    assert "Անի {{ 7*7 }}" in out and "49" not in out


def test_preview_works_for_another_campaign(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["preview", "--campaign", str(LIBRARY_CAMPAIGN)])
    out = capsys.readouterr().out
    assert code == 0
    assert "Azerbaijan" not in out and "===== to" in out


def test_preview_names_the_targets_when_one_is_unknown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", "--target", "nobody"]) == 2
    err = capsys.readouterr().err
    assert "president" in err and "secstate" in err


@pytest.mark.parametrize(("url", "expected"), [
    ("postgresql+psycopg2://u:secret@localhost/db", 'pip install -e ".[postgres]"'),
    ("postgresql+psycopg://u:secret@127.0.0.1:1/db", "cannot open the database"),
    ("postgresql+psycopg://u@127.0.0.1:1/db?password=secret", "cannot open the database"),
    ("nosuchdialect://x", "cannot be used"),
    ("no such dialect://u:secret@h/db", "cannot be used"),
    ("no such dialect://u:p@secret@h/db", "cannot be used"),
    ("postgresql+psycopg://u:secret@h:port/db", "cannot be used"),
    (
        "sqlite:////proc/no/such/folder/x.db",
        "the folder /proc/no/such/folder does not exist; create it or fix DATABASE_URL",
    ),
    ("not a url", "must be a SQLAlchemy URL"),
])  # fmt: skip
def test_unusable_database_url_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], url: str, expected: str
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "secret" not in err  # passwords are hidden


def test_unknown_campaign_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("CAMPAIGN", "no-such-campaign")
    assert main(["run"]) == 2
    assert "bundled: lachin-2023" in capsys.readouterr().err


def test_a_campaign_file_not_in_utf8_is_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "notepad.toml"
    path.write_bytes(("# Café\n" + campaign_toml()).encode("cp1252"))
    expected = f"{path}:1: not UTF-8 text: save it as UTF-8"
    assert main(["check", str(path)]) == 2
    assert capsys.readouterr().err.startswith(f"error: {expected}")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("CAMPAIGN", str(path))
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"campaign-bot: {expected}") and err.count("\n") == 1


# run: Telegram refusing the bot, or out of reach, at start-up

LOG_LINE = re.compile(r"\d{4}-\d\d-\d\d [\d:,]+ (INFO|WARNING) [\w.]+: ")


@pytest.fixture
def run_fails(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> Callable[..., tuple[list[str], str]]:
    """Run the bot against a base URL; its log lines (one per record) and the line it ends with."""

    def run(base_url: str, *args: str) -> tuple[list[str], str]:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
        monkeypatch.setenv("TELEGRAM_BASE_URL", base_url)
        _database(monkeypatch, tmp_path)
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)  # run_polling closes its loop: each run needs its own
        try:
            assert main(["run", *args]) == 2
        finally:
            asyncio.set_event_loop(None)
            loop.close()
        err = capsys.readouterr().err
        assert TOKEN not in err and TOKEN.split(":")[1] not in err and "Traceback" not in err
        *logs, last = err.splitlines()
        assert all(LOG_LINE.match(line) for line in logs), err
        return logs, last

    return run


def test_a_rejected_token_is_one_line_without_the_token(
    run_fails: Callable[[str], tuple[list[str], str]],
) -> None:
    with FakeTelegram() as fake:
        fake.inject_error("getMe", error_code=401, description="Unauthorized")
        _, last = run_fails(fake.base_url)
    assert last == (
        "campaign-bot: Telegram rejected TELEGRAM_BOT_TOKEN (401 Unauthorized): it was revoked "
        "or mistyped; get a new token from @BotFather and set TELEGRAM_BOT_TOKEN."
    )


def test_a_wrong_base_url_is_one_line_saying_to_check_it(
    run_fails: Callable[[str], tuple[list[str], str]],
) -> None:
    with FakeTelegram() as fake:
        wrong = f"http://127.0.0.1:{fake.port}/bto"  # a typo: every path answers 404
        _, last = run_fails(wrong)
    assert last == (
        f"campaign-bot: TELEGRAM_BASE_URL {wrong} answered 404 Not Found, so the token was not "
        "checked: fix TELEGRAM_BASE_URL (Telegram's is https://api.telegram.org/bot)."
    )


@pytest.mark.parametrize("mode", ["polling", "webhook"])
def test_unreachable_telegram_is_retried_then_one_line(
    monkeypatch: pytest.MonkeyPatch, run_fails: Callable[..., tuple[list[str], str]], mode: str
) -> None:
    import bot.cli

    monkeypatch.setattr(bot.cli, "STARTUP_RETRIES", 1)  # 1.5 s before the retry
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    args: list[str] = []
    if mode == "webhook":
        monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.org/telegram")
        monkeypatch.setenv("WEBHOOK_SECRET", "s3cret-for-the-test")
        with socket.socket() as free:  # where the webhook server may listen
            free.bind(("127.0.0.1", 0))
            monkeypatch.setenv("WEBHOOK_PORT", str(free.getsockname()[1]))
        args = ["--webhook"]
    logs, last = run_fails(f"http://127.0.0.1:{port}/bot", *args)
    retries = [line for line in logs if "Telegram start-up attempt" in line]
    assert len(retries) == 1
    assert "Telegram start-up attempt 1 of 2 failed (" in retries[0]
    assert "WARNING" in retries[0]
    assert last.startswith(f"campaign-bot: cannot reach Telegram at http://127.0.0.1:{port}/bot (")
    assert last.endswith(
        "): check the internet connection, a proxy or firewall, and TELEGRAM_BASE_URL; "
        "then start again."
    )


def test_run_prints_uncaught_exceptions_without_the_token(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import bot.telegram.app

    class Broken:
        def run_polling(self, **_kwargs: object) -> None:
            raise RuntimeError(f"unexpected answer from /bot{TOKEN}/getUpdates")

    monkeypatch.setattr(bot.telegram.app, "build_application", lambda *_a, **_k: Broken())
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    _database(monkeypatch, tmp_path)
    with pytest.raises(RuntimeError) as info:
        main(["run"])
    sys.excepthook(info.type, info.value, info.tb)  # as Python does when it leaves main()
    err = capsys.readouterr().err
    assert "RuntimeError: unexpected answer from /bot[REDACTED]/getUpdates" in err
    assert TOKEN.split(":")[1] not in err


# check: is the campaign file usable, and which dates are old


def _database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A DATABASE_URL in tmp_path (the default would be the user's own data folder)."""
    path = tmp_path / "bot.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    return path


def test_check_lists_the_stale_dates_and_warns_with_status_0(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = _database(monkeypatch, tmp_path)
    assert main(["check", "lachin-2023", "--today", "2026-11-30"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("OK: ") and out[0].endswith(f" ({BUNDLED.id})")
    stale = [line for line in out if line.startswith("stale: ")]
    expected = stale_items(BUNDLED, date(2026, 11, 30))
    assert stale == [f"stale: {item.line}" for item in expected]
    assert len(stale) >= 3  # holders, channels, the "since then" note
    assert stale[0].startswith(
        "stale: The President: holder Donald J. Trump checked 2025-08-08 (479 days ago) — "
    )
    assert out[-1] == (
        f"officials directory: not loaded (no database at sqlite:///{database}): "
        "run `campaign-bot officials update`"
    )
    assert (
        len(out) == len(stale) + 2 and not database.exists()
    )  # looking does not create a database


def test_check_of_a_fresh_file_without_lookups(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _database(monkeypatch, tmp_path)
    path = tmp_path / "tiny.toml"
    path.write_text(campaign_toml(), encoding="utf-8")
    monkeypatch.setenv("CAMPAIGN", str(path))  # FILE defaults to CAMPAIGN
    assert main(["check", "--today", "2024-03-01"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "OK: A tiny test campaign (tiny)",
        "fresh: every date is within 180 days (stale_after_days)",
    ]  # no [[lookups]]: the officials directory does not matter to it


def test_check_of_a_broken_file_names_the_line_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _database(monkeypatch, tmp_path)
    path = tmp_path / "broken.toml"
    text = campaign_toml().replace('holder = "Holder of office"\n', "")
    path.write_text(text.replace("checked = 2024-02-03", "checked = 2024-13-01"), encoding="utf-8")
    assert main(["check", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"error: {path}: not valid TOML")
    path.write_text(text, encoding="utf-8")
    assert main(["check", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    header = text.splitlines().index("[[targets]]") + 1  # a missing key: its table's line
    assert captured.err.splitlines() == [
        f"error: {path}:{header}: targets[0].holder: Field required"
    ]


def test_check_reports_the_directory_age_and_warnings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.officials import import_files
    from bot.store import Store

    database = _database(monkeypatch, tmp_path)
    store = Store.from_url(f"sqlite:///{database}")
    try:
        import_files(store, [OFFICIALS / "legislators-small.json", OFFICIALS / "zccd-small.csv"])
    finally:
        store.close()
    imported = datetime.now(UTC).date()
    later = imported + timedelta(days=400)
    assert main(["check", "--today", later.isoformat()]) == 0
    directory = [
        line for line in capsys.readouterr().out.splitlines() if line.startswith("officials")
    ]
    assert directory[0] == (
        f"officials directory: imported {imported} (400 days ago), older than 180 days: "
        "run `campaign-bot officials update`"
    )
    assert any("have a term that ended before" in line for line in directory[1:])


def test_check_never_fails_because_of_the_database(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:secret@localhost/db")
    assert main(["check", "--today", "2026-11-30"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1].startswith("officials directory: not checked: ")
    assert "secret" not in out


def test_stale_dates_are_one_warning_each_at_start_up(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import bot.telegram.app

    class Polling:
        def run_polling(self, **_kwargs: object) -> None:
            """Stands in for the real bot: start-up is done by the time it would poll."""

    monkeypatch.setattr(bot.telegram.app, "build_application", lambda *_a, **_k: Polling())
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    _database(monkeypatch, tmp_path)
    assert main(["run"]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if " WARNING " in line]
    stale = stale_items(BUNDLED, datetime.now(UTC).date())
    assert len(warnings) == len(stale) + 1  # and the empty officials directory
    assert (
        "WARNING bot: stale: The President: holder Donald J. Trump checked 2025-08-08"
        in (warnings[0])
    )
    assert warnings[-1].endswith(
        "WARNING bot: officials directory: not loaded: run `campaign-bot officials update` "
        "to find supporters' own members of Congress"
    )
