"""Update handlers: translate Telegram updates into service calls and outcomes into messages.

Button steps edit their own message in place (outgoing messages are the scarce resource), every
callback query is answered exactly once, and stale or tampered buttons get a polite way back.
"""

from __future__ import annotations

import asyncio
import logging
import re
import weakref
from typing import Any

from telegram import (
    CallbackQuery,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    Update,
)
from telegram.constants import ChatMemberStatus
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import flow
from bot.campaign import Campaign
from bot.delivery.phone import PhoneScriptRenderer
from bot.engagement import EngagementService
from bot.kits import KitPdf, KitService, StreetWanted
from bot.service import Kit, LetterService, LetterView, Outcome, Person
from bot.store import Store
from bot.telegram import keyboards
from bot.telegram.admin import AdminGate
from bot.telegram.callbacks import DraftAction, LetterAction, MenuAction, decode
from bot.telegram.render import (
    MAX_CAPTION,
    fits_message,
    plain,
    render,
    split_message,
    visible_length,
)

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE

SUPPORTER_COMMANDS = [
    ("letter", "Write a personal letter"),
    ("demands", "What the campaign asks, with its source"),
    ("me", "Your letters, your invite link, updates"),
    ("stop", "Stop campaign updates"),
    ("cancel", "Stop the letter you are writing"),
    ("privacy", "What is stored and how to delete it"),
    ("forget", "Delete your data"),
    ("help", "How this bot works"),
]


def person_of(update: Update) -> Person:
    user = update.effective_user
    if user is None:
        raise ValueError("update without a user")
    return Person(user.id, user.full_name, user.language_code)


def _not_modified(error: BadRequest) -> bool:
    return "not modified" in error.message.lower()


class Handlers:
    """The bot's behaviour on Telegram; one instance per Application."""

    def __init__(
        self, campaign: Campaign, store: Store, service: LetterService, gate: AdminGate
    ) -> None:
        self.campaign = campaign
        self.store = store
        self.service = service
        self.gate = gate
        self.engagement = EngagementService(campaign)
        self.phone = PhoneScriptRenderer(campaign)
        self.kits = KitService(service)
        # One kit PDF at a time per letter, so a double tap builds it once; a lock goes when
        # nobody holds or waits for it.
        self._pdf_locks: weakref.WeakValueDictionary[int, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    def register(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        # New messages only: an edit of an earlier answer must not answer the current question.
        private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
        commands = {
            "start": self.start,
            "letter": self.letter,
            "demands": self.demands,
            "help": self.help,
            "privacy": self.privacy,
            "forget": self.forget,
            "cancel": self.cancel,
            "me": self.me,
            "stop": self.stop,
        }
        for name, callback in commands.items():
            app.add_handler(CommandHandler(name, callback, filters=private))
        app.add_handler(CallbackQueryHandler(self.on_callback))
        app.add_handler(ChatMemberHandler(self.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
        app.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, self.on_text))
        app.add_handler(MessageHandler(private & filters.COMMAND, self.unknown_command))
        app.add_handler(MessageHandler(private & ~filters.TEXT, self.on_non_text))
        app.add_error_handler(self.on_error)

    # Sending helpers
    async def _send(
        self,
        context: Context,
        chat_id: int,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
    ) -> Message:
        """Send `text`, split into several messages if needed; the buttons go on the last one."""
        *first, last = split_message(text)
        for part in first:
            await context.bot.send_message(chat_id, part)
        return await context.bot.send_message(chat_id, last, reply_markup=markup)

    async def _edit_or_send(
        self,
        context: Context,
        query: CallbackQuery,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
    ) -> None:
        """Edit the button's own message; identical content is fine, a lost message is re-sent."""
        if not await _try_edit(_tapped(query), text, markup):
            await self._send(context, _chat_id(query), text, markup)

    # Commands
    async def start(self, update: Update, context: Context) -> None:
        person = person_of(update)
        source = context.args[0] if context.args else None
        welcome = await self.store.run(self.service.welcome, person, source)
        if self.gate.is_admin(update):
            await self.gate.ensure_menu(context, person.telegram_id)
        text = render("welcome", is_new=welcome.is_new, name=welcome.name, campaign=self.campaign)
        if welcome.has_draft:
            await self._send(context, person.telegram_id, text, keyboards.welcome_keyboard())
            return
        # The welcome asks the first question itself: one message and one tap fewer.
        outcome = await self.store.run(self.service.start_letter, person)
        if outcome.prompt is None:
            await self._send(context, person.telegram_id, text)
            await self.show(context, person.telegram_id, outcome)
            return
        prompt, markup = self._prompt(outcome, outcome.prompt)
        markup = keyboards.welcome_prompt_keyboard(markup)
        await self._show_prompt(
            context, person.telegram_id, outcome, f"{text}\n\n{prompt}", markup, None
        )

    async def letter(self, update: Update, context: Context) -> None:
        person = person_of(update)
        outcome = await self.store.run(self.service.start_letter, person)
        await self.show(context, person.telegram_id, outcome)

    async def demands(self, update: Update, context: Context) -> None:
        await self._send_demands(context, person_of(update).telegram_id)

    async def _send_demands(self, context: Context, chat_id: int) -> None:
        text = render("demands", campaign=self.campaign)
        await self._send(context, chat_id, text, keyboards.write_keyboard())

    async def help(self, update: Update, context: Context) -> None:
        text = render("help", campaign=self.campaign)
        await self._send(context, person_of(update).telegram_id, text)

    async def privacy(self, update: Update, context: Context) -> None:
        await self._send(context, person_of(update).telegram_id, render("privacy"))

    async def forget(self, update: Update, context: Context) -> None:
        await self._send(
            context,
            person_of(update).telegram_id,
            render("forget_confirm"),
            keyboards.forget_keyboard(),
        )

    async def cancel(self, update: Update, context: Context) -> None:
        person = person_of(update)
        cancelled = await self.store.run(self.service.cancel, person)
        await self._send(context, person.telegram_id, render("cancelled", cancelled=cancelled))

    async def me(self, update: Update, context: Context) -> None:
        person = person_of(update)
        await self.store.run(self.service.welcome, person, None)  # /me may come before /start
        await self._send_me(context, person.telegram_id)

    async def _send_me(
        self, context: Context, chat_id: int, query: CallbackQuery | None = None
    ) -> None:
        impact = await self.store.run(self.engagement.impact, chat_id)
        if impact is None:
            return
        text = render("me", impact=impact, link=_invite_link(context, impact.invite_code))
        markup = keyboards.me_keyboard(impact.opted_in, has_place=impact.place is not None)
        if query is not None:
            await self._edit_or_send(context, query, text, markup)
        else:
            await self._send(context, chat_id, text, markup)

    async def stop(self, update: Update, context: Context) -> None:
        person = person_of(update)
        await self.store.run(self.engagement.set_updates, person.telegram_id, False)
        await self._send(context, person.telegram_id, render("updates", on=False))

    async def unknown_command(self, update: Update, context: Context) -> None:
        text = render("help", campaign=self.campaign, unknown=True)
        await self._send(context, person_of(update).telegram_id, text)

    # Messages
    async def on_text(self, update: Update, context: Context) -> None:
        person = person_of(update)
        message = update.effective_message
        text = message.text if message and message.text else ""
        outcome = await self.store.run(self.service.receive_text, person, text)
        if outcome.kind == "street":
            await self._answer_street(context, person, text)
            return
        await self.show(context, person.telegram_id, outcome)

    async def on_non_text(self, update: Update, context: Context) -> None:
        person = person_of(update)
        outcome = await self.store.run(self.service.receive_non_text, person)
        await self.show(context, person.telegram_id, outcome)

    # Buttons
    async def on_callback(self, update: Update, context: Context) -> None:
        query = update.callback_query
        if query is None:
            return
        toast: str | None = None
        alert = False
        try:
            action = decode(query.data)
            person = person_of(update)
            if isinstance(action, DraftAction):
                toast, alert = await self._draft_button(context, query, person, action)
            elif isinstance(action, LetterAction):
                toast = await self._letter_button(context, query, person, action)
            elif isinstance(action, MenuAction):
                toast = await self._menu_button(context, query, person, action)
            else:
                toast = "That button is out of date."
                await self._send(
                    context,
                    _chat_id(query),
                    render("no_draft", from_button=True),
                    keyboards.write_keyboard(),
                )
        finally:
            await self._answer(query, toast, alert)

    async def _answer(self, query: CallbackQuery, toast: str | None, alert: bool) -> None:
        try:
            await query.answer(plain(toast) if toast else None, show_alert=alert)
        except BadRequest as error:
            # An old query (e.g. after a restart) cannot be answered any more; nothing to do.
            log.info("callback answer failed: %s", error.message)

    async def _draft_button(
        self, context: Context, query: CallbackQuery, person: Person, action: DraftAction
    ) -> tuple[str | None, bool]:
        answer: flow.Answer
        if action.action == "t":
            answer = flow.Toggle(action.choice)
        elif action.action == "a":
            answer = flow.Toggle(action.choice, flow.Step.DEMANDS)
        elif action.action == "ok":
            answer = flow.Confirm()
        else:
            answer = flow.Skip()
        outcome = await self.store.run(
            self.service.answer, person, answer, action.draft_id, action.revision
        )
        if outcome.kind == "invalid" and outcome.error is not None:
            notice = render("invalid", reason=outcome.error.reason, details=outcome.error.details)
            return plain(notice), True
        await self.show(context, _chat_id(query), outcome, query=query)
        return ("That button is out of date." if outcome.kind == "stale" else None), False

    async def _letter_button(
        self, context: Context, query: CallbackQuery, person: Person, action: LetterAction
    ) -> str | None:
        message = _tapped(query)
        if action.action in ("sent", "kit_sent"):
            letter, changed = await self.store.run(self.service.mark_sent, person, action.letter_id)
            if letter is None:
                return "This letter is no longer available."
            if not changed:
                return "Already recorded. Thank you!"
            if action.action == "sent":
                await self._update_letter_message(context, message, letter)
            elif message is not None:
                await _try_edit_markup(message, None)  # the kit's button has done its job
            await self._thank_for_sending(context, person)
            return "Recorded. Thank you for sending it!"
        if action.action == "again":
            letter = await self.store.run(self.service.reword, person, action.letter_id)
            if letter is None:
                return "This letter is no longer available."
            await self.send_letter(context, _chat_id(query), letter, replace=message)
            return "Here is another wording."
        if action.action == "kit":
            return await self._request_kit(context, _chat_id(query), person, action.letter_id)
        if action.action == "nostreet":
            kit = await self.store.run(self.kits.skip, person, action.letter_id)
            if kit is None:
                return "This letter is no longer available."
            if message is not None:
                await _try_edit_markup(message, None)
            await self._send_kit(context, _chat_id(query), kit)
            return None
        letter = await self.store.run(self.service.begin_edit, person, action.letter_id)
        if letter is None:
            return "This letter is no longer available."
        as_file = not fits_message(_letter_text(letter))
        text = render("edit_prompt", letter=letter, as_file=as_file)
        await self._send(context, _chat_id(query), text)
        return None

    async def _request_kit(
        self, context: Context, chat_id: int, person: Person, letter_id: int
    ) -> str | None:
        """The kit, after asking once for a street to print under the signature."""
        found = await self.store.run(self.kits.request, person, letter_id)
        if found is None:
            return "This letter is no longer available."
        if isinstance(found, StreetWanted):
            text = render("street_prompt", letter=found.letter)
            await self._send(context, chat_id, text, keyboards.street_keyboard(found.letter))
            return None
        await self._send_kit(context, chat_id, found)
        return None

    async def _answer_street(self, context: Context, person: Person, text: str) -> None:
        found = await self.store.run(self.kits.answer, person, text)
        chat_id = person.telegram_id
        if isinstance(found, flow.InvalidAnswer):
            notice = render("invalid", reason=found.reason, details=found.details)
            await self._send(context, chat_id, notice + "\n\n" + render("street_retry"))
        elif found is not None:
            await self._send_kit(context, chat_id, found)

    async def _send_kit(self, context: Context, chat_id: int, kit: Kit) -> None:
        """A printable PDF of the letter, then phone scripts and every way to reach them."""
        target = kit.letter.target
        await self._send_kit_pdf(context, chat_id, kit)
        scripts = self.phone.scripts(target, kit.demands, kit.signer)
        text = render("kit", letter=kit.letter, scripts=scripts)
        await self._send(context, chat_id, text, keyboards.letter_sent_keyboard(kit.letter))

    async def _send_kit_pdf(self, context: Context, chat_id: int, kit: Kit) -> None:
        """The kit's PDF, built and uploaded once per letter and inputs, then re-sent by the
        file_id Telegram gave it: building one costs about 0.4 s of CPU. A file_id Telegram no
        longer takes (another bot token, a lost file) is replaced by one new upload."""
        pdf = KitPdf.of(kit, _letter_filename(kit.letter, "pdf"))
        caption = render("kit_caption", letter=kit.letter)
        letter_id = kit.letter.id
        lock = self._pdf_locks.setdefault(letter_id, asyncio.Lock())
        async with lock:
            file_id = await self.store.run(self.kits.uploaded_pdf, letter_id, pdf)
            if file_id is not None:
                try:
                    await context.bot.send_document(chat_id, file_id, caption=caption)
                    return
                except BadRequest as error:
                    log.info("the kit's PDF was refused by file_id (%s); uploading it", error)
            content = await asyncio.to_thread(pdf.build)
            sent = await context.bot.send_document(
                chat_id, InputFile(content, filename=pdf.filename), caption=caption
            )
            if sent.document is not None:
                uploaded = sent.document.file_id
                await self.store.run(self.kits.remember_pdf, letter_id, pdf, uploaded)

    async def _thank_for_sending(self, context: Context, person: Person) -> None:
        after = await self.store.run(self.engagement.after_send, person.telegram_id)
        if after is None:
            return
        text = render(
            "after_send", link=_invite_link(context, after.invite_code), offer=after.offer_updates
        )
        markup = keyboards.updates_offer_keyboard() if after.offer_updates else None
        await self._send(context, person.telegram_id, text, markup)

    async def _menu_button(
        self, context: Context, query: CallbackQuery, person: Person, action: MenuAction
    ) -> str | None:
        chat_id = _chat_id(query)
        if action.action == "letter":
            outcome = await self.store.run(self.service.start_letter, person)
            await self.show(context, chat_id, outcome)
        elif action.action == "resume":
            outcome = await self.store.run(self.service.current, person)
            if outcome.kind == "no_draft":
                await self.show(context, chat_id, outcome, query=query)
            else:  # a new message: the welcome it was tapped on stays as it is
                await self.show(context, chat_id, outcome)
        elif action.action == "demands":
            await self._send_demands(context, chat_id)
        elif action.action in ("updates_on", "updates_off", "offer_yes", "offer_no"):
            on = action.action in ("updates_on", "offer_yes")
            known = await self.store.run(self.engagement.set_updates, person.telegram_id, on)
            if not known:
                return "Please send /start first."
            if action.action.startswith("updates"):
                await self._send_me(context, chat_id, query)  # the toggle lives on /me: redraw it
            else:
                await self._edit_or_send(context, query, render("updates", on=on))
        elif action.action == "place_reset":
            await self.store.run(self.service.forget_place, person)
            await self._edit_or_send(context, query, render("place_reset"))
        elif action.action == "forget_yes":
            deleted = await self.store.run(self.service.forget, person)
            await self._edit_or_send(context, query, render("forgotten", deleted=deleted))
        elif action.action == "forget_no":
            await self._edit_or_send(context, query, render("forget_kept"))
        return None

    # Rendering outcomes
    async def show(
        self,
        context: Context,
        chat_id: int,
        outcome: Outcome,
        query: CallbackQuery | None = None,
    ) -> None:
        if outcome.kind in ("prompt", "stale", "invalid") and outcome.prompt is not None:
            text, markup = self._prompt(outcome, outcome.prompt)
            await self._show_prompt(context, chat_id, outcome, text, markup, query)
        elif outcome.kind == "letters":
            letters = list(outcome.letters)
            tapped = _tapped(query)
            if tapped is not None and letters and fits_message(_letter_text(letters[0])):
                # The first letter takes the place of the question the tap answered: it says
                # the letters are ready better than a message of its own would.
                await self.send_letter(context, chat_id, letters.pop(0), replace=tapped)
            elif query is not None:
                await self._edit_or_send(
                    context, query, render("letters_done", count=len(outcome.letters))
                )
            for letter in letters:
                await self.send_letter(context, chat_id, letter)
            if outcome.unreached:
                await self._send(context, chat_id, render("unreached", unreached=outcome.unreached))
        elif outcome.kind == "edited":
            for letter in outcome.letters:
                await self.send_letter(context, chat_id, letter)
        elif outcome.kind == "invalid" and outcome.error is not None:
            editing = outcome.letters[0] if outcome.letters else None
            error = outcome.error
            text = render("invalid", reason=error.reason, details=error.details, editing=editing)
            await self._send(context, chat_id, text)
        else:
            await self._send(
                context,
                chat_id,
                render("no_draft", from_button=query is not None),
                keyboards.write_keyboard(),
            )

    def _prompt(
        self, outcome: Outcome, prompt: flow.Prompt
    ) -> tuple[str, InlineKeyboardMarkup | None]:
        """A drafting question's text (with the error or notice it answers) and buttons."""
        error = outcome.error if outcome.kind == "invalid" else None
        text = render(
            "prompt",
            prompt=prompt,
            error=error,
            notice=outcome.draft.notice if outcome.draft else None,
            story_prompts=self.campaign.story_prompts,
        )
        markup = keyboards.prompt_keyboard(prompt, outcome.draft_id or 0, outcome.revision)
        return text, markup

    async def _show_prompt(
        self,
        context: Context,
        chat_id: int,
        outcome: Outcome,
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
        current = (outcome.draft_id, outcome.revision)
        shown = _shown_prompt(context)
        tapped = _tapped(query)
        if outcome.kind == "stale" and tapped is not None and shown is not None:
            if shown == (tapped.message_id, *current):
                return  # the tapped message already shows the current question
            if shown[1:] == current:  # the current question is in a newer message
                await _try_edit_markup(tapped, None)
                return
        if tapped is not None:
            _remember_prompt(context, tapped.message_id, current)  # before the edit: double taps
            if await _try_edit(tapped, text, markup):
                return
        message = await self._send(context, chat_id, text, markup)
        _remember_prompt(context, message.message_id, current)

    async def send_letter(
        self,
        context: Context,
        chat_id: int,
        letter: LetterView,
        replace: Message | None = None,
    ) -> None:
        """One message per letter; too long for a message, it goes as a .txt document."""
        text = _letter_text(letter)
        markup = keyboards.letter_keyboard(letter)
        if fits_message(text):
            if not await _try_edit(replace, text, markup):
                await self._send(context, chat_id, text, markup)
            return
        document = InputFile(letter.body.encode("utf-8"), filename=_letter_filename(letter))
        caption = _letter_caption(letter)
        await context.bot.send_document(chat_id, document, caption=caption, reply_markup=markup)
        if caption == _letter_caption(letter, brief=True):  # no room for how to send it
            await self._send(context, chat_id, render("channels", letter=letter))

    async def _update_letter_message(
        self, context: Context, message: Message | None, letter: LetterView
    ) -> None:
        """Show a letter's new state (sent) on its own message, text or document."""
        markup = keyboards.letter_keyboard(letter)
        if message is None:
            return
        try:
            if message.text is not None:
                await message.edit_text(_letter_text(letter), reply_markup=markup)
            else:
                await message.edit_caption(_letter_caption(letter), reply_markup=markup)
        except BadRequest as error:
            if not _not_modified(error):
                raise

    async def on_my_chat_member(self, update: Update, context: Context) -> None:
        """Telegram tells the bot when a user blocks (kicked) or unblocks (member) it."""
        change = update.my_chat_member
        if change is None or change.chat.type != "private":
            return
        blocked = change.new_chat_member.status == ChatMemberStatus.BANNED
        await self.store.run(self.service.set_blocked, change.from_user.id, blocked)

    # Errors
    async def on_error(self, update: object, context: Context) -> None:
        error = context.error
        if isinstance(error, Forbidden):
            user = update.effective_user if isinstance(update, Update) else None
            log.info("a user blocked the bot: %s", error.message)
            if user is not None:
                await self.store.run(self.service.set_blocked, user.id, True)
            return
        log.error("error while handling an update", exc_info=error)
        if isinstance(update, Update) and update.effective_chat is not None:
            try:
                await context.bot.send_message(update.effective_chat.id, render("error"))
            except TelegramError as send_error:
                log.warning("could not tell the user about the error: %s", send_error)


async def _try_edit(
    message: Message | None, text: str, markup: InlineKeyboardMarkup | None
) -> bool:
    """Edit a text message in place; False when it cannot be (gone, too old, not text)."""
    if message is None or message.text is None:
        return False
    try:
        await message.edit_text(text, reply_markup=markup)
    except BadRequest as error:
        if not _not_modified(error):
            log.info("edit failed (%s); sending a new message", error.message)
            return False
    return True


_PROMPT_KEY = "prompt_message"


def _shown_prompt(context: Context) -> tuple[int, int | None, int] | None:
    data = context.chat_data
    return data.get(_PROMPT_KEY) if data is not None else None


def _remember_prompt(context: Context, message_id: int, current: tuple[int | None, int]) -> None:
    if context.chat_data is not None:
        context.chat_data[_PROMPT_KEY] = (message_id, *current)


async def _try_edit_markup(message: Message, markup: InlineKeyboardMarkup | None) -> None:
    try:
        await message.edit_reply_markup(markup)
    except BadRequest as error:
        log.info("could not clear an old keyboard: %s", error.message)


def _invite_link(context: Context, code: str) -> str:
    return f"https://t.me/{context.bot.username}?start={code}"


def _tapped(query: CallbackQuery | None) -> Message | None:
    """The message a button was tapped on, if Telegram still has it."""
    if query is None or not isinstance(query.message, Message):
        return None
    return query.message


def _chat_id(query: CallbackQuery) -> int:
    if query.message is not None:
        return query.message.chat.id
    return query.from_user.id


def _letter_text(letter: LetterView) -> str:
    return render("letter", letter=letter, full=True, brief=False)


def _letter_caption(letter: LetterView, brief: bool = False) -> str:
    """The caption of a letter sent as a file: with its channels when they fit (1,024)."""
    caption = render("letter", letter=letter, full=False, brief=brief)
    if brief or visible_length(caption) <= MAX_CAPTION:
        return caption
    return _letter_caption(letter, brief=True)


def _letter_filename(letter: LetterView, extension: str = "txt") -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", letter.target.label.lower()).strip("-") or "official"
    return f"letter-to-{slug}.{extension}"
