"""What one supporter costs of Telegram's cap of about 30 messages a second, which counts every
Bot API call that names a chat (answering a tap names none): the default conversation, /start
to two letters, takes at most six, so one bot serves 18,000 supporters an hour at the cap."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import assert_clean, started_letters, texts
from tests.fakes.telegram_api import ApiCall, FakeTelegram

MAX_CHAT_CALLS = 6
STORY = "My grandmother was born in Shushi and I want her town remembered."


def chat_calls(fake: FakeTelegram, user_id: int) -> list[ApiCall]:
    """Calls that name this chat. The fake files a tap's answer under the tapper's chat too,
    but that call carries no chat id."""
    return [c for c in fake.calls if "chat_id" in c.params and c.chat_id == user_id]


@pytest.mark.parametrize("story", [STORY, None], ids=["typed story", "skipped story"])
async def test_default_two_letter_conversation_costs_at_most_six_chat_calls(
    running_bot, fake, ani, caplog, story: str | None
) -> None:
    drive = await started_letters(ani, story=story)
    await assert_clean(running_bot, caplog)  # idle: whatever follows the letters counts too

    calls = chat_calls(fake, ani.id)
    assert len(calls) <= MAX_CHAT_CALLS, "\n".join(c.describe() for c in calls)
    # Fewer calls, not less said: the welcome, every question and both whole letters.
    said = "\n".join(texts(fake, ani.id))
    assert "Welcome, Ani Hakobyan!" in said and running_bot.campaign.title in said
    for question in ("Who should get your letter", "How should your letter be signed?",
                     "Where do you live?", "Why does this matter to you?"):  # fmt: skip
        assert question in said
    letters = [m.content for m in drive.letters]
    assert len(letters) == 2 and len(ani.letters()) == 2
    assert "to The President" in letters[0] and "to The Secretary of State" in letters[1]
    for letter in letters:
        assert "Ani Hakobyan" in letter and "Glendale, CA" in letter and "How to send it" in letter
        assert (STORY in letter) == (story is not None)
