"""Locations of bundled templates and data, found relative to the package, never the cwd.

In a source checkout (or editable install) they sit beside `bot/`; in a wheel they are
copied into `bot/_bundled/` by the build configuration.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    packaged = _PACKAGE_DIR / "_bundled" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE_DIR.parent / name


TEMPLATES_DIR = _bundled("templates")
DATA_DIR = _bundled("data")
CAMPAIGNS_DIR = DATA_DIR / "campaigns"
