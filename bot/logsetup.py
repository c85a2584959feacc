"""Logging that never leaks the bot token or supporters' data.

httpx logs every request URL at INFO, and Bot API URLs contain the token, so httpx/httpcore are
raised to WARNING and every handler gets a filter that redacts anything token-shaped. Database
errors are logged without their bound parameters (the engine's `hide_parameters`), and this
filter drops the row values PostgreSQL quotes in an error's DETAIL line.
"""

from __future__ import annotations

import logging
import re

_TOKEN_SHAPE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
# "DETAIL:  Failing row contains (…)" / "DETAIL:  Key (telegram_id)=(…) already exists."
_ROW_VALUES = re.compile(r"(DETAIL:\s+)(?:Failing row contains|Key \().*")
REDACTED = "[REDACTED]"


class RedactingFilter(logging.Filter):
    """Replace the configured token, and anything shaped like a bot token, in every record."""

    def __init__(self, secrets: list[str] | None = None) -> None:
        super().__init__()
        self._secrets = [s for s in (secrets or []) if s]

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        text = _ROW_VALUES.sub(r"\1[row values redacted]", text)
        return _TOKEN_SHAPE.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self.redact(message)
        if record.exc_info and record.exc_info[1] is not None:
            # Tracebacks are formatted later; pre-format them so they are redacted too.
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        if clean != message or record.args:
            record.msg, record.args = clean, None
        return True


def setup_logging(level: int = logging.INFO, secrets: list[str] | None = None) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
