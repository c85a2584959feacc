"""Inline keyboards for prompts, letters and menus; labels come from the texts catalogue
(bot/telegram/texts.py) and are plain text (no HTML)."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

from bot.campaign import Campaign
from bot.flow import Prompt, Step
from bot.supporters.views import LetterView
from bot.telegram.render import plain
from bot.telegram.supporters.callbacks import (
    Callback,
    CampaignAction,
    DraftAction,
    LetterAction,
    MenuAction,
    encode,
)
from bot.telegram.texts import label

BUTTON_LABEL_LIMIT = 48
EDITOR_PATH = "/app/editor"  # the letter editor's page among the Mini Apps (bot/web/app.py)


def _button(text: str, callback: Callback) -> InlineKeyboardButton:
    return InlineKeyboardButton(plain(text, BUTTON_LABEL_LIMIT), callback_data=encode(callback))


def prompt_keyboard(prompt: Prompt, draft_id: int, revision: int) -> InlineKeyboardMarkup | None:
    rows: list[list[InlineKeyboardButton]] = []
    if prompt.multi:
        toggles = [("t", c) for c in prompt.choices] + [("a", c) for c in prompt.asks]
        for kind, choice in toggles:
            text = label("selected" if choice.selected else "unselected", label=choice.label)
            rows.append([_button(text, DraftAction(draft_id, revision, kind, choice.id))])
        rows.append([_button(label("continue"), DraftAction(draft_id, revision, "ok"))])
    elif prompt.choices:  # pick one: the answer is the tap itself
        for choice in prompt.choices:
            rows.append([_button(choice.label, DraftAction(draft_id, revision, "t", choice.id))])
    if prompt.step is Step.NAME and prompt.default:
        rows.append(
            [_button(label("sign_as", name=prompt.default), DraftAction(draft_id, revision, "ok"))]
        )
    if prompt.skippable:
        rows.append([_button(label("skip"), DraftAction(draft_id, revision, "skip"))])
    return InlineKeyboardMarkup(rows) if rows else None


def editor_url(web_url: str, letter_id: int) -> str:
    """The letter editor's address for one letter."""
    return f"{web_url.rstrip('/')}{EDITOR_PATH}?letter={letter_id}"


def _edit_button(letter: LetterView, web_url: str | None) -> InlineKeyboardButton:
    """With the Mini Apps served, "Edit" opens the letter editor; else the edit is in the chat."""
    if web_url is None:
        return _button(label("edit"), LetterAction(letter.id, "edit"))
    text = plain(label("edit"), BUTTON_LABEL_LIMIT)
    return InlineKeyboardButton(text, web_app=WebAppInfo(editor_url(web_url, letter.id)))


def letter_keyboard(letter: LetterView, web_url: str | None = None) -> InlineKeyboardMarkup:
    sent_label = label("sent" if letter.sent else "i_sent_it")
    # After a supporter's own edit, a new wording would replace their words: say so.
    again_label = label("new_wording_drops_edit" if letter.edited else "another_wording")
    rows = [
        [_button(sent_label, LetterAction(letter.id, "sent"))],
        [
            _button(again_label, LetterAction(letter.id, "again")),
            _edit_button(letter, web_url),
        ],
        [
            _button(label("kit"), LetterAction(letter.id, "kit")),
            _button(label("start_over"), MenuAction("letter")),
        ],
    ]
    if not letter.sent:
        rows.append([_button(label("remind_tomorrow"), LetterAction(letter.id, "remind"))])
    return InlineKeyboardMarkup(rows)


def reminder_keyboard(letters: Sequence[LetterView]) -> InlineKeyboardMarkup:
    """One button per unsent letter, showing it again with its own buttons."""
    return InlineKeyboardMarkup(
        [
            [
                _button(
                    label("show_letter", label=letter.target.label),
                    LetterAction(letter.id, "show"),
                )
            ]
            for letter in letters
        ]
    )


def welcome_keyboard() -> InlineKeyboardMarkup:
    """The welcome of a supporter with a letter under way: go on with it, or start another."""
    return InlineKeyboardMarkup(
        [
            [_button(label("continue_letter"), MenuAction("resume"))],
            [_button(label("write_letter"), MenuAction("letter"))],
            [_about()],
        ]
    )


def welcome_prompt_keyboard(prompt: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup:
    """Under a welcome that asks the first question: its buttons, then the campaign summary."""
    rows = list(prompt.inline_keyboard) if prompt is not None else []
    return InlineKeyboardMarkup([*rows, [_about()]])


def _about() -> InlineKeyboardButton:
    return _button(label("about"), MenuAction("demands"))


def campaigns_keyboard(campaigns: Sequence[Campaign]) -> InlineKeyboardMarkup | None:
    """One button per campaign: a tap starts a letter in it."""
    if not campaigns:
        return None
    return InlineKeyboardMarkup(
        [[_button(f"✍️ {c.title}", CampaignAction(c.id))] for c in campaigns]
    )


def write_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button(label("write_letter"), MenuAction("letter"))]])


def forget_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [_button(label("forget_yes"), MenuAction("forget_yes"))],
            [_button(label("forget_no"), MenuAction("forget_no"))],
        ]
    )


def me_keyboard(opted_in: bool, has_place: bool = False) -> InlineKeyboardMarkup:
    toggle = (
        _button(label("updates_off"), MenuAction("updates_off"))
        if opted_in
        else _button(label("updates_on"), MenuAction("updates_on"))
    )
    rows = [[toggle]]
    if has_place:
        rows.append([_button(label("change_place"), MenuAction("place_reset"))])
    rows.append([_button(label("write_letter"), MenuAction("letter"))])
    return InlineKeyboardMarkup(rows)


def updates_offer_keyboard(campaign_id: str) -> InlineKeyboardMarkup:
    """The updates offer after a sent letter: about that letter's campaign."""
    return InlineKeyboardMarkup(
        [
            [_button(label("offer_yes"), CampaignAction(campaign_id, "updates_yes"))],
            [_button(label("offer_no"), CampaignAction(campaign_id, "updates_no"))],
        ]
    )


def letter_sent_keyboard(letter: LetterView) -> InlineKeyboardMarkup | None:
    """Under the kit: record the send from there too, until it is recorded."""
    if letter.sent:
        return None
    return InlineKeyboardMarkup(
        [[_button(label("i_sent_it"), LetterAction(letter.id, "kit_sent"))]]
    )


def street_keyboard(letter: LetterView) -> InlineKeyboardMarkup:
    """Under the street question: the kit without a street."""
    return InlineKeyboardMarkup(
        [[_button(label("no_street"), LetterAction(letter.id, "nostreet"))]]
    )
