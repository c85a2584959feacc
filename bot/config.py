"""Settings from the environment or `.env`, validated once, with one-line errors to act on."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from dotenv import load_dotenv
from platformdirs import user_data_dir

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
APP_NAME = "campaign-letter-bot"


class ConfigError(Exception):
    """A configuration problem, phrased as what to do about it."""


def default_database_url() -> str:
    """SQLite file in the per-user data directory (e.g. ~/.local/share/campaign-letter-bot)."""
    directory = Path(user_data_dir(APP_NAME, appauthor=False))
    return f"sqlite:///{directory / 'campaign.db'}"


@dataclass(frozen=True)
class Settings:
    token: str | None
    base_url: str = DEFAULT_BASE_URL
    database_url: str = field(default_factory=default_database_url)
    admin_ids: frozenset[int] = frozenset()
    campaign: str | None = None

    def require_token(self) -> str:
        if not self.token:
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather and put "
                "TELEGRAM_BOT_TOKEN=... in .env or the environment."
            )
        return self.token


def _parse_admin_ids(raw: str) -> frozenset[int]:
    ids: set[int] = set()
    for raw_part in raw.split(","):
        part = raw_part.strip()
        if not part:
            continue
        # Not `isdigit()`: "12345 67890" must not become one id, nor "--5" or "²" crash int().
        if not re.fullmatch(r"-?[0-9]+", part):
            raise ConfigError(
                f"ADMIN_IDS has {part!r}, which is not a Telegram user id: use numbers separated "
                "by commas, e.g. ADMIN_IDS=12345,67890 (ask @userinfobot for yours)."
            )
        ids.add(int(part))
    return frozenset(ids)


def _parse_token(raw: str) -> str | None:
    token = raw.strip()
    if not token:
        return None
    bot_id, sep, secret = token.partition(":")
    if not sep or not bot_id.isdigit() or len(secret) < 20:
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN does not look like a bot token (expected 123456:ABC...): "
            "copy it again from @BotFather."
        )
    return token


def _parse_base_url(raw: str) -> str:
    url = raw.strip() or DEFAULT_BASE_URL
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(
            f"TELEGRAM_BASE_URL must be an http(s) URL such as {DEFAULT_BASE_URL}, got {url!r}."
        )
    return url


def _parse_database_url(raw: str) -> str:
    url = raw.strip()
    if not url:
        return default_database_url()
    if "://" not in url:
        raise ConfigError(
            f"DATABASE_URL must be a SQLAlchemy URL such as sqlite:///path/to/bot.db or "
            f"postgresql+psycopg://user:pass@host/db, got {url!r}."
        )
    return url


def load_settings(env_file: str | os.PathLike[str] | None = None) -> Settings:
    """Read settings from the environment, after loading `.env` (which never overrides it)."""
    load_dotenv(env_file or Path.cwd() / ".env", override=False)
    env = os.environ
    return Settings(
        token=_parse_token(env.get("TELEGRAM_BOT_TOKEN", "")),
        base_url=_parse_base_url(env.get("TELEGRAM_BASE_URL", "")),
        database_url=_parse_database_url(env.get("DATABASE_URL", "")),
        admin_ids=_parse_admin_ids(env.get("ADMIN_IDS", "")),
        campaign=env.get("CAMPAIGN", "").strip() or None,
    )
