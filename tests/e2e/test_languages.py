"""The bot in Armenian and Russian over HTTP: a whole conversation to the letters in each
language with none of the bot's own English left (the letters themselves stay English), /language
remembered across a restart, and a command menu per language."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po

from bot.campaign import find_campaign, load_campaign
from bot.campaign.translations import Translatable
from bot.flow import Draft, Step
from bot.flow.machine import current_step
from bot.telegram import i18n
from tests.e2e.conftest import RunningBot, Supporter, start_bot, stop_bot
from tests.e2e.helpers import active_draft, assert_clean, bot_with, latest, texts
from tests.fakes.telegram_api import BotMessage

SCRIPT = {"hy": re.compile("[\u0531-\u058f]"), "ru": re.compile("[\u0400-\u04ff]")}
STORY = "Իմ տատիկը ծնվել է Շուշիում։ Моя бабушка родилась в Шуше, и я хочу, чтобы его помнили."
_PRE = re.compile(r"<pre>.*?</pre>", re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")
_PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|\{[a-z_]+\}")


def _english_phrases() -> set[str]:
    """Runs of three or more words from the bot's English texts (the catalogue's msgids)."""
    with (i18n.LOCALE_DIR / "ru" / "LC_MESSAGES" / "messages.po").open("rb") as file:
        catalog = read_po(file)
    phrases = set()
    for message in catalog:
        for msgid in message.id if isinstance(message.id, tuple) else (message.id,):
            for piece in _PLACEHOLDER.split(_TAGS.sub(" ", msgid or "")):
                words = re.findall(r"[A-Za-z][A-Za-z'’]+", piece)
                if len(words) >= 3:
                    phrases.add(" ".join(words))
    return phrases


def _campaign_texts(value: Any) -> Iterator[str]:
    """Every string in the campaign's data: not the bot's own words (translated later)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _campaign_texts(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _campaign_texts(item)


def _translated_english(part: Any, language: str) -> Iterator[str]:
    """The English of every campaign text the campaign translates into `language`."""
    if isinstance(part, list):
        for item in part:
            yield from _translated_english(item, language)
        return
    if not isinstance(part, Translatable):
        return
    for field in part.translations.get(language, {}):
        for english in _campaign_texts(getattr(part, field)):
            if len(_words(english).split()) >= 3:
                yield _words(english)
    for name in type(part).model_fields:
        yield from _translated_english(getattr(part, name), language)


def _words(text: str) -> str:
    return " ".join(re.findall(r"[A-Za-z][A-Za-z'’]+", text))


async def _answer(bot: RunningBot, s: Supporter) -> None:
    """Answer the current question by what the draft is at, not by reading the English."""
    draft = Draft.from_dict(active_draft(bot, s.id).state)
    step = current_step(bot.campaign, draft)
    prompt = latest(s)
    if step in (Step.TARGETS, Step.DEMANDS, Step.NAME):
        (data,) = [d for _, d in prompt.buttons if d and d.endswith("|ok")]
        await s.tap_data(prompt, data)
    elif step is Step.PLACE:
        await s.say("Glendale, CA 91203")
    elif step is Step.STORY:
        await s.say(STORY)
    else:
        (data,) = [d for _, d in prompt.buttons if d and d.endswith("|skip")]
        await s.tap_data(prompt, data)


@pytest.mark.parametrize("language", ["hy", "ru"])
async def test_a_whole_conversation_in_the_supporters_language(
    running_bot: RunningBot, fake: Any, make_supporter: Any, language: str, caplog: Any
) -> None:
    s = make_supporter(2001, "Ani", None, language_code=language)
    await s.say("/start")
    for _ in range(10):
        if s.letters() or active_draft(running_bot, s.id) is None:
            break
        await _answer(running_bot, s)
    await fake.wait_for(lambda f: len(s.letters()) >= 1, user_id=s.id, what="letters")
    letter = s.letters()[0]
    await s.tap_data(letter, next(d for _, d in letter.buttons if d and d.endswith("|sent")))
    await s.say("/demands")  # the campaign's own texts, translated by the campaign file
    await s.say("/campaigns")  # the open campaigns, by their translated titles and summaries
    await s.say("/start c-no-such-campaign")  # one the bot does not run: the open ones offered
    await assert_clean(running_bot, caplog)

    # What stays English on screen is the campaign's data it does not translate (names, holders,
    # addresses); what it does translate must not show in English.
    local = running_bot.campaign.in_language(language)
    campaign = [_words(t) for t in _campaign_texts(local.model_dump())]
    campaign = [phrase for phrase in campaign if len(phrase.split()) >= 2]
    english = _english_phrases() | set(_translated_english(running_bot.campaign, language))
    shown = [html.unescape(_PRE.sub(" ", text)) for text in texts(fake, s.id)]
    shown += [
        c.answer_text for c in fake.state.callbacks.values() if c.user_id == s.id and c.answer_text
    ]
    assert any(SCRIPT[language].search(text) for text in shown)
    for text in shown:
        words = _words(_TAGS.sub(" ", text))
        for phrase in campaign:
            words = words.replace(phrase, " ")
        left = [phrase for phrase in english if phrase in words]
        assert not left, f"English left in a {language} screen: {left}\n{text}"


async def test_language_is_picked_remembered_and_the_menus_speak_each_language(
    fake: Any, database_url: str, make_supporter: Any, caplog: Any
) -> None:
    campaign = load_campaign(find_campaign(None))
    bot = await start_bot(fake, database_url, campaign)
    s = make_supporter(2101, "Ara", None, language_code="en")
    try:
        menu = await s.say("/language")
        assert [label for label, _ in menu.buttons] == ["✅ English", "Հայերեն", "Русский"]
        (picked,) = await s.tap("Русский", menu)
        assert SCRIPT["ru"].search(picked.content)
        assert [label for label, _ in picked.buttons][2] == "✅ Русский"
        assert SCRIPT["ru"].search((await s.say("/help")).content)
        await assert_clean(bot, caplog)
        assert SCRIPT["hy"].search(" ".join(d for _, d in fake.commands(language_code="hy")))
        assert SCRIPT["ru"].search(" ".join(d for _, d in fake.commands(language_code="ru")))
        assert ("language", "Change the bot's language") in fake.commands()
    finally:
        await stop_bot(bot)
    bot = await start_bot(fake, database_url, campaign)
    try:
        answer: BotMessage = await s.say("/help")
        assert SCRIPT["ru"].search(answer.content)  # remembered, whatever the app says
    finally:
        await stop_bot(bot)


async def test_a_campaign_not_translated_in_full_says_so(
    fake: Any, database_url: str, make_supporter: Any, tmp_path: Path
) -> None:
    text = find_campaign(None).read_text(encoding="utf-8")
    untranslated = text.replace('"title.ru" = "Санкции против виновных"', "", 1)
    assert untranslated != text
    path = tmp_path / "partly.toml"
    path.write_text(untranslated, encoding="utf-8")
    async with bot_with(fake, database_url, path):
        ru = make_supporter(2201, "Ara", None, language_code="ru")
        welcome = await ru.say("/start")
        assert "Некоторые части этой кампании есть только на английском" in welcome.content
        hy = make_supporter(2202, "Ani", None, language_code="hy")
        assert "ℹ️" not in (await hy.say("/start")).content  # Armenian is complete
