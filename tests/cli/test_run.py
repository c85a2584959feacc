"""`campaign-bot run`: start-up warnings, and Telegram refusing the bot, or out of reach, as one
line without the token."""

from __future__ import annotations

import asyncio
import re
import socket
import sys
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

import bot.cli.run
from bot.campaign import find_campaign, load_campaign
from bot.campaign.freshness import stale_items
from bot.cli import main
from tests.fakes.telegram_api import FakeTelegram

BUNDLED = load_campaign(find_campaign(None))

pytestmark = pytest.mark.usefixtures("database_file")

LOG_LINE = re.compile(r"\d{4}-\d\d-\d\d [\d:,]+ (INFO|WARNING) [\w.]+: ")


@pytest.fixture
def run_fails(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    bot_token: str,
) -> Callable[..., tuple[list[str], str]]:
    """Run the bot against a base URL; its log lines (one per record) and the line it ends with."""

    def run(base_url: str, *args: str) -> tuple[list[str], str]:
        monkeypatch.setenv("TELEGRAM_BASE_URL", base_url)
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)  # run_polling closes its loop: each run needs its own
        try:
            assert main(["run", *args]) == 2
        finally:
            asyncio.set_event_loop(None)
            loop.close()
        err = capsys.readouterr().err
        assert bot_token not in err and bot_token.split(":")[1] not in err
        assert "Traceback" not in err
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
    monkeypatch.setattr(bot.cli.run, "STARTUP_RETRIES", 1)  # 1.5 s before the retry
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
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    bot_token: str,
) -> None:
    class Broken:
        def run_polling(self, **_kwargs: object) -> None:
            raise RuntimeError(f"unexpected answer from /bot{bot_token}/getUpdates")

    monkeypatch.setattr(bot.cli.run, "build_application", lambda *_a, **_k: Broken())
    with pytest.raises(RuntimeError) as info:
        main(["run"])
    sys.excepthook(info.type, info.value, info.tb)  # as Python does when it leaves main()
    err = capsys.readouterr().err
    assert "RuntimeError: unexpected answer from /bot[REDACTED]/getUpdates" in err
    assert bot_token.split(":")[1] not in err


@pytest.mark.usefixtures("bot_token")
def test_stale_dates_are_one_warning_each_at_start_up(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class Polling:
        def run_polling(self, **_kwargs: object) -> None:
            """Stands in for the real bot: start-up is done by the time it would poll."""

    monkeypatch.setattr(bot.cli.run, "build_application", lambda *_a, **_k: Polling())
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
