"""The officials directory: members of Congress from the public congress-legislators data and
ZIP → district candidates from zccd, imported into the store; no Telegram here.

Executive offices (President, Secretary of State) stay in campaign data.

The names below load their module on first use (PEP 562), so `bot.officials.cli` can be mounted
on `campaign-bot` without importing SQLAlchemy for `--help`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.officials.datasets import (
        DatasetStatus,
        ImportReport,
        OfficialsStatus,
        format_status,
        import_files,
        status,
        update,
    )
    from bot.officials.importers import (
        LEGISLATORS_URL,
        ZCCD_URL,
        OfficialsDataError,
        ParsedFile,
        Problem,
        parse_file,
    )
    from bot.officials.lookup import (
        DistrictCandidate,
        ZipOutcome,
        ZipResolution,
        member,
        members_for,
        representative,
        resolve_zip,
        senators,
    )
    from bot.officials.members import Contact, Member

_MODULES = {
    "bot.officials.datasets": (
        "DatasetStatus",
        "ImportReport",
        "OfficialsStatus",
        "format_status",
        "import_files",
        "status",
        "update",
    ),
    "bot.officials.importers": (
        "LEGISLATORS_URL",
        "ZCCD_URL",
        "OfficialsDataError",
        "ParsedFile",
        "Problem",
        "parse_file",
    ),
    "bot.officials.lookup": (
        "DistrictCandidate",
        "ZipOutcome",
        "ZipResolution",
        "member",
        "members_for",
        "representative",
        "resolve_zip",
        "senators",
    ),
    "bot.officials.members": ("Contact", "Member"),
}
_HOME = {name: module for module, names in _MODULES.items() for name in names}

__all__ = [
    "LEGISLATORS_URL",
    "ZCCD_URL",
    "Contact",
    "DatasetStatus",
    "DistrictCandidate",
    "ImportReport",
    "Member",
    "OfficialsDataError",
    "OfficialsStatus",
    "ParsedFile",
    "Problem",
    "ZipOutcome",
    "ZipResolution",
    "format_status",
    "import_files",
    "member",
    "members_for",
    "parse_file",
    "representative",
    "resolve_zip",
    "senators",
    "status",
    "update",
]


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module 'bot.officials' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
