"""The token never reaches a log line: messages, arguments and tracebacks are redacted; start-up
is a few readable lines (retries, migrations), not walls of text."""

from __future__ import annotations

import asyncio
import io
import logging
import sys
import threading
from collections.abc import Callable, Iterator

import pytest
from telegram.error import TimedOut
from telegram.ext._utils.networkloop import network_retry_loop

from bot.logsetup import REDACTED, RedactingFilter, install_excepthooks, setup_logging
from bot.store import create_db_engine
from tests.logstate import saved_logging

TOKEN = "7654321:AAH-secret-part-of-the-token_0123456789"


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    with saved_logging():
        yield


def capture(level: int) -> io.StringIO:
    """Set up logging at `level`, writing to the returned stream."""
    setup_logging(level, secrets=[TOKEN])
    stream = io.StringIO()
    handler = logging.getLogger().handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    return stream


@pytest.fixture
def captured() -> io.StringIO:
    return capture(logging.DEBUG)


def test_token_in_message_and_arguments_is_redacted(captured: io.StringIO) -> None:
    log = logging.getLogger("telegram.Bot")
    log.debug("Set Bot API URL: %s", f"https://api.telegram.org/bot{TOKEN}")
    log.info(f"calling https://host/bot{TOKEN}/getMe")
    output = captured.getvalue()
    assert "secret-part" not in output
    assert output.count(REDACTED) == 2


def test_token_in_a_traceback_is_redacted(captured: io.StringIO) -> None:
    try:
        raise RuntimeError(f"request to /bot{TOKEN}/sendMessage failed")
    except RuntimeError:
        logging.getLogger("bot").exception("boom")
    output = captured.getvalue()
    assert "RuntimeError" in output and "Traceback" in output
    assert "secret-part" not in output


def test_unknown_token_shapes_are_redacted_too() -> None:
    other = "1234567890:ZZZ-another-bots-token-abcdefghij"
    assert RedactingFilter().redact(f"x {other} y") == f"x {REDACTED} y"


def test_httpx_request_logging_is_silenced(captured: io.StringIO) -> None:
    logging.getLogger("httpx").info("HTTP Request: POST https://api.telegram.org/bot%s", TOKEN)
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
    assert captured.getvalue() == ""


# Uncaught exceptions, printed by Python rather than logged


def _raise_with_token() -> None:
    raise RuntimeError(f"The token `{TOKEN}` was rejected by the server.")


def test_uncaught_exceptions_are_printed_redacted(capsys: pytest.CaptureFixture[str]) -> None:
    install_excepthooks([TOKEN])
    try:
        _raise_with_token()
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    thread = threading.Thread(target=_raise_with_token, name="worker")
    thread.start()
    thread.join()
    err = capsys.readouterr().err
    assert err.count("Traceback") == 2 and "Exception in thread worker" in err
    assert err.count(f"RuntimeError: The token `{REDACTED}` was rejected") == 2
    assert "secret-part" not in err


def test_ignored_exceptions_are_printed_redacted(capsys: pytest.CaptureFixture[str]) -> None:
    class Closing:
        def __del__(self) -> None:
            _raise_with_token()

    install_excepthooks([TOKEN])
    Closing()  # dropped at once: its __del__'s exception goes to sys.unraisablehook
    err = capsys.readouterr().err
    assert "Exception ignored in" in err and REDACTED in err and "secret-part" not in err


# Start-up: python-telegram-bot's bootstrap retries, and the database migrations


def _retry_loop(description: str, retries: int) -> None:
    """PTB's own retry loop, failing every time (TimedOut: it retries without sleeping)."""

    async def fail() -> None:
        raise TimedOut(f"no answer from /bot{TOKEN}/getMe")

    loop = network_retry_loop(
        action_cb=fail, description=description, interval=0, max_retries=retries
    )
    with pytest.raises(TimedOut):
        asyncio.run(loop)


def test_each_start_up_retry_is_one_line_and_giving_up_none() -> None:
    """`campaign-bot run` says in one line what to fix once PTB gives up: no traceback here."""
    stream = capture(logging.INFO)
    _retry_loop("Bootstrap Initialize Application", retries=2)
    lines = stream.getvalue().splitlines()
    assert [line.split(" ", 2)[2] for line in lines] == [
        f"WARNING telegram.ext: Telegram start-up attempt {n} of 3 failed "
        f"(no answer from /bot{REDACTED}/getMe); trying again"
        for n in (1, 2)
    ]


def test_retries_of_a_running_bot_stay_out_of_the_log() -> None:
    stream = capture(logging.INFO)
    _retry_loop("Polling Updates", retries=1)  # the bot's error handler reports these
    assert "Retrying" not in stream.getvalue() and "trying again" not in stream.getvalue()


def test_verbose_shows_python_telegram_bots_own_retry_lines() -> None:
    stream = capture(logging.DEBUG)
    _retry_loop("Bootstrap Initialize Application", retries=1)
    output = stream.getvalue()
    assert "Failed run number 0 of 1. Retrying." in output
    assert "Aborting" in output and "Traceback" in output and "secret-part" not in output


@pytest.mark.parametrize(("level", "alembic_lines"), [(logging.INFO, False), (logging.DEBUG, True)])
def test_migrations_are_one_line_unless_verbose(
    new_database_url: Callable[..., str], level: int, alembic_lines: bool
) -> None:
    stream = capture(level)
    url = new_database_url(migrated=False)
    for _ in range(2):  # the second start finds the schema up to date: nothing to say
        create_db_engine(url).dispose()
    output = stream.getvalue()
    upgraded = [line for line in output.splitlines() if "database schema upgraded" in line]
    assert len(upgraded) == 1 and " from (empty) to " in upgraded[0]
    assert ("alembic" in output) is alembic_lines
