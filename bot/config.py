"""Settings from the environment or `.env`, validated once, with one-line errors to act on."""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from dotenv import load_dotenv
from platformdirs import user_data_dir

from bot.paths import CAMPAIGNS_DIR

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
APP_NAME = "campaign-letter-bot"
# Plain HTTP behind the TLS-terminating proxy that Telegram reaches (8443 would suggest TLS here).
DEFAULT_WEBHOOK_LISTEN = "127.0.0.1"
DEFAULT_WEBHOOK_PORT = 8080
DEFAULT_WEB_PORT = 8090  # not 8081: the webhook instances of deploy/ take 8081 and up


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
    # The folder of campaign files (CAMPAIGNS); `campaign` (CAMPAIGN) names the default one.
    campaigns_dir: Path = CAMPAIGNS_DIR
    webhook_url: str | None = None
    webhook_listen: str = DEFAULT_WEBHOOK_LISTEN
    webhook_port: int = DEFAULT_WEBHOOK_PORT
    webhook_secret: str | None = None
    # Opt-in: broadcasts with `allow_paid_broadcast`, billed in the bot's Telegram Stars.
    paid_broadcasts: bool = False
    # The Mini Apps (dashboard, letter editor): their public https address (WEB_URL), served on
    # WEBHOOK_LISTEN:WEB_PORT beside polling, or by the webhook's own server.
    web_url: str | None = None
    web_port: int = DEFAULT_WEB_PORT

    def require_token(self) -> str:
        if not self.token:
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather and put "
                "TELEGRAM_BOT_TOKEN=... in .env or the environment."
            )
        return self.token

    def require_webhook(self) -> tuple[str, str]:
        """URL and secret: only webhook mode needs them, so only it asks."""
        if not self.webhook_url or not self.webhook_secret:
            raise ConfigError(
                "webhook mode needs WEBHOOK_URL (the public https URL of this server's /telegram) "
                "and WEBHOOK_SECRET (1-256 of A-Z a-z 0-9 _ -) in .env or the environment."
            )
        return self.webhook_url, self.webhook_secret


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


def _parse_webhook_url(raw: str, base_url: str) -> str | None:
    url = raw.strip()
    if not url:
        return None
    parsed = urlparse(url)
    # Telegram posts only to https; a self-hosted Bot API server also posts to plain http.
    schemes = ("https",) if base_url == DEFAULT_BASE_URL else ("http", "https")
    if parsed.scheme not in schemes or not parsed.netloc:
        raise ConfigError(
            f"WEBHOOK_URL must be the public https URL Telegram posts updates to, such as "
            f"https://bot.example.org/telegram (http only with a self-hosted TELEGRAM_BASE_URL), "
            f"got {url!r}."
        )
    return url


def _is_ipv6(host: str) -> bool:
    try:
        ipaddress.IPv6Address(host)
    except ValueError:
        return False
    return True


def _parse_webhook_listen(raw: str) -> str:
    host = raw.strip() or DEFAULT_WEBHOOK_LISTEN
    # A colon is only right in an IPv6 address: "0.0.0.0:8080" is a port put in the wrong place.
    if not (_is_ipv6(host) if ":" in host else re.fullmatch(r"[A-Za-z0-9.-]+", host)):
        raise ConfigError(
            f"WEBHOOK_LISTEN must be an address to listen on, such as 127.0.0.1 (behind a proxy) "
            f"or 0.0.0.0 (all interfaces), got {host!r}."
        )
    return host


def _parse_port(raw: str, name: str, default: int) -> int:
    text = raw.strip()
    if not text:
        return default
    if not re.fullmatch(r"[0-9]{1,5}", text) or not 1 <= int(text) <= 65535:
        raise ConfigError(
            f"{name} must be a port number from 1 to 65535, such as {default}, got {text!r}."
        )
    return int(text)


def _parse_web_url(raw: str) -> str | None:
    """The Mini Apps' public address: Telegram opens only https pages (plain http is taken
    for this machine itself, for trying them out and for the tests)."""
    url = raw.strip().rstrip("/")
    if not url:
        return None
    parsed = urlparse(url)
    local = parsed.hostname in ("127.0.0.1", "localhost", "::1")
    if not parsed.netloc or parsed.scheme not in (("http", "https") if local else ("https",)):
        raise ConfigError(
            f"WEB_URL must be the public https address of the bot's web pages, such as "
            f"https://bot.example.org (your proxy forwards it to WEB_PORT), got {url!r}."
        )
    return url


def _parse_webhook_secret(raw: str) -> str | None:
    secret = raw.strip()
    if not secret:
        return None
    # Telegram's rule for setWebhook's secret_token; it refuses anything else.
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
        raise ConfigError(
            "WEBHOOK_SECRET must be 1-256 characters of A-Z a-z 0-9 _ - only: generate one with "
            'python -c "import secrets; print(secrets.token_urlsafe(32))".'
        )
    return secret


def _parse_campaigns_dir(raw: str) -> Path:
    """A folder of campaign files; whether it holds usable ones is the catalogue's to say."""
    folder = raw.strip()
    return Path(folder).expanduser() if folder else CAMPAIGNS_DIR


def _parse_paid_broadcasts(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("", "false", "no", "off", "0"):
        return False
    if value in ("true", "yes", "on", "1"):
        return True
    raise ConfigError(
        f"PAID_BROADCASTS must be true (broadcasts faster than 30 a second, paid in the bot's "
        f"Telegram Stars) or false (the default), got {raw.strip()!r}."
    )


def load_settings(env_file: str | os.PathLike[str] | None = None) -> Settings:
    """Read settings from the environment, after loading `.env` (which never overrides it)."""
    load_dotenv(env_file or Path.cwd() / ".env", override=False)
    env = os.environ
    base_url = _parse_base_url(env.get("TELEGRAM_BASE_URL", ""))
    return Settings(
        token=_parse_token(env.get("TELEGRAM_BOT_TOKEN", "")),
        base_url=base_url,
        database_url=_parse_database_url(env.get("DATABASE_URL", "")),
        admin_ids=_parse_admin_ids(env.get("ADMIN_IDS", "")),
        campaign=env.get("CAMPAIGN", "").strip() or None,
        campaigns_dir=_parse_campaigns_dir(env.get("CAMPAIGNS", "")),
        webhook_url=_parse_webhook_url(env.get("WEBHOOK_URL", ""), base_url),
        webhook_listen=_parse_webhook_listen(env.get("WEBHOOK_LISTEN", "")),
        webhook_port=_parse_port(env.get("WEBHOOK_PORT", ""), "WEBHOOK_PORT", DEFAULT_WEBHOOK_PORT),
        webhook_secret=_parse_webhook_secret(env.get("WEBHOOK_SECRET", "")),
        paid_broadcasts=_parse_paid_broadcasts(env.get("PAID_BROADCASTS", "")),
        web_url=_parse_web_url(env.get("WEB_URL", "")),
        web_port=_parse_port(env.get("WEB_PORT", ""), "WEB_PORT", DEFAULT_WEB_PORT),
    )
