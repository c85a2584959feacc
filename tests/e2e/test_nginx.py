"""deploy/nginx.conf in front of two webhook instances of the bot, end to end.

The config is the example itself, rendered for a test: its upstream on the instances' free
ports and its TLS server on plain http at 127.0.0.1 (nginx here cannot hold the example's
certificate, nor Telegram's trust). Its location blocks and proxy settings are the example's, so
these tests check what organizers copy. The fake Bot API posts each update to nginx, as Telegram
posts to WEBHOOK_URL, and two Applications on one database take turns handling them.
"""

from __future__ import annotations

import asyncio
import functools
import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from telegram import Update

from bot.campaign import find_campaign, load_campaign
from bot.config import Settings
from bot.store import Store
from bot.telegram.app import build_application
from bot.telegram.webhook import HEALTH_PATH, SECRET_HEADER, WEBHOOK_PATH, listen, serve_webhook
from bot.web.app import STATIC_CACHE, asset_version
from tests.e2e.conftest import TEST_TOKEN, Supporter
from tests.e2e.helpers import started_letters
from tests.fakes.telegram_api import BotMessage, FakeTelegram

EXAMPLE = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx", path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin"]))
pytestmark = pytest.mark.skipif(
    NGINX is None,
    reason="nginx is not installed (apt-get install nginx-light; bash .ci/run installs it)",
)

SECRET = "e2e_nginx-secret-0123456789"
BUNDLED = load_campaign(find_campaign(None))
READY_WITHIN = 30.0  # seconds for nginx to take connections: a deadline, never an assertion
TLS_LISTEN = re.compile(r"(?m)^\s*listen\s[^;]*\bssl\b")


# ---- the example, rendered for a test ---------------------------------------------------------


def _without_comments(text: str) -> str:
    return re.sub(r"#[^\n]*", "", text)


def _telegram_only(text: str) -> str:
    """The example with its optional "only Telegram's servers" lines switched on."""
    switched, count = re.subn(r"(?m)^(\s*)#\s*((?:allow|deny)\s[^;#\n]*;)\s*$", r"\1\2", text)
    assert count == 3, "the example's commented allow/allow/deny lines for /telegram are gone"
    return switched


def _top_level(text: str) -> Iterator[tuple[str, str | None]]:
    """A comment-free config's top-level statements: (directive, None) or (header, block body)."""
    depth, start, header, body_start = 0, 0, "", 0
    for i, char in enumerate(text):
        if char == "{":
            if depth == 0:
                header, body_start = text[start:i].strip(), i + 1
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                yield header, text[body_start:i]
                start = i + 1
        elif char == ";" and depth == 0:
            yield text[start : i + 1].strip(), None
            start = i + 1
    assert depth == 0 and not text[start:].strip(), "deploy/nginx.conf does not parse"


def _upstream_ports(body: str, ports: Sequence[int]) -> tuple[str, int]:
    """An upstream block's `server 127.0.0.1:<port>` lines, one by one on `ports`."""
    given = iter(ports)
    return re.subn(
        r"(?m)^(\s*server\s+)127\.0\.0\.1:\d+", lambda m: f"{m[1]}127.0.0.1:{next(given)}", body
    )


def render_site(example: str, listen_port: int, upstream_ports: Sequence[int]) -> str:
    """The example's upstream on `upstream_ports` and its TLS server on plain http at
    127.0.0.1:`listen_port`; the port-80 server, there only for certificate renewals, is left
    out. Everything else is the example's own text."""
    parts: list[str] = []
    upstreams = tls_servers = 0
    for header, body in _top_level(_without_comments(example)):
        if body is None:
            parts.append(header)
        elif header.startswith("upstream "):
            upstreams += 1
            body, count = _upstream_ports(body, upstream_ports)
            assert count == len(upstream_ports), f"the example's upstream has {count} servers"
            parts.append(f"{header} {{{body}}}")
        elif header == "server" and TLS_LISTEN.search(body):
            tls_servers += 1
            plain = re.sub(r"(?m)^\s*(?:listen|ssl_\w+)\s[^;]*;[ \t]*\n?", "", body)
            parts.append(f"server {{\n    listen 127.0.0.1:{listen_port};{plain}}}")
        elif header != "server":
            parts.append(f"{header} {{{body}}}")
    assert (upstreams, tls_servers) == (1, 1), "expected one upstream and one TLS server"
    return "\n".join(parts)


@functools.cache
def _nginx_build() -> str:
    """`nginx -V`: its version and the modules it was built without."""
    command = [NGINX or "nginx", "-V"]
    return subprocess.run(command, capture_output=True, text=True).stderr  # noqa: S603 - nginx


def _temp_paths() -> list[str]:
    """Temp folders nginx creates at start-up: in the test's prefix, for the modules it has."""
    return [
        f"{name}_temp_path"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        if f"--without-http_{name}_module" not in _nginx_build()
    ]


def nginx_conf(prefix: Path, site: str) -> str:
    """A whole nginx.conf around `site` (the example's http-context blocks), writing only under
    `prefix`, so it runs unprivileged (as root, its workers stay root to reach the temp dirs)."""
    temp = "\n".join(f"    {path} {prefix / path};" for path in _temp_paths())
    user = "user root;" if os.geteuid() == 0 else ""
    return f"""{user}
worker_processes 1;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} notice;
events {{
    worker_connections 128;
}}
http {{
    access_log {prefix / "access.log"};
{temp}
{site}
}}
"""


def _nginx_args(prefix: Path, conf: Path) -> list[str]:
    args = [NGINX or "nginx", "-p", str(prefix), "-c", str(conf)]
    version = re.search(r"nginx/(\d+)\.(\d+)\.(\d+)", _nginx_build())
    if version and tuple(map(int, version.groups())) >= (1, 19, 5):  # -e came in 1.19.5
        args += ["-e", str(prefix / "error.log")]  # not the system's log, before the config's
    return args


def check_config(prefix: Path, conf: Path) -> None:
    command = [*_nginx_args(prefix, conf), "-t"]
    result = subprocess.run(command, capture_output=True, text=True)  # noqa: S603 - nginx
    assert result.returncode == 0, result.stderr + conf.read_text()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Nginx:
    """nginx in the foreground on a rendered config; stopped by its own pid."""

    def __init__(self, prefix: Path, site: str, port: int) -> None:
        self.prefix, self.port = prefix, port
        self.conf = prefix / "nginx.conf"
        self.conf.write_text(nginx_conf(prefix, site), encoding="utf-8")
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return "\n".join(
            path.read_text(errors="replace")
            for path in (self.prefix / "error.log", self.prefix / "stderr.log")
            if path.exists()
        )

    def launch(self) -> subprocess.Popen[bytes]:
        check_config(self.prefix, self.conf)
        with (self.prefix / "stderr.log").open("wb") as stderr:
            self.process = subprocess.Popen(  # noqa: S603 - nginx, on the test's own config
                [*_nginx_args(self.prefix, self.conf), "-g", "daemon off;"],
                stdout=stderr,
                stderr=stderr,
            )
        return self.process

    async def start(self) -> None:
        """Launch, then wait until it takes connections."""
        process = self.launch()
        deadline = time.monotonic() + READY_WITHIN
        while True:
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"nginx did not start:\n{self.log()}") from None
                await asyncio.sleep(0.05)
            else:
                writer.close()
                await writer.wait_closed()
                return

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# ---- two webhook instances behind it ----------------------------------------------------------


@dataclass
class Instance:
    """One `campaign-bot run --webhook`, as bot/cli/run.py builds it, and its updates."""

    port: int
    app: Any
    store: Store
    stop: asyncio.Event
    serving: asyncio.Task[None]
    received: list[int] = field(default_factory=list)

    async def shut_down(self) -> None:
        self.stop.set()
        await self.serving


@dataclass
class Deployment:
    fake: FakeTelegram
    nginx: Nginx
    instances: list[Instance]


def instance_settings(fake: FakeTelegram, database_url: str, nginx: Nginx, port: int) -> Settings:
    return Settings(
        token=TEST_TOKEN,
        base_url=fake.base_url,
        database_url=database_url,
        webhook_url=nginx.url + WEBHOOK_PATH,  # Telegram posts to nginx, never to an instance
        webhook_port=port,
        webhook_secret=SECRET,
        web_url=nginx.url,  # the Mini Apps, served by every instance through nginx
    )


async def start_instance(
    stack: AsyncExitStack, fake: FakeTelegram, database_url: str, nginx: Nginx, sock: socket.socket
) -> Instance:
    """Start serving on `sock`; `stack` stops it and closes its database."""
    port = sock.getsockname()[1]
    settings = instance_settings(fake, database_url, nginx, port)
    store = Store.from_url(database_url)
    stack.callback(store.close)
    app = build_application(
        settings, BUNDLED, store, instance=f"webhook-{port}", shared_send_budget=True
    )
    received: list[int] = []
    queue_put = app.update_queue.put

    async def recording_put(item: Any) -> None:
        if isinstance(item, Update):  # not PTB's own stop signal
            received.append(item.update_id)
        await queue_put(item)

    app.update_queue.put = recording_put  # the webhook route queues every update it accepts
    registered = len(fake.calls_to("setWebhook"))
    stop = asyncio.Event()
    serving = asyncio.create_task(serve_webhook(app, settings, stop, sock=sock))
    instance = Instance(port, app, store, stop, serving, received)
    stack.push_async_callback(instance.shut_down)
    await fake.wait_for(
        lambda f: len(f.calls_to("setWebhook")) > registered or serving.done(),
        what="the instance's setWebhook",
    )
    assert not serving.done(), serving.exception()
    return instance


@pytest.fixture
async def deployment(
    fake: FakeTelegram, database_url: str, tmp_path: Path
) -> AsyncIterator[Deployment]:
    """nginx on the example config, forwarding to two instances sharing one database."""
    async with AsyncExitStack() as stack:
        sockets = [stack.enter_context(listen("127.0.0.1", 0)) for _ in range(2)]
        ports = [s.getsockname()[1] for s in sockets]
        port = free_port()
        nginx = Nginx(tmp_path, render_site(EXAMPLE.read_text(encoding="utf-8"), port, ports), port)
        stack.callback(nginx.stop)
        await nginx.start()
        instances = [await start_instance(stack, fake, database_url, nginx, s) for s in sockets]
        yield Deployment(fake, nginx, instances)


def welcomes(message: BotMessage) -> bool:
    """The bot's answer to /start (the first message of it)."""
    return message.content.startswith("Welcome")


def delivered_ids(fake: FakeTelegram) -> list[int]:
    return [d.update_id for d in fake.webhook_deliveries]


# ---- the tests -------------------------------------------------------------------------------


async def test_updates_take_turns_between_instances_and_each_is_handled_once(
    deployment: Deployment, make_supporter: Any
) -> None:
    fake = deployment.fake
    supporters: list[Supporter] = [make_supporter(3000 + n, f"Ani{n}") for n in range(6)]
    for supporter in supporters:
        assert welcomes(await supporter.say("/start"))

    first, second = deployment.instances
    assert first.received and second.received, "nginx sent every update to one instance"
    assert sorted(first.received + second.received) == sorted(delivered_ids(fake))
    assert all(d.ok for d in fake.webhook_deliveries), fake.webhook_deliveries
    for supporter in supporters:  # one welcome each: no update handled twice
        assert sum(welcomes(m) for m in fake.chat(supporter.id)) == 1
    assert fake.errors == []


async def test_a_whole_conversation_spread_over_both_instances(
    deployment: Deployment, make_supporter: Any
) -> None:
    """One supporter's updates alternate between the instances; the draft lives in the shared
    database, so the letters come out as they do with one instance."""
    ani: Supporter = make_supporter()
    drive = await started_letters(ani)
    assert len(drive.letters) == 2

    first, second = deployment.instances
    assert first.received and second.received
    assert len(set(delivered_ids(deployment.fake))) == len(deployment.fake.webhook_deliveries)
    assert deployment.fake.errors == []


@pytest.mark.parametrize("secret", ["wrong", None], ids=["wrong", "none"])
async def test_a_post_without_the_secret_is_refused_through_nginx(
    deployment: Deployment, make_supporter: Any, secret: str | None
) -> None:
    fake = deployment.fake
    eve: Supporter = make_supporter(2002, "Eve", None)
    update = {
        "update_id": 990001,
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "from": eve.user.to_api(),
            "chat": eve.user.chat_api(),
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    assert await asyncio.to_thread(fake.post_to_webhook, update, secret=secret) == 403
    assert all(i.received == [] for i in deployment.instances)
    assert fake.chat(eve.id) == []

    # Telegram's own delivery carries the secret, and nginx passes the header on as it came.
    assert welcomes(await eve.say("/start"))
    assert all(990001 not in i.received for i in deployment.instances)


async def test_health_check_and_nothing_else_through_nginx(deployment: Deployment) -> None:
    async with httpx.AsyncClient(base_url=deployment.nginx.url, trust_env=False) as client:
        health = await client.get(HEALTH_PATH)
        other = await client.get("/")
        typo = await client.post(WEBHOOK_PATH + "x", headers={SECRET_HEADER: SECRET})
    assert (health.status_code, health.text) == (200, "ok")
    assert other.status_code == typo.status_code == 404
    assert all(i.received == [] for i in deployment.instances)


async def test_a_stopped_instance_is_skipped(deployment: Deployment, make_supporter: Any) -> None:
    fake = deployment.fake
    stopped, running = deployment.instances
    await stopped.shut_down()  # as `systemctl stop campaign-bot@<port>` would: its port is closed
    given_before = len(running.received), len(stopped.received)
    delivered_before = len(fake.webhook_deliveries)

    supporters: list[Supporter] = [make_supporter(4000 + n, f"Ani{n}") for n in range(4)]
    for supporter in supporters:
        assert welcomes(await supporter.say("/start"))
    after = fake.webhook_deliveries[delivered_before:]
    assert all(d.ok for d in after), "Telegram saw a failed delivery: nginx did not try the other"
    assert len(after) == len(supporters)
    assert len(running.received) == given_before[0] + len(supporters)
    assert len(stopped.received) == given_before[1]

    async with httpx.AsyncClient(base_url=deployment.nginx.url, trust_env=False) as client:
        assert (await client.get(HEALTH_PATH)).status_code == 200


async def test_only_telegram_option_is_valid_and_refuses_other_addresses(
    tmp_path: Path,
) -> None:
    """The commented allow/deny lines, switched on: nginx takes them and refuses 127.0.0.1
    itself (no instance runs, so the bot cannot be what refused)."""
    example = _telegram_only(EXAMPLE.read_text(encoding="utf-8"))
    port = free_port()
    nginx = Nginx(tmp_path, render_site(example, port, [free_port(), free_port()]), port)
    try:
        await nginx.start()
        async with httpx.AsyncClient(base_url=nginx.url, trust_env=False) as client:
            response = await client.post(WEBHOOK_PATH, headers={SECRET_HEADER: SECRET}, json={})
    finally:
        nginx.stop()
    assert response.status_code == 403


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
def test_the_whole_example_with_tls_is_valid(tmp_path: Path) -> None:
    """`nginx -t` on the example as it is, its certificate paths swapped for a self-signed one
    (`-t` reads the certificates but binds no port)."""
    cert, key = tmp_path / "fullchain.pem", tmp_path / "privkey.pem"
    command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
    command += ["-subj", "/CN=bot.example.org", "-keyout", str(key), "-out", str(cert)]
    subprocess.run(command, check=True, capture_output=True)  # noqa: S603 - a throwaway cert
    site, count = re.subn(
        r"/etc/letsencrypt/live/[^/;\s]+/(fullchain|privkey)\.pem",
        lambda m: str(cert if m[1] == "fullchain" else key),
        EXAMPLE.read_text(encoding="utf-8"),
    )
    assert count == 2, "the example names Let's Encrypt's fullchain.pem and privkey.pem"
    conf = tmp_path / "nginx.conf"
    conf.write_text(nginx_conf(tmp_path, site), encoding="utf-8")
    check_config(tmp_path, conf)


async def test_the_mini_apps_come_through_nginx(deployment: Deployment) -> None:
    """WEB_URL's pages reach an instance through the example's /app/ location, and their
    hashed assets keep the instance's year of caching."""
    version = asset_version()
    async with httpx.AsyncClient(base_url=deployment.nginx.url, trust_env=False) as client:
        page = await client.get("/app/dashboard")
        script = await client.get(f"/app/static/miniapp.js?v={version}")
        api = await client.get("/app/api/dashboard")
    assert page.status_code == 200 and f"miniapp.js?v={version}" in page.text
    assert script.status_code == 200 and script.headers["cache-control"] == STATIC_CACHE
    assert api.status_code == 401  # no initData: nobody, through nginx as directly
