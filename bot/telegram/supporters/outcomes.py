"""The use cases' outcomes as Telegram messages, one `match`: a drafting question (edited in
place under the tapped button when it can be), letters, refusals, the kit, or a way back."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup
from telegram.ext import CallbackContext

from bot import flow
from bot.supporters.outcomes import (
    CampaignClosed,
    Edited,
    KitReady,
    LetterGone,
    LettersWritten,
    NoDraft,
    Outcome,
    Prompted,
    Refused,
)
from bot.telegram.render import render
from bot.telegram.sending import edit_or_send, send, tapped, try_edit, try_edit_markup
from bot.telegram.supporters import keyboards
from bot.telegram.supporters.kit_messages import KitMessages
from bot.telegram.supporters.letter_messages import fits_one_message, show_letter
from bot.telegram.supporters.use_cases import UseCases

Context = CallbackContext[Any, Any, Any, Any]
_PROMPT_KEY = "prompt_message"


class OutcomeMessages:
    """Shows outcomes to one chat; `query`: the button the outcome answers, if any."""

    def __init__(self, use: UseCases, kits: KitMessages) -> None:
        self.use = use
        self.kits = kits

    async def show(
        self, context: Context, chat_id: int, outcome: Outcome, query: CallbackQuery | None = None
    ) -> None:
        bot = context.bot
        match outcome:
            case Prompted():
                text, markup = self.prompt(outcome)
                await self.show_prompt(context, chat_id, outcome, text, markup, query)
            case Refused(asked=Prompted() as asked, error=error):
                text, markup = self.prompt(asked, error)
                await self.show_prompt(context, chat_id, asked, text, markup, query)
            case LettersWritten():
                await self._show_letters(context, chat_id, outcome, query)
            case Edited(letter=letter):
                await show_letter(self.use, bot, chat_id, letter)
            case Refused(street=True, error=error):
                notice = render("invalid", reason=error.reason, details=error.details)
                await send(bot, chat_id, notice + "\n\n" + render("street_retry"))
            case Refused(error=error, editing=editing):
                text = render(
                    "invalid", reason=error.reason, details=error.details, editing=editing
                )
                await send(bot, chat_id, text)
            case KitReady(kit=kit):
                await self.kits.send_kit(bot, chat_id, kit)
            case LetterGone():
                pass  # the question it answered has no letter left to go on with
            case NoDraft():
                text = render("no_draft", from_button=query is not None)
                await send(bot, chat_id, text, keyboards.write_keyboard())
            case CampaignClosed():
                await self.show_closed(context, chat_id, outcome, query)

    async def show_closed(
        self,
        context: Context,
        chat_id: int,
        closed: CampaignClosed,
        query: CallbackQuery | None = None,
    ) -> None:
        """The campaign takes no letters now: say why, and offer the open ones."""
        known = self.use.desks.get(closed.campaign_id)
        campaign = self.use.local_campaign(closed.campaign_id) if known else None
        offered = [self.use.local_campaign(c.id) for c in closed.open_campaigns]
        text = render("campaign_closed", campaign=campaign, state=closed.state, offered=offered)
        markup = keyboards.campaigns_keyboard(offered)
        if query is not None:
            await edit_or_send(context.bot, query, text, markup)
        else:
            await send(context.bot, chat_id, text, markup)

    async def _show_letters(
        self,
        context: Context,
        chat_id: int,
        outcome: LettersWritten,
        query: CallbackQuery | None,
    ) -> None:
        letters = list(outcome.letters)
        message = tapped(query)
        if message is not None and letters and fits_one_message(letters[0]):
            # The first letter takes the place of the question the tap answered: it says
            # the letters are ready better than a message of its own would.
            await show_letter(self.use, context.bot, chat_id, letters.pop(0), replace=message)
        elif query is not None:
            done = render("letters_done", count=len(outcome.letters))
            await edit_or_send(context.bot, query, done)
        for letter in letters:
            await show_letter(self.use, context.bot, chat_id, letter)
        if outcome.unreached:
            unreached = [
                (self._label(label, outcome.campaign_id), why) for label, why in outcome.unreached
            ]
            await send(context.bot, chat_id, render("unreached", unreached=unreached))

    def prompt(
        self, asked: Prompted, error: flow.InvalidAnswer | None = None
    ) -> tuple[str, InlineKeyboardMarkup | None]:
        """A drafting question's text (with the error or notice it answers) and buttons."""
        text = render(
            "prompt",
            prompt=asked.prompt,
            error=error,
            notice=asked.draft.notice,
            story_prompts=self.use.local_campaign(asked.campaign_id).story_prompts,
        )
        prompt = self._local_choices(asked.prompt, asked.campaign_id)
        return text, keyboards.prompt_keyboard(prompt, asked.draft_id, asked.revision)

    def _local_choices(self, prompt: flow.Prompt, campaign_id: str) -> flow.Prompt:
        """The prompt's offices and demands named in the supporter's language."""
        local = self.use.local_campaign(campaign_id)
        if local is self.use.campaign_of(campaign_id):  # English, or nothing translated
            return prompt
        names = {d.id: d.title for d in local.demands}
        names |= {t.id: t.label for t in local.all_targets}
        return replace(
            prompt,
            choices=tuple(replace(c, label=names.get(c.id, c.label)) for c in prompt.choices),
            asks=tuple(replace(c, label=names.get(c.id, c.label)) for c in prompt.asks),
        )

    def _label(self, english: str, campaign_id: str) -> str:
        """An office's label in the supporter's language (the use cases speak English)."""
        english_targets = self.use.campaign_of(campaign_id).all_targets
        local_targets = self.use.local_campaign(campaign_id).all_targets
        pairs = zip(english_targets, local_targets, strict=True)
        return next((local.label for base, local in pairs if base.label == english), english)

    async def show_prompt(
        self,
        context: Context,
        chat_id: int,
        asked: Prompted,
        text: str,
        markup: InlineKeyboardMarkup | None,
        query: CallbackQuery | None,
    ) -> None:
        """Send or edit a prompt, remembering which message shows which draft revision.

        The memory (per chat, in this process) lets a stale tap, above all the second tap of a
        double tap, be answered without redrawing a message that already shows the current
        question: an identical edit is a wasted call and a 400 from Telegram. After a restart
        the memory is empty and the tapped message is simply redrawn.
        """
        current = (asked.draft_id, asked.revision)
        shown = _shown_prompt(context)
        message = tapped(query)
        if asked.stale and message is not None and shown is not None:
            if shown == (message.message_id, *current):
                return  # the tapped message already shows the current question
            if shown[1:] == current:  # the current question is in a newer message
                await try_edit_markup(message, None)
                return
        if message is not None:
            _remember_prompt(context, message.message_id, current)  # before the edit: double taps
            if await try_edit(message, text, markup):
                return
        sent = await send(context.bot, chat_id, text, markup)
        _remember_prompt(context, sent.message_id, current)


def _shown_prompt(context: Context) -> tuple[int, int, int] | None:
    data = context.chat_data
    return data.get(_PROMPT_KEY) if data is not None else None


def _remember_prompt(context: Context, message_id: int, current: tuple[int, int]) -> None:
    if context.chat_data is not None:
        context.chat_data[_PROMPT_KEY] = (message_id, *current)
