"""Organizer access: who is an admin, their own command menu, and the gate on every admin
handler and callback. Anyone else gets the same neutral reply as an unknown command."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import Callable, Coroutine, Iterable
from datetime import UTC, date, datetime
from functools import wraps
from typing import IO, Any

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    Update,
)
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    filters,
)

from bot import broadcasts
from bot.broadcasts import Progress
from bot.campaign import Campaign
from bot.campaign.freshness import directory_age, stale_items
from bot.charts import daily_letters_png
from bot.export import export as export_rows
from bot.stats import campaign_stats
from bot.store import Store
from bot.telegram.broadcast import (
    LOCAL_HOLDER,
    resume_unfinished,
    start_broadcast,
)
from bot.telegram.render import fits_message, render

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
Handler = Callable[[Any, Update, Context], Coroutine[Any, Any, None]]

ADMIN_COMMANDS = [
    ("stats", "Campaign numbers and a chart"),
    ("export", "Spreadsheet of the campaign (add 'personal' for names)"),
    ("broadcast", "Message everyone who asked for updates"),
]
_MENUS_SET = "admin_menus_set"
ADMIN_PREFIX = "a"  # callback data of admin buttons: "a|..."


class AdminGate:
    """The organizers' ids, checked on every admin update, and their command menus."""

    def __init__(self, admin_ids: Iterable[int], supporter_commands: list[tuple[str, str]]):
        self.admin_ids = frozenset(admin_ids)
        self._commands = [BotCommand(c, d) for c, d in [*supporter_commands, *ADMIN_COMMANDS]]

    def is_admin(self, update: Update) -> bool:
        user = update.effective_user
        return user is not None and user.id in self.admin_ids

    async def set_menus(self, context_or_app: Any) -> None:
        """Give each organizer the admin menu. An organizer who never opened the bot makes
        Telegram answer "chat not found": that is expected, and retried when they write."""
        for admin_id in self.admin_ids:
            await self.ensure_menu(context_or_app, admin_id)

    async def ensure_menu(self, context_or_app: Any, admin_id: int) -> None:
        done: set[int] = context_or_app.bot_data.setdefault(_MENUS_SET, set())
        if admin_id in done:
            return
        try:
            await context_or_app.bot.set_my_commands(
                self._commands, scope=BotCommandScopeChat(admin_id)
            )
        except (BadRequest, Forbidden) as error:
            log.info("admin menu for %s not set yet: %s", admin_id, error.message)
            return
        done.add(admin_id)


def admin_only(handler: Handler) -> Handler:
    """Run `handler` for organizers only; others get the unknown-command reply, nothing more.

    For callback queries the refusal is a neutral toast, so every query is still answered.
    """

    @wraps(handler)
    async def gated(self: Any, update: Update, context: Context) -> None:
        gate: AdminGate = self.gate
        if gate.is_admin(update):
            user = update.effective_user
            if user is not None:
                await gate.ensure_menu(context, user.id)
            await handler(self, update, context)
            return
        log.warning(
            "refused an admin action from user %s",
            update.effective_user.id if update.effective_user else "?",
        )
        if update.callback_query is not None:
            await update.callback_query.answer("That button is not available.")
        elif update.effective_chat is not None:
            await context.bot.send_message(
                update.effective_chat.id, render("help", campaign=self.campaign, unknown=True)
            )

    return gated


STALE_NOTE_LINES = 8  # then "… and N more": the full list is `campaign-bot check`'s
MAX_UPLOAD_BYTES = 45 * 1024 * 1024  # Telegram bots may upload 50 MB; keep a margin
EXPORT_KINDS = ("summary", "letters", "supporters")


class AdminHandlers:
    """/stats, /export and /broadcast, for organizers only (see `admin_only`)."""

    def __init__(
        self,
        campaign: Campaign,
        store: Store,
        gate: AdminGate,
        *,
        paid_broadcasts: bool = False,
        holder: str = LOCAL_HOLDER,
    ) -> None:
        self.campaign = campaign
        self.store = store
        self.gate = gate
        self.paid_broadcasts = paid_broadcasts  # the PAID_BROADCASTS setting
        self.holder = holder  # this instance, as it claims broadcast recipients
        self._sending: set[int] = set()  # broadcasts this process is sending now

    def register(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
        app.add_handler(CommandHandler("stats", self.stats, filters=private))
        app.add_handler(CommandHandler("export", self.export, filters=private))
        app.add_handler(CommandHandler("broadcast", self.broadcast, filters=private))
        app.add_handler(CallbackQueryHandler(self.on_callback, pattern=rf"^{ADMIN_PREFIX}\|"))

    # /stats
    @admin_only
    async def stats(self, update: Update, context: Context) -> None:
        chat_id = _chat(update)
        numbers = await self.store.read(campaign_stats, self.campaign)
        days = [(d.day, d.drafted, d.sent) for d in numbers.by_day]
        chart = await asyncio.to_thread(
            daily_letters_png, days, f"Letters per day, last {len(days)} days"
        )
        await context.bot.send_photo(chat_id, chart, caption=render("stats_caption", stats=numbers))
        text, note = (
            render("stats", stats=numbers),
            await self._stale_note(numbers.today),
        )
        if note and fits_message(f"{text}\n\n{note}"):
            text, note = f"{text}\n\n{note}", None
        await context.bot.send_message(chat_id, text)
        if note:
            await context.bot.send_message(chat_id, note)

    async def _stale_note(self, today: date) -> str | None:
        """The dates to re-check (campaign file, then the officials directory if the campaign
        uses it), so organizers see old data where they already look; None if all is fresh."""
        lines = [item.description for item in stale_items(self.campaign, today)]
        if self.campaign.lookups:
            days = self.campaign.stale_after_days
            directory = await self.store.read(directory_age, days, today)
            lines += [f"Officials directory: {p.replace('`', '')}" for p in directory.problems()]
        if not lines:
            return None
        return render(
            "stale_note",
            days=self.campaign.stale_after_days,
            lines=lines[:STALE_NOTE_LINES],
            more=len(lines) - STALE_NOTE_LINES,
        )

    # /export
    @admin_only
    async def export(self, update: Update, context: Context) -> None:
        chat_id = _chat(update)
        args = [a.lower() for a in context.args or []]
        if args == ["personal"]:
            await context.bot.send_message(
                chat_id,
                render("export_personal_confirm"),
                reply_markup=_buttons(
                    [("🔓 Yes, export personal data", "ex|personal"), ("Cancel", "ex|no")]
                ),
            )
            return
        what = args[0] if args else "summary"
        if len(args) > 1 or what not in EXPORT_KINDS:
            await context.bot.send_message(chat_id, render("export_usage"))
            return
        await self._send_export(context, chat_id, what, include_personal=False)

    async def _send_export(
        self, context: Context, chat_id: int, what: str, include_personal: bool
    ) -> None:
        suffix = "-personal" if include_personal else ""
        filename = f"{self.campaign.id}-{what}{suffix}-{datetime.now(UTC):%Y-%m-%d}.csv"
        with tempfile.TemporaryFile() as spool:
            rows = await self.store.read(
                _export_into,
                spool,
                campaign_id=self.campaign.id,
                campaign=self.campaign,
                what=what,
                include_personal=include_personal,
            )
            size = spool.tell()
            if size > MAX_UPLOAD_BYTES:
                await context.bot.send_message(chat_id, render("export_too_big", size=size))
                return
            spool.seek(0)
            await context.bot.send_document(
                chat_id,
                InputFile(spool, filename=filename),
                caption=render("export_caption", what=what, rows=rows, personal=include_personal),
            )

    # /broadcast <text>
    @admin_only
    async def broadcast(self, update: Update, context: Context) -> None:
        chat_id = _chat(update)
        try:
            await self._preview(update, context, chat_id)
        except Exception:
            # An organizer never gets the supporters' "something went wrong": theirs says
            # that nothing was sent.
            log.exception("could not preview a broadcast")
            await _tell(context, chat_id, render("broadcast_error", started=False))

    async def _preview(self, update: Update, context: Context, chat_id: int) -> None:
        message = update.effective_message
        text = _after_command(message.text if message and message.text else "")
        user = update.effective_user
        try:
            preview = await self.store.run(
                broadcasts.create,
                self.campaign.id,
                text,
                user.id if user else 0,
                paid=self.paid_broadcasts,
            )
        except broadcasts.BroadcastTextError as error:
            await context.bot.send_message(chat_id, render("broadcast_usage", error=str(error)))
            return
        markup = None
        if preview.recipients:
            markup = _buttons(
                [
                    (f"📣 Send to {preview.recipients:,}", f"bc|{preview.broadcast_id}|go"),
                    ("Cancel", f"bc|{preview.broadcast_id}|no"),
                ]
            )
        await context.bot.send_message(
            chat_id,
            render("broadcast_preview", preview=preview),
            reply_markup=markup,
        )

    # Buttons
    @admin_only
    async def on_callback(self, update: Update, context: Context) -> None:
        query = update.callback_query
        if query is None:
            return
        parts = (query.data or "").split("|")[1:]
        toast: str | None = None
        try:
            if parts == ["ex", "personal"]:
                await _edit(query, render("export_personal_started"))
                for what in ("letters", "supporters"):
                    await self._send_export(context, _query_chat(query), what, True)
            elif parts == ["ex", "no"]:
                await _edit(query, render("export_personal_cancelled"))
            elif len(parts) == 3 and parts[0] == "bc" and parts[1].isdecimal():
                try:
                    toast = await self._broadcast_button(context, query, int(parts[1]), parts[2])
                except Exception:
                    log.exception("a broadcast button failed")
                    toast = "Something went wrong: see the message below."
                    await _tell(
                        context, _query_chat(query), render("broadcast_error", started=True)
                    )
            else:
                toast = "That button is out of date."
        finally:
            try:
                await query.answer(toast)
            except BadRequest as error:  # e.g. a tap answered too late: the toast is lost
                log.info("callback answer failed: %s", error.message)

    async def _broadcast_button(
        self, context: Context, query: CallbackQuery, broadcast_id: int, action: str
    ) -> str | None:
        if action == "no":
            cancelled = await self.store.run(broadcasts.cancel, broadcast_id)
            if cancelled:
                await _edit(query, render("broadcast_cancelled"))
            return None if cancelled else "This broadcast has already ended."
        if action != "go":
            return "That button is out of date."
        if not await self.store.run(broadcasts.launch, broadcast_id):
            return "This broadcast was already started or cancelled."
        try:
            message = query.message
            if isinstance(message, Message):
                await self.store.run(
                    broadcasts.set_report_message,
                    broadcast_id,
                    message.chat.id,
                    message.message_id,
                )
            progress = await self.store.run(broadcasts.progress, broadcast_id)
            await _edit(query, render("broadcast_progress", progress=progress))
        finally:
            self.launch(context.application, broadcast_id)  # launched: it must be sent
        return "Sending…"

    def launch(self, app: Application[Any, Any, Any, Any, Any, Any], broadcast_id: int) -> None:
        """Run a broadcast in the background; its progress edits the organizer's message."""
        report = ProgressReport(app.bot, self.store, broadcast_id)
        task = start_broadcast(
            app,
            self.store,
            broadcast_id,
            on_progress=report.show,
            paid=self.paid_broadcasts,
            holder=self.holder,
        )
        self._track(broadcast_id, task)
        app.create_task(report.final(task), name=f"broadcast-report-{broadcast_id}")

    async def resume(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """At start-up: finish broadcasts a restart interrupted, reporting where they began."""
        tasks = await resume_unfinished(app, self.store, **self._reporting(app))
        for task in tasks:
            self._track(int(task.get_name().rsplit("-", 1)[1]), task)

    async def join(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """Every few seconds: help send broadcasts other instances started, and take over
        the recipients of an instance that died (once their claims' lease expires)."""
        tasks = await resume_unfinished(app, self.store, at_start=False, **self._reporting(app))
        for task in tasks:
            self._track(int(task.get_name().rsplit("-", 1)[1]), task)

    def _reporting(self, app: Application[Any, Any, Any, Any, Any, Any]) -> dict[str, Any]:
        def progress_for(broadcast_id: int) -> Any:
            return ProgressReport(app.bot, self.store, broadcast_id).show

        async def finished(progress: Progress) -> None:
            await ProgressReport(app.bot, self.store, progress.broadcast_id).show(progress)

        return {
            "progress_for": progress_for,
            "on_finished": finished,
            "paid": self.paid_broadcasts,
            "holder": self.holder,
            "skip": frozenset(self._sending),
        }

    def _track(self, broadcast_id: int, task: asyncio.Task[Progress]) -> None:
        self._sending.add(broadcast_id)
        task.add_done_callback(lambda _: self._sending.discard(broadcast_id))


class ProgressReport:
    """Edits the organizer's broadcast message with progress, then the final report."""

    def __init__(self, bot: Any, store: Store, broadcast_id: int) -> None:
        self.bot = bot
        self.store = store
        self.broadcast_id = broadcast_id

    async def show(self, progress: Progress) -> None:
        target = await self.store.run(broadcasts.report_target, self.broadcast_id)
        if target is None:
            return
        chat_id, message_id = target
        try:
            await self.bot.edit_message_text(
                render("broadcast_progress", progress=progress),
                chat_id=chat_id,
                message_id=message_id,
            )
        except BadRequest as error:
            if "not modified" not in error.message.lower():
                log.info("could not update the broadcast report: %s", error.message)

    async def final(self, task: asyncio.Task[Progress]) -> None:
        try:
            progress = await task
        except asyncio.CancelledError:
            return
        await self.show(progress)


def _export_into(repo: Any, out: IO[bytes], **options: Any) -> int:
    """`export` inside the Store's transaction, on the database thread."""
    return export_rows(repo, out, **options)


def _after_command(text: str) -> str:
    """The text after "/broadcast", with its line breaks kept."""
    parts = text.split(maxsplit=1)
    if not parts:
        return ""
    return text[text.index(parts[0]) + len(parts[0]) :].strip()


def _buttons(rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=f"{ADMIN_PREFIX}|{data}")]
            for label, data in rows
        ]
    )


async def _edit(query: CallbackQuery, text: str) -> None:
    message = query.message
    if isinstance(message, Message) and message.text is not None:
        try:
            await message.edit_text(text)
        except BadRequest as error:
            if "not modified" not in error.message.lower():
                raise


async def _tell(context: Context, chat_id: int, text: str) -> None:
    """A message to an organizer about an error, which must not raise another."""
    try:
        await context.bot.send_message(chat_id, text)
    except TelegramError as error:
        log.warning("could not tell the organizer about an error: %s", error)


def _chat(update: Update) -> int:
    if update.effective_chat is None:
        raise ValueError("update without a chat")
    return update.effective_chat.id


def _query_chat(query: CallbackQuery) -> int:
    return query.message.chat.id if query.message is not None else query.from_user.id
