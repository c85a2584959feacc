"""Bot API calls that carry a chat id, per supporter, for the default two-letter conversation.

Telegram's cap of about 30 messages a second counts every call that names a chat (sends, edits,
documents; answering a button tap names none). The real Application (with its rate limiter)
talks HTTP to FakeTelegram on 127.0.0.1 while `--supporters` people each go from /start to their
two letters (the President and the Secretary of State: the bundled campaign, no officials
directory, ZIP 91203), tapping the preselected choices, signing with their Telegram name and
typing a ZIP code and a story. Printed: the calls per supporter (mean and maximum, target <= 6)
and the supporters one bot serves an hour at 30 calls/s (target >= 18,000).

The fake's flood limit is off: a call it refused with a 429 and the rate limiter retried would
count twice, and how the bot keeps under the limit is the broadcast benchmark's subject.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bench.apps import start_polling
from bot.campaign import find_campaign, load_campaign
from bot.config import Settings
from bot.store import Store
from bot.telegram.app import build_application
from tests.fakes.telegram_api import BotMessage, FakeTelegram, FakeUser

TOKEN = "123456:BENCHMARK-TOKEN-NOT-REAL-0000000000"
FIRST_SUPPORTER = 500_000
TARGET_CALLS = 6
CAP_PER_SECOND = 30
TARGET_PER_HOUR = 18_000
LETTERS = 2
ZIP = "91203"
STORY = "My grandmother was born in Shushi and I want her town remembered."
# The drafting questions as a supporter reads them (templates/messages/prompt.html.j2), each
# with what this supporter answers: a button label to tap, or text to type.
ANSWERS = {
    "Who should get your letter, and what should it ask for?": ("tap", "Continue"),
    "Who should get your letter?": ("tap", "Continue"),
    "What should your letter ask for?": ("tap", "Continue"),
    "How should your letter be signed?": ("tap", "Sign as"),
    "Where do you live?": ("type", ZIP),
    "Which of these is your representative?": ("tap", "Skip"),
    "Why does this matter to you?": ("type", STORY),
}
MAX_ACTIONS = 15


@dataclass
class Result:
    supporters: int
    calls: list[int]  # per supporter
    methods: Counter[str]  # over all supporters
    failed: int  # calls Telegram would have refused (they count against the cap all the same)

    @property
    def mean(self) -> float:
        return statistics.fmean(self.calls)

    @property
    def per_hour(self) -> float:
        return CAP_PER_SECOND * 3600 / self.mean


def _question(message: BotMessage) -> tuple[str, str] | None:
    return next((a for q, a in ANSWERS.items() if q in message.content), None)


def _letters(fake: FakeTelegram, user_id: int) -> int:
    return sum(1 for m in fake.chat(user_id) if m.content.startswith("✉️"))


def _next_step(fake: FakeTelegram, user_id: int, since: int) -> BotMessage | None:
    """The question or letter the bot showed after `since`, once there is one."""
    changed = fake.changed_since(user_id, since)
    for message in sorted(changed, key=lambda m: m.version, reverse=True):
        if _question(message) or message.content.startswith("✉️"):
            return message
    return None


async def _shown_after(fake: FakeTelegram, user: FakeUser, since: int) -> BotMessage:
    """The question or letter the bot shows after `since`."""
    message: BotMessage = await fake.wait_for(
        lambda f: _next_step(f, user.id, since), user_id=user.id
    )
    return message


async def converse(fake: FakeTelegram, user: FakeUser) -> None:
    """/start, then answer each question (or tap Write a letter) until both letters are in."""
    since = fake.version
    fake.send_text(user, "/start")
    message = await fake.wait_for(  # a welcome that asks nothing is answered by tapping
        lambda f: _next_step(f, user.id, since) or f.last_message(user.id), user_id=user.id
    )
    for _ in range(MAX_ACTIONS):
        if message.content.startswith("✉️"):
            await fake.wait_for(lambda f: _letters(f, user.id) >= LETTERS, user_id=user.id)
            return
        since = fake.version
        answer = _question(message)
        if answer is None:
            fake.tap_button(user, message, "Write a letter")
        elif answer[0] == "tap":
            fake.tap_button(user, message, answer[1])
        else:
            fake.send_text(user, answer[1])
        message = await _shown_after(fake, user, since)
    raise AssertionError(f"no letters after {MAX_ACTIONS} answers:\n{fake.transcript(user.id)}")


async def run(supporters: int, workdir: Path) -> Result:
    with FakeTelegram(rate_limit=None) as fake:
        url = f"sqlite:///{workdir / 'bench.db'}"
        store = Store.from_url(url)
        settings = Settings(token=TOKEN, base_url=fake.base_url, database_url=url)
        app = build_application(settings, load_campaign(find_campaign(None)), store)
        await start_polling(app)
        ids = range(FIRST_SUPPORTER, FIRST_SUPPORTER + supporters)
        try:
            users = [fake.make_user(i, "Ani", f"N{i}") for i in ids]
            await asyncio.gather(*(converse(fake, user) for user in users))
            # Whatever the bot sends after the letters counts too: wait until it is idle.
            await fake.wait_for(lambda f: not f.pending_updates(), what="updates fetched")
            await asyncio.wait_for(app.update_queue.join(), timeout=30)
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()
            store.close()
        # The fake files a tap's answer under the tapper's chat, but the call names no chat.
        chat_calls = [c for c in fake.calls if "chat_id" in c.params and c.chat_id in ids]
    per_supporter = Counter(c.chat_id for c in chat_calls)
    return Result(
        supporters=supporters,
        calls=[per_supporter[i] for i in ids],
        methods=Counter(c.method for c in chat_calls),
        failed=sum(1 for c in chat_calls if not c.ok),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--supporters", type=int, default=20, help="conversations to run")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        result = asyncio.run(run(args.supporters, Path(tmp)))
    methods = ", ".join(
        f"{method} {n / result.supporters:.2f}" for method, n in result.methods.most_common()
    )
    print(
        f"chat calls  : {result.mean:.2f} per supporter (max {max(result.calls)}; target <= "
        f"{TARGET_CALLS}), /start to {LETTERS} letters, {result.supporters} supporters"
    )
    print(f"by method   : {methods}; {result.failed} refused by the fake")
    print(
        f"capacity    : {result.per_hour:,.0f} supporters/hour at {CAP_PER_SECOND} calls/s "
        f"(target >= {TARGET_PER_HOUR:,})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
