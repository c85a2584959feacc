"""Two `campaign-bot run --webhook` processes on one PostgreSQL database, behind a balancer.

The fake Bot API delivers updates to the two instances in turn (as nginx would, skipping one
that is down). Conversations alternate between them; an organizer's broadcast is worked on by
both; one instance is killed (SIGKILL) in the middle of a send. Then the fake's log must show:
every conversation reached its letters, every opted-in supporter got the broadcast exactly once,
never more than 30 sends in any second, and no 429.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.store import Store, broadcast_queries
from bot.telegram.broadcasting.delivery import message_html
from tests.databases import TEST_DATABASE_URL
from tests.e2e.conftest import Supporter
from tests.e2e.helpers import drive_to_letters
from tests.e2e.test_broadcast import add_supporters
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="needs a PostgreSQL server: set TEST_DATABASE_URL"
)

ORGANIZER = 42
SECRET = "test-webhook-secret_0123456789"
# Same bot (id 123456), a token per instance only so the test can tell their requests apart.
TOKENS = {
    "a": "123456:TEST-token-for-the-fake-api-instance-aaaa",
    "b": "123456:TEST-token-for-the-fake-api-instance-bbbb",
}
TEXT = "Rally on Sunday at 11, City Hall: bring a friend!"
PEOPLE = range(7000, 7240)
KILL_AFTER = 8  # instance a dies during its 8th broadcast send, after Telegram took it
CHAT_SENDS = ("sendMessage", "editMessageText", "editMessageReplyMarkup", "sendDocument")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Instance:
    """One `python -m bot run --webhook` process on its own port."""

    def __init__(self, name: str, fake: FakeTelegram, workdir: Path, database_url: str) -> None:
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/telegram"
        self.log = workdir / f"bot-{name}.log"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))},
            "TELEGRAM_BOT_TOKEN": TOKENS[name],
            "TELEGRAM_BASE_URL": fake.base_url,
            "DATABASE_URL": database_url,
            "ADMIN_IDS": str(ORGANIZER),
            "CAMPAIGN": "",
            "WEBHOOK_URL": self.url,
            "WEBHOOK_LISTEN": "127.0.0.1",
            "WEBHOOK_PORT": str(self.port),
            "WEBHOOK_SECRET": SECRET,
            "PYTHONUNBUFFERED": "1",
        }
        self.workdir = workdir
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot", "run", "--webhook"],
                cwd=self.workdir,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{self.port}/healthz", timeout=1
            ) as response:
                return bool(response.status == 200)
        except OSError:
            return False

    def died(self) -> bool:
        return self.proc is not None and self.proc.poll() is not None

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)


@pytest.fixture
def instances(
    fake: FakeTelegram, tmp_path: Path, new_database_url: Callable[..., str]
) -> Iterator[tuple[list[Instance], str]]:
    database_url = new_database_url()
    made = [Instance(name, fake, tmp_path, database_url) for name in ("a", "b")]
    for instance in made:
        instance.start()
    try:
        fake.wait_for_sync(
            lambda f: (
                all(i.healthy() or i.died() for i in made) and len(f.calls_to("setWebhook")) >= 2
            ),
            timeout=60,
        )
        for instance in made:
            assert not instance.died(), instance.log.read_text()
        fake.load_balance = [instance.url for instance in made]
        yield made, database_url
    finally:
        for instance in made:
            instance.kill()
            if instance.proc is not None:
                instance.proc.wait(timeout=30)


def kill_during_a_send(fake: FakeTelegram, victim: Instance) -> threading.Event:
    """Kill `victim` while the fake handles its KILL_AFTER-th broadcast send: the message is
    recorded as delivered, but the instance never learns it was."""
    killed = threading.Event()
    sends = 0
    html = message_html(TEXT)

    def after_call(token: str, method: str, params: dict[str, Any], status: int) -> None:
        nonlocal sends
        mine = token == TOKENS[victim.name] and method == "sendMessage"
        if not mine or params.get("text") != html or status != 200:
            return
        sends += 1
        if sends == KILL_AFTER:
            victim.kill()
            killed.set()

    fake.after_call = after_call
    return killed


def most_sends_in_one_second(fake: FakeTelegram) -> int:
    moments = sorted(c.arrived for c in fake.calls if c.method in CHAT_SENDS and c.chat_id)
    most, first = 0, 0
    for last, moment in enumerate(moments):
        while moment - moments[first] >= 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


async def test_two_instances_share_conversations_and_a_broadcast_through_a_crash(
    instances: tuple[list[Instance], str], fake: FakeTelegram, make_supporter: Any
) -> None:
    (a, b), database_url = instances
    store = Store.from_url(database_url)
    try:
        add_supporters(store, fake, PEOPLE)

        # Conversations whose updates alternate between the two instances.
        people = [make_supporter(3001 + n, f"Ani{n}") for n in range(4)]

        async def converse(person: Supporter) -> None:
            await person.say("/start")
            drive = await drive_to_letters(person, place="98101", zip=None, letters=2)
            assert len(drive.letters) >= 2

        await asyncio.gather(*(converse(person) for person in people))
        handled_by = {d.status for d in fake.webhook_deliveries}
        assert handled_by == {200}

        # A broadcast that both instances work on; instance a dies in the middle of a send.
        killed = kill_during_a_send(fake, a)
        organizer = make_supporter(ORGANIZER, "Organizer")
        preview = await organizer.say(f"/broadcast {TEXT}")
        assert "Send to" in " ".join(label for label, _ in preview.buttons), preview.content
        await organizer.tap("Send to", preview)
        await asyncio.to_thread(killed.wait, 60)
        assert killed.is_set(), "instance a never sent its share of the broadcast"

        # Instance b alone now: a newcomer still reaches letters while the broadcast finishes.
        late = make_supporter(3999, "Late")
        await late.say("/start")
        await drive_to_letters(late, place="98101", zip=None, letters=2)

        def finished() -> bool:
            broadcast_ids = store.call(broadcast_queries.unfinished)
            return not broadcast_ids

        await fake.wait_for(lambda _: finished(), timeout=90, what="the broadcast to finish")
    finally:
        store.close()

    html = message_html(TEXT)
    copies = {
        person: sum(1 for m in fake.chat(person) if m.content == TEXT or m.content == html)
        for person in PEOPLE
    }
    assert {n for n in copies.values()} == {1}, {p: n for p, n in copies.items() if n != 1}
    by_instance = {
        name: sum(
            1
            for c in fake.calls
            if c.token == token and c.method == "sendMessage" and c.params.get("text") == html
        )
        for name, token in TOKENS.items()
    }
    assert by_instance["a"] >= KILL_AFTER and by_instance["b"] > 0, by_instance
    assert [c.describe() for c in fake.calls if c.status == 429] == []
    assert most_sends_in_one_second(fake) <= 30
    assert not b.died(), b.log.read_text()
