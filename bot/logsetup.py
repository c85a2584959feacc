"""Logging that never leaks the bot token or supporters' data, and start-up that reads in a few
lines.

httpx logs every request URL at INFO, and Bot API URLs contain the token, so httpx/httpcore are
raised to WARNING and every handler gets a filter that redacts anything token-shaped. Database
errors are logged without their bound parameters (the engine's `hide_parameters`), and this
filter drops the row values PostgreSQL quotes in an error's DETAIL line. Uncaught exceptions are
printed through the same redaction (`install_excepthooks`): PTB's InvalidToken names the token.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import traceback
from types import TracebackType

_TOKEN_SHAPE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
# "DETAIL:  Failing row contains (…)" / "DETAIL:  Key (telegram_id)=(…) already exists."
_ROW_VALUES = re.compile(r"(DETAIL:\s+)(?:Failing row contains|Key \().*")
REDACTED = "[REDACTED]"

# python-telegram-bot's retry loop (telegram/ext/_utils/networkloop.py) logs to "telegram.ext":
# each failed start-up ("Bootstrap …") attempt at DEBUG, and giving up at ERROR with a traceback.
_PTB_LOOP_LOGGER = "telegram.ext"
_PTB_RETRYING = "%s Failed run number %s of %s. Retrying."
_PTB_GIVING_UP = (
    "%s Failed run number %s of %s. Aborting.",
    "%s Invalid token. Aborting retry loop.",
)


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


class StartupRetryFilter(logging.Filter):
    """One WARNING line per failed attempt to reach Telegram at start-up, instead of PTB's DEBUG
    line, which does not say why; none when PTB gives up, since `campaign-bot run` then says in
    one line what to fix. Retries of a running bot (polling) are left to its error handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if not isinstance(args, tuple) or "(Bootstrap " not in str(args[:1]):
            return True
        if record.msg in _PTB_GIVING_UP:
            return False
        match args:
            case (_, int(failed), int(retries)) if record.msg == _PTB_RETRYING:
                reason = sys.exception() or "no answer"  # logged inside PTB's `except` block
                record.msg = "Telegram start-up attempt %d of %d failed (%s); trying again"
                record.args = (failed + 1, retries + 1, reason)
                record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def setup_logging(level: int = logging.INFO, secrets: list[str] | None = None) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    handler.setLevel(level)  # "telegram.ext" below is set lower than the root: not its DEBUG lines
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    _quiet_start_up(level > logging.DEBUG)


def _quiet_start_up(quiet: bool) -> None:
    """Unless --verbose: no line per migration (migrate.py logs one), one per Telegram retry."""
    logging.getLogger("alembic").setLevel(logging.WARNING if quiet else logging.NOTSET)
    ptb = logging.getLogger(_PTB_LOOP_LOGGER)
    for old in [f for f in ptb.filters if isinstance(f, StartupRetryFilter)]:
        ptb.removeFilter(old)
    # PTB logs a retry at DEBUG: the logger must create those records for the filter to raise
    # them to WARNING; the handler's level drops the other DEBUG records.
    ptb.setLevel(logging.DEBUG if quiet else logging.NOTSET)
    if quiet:
        ptb.addFilter(StartupRetryFilter())


def install_excepthooks(secrets: list[str]) -> None:
    """Print uncaught exceptions, in any thread, and ignored ones redacted like the log: their
    messages can hold the token (PTB's InvalidToken does)."""
    redactor = RedactingFilter(secrets)

    def write(
        header: str,
        kind: type[BaseException],
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        text = header + "".join(traceback.format_exception(kind, value, tb))
        if sys.stderr is not None:
            sys.stderr.write(redactor.redact(text))

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is not SystemExit:
            name = args.thread.name if args.thread else threading.get_ident()
            write(
                f"Exception in thread {name}:\n", args.exc_type, args.exc_value, args.exc_traceback
            )

    def unraisable_hook(args: sys.UnraisableHookArgs) -> None:
        header = f"{args.err_msg or 'Exception ignored in'}: {args.object!r}\n"
        write(header, args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = lambda kind, value, tb: write("", kind, value, tb)
    threading.excepthook = thread_hook
    sys.unraisablehook = unraisable_hook
