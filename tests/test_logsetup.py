"""The token never reaches a log line: messages, arguments and tracebacks are redacted."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.logsetup import REDACTED, RedactingFilter, setup_logging

TOKEN = "7654321:AAH-secret-part-of-the-token_0123456789"


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    setup_logging(logging.DEBUG, secrets=[TOKEN])
    stream = io.StringIO()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    yield stream
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)


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
