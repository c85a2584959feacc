"""Settings: defaults, one-line actionable errors, and a `.env` that never overrides the env."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import (
    DEFAULT_BASE_URL,
    DEFAULT_WEBHOOK_LISTEN,
    DEFAULT_WEBHOOK_PORT,
    ConfigError,
    default_database_url,
    load_settings,
)
from bot.paths import CAMPAIGNS_DIR

VARIABLES = (
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_BASE_URL",
    "DATABASE_URL",
    "ADMIN_IDS",
    "CAMPAIGN",
    "CAMPAIGNS",
    "WEBHOOK_URL",
    "WEBHOOK_LISTEN",
    "WEBHOOK_PORT",
    "WEBHOOK_SECRET",
    "PAID_BROADCASTS",
    "WEB_URL",
    "WEB_PORT",
)
GOOD_TOKEN = "1234567:not-a-real-token-only-for-tests_x"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No settings in the environment, an empty cwd, and anything `.env` adds is removed after."""
    for name in VARIABLES:
        # setenv first so monkeypatch records the variable and undoes whatever load_dotenv sets.
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write_env(directory: Path, **values: str) -> Path:
    path = directory / ".env"
    path.write_text("".join(f"{k}={v}\n" for k, v in values.items()), encoding="utf-8")
    return path


def assert_one_line(error: ConfigError, *mentions: str) -> str:
    message = str(error)
    assert message
    assert "\n" not in message
    for mention in mentions:
        assert mention in message
    return message


def test_defaults_without_environment() -> None:
    settings = load_settings()
    assert settings.token is None
    assert settings.base_url == DEFAULT_BASE_URL
    assert settings.database_url == default_database_url()
    assert settings.database_url.startswith("sqlite:///")
    assert settings.database_url.endswith("campaign.db")
    assert settings.admin_ids == frozenset()
    assert settings.campaign is None
    assert settings.campaigns_dir == CAMPAIGNS_DIR


def test_campaigns_folder_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAMPAIGNS", " ~/actions ")
    assert load_settings().campaigns_dir == Path.home() / "actions"
    monkeypatch.setenv("CAMPAIGNS", "  ")
    assert load_settings().campaigns_dir == CAMPAIGNS_DIR


def test_require_token_explains_what_to_do() -> None:
    with pytest.raises(ConfigError) as info:
        load_settings().require_token()
    assert_one_line(info.value, "TELEGRAM_BOT_TOKEN", "@BotFather")


def test_values_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", f"  {GOOD_TOKEN} ")
    monkeypatch.setenv("TELEGRAM_BASE_URL", "http://127.0.0.1:8081/bot")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://bot:secret@db/bot")
    monkeypatch.setenv("ADMIN_IDS", " 12345, 67890 ,,")
    monkeypatch.setenv("CAMPAIGN", " library-hours ")
    settings = load_settings()
    assert settings.token == GOOD_TOKEN
    assert settings.require_token() == GOOD_TOKEN
    assert settings.base_url == "http://127.0.0.1:8081/bot"
    assert settings.database_url == "postgresql+psycopg://bot:secret@db/bot"
    assert settings.admin_ids == frozenset({12345, 67890})
    assert settings.campaign == "library-hours"


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        "98765",
        "98765:short",
        "bot123:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
        ":AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
    ],
)
def test_malformed_token(monkeypatch: pytest.MonkeyPatch, token: str) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", token)
    with pytest.raises(ConfigError) as info:
        load_settings()
    message = assert_one_line(info.value, "TELEGRAM_BOT_TOKEN", "@BotFather")
    assert token not in message  # never echo a (possibly real) secret


@pytest.mark.parametrize(
    ("raw", "culprit"),
    [
        ("12a", "12a"),
        ("@organizer", "@organizer"),
        ("111,abc,222", "abc"),
        ("12345 67890", "12345 67890"),  # a missing comma must not merge two ids into one
        ("12345;67890", "12345;67890"),
        ("--5", "--5"),
        ("1.5", "1.5"),
    ],
)
def test_malformed_admin_ids(monkeypatch: pytest.MonkeyPatch, raw: str, culprit: str) -> None:
    monkeypatch.setenv("ADMIN_IDS", raw)
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert_one_line(info.value, "ADMIN_IDS", repr(culprit), "12345,67890")


@pytest.mark.parametrize("url", ["bot.db", "/var/lib/bot/bot.db", "sqlite:bot.db"])
def test_malformed_database_url(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert_one_line(info.value, "DATABASE_URL", "sqlite:///", repr(url))


@pytest.mark.parametrize("url", ["api.telegram.org/bot", "ftp://example.org/bot"])
def test_malformed_base_url(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("TELEGRAM_BASE_URL", url)
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert_one_line(info.value, "TELEGRAM_BASE_URL", repr(url))


def test_dotenv_in_cwd_is_read(clean_env: Path) -> None:
    write_env(
        clean_env,
        TELEGRAM_BOT_TOKEN=GOOD_TOKEN,
        ADMIN_IDS="42",
        DATABASE_URL="sqlite:///from-dotenv.db",
    )
    settings = load_settings()
    assert settings.token == GOOD_TOKEN
    assert settings.admin_ids == frozenset({42})
    assert settings.database_url == "sqlite:///from-dotenv.db"


def test_explicit_env_file_is_read(clean_env: Path) -> None:
    elsewhere = clean_env / "config"
    elsewhere.mkdir()
    env_file = write_env(elsewhere, CAMPAIGN="from-file")
    assert load_settings().campaign is None  # not in the cwd
    assert load_settings(env_file).campaign == "from-file"


def test_dotenv_never_overrides_environment(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_env(clean_env, ADMIN_IDS="8", CAMPAIGN="from-dotenv", DATABASE_URL="sqlite:///d.db")
    monkeypatch.setenv("ADMIN_IDS", "7")
    monkeypatch.setenv("CAMPAIGN", "from-environment")
    settings = load_settings()
    assert settings.admin_ids == frozenset({7})
    assert settings.campaign == "from-environment"
    assert settings.database_url == "sqlite:///d.db"  # only what the environment lacks


def test_malformed_value_in_dotenv_is_reported(clean_env: Path) -> None:
    write_env(clean_env, ADMIN_IDS="me")
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert_one_line(info.value, "ADMIN_IDS", "'me'")


# Webhook mode
GOOD_SECRET = "Ab9_-" * 10


def test_webhook_defaults() -> None:
    settings = load_settings()
    assert settings.webhook_url is None
    assert settings.webhook_secret is None
    assert settings.webhook_listen == DEFAULT_WEBHOOK_LISTEN == "127.0.0.1"
    assert settings.webhook_port == DEFAULT_WEBHOOK_PORT == 8080


def test_webhook_values_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOK_URL", " https://bot.example.org/telegram ")
    monkeypatch.setenv("WEBHOOK_LISTEN", " 0.0.0.0 ")
    monkeypatch.setenv("WEBHOOK_PORT", " 8443 ")
    monkeypatch.setenv("WEBHOOK_SECRET", f" {GOOD_SECRET} ")
    settings = load_settings()
    assert settings.webhook_url == "https://bot.example.org/telegram"
    assert settings.webhook_listen == "0.0.0.0"  # noqa: S104 - the documented choice
    assert settings.webhook_port == 8443
    assert settings.webhook_secret == GOOD_SECRET
    assert settings.require_webhook() == ("https://bot.example.org/telegram", GOOD_SECRET)


@pytest.mark.parametrize("missing", ["WEBHOOK_URL", "WEBHOOK_SECRET"])
def test_require_webhook_names_what_is_missing(
    monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.org/telegram")
    monkeypatch.setenv("WEBHOOK_SECRET", GOOD_SECRET)
    monkeypatch.delenv(missing)
    settings = load_settings()  # polling needs neither: only webhook mode asks
    with pytest.raises(ConfigError) as info:
        settings.require_webhook()
    assert_one_line(info.value, "WEBHOOK_URL", "WEBHOOK_SECRET")


@pytest.mark.parametrize("secret", ["a", "A-Z_a-z-0-9", "x" * 256])
def test_webhook_secret_telegram_accepts(monkeypatch: pytest.MonkeyPatch, secret: str) -> None:
    monkeypatch.setenv("WEBHOOK_SECRET", secret)
    assert load_settings().webhook_secret == secret


@pytest.mark.parametrize(
    "secret", ["x" * 257, "has space", "dots.not.allowed", "sl/ash", "pl+us", "ünï", "a=b"]
)
def test_webhook_secret_telegram_refuses(monkeypatch: pytest.MonkeyPatch, secret: str) -> None:
    monkeypatch.setenv("WEBHOOK_SECRET", secret)
    with pytest.raises(ConfigError) as info:
        load_settings()
    message = assert_one_line(info.value, "WEBHOOK_SECRET", "1-256", "A-Z a-z 0-9 _ -")
    assert secret not in message  # never echo a (possibly real) secret


@pytest.mark.parametrize(
    "url",
    [
        "http://bot.example.org/telegram",  # Telegram posts only to https
        "bot.example.org/telegram",
        "https:///telegram",
        "ftp://bot.example.org/telegram",
    ],
)
def test_malformed_webhook_url(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("WEBHOOK_URL", url)
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert_one_line(info.value, "WEBHOOK_URL", "https://", repr(url))


def test_http_webhook_url_with_a_self_hosted_bot_api(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BASE_URL", "http://127.0.0.1:8081/bot")
    monkeypatch.setenv("WEBHOOK_URL", "http://10.0.0.5:8080/telegram")
    assert load_settings().webhook_url == "http://10.0.0.5:8080/telegram"


@pytest.mark.parametrize("port", ["0", "65536", "99999", "-1", "80a", "8080.0", "123456"])
def test_malformed_webhook_port(monkeypatch: pytest.MonkeyPatch, port: str) -> None:
    monkeypatch.setenv("WEBHOOK_PORT", port)
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert_one_line(info.value, "WEBHOOK_PORT", "1 to 65535", repr(port))


@pytest.mark.parametrize("port", ["1", "443", "65535"])
def test_webhook_port_bounds(monkeypatch: pytest.MonkeyPatch, port: str) -> None:
    monkeypatch.setenv("WEBHOOK_PORT", port)
    assert load_settings().webhook_port == int(port)


@pytest.mark.parametrize("listen", ["::", "::1", "localhost", "10.0.0.5"])
def test_webhook_listen_addresses(monkeypatch: pytest.MonkeyPatch, listen: str) -> None:
    monkeypatch.setenv("WEBHOOK_LISTEN", listen)
    assert load_settings().webhook_listen == listen


@pytest.mark.parametrize(
    "listen", ["http://0.0.0.0", "0.0.0.0:8080", "localhost:8080", "[::1]", ":::", "two words"]
)
def test_malformed_webhook_listen(monkeypatch: pytest.MonkeyPatch, listen: str) -> None:
    monkeypatch.setenv("WEBHOOK_LISTEN", listen)
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert_one_line(info.value, "WEBHOOK_LISTEN", "127.0.0.1", repr(listen))


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("", None),
        ("https://bot.example.org/", "https://bot.example.org"),
        ("https://bot.example.org/campaign", "https://bot.example.org/campaign"),
        ("http://127.0.0.1:8090", "http://127.0.0.1:8090"),  # trying the pages on this machine
        ("http://localhost:8090", "http://localhost:8090"),
    ],
)
def test_web_url(monkeypatch: pytest.MonkeyPatch, given: str, stored: str | None) -> None:
    monkeypatch.setenv("WEB_URL", given)
    monkeypatch.setenv("WEB_PORT", "9000")
    settings = load_settings()
    assert (settings.web_url, settings.web_port) == (stored, 9000)


@pytest.mark.parametrize("given", ["http://bot.example.org", "bot.example.org", "ftp://x.org"])
def test_web_url_must_be_https(monkeypatch: pytest.MonkeyPatch, given: str) -> None:
    monkeypatch.setenv("WEB_URL", given)
    with pytest.raises(ConfigError, match="WEB_URL must be the public https address"):
        load_settings()


def test_web_port_is_a_port(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEB_PORT", "80800")
    with pytest.raises(ConfigError, match="WEB_PORT must be a port number"):
        load_settings()
