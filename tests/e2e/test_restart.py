"""`campaign-bot run` as a real process: restarts lose nothing, and the token is never logged."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from bot.store import DraftRow, Letter, Store
from tests.e2e.conftest import TEST_TOKEN, Supporter
from tests.fakes.telegram_api import FakeTelegram


class BotProcess:
    """`python -m bot run` in a scratch folder, logging to a file the test can read."""

    def __init__(self, fake: FakeTelegram, workdir: Path, database_url: str) -> None:
        self.fake = fake
        self.workdir = workdir
        self.log = workdir / "bot.log"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")},
            "TELEGRAM_BOT_TOKEN": TEST_TOKEN,
            "TELEGRAM_BASE_URL": fake.base_url,
            "DATABASE_URL": database_url,
            "CAMPAIGN": "",
            "PYTHONUNBUFFERED": "1",
        }
        self.proc: subprocess.Popen[bytes] | None = None
        self.args: list[str] = []

    def _starts(self) -> int:
        return self.log.read_text().count("Application started") if self.log.exists() else 0

    def start(self) -> None:
        starts_before = self._starts()
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-m", "bot", "run", *self.args],
                cwd=self.workdir,  # not the repository: templates and data must still be found
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.fake.wait_for_sync(
            lambda f: (self._starts() > starts_before and f.pending_polls > 0) or self._died(),
            timeout=30,
        )
        assert not self._died(), self.log.read_text()

    def _died(self) -> bool:
        return self.proc is not None and self.proc.poll() is not None

    def stop(self, sig: signal.Signals) -> int:
        assert self.proc is not None
        self.proc.send_signal(sig)
        return self.proc.wait(timeout=30)


@pytest.fixture
def bot_process(fake: FakeTelegram, tmp_path: Path, database_url: str) -> Iterator[BotProcess]:
    process = BotProcess(fake, tmp_path, database_url)
    yield process
    if process.proc is not None and process.proc.poll() is None:
        process.proc.kill()
        process.proc.wait(timeout=30)


async def _to_story_step(ani: Supporter) -> None:
    await ani.say("/letter")
    await ani.tap("Continue")  # who gets a letter and what it asks for, on one screen
    await ani.tap("Sign as")
    prompt = await ani.say("91203")
    assert "Why does this matter to you?" in prompt.content


def _drafts_and_letters(database_url: str) -> tuple[list[DraftRow], list[Letter]]:
    store = Store.from_url(database_url)
    try:
        with store.transaction() as repo:
            drafts = list(repo.session.exec(select(DraftRow)).all())
            letters = list(repo.session.exec(select(Letter)).all())
        return drafts, letters
    finally:
        store.close()


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
async def test_restart_mid_letter_loses_nothing(
    bot_process: BotProcess, ani, database_url: str, sig: signal.Signals
) -> None:
    bot_process.start()
    await _to_story_step(ani)
    old_prompt = ani.fake.last_message(ani.id)
    assert old_prompt is not None

    code = bot_process.stop(sig)
    assert code == (-signal.SIGKILL if sig is signal.SIGKILL else 0)
    bot_process.start()

    # The next answer continues the very same draft in the new process.
    await ani.say("Our family still keeps the key to the house in Stepanakert.")
    await ani.fake.wait_for(lambda f: len(ani.letters()) == 2)
    letters = ani.letters()
    assert len(letters) == 2, ani.fake.transcript(ani.id)
    assert all("key to the house in Stepanakert" in m.content for m in letters)
    drafts, rows = _drafts_and_letters(database_url)
    assert [d.status for d in drafts] == ["done"]
    assert {row.draft_id for row in rows} == {drafts[0].id}
    assert len(rows) == 2

    # A button from before the restart is still understood after it.
    await ani.tap("I sent it", letters[0])
    _, rows = _drafts_and_letters(database_url)
    assert sum(row.sent_at is not None for row in rows) == 1
    assert ani.fake.unanswered_callbacks() == []
    assert [c.describe() for c in ani.fake.errors] == []


async def test_a_button_tapped_after_restart_resumes_the_step(bot_process: BotProcess, ani) -> None:
    bot_process.start()
    await ani.say("/letter")
    targets_prompt = ani.fake.last_message(ani.id)
    bot_process.stop(signal.SIGKILL)
    bot_process.start()
    changed = await ani.tap("Continue", targets_prompt)
    assert any("How should your letter be signed?" in m.content for m in changed)
    assert ani.fake.unanswered_callbacks() == []


async def test_the_token_never_reaches_the_logs(bot_process: BotProcess, ani) -> None:
    bot_process.args = ["--verbose"]  # debug logging: PTB and httpx log URLs there
    bot_process.start()
    await ani.say("/start")
    await ani.say("/demands")
    bot_process.stop(signal.SIGTERM)
    log = bot_process.log.read_text()
    assert "campaigns lachin-2023 loaded (default lachin-2023)" in log  # the log is real
    assert "[REDACTED]" in log  # something token-bearing was logged, and redacted
    secret = TEST_TOKEN.split(":", 1)[1]
    assert secret not in log
    assert "/bot123456:" not in log


def test_missing_token_is_one_clear_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "TELEGRAM_BOT_TOKEN" in result.stderr and "@BotFather" in result.stderr
    assert "Traceback" not in result.stderr
