"""The deploy/ examples organizers copy: the systemd units start the bot the way the README says,
are valid for systemd, and the nginx example forwards the paths the bot serves."""

from __future__ import annotations

import re
import shlex
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from bot.cli import build_parser
from bot.telegram.webhook import HEALTH_PATH, STOP_SIGNALS, WEBHOOK_PATH

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
SERVICE = DEPLOY / "campaign-bot.service"
TEMPLATE = DEPLOY / "campaign-bot@.service"
NGINX_CONF = DEPLOY / "nginx.conf"
SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
# What systemd says about a line it cannot use (it then ignores the line and starts anyway).
SYNTAX_PROBLEM = re.compile(
    r"Unknown (key|lvalue|section)|Invalid|Failed to parse|Missing '='|bad unit file setting",
    re.IGNORECASE,
)


def unit_settings(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Each section's `Key=value` lines in order (keys may repeat), comments left out."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        text = line.strip()
        if not text or text.startswith(("#", ";")):
            continue
        if text.startswith("["):
            current = sections.setdefault(text.strip("[]"), [])
            continue
        assert current is not None, f"{path.name}: {text!r} is outside any section"
        key, _, value = text.partition("=")
        current.append((key.strip(), value.strip()))
    return sections


def setting(path: Path, key: str, section: str = "Service") -> str:
    values = [v for k, v in unit_settings(path)[section] if k == key]
    assert len(values) == 1, f"{path.name}: {key}= appears {len(values)} times"
    return values[0]


@pytest.mark.parametrize(
    ("unit", "webhook"), [(SERVICE, False), (TEMPLATE, True)], ids=["service", "template"]
)
def test_the_unit_runs_the_bot_from_the_checkout_with_its_env(unit: Path, webhook: bool) -> None:
    checkout = setting(unit, "WorkingDirectory")
    assert setting(unit, "EnvironmentFile") == f"{checkout}/.env"
    command = shlex.split(setting(unit, "ExecStart"))
    if webhook:  # the port, from the instance name, set over whatever .env says
        assert command[:2] == ["/usr/bin/env", "WEBHOOK_PORT=%i"]
        command = command[2:]
    assert command[0] == f"{checkout}/.venv/bin/campaign-bot"
    args = build_parser().parse_args(command[1:])
    assert args.command == "run"
    assert args.webhook is webhook
    assert setting(unit, "User") not in ("", "root")
    assert setting(unit, "Restart") == "on-failure"
    # The bot stops cleanly only on the signals it handles.
    assert signal.Signals[setting(unit, "KillSignal")] in STOP_SIGNALS


def test_the_template_differs_from_the_service_only_in_what_it_runs() -> None:
    """Sandbox, user and paths stay the same in both, so an edit to one is seen in the other."""
    own = {"ExecStart", "Description", "Conflicts"}

    def shared(path: Path) -> dict[str, list[tuple[str, str]]]:
        return {
            name: [(k, v) for k, v in lines if k not in own]
            for name, lines in unit_settings(path).items()
        }

    assert shared(TEMPLATE) == shared(SERVICE)
    # Long polling deletes the webhook the template's instances serve.
    assert setting(TEMPLATE, "Conflicts", "Unit") == SERVICE.name


def test_the_database_the_readme_suggests_is_writable_in_the_sandbox() -> None:
    """ProtectSystem=strict leaves only the state folder (and ReadWritePaths=) writable."""
    state = f"/var/lib/{setting(SERVICE, 'StateDirectory')}"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Running as a service", 1)[-1].split("\n## ", 1)[0]
    suggested = re.findall(r"DATABASE_URL=sqlite:///(/\S+?\.db)", section)
    assert suggested, "README's 'Running as a service' suggests no SQLite DATABASE_URL"
    for path in suggested:
        assert str(Path(path).parent) == state, path
    assert setting(SERVICE, "ProtectSystem") == "strict"


def test_the_nginx_example_forwards_the_paths_the_bot_serves() -> None:
    text = re.sub(r"#[^\n]*", "", NGINX_CONF.read_text(encoding="utf-8"))
    [upstream] = re.findall(r"upstream\s+(\w+)\s*\{", text)
    for path in (WEBHOOK_PATH, HEALTH_PATH):
        block = re.search(rf"location\s*=\s*{re.escape(path)}\s*\{{([^}}]*)\}}", text)
        assert block, f"no location = {path}"
        assert f"proxy_pass http://{upstream};" in block[1]
    # The secret header reaches the instances as Telegram sent it.
    assert "X-Telegram-Bot-Api-Secret-Token" not in text
    assert "underscores_in_headers" not in text


def _verify(unit: Path, tmp_path: Path) -> str:
    assert SYSTEMD_ANALYZE is not None
    result = subprocess.run(  # noqa: S603 - systemd-analyze on our own unit files
        [SYSTEMD_ANALYZE, "verify", "--man=no", str(unit)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    return result.stdout + result.stderr


@pytest.fixture
def installable(tmp_path: Path) -> Path:
    """Both units in a folder, ExecStart's bot swapped for `true`: verify then checks that the
    executable exists, and this machine has no /opt/campaign-bot."""
    true = shutil.which("true") or "/bin/true"
    for unit in (SERVICE, TEMPLATE):
        checkout = setting(unit, "WorkingDirectory")
        text = unit.read_text(encoding="utf-8")
        bot = f"{checkout}/.venv/bin/campaign-bot"
        assert bot in text
        (tmp_path / unit.name).write_text(text.replace(bot, true), encoding="utf-8")
    (tmp_path / "campaign-bot@8081.service").write_text(
        (tmp_path / TEMPLATE.name).read_text(encoding="utf-8"), encoding="utf-8"
    )
    return tmp_path


@pytest.mark.skipif(
    SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed (Debian: the systemd package)"
)
@pytest.mark.parametrize("name", [SERVICE.name, "campaign-bot@8081.service"])
def test_systemd_accepts_every_line_of_the_unit(installable: Path, name: str) -> None:
    output = _verify(installable / name, installable)
    assert not SYNTAX_PROBLEM.search(output), output


@pytest.mark.skipif(
    SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed (Debian: the systemd package)"
)
def test_systemd_analyze_does_report_a_bad_line(installable: Path) -> None:
    """The check above means something: a misspelt key is reported on this machine."""
    unit = installable / SERVICE.name
    unit.write_text(
        unit.read_text(encoding="utf-8").replace("NoNewPrivileges=", "NoNewPrivilege="),
        encoding="utf-8",
    )
    assert SYNTAX_PROBLEM.search(_verify(unit, installable))
