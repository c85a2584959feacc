"""A letter on Telegram: one message with its buttons, or a .txt document when too long, and
long texts split with the buttons on the last message."""

from __future__ import annotations

from typing import Any, cast

from telegram import Bot, InlineKeyboardMarkup

from bot.campaign import Campaign
from bot.supporters.views import LetterView
from bot.telegram.render import MAX_MESSAGE, visible_length
from bot.telegram.sending import send
from bot.telegram.supporters import keyboards
from bot.telegram.supporters.letter_messages import letter_filename, send_letter
from bot.telegram.texts import label


class RecordingBot:
    """Just the two Bot API methods these helpers call, recorded."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> object:
        self.calls.append(("send_message", {"text": text, **kwargs}))
        return object()

    async def send_document(self, chat_id: int, document: Any, **kwargs: Any) -> object:
        self.calls.append(("send_document", {"document": document, **kwargs}))
        return object()


def letter(campaign: Campaign, body: str) -> LetterView:
    return LetterView(7, campaign.targets[0], body, 0.4, sent=False, edited=False)


async def test_a_long_text_is_split_and_the_buttons_go_on_the_last_part() -> None:
    bot = RecordingBot()
    markup = InlineKeyboardMarkup([])
    text = "\n\n".join(["a" * 3000, "b" * 3000, "c" * 10])
    await send(cast(Bot, bot), 1, text, markup)
    parts = [kwargs for _, kwargs in bot.calls]
    assert [visible_length(p["text"]) <= MAX_MESSAGE for p in parts] == [True, True]
    assert "reply_markup" not in parts[0] and parts[1]["reply_markup"] is markup


async def test_a_letter_fits_a_message_or_goes_as_a_file(campaign: Campaign) -> None:
    bot = RecordingBot()
    await send_letter(cast(Bot, bot), 1, letter(campaign, "Dear President,\n\nPlease act."))
    ((method, kwargs),) = bot.calls
    assert method == "send_message" and kwargs["reply_markup"] is not None
    bot.calls.clear()
    await send_letter(cast(Bot, bot), 1, letter(campaign, "Please act. " * 500))
    assert bot.calls[0][0] == "send_document"
    assert bot.calls[0][1]["document"].filename == letter_filename(letter(campaign, ""))


def test_file_names_are_slugs_of_the_office(campaign: Campaign) -> None:
    view = letter(campaign, "")
    assert (
        letter_filename(view) == "letter-to-" + view.target.label.lower().replace(" ", "-") + ".txt"
    )
    assert letter_filename(view, "pdf").endswith(".pdf")


def test_edit_opens_the_editor_when_the_mini_apps_are_served(campaign: Campaign) -> None:
    view = letter(campaign, "Dear President,\n\nPlease act.")

    def edit_button(web_url: str | None) -> Any:
        rows = keyboards.letter_keyboard(view, web_url).inline_keyboard
        return next(b for row in rows for b in row if b.text == label("edit"))

    in_chat = edit_button(None)
    assert in_chat.web_app is None and in_chat.callback_data == "l|7|edit"
    mini_app = edit_button("https://letters.example.org/")
    assert mini_app.callback_data is None and mini_app.web_app is not None
    assert mini_app.web_app.url == "https://letters.example.org/app/editor?letter=7"
