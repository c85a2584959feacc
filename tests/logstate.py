"""Logging is process-wide: tests that call `setup_logging` put it back as it was."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Loggers whose level or filters `setup_logging` changes.
TUNED_LOGGERS = ("httpx", "httpcore", "alembic", "telegram.ext")


@contextmanager
def saved_logging() -> Iterator[None]:
    """Restore the root handlers, the tuned loggers and the exception hooks `run` installs."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    tuned = [logging.getLogger(name) for name in TUNED_LOGGERS]
    states = [(logger.level, list(logger.filters)) for logger in tuned]
    hooks = (sys.excepthook, threading.excepthook, sys.unraisablehook)
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        for logger, (old_level, filters) in zip(tuned, states, strict=True):
            logger.setLevel(old_level)
            logger.filters[:] = filters
        sys.excepthook, threading.excepthook, sys.unraisablehook = hooks
