"""/broadcast for organizers: the preview, the confirming tap, and the organizer's progress
message, edited while the broadcast runs here or resumes after a restart.

With several campaigns, a broadcast goes to the supporters of one campaign: the preview names
it (the default campaign first) and has a button for each other campaign, which previews the
same text for that campaign's supporters instead (a new draft; the old one is cancelled)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fractions import Fraction
from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.ext import Application

from bot import broadcast_lifecycle
from bot.campaign import Campaign
from bot.store import broadcast_queries
from bot.store.broadcast_queries import Progress
from bot.telegram.broadcasting.report import ProgressReport
from bot.telegram.broadcasting.sender import LOCAL_HOLDER, ProgressCallback
from bot.telegram.broadcasting.tasks import resume_unfinished, start_broadcast
from bot.telegram.organizers.access import (
    AdminCommand,
    Context,
    admin_button,
    admin_only,
    button_label,
    buttons,
    callback_data,
    campaign_gone,
    campaign_label,
    chat_of,
    edit_in_place,
    shortened,
    tell,
    toast,
)
from bot.telegram.render import MAX_MESSAGE, render
from bot.telegram.sending import chat_id_of, edit_or_send

log = logging.getLogger(__name__)
AnyApplication = Application[Any, Any, Any, Any, Any, Any]
# The organizer's preview shows the text under a header (recipients, the fee of a paid
# broadcast); tests/telegram/test_broadcast_command.py checks the header never needs more.
PREVIEW_ROOM = 296
# The longest broadcast: its preview still fits one message. Supporters get the text alone, as
# plain text (escaped), so its visible length is its own length.
MAX_TEXT = MAX_MESSAGE - PREVIEW_ROOM
# With several campaigns the preview also names the campaign (its title, cut to LABEL_TITLE),
# so the text may be that much shorter.
CAMPAIGN_ROOM = 200
MAX_TEXT_SEVERAL = MAX_TEXT - CAMPAIGN_ROOM
# Telegram's fee in Stars for each message of a paid broadcast sent beyond the free rate
# (`allow_paid_broadcast`, Bot API: "a fee of 0.1 Telegram Stars per message").
PAID_FEE_PER_MESSAGE = Fraction(1, 10)
# Callback data of this command's buttons: "a|bc|<broadcast id>|go" or "|no", and, with
# several campaigns, "a|bc|<broadcast id>|to|<campaign id>" (the text to another campaign).
BUTTONS = "bc"
TO = "to"


@dataclass
class BroadcastCommand(AdminCommand):
    """/broadcast <text>, its Send and Cancel buttons, and the broadcasts this process sends."""

    paid: bool = False  # the PAID_BROADCASTS setting
    holder: str = LOCAL_HOLDER  # this instance, as it claims broadcast recipients
    _sending: set[int] = field(default_factory=set, init=False)  # this process sends them now

    @admin_only
    async def broadcast(self, update: Update, context: Context) -> None:
        chat_id = chat_of(update)
        try:
            await self._preview(update, context, chat_id)
        except Exception:
            # An organizer never gets the supporters' "something went wrong": theirs says
            # that nothing was sent.
            log.exception("could not preview a broadcast")
            await tell(context, chat_id, render("broadcast_error", started=False))

    async def _preview(self, update: Update, context: Context, chat_id: int) -> None:
        message = update.effective_message
        text = _after_command(message.text if message and message.text else "")
        user = update.effective_user
        campaign = self.campaign
        try:
            preview = await self.store.run(
                broadcast_lifecycle.create,
                campaign.id,
                checked_text(text, MAX_TEXT_SEVERAL if self.several else MAX_TEXT),
                user.id if user else 0,
                paid=self.paid,
            )
        except broadcast_lifecycle.BroadcastTextError as error:
            await context.bot.send_message(chat_id, refusal(error))
            return
        html, markup = self._shown(preview, campaign)
        await context.bot.send_message(chat_id, html, reply_markup=markup)

    def _shown(
        self, preview: broadcast_lifecycle.Preview, campaign: Campaign
    ) -> tuple[str, InlineKeyboardMarkup | None]:
        """The preview and its buttons: Send and Cancel when anyone would get it, and with
        several campaigns one button for each other campaign's supporters."""
        data = f"{BUTTONS}|{preview.broadcast_id}"
        rows: list[tuple[str, str]] = []
        if preview.recipients:
            rows += [
                (button_label("send", recipients=preview.recipients), f"{data}|go"),
                (button_label("cancel"), f"{data}|no"),
            ]
        if not self.several:
            return preview_html(preview), buttons(rows) if rows else None
        now = datetime.now(UTC)
        rows += [
            (
                button_label("instead", campaign=campaign_label(other, now)),
                callback_data(BUTTONS, str(preview.broadcast_id), TO, other.id),
            )
            for other in self.choices(now, but=campaign.id)
        ]
        return preview_html(preview, campaign), buttons(rows) if rows else None

    @admin_button
    async def on_button(
        self, context: Context, query: CallbackQuery, parts: list[str]
    ) -> str | None:
        if len(parts) not in (3, 4) or parts[0] != BUTTONS or not parts[1].isdecimal():
            return toast("out_of_date")
        try:
            if len(parts) == 4:
                if parts[2] != TO:
                    return toast("out_of_date")
                return await self._retarget(context, query, int(parts[1]), parts[3])
            return await self._tapped(context, query, int(parts[1]), parts[2])
        except Exception:
            log.exception("a broadcast button failed")
            await tell(context, chat_id_of(query), render("broadcast_error", started=True))
            return toast("failed")

    async def _retarget(
        self, context: Context, query: CallbackQuery, broadcast_id: int, campaign_id: str
    ) -> str | None:
        """The draft's text to another campaign's supporters: a new draft and its preview in
        place of the old one, which is cancelled (so its Send button sends nothing)."""
        campaign = self.campaign_named(campaign_id)
        if campaign is None:
            return campaign_gone()
        preview = await self.store.run(
            broadcast_lifecycle.redirect,
            broadcast_id,
            campaign.id,
            query.from_user.id,
            paid=self.paid,
        )
        if preview is None:
            return toast("already_started")
        html, markup = self._shown(preview, campaign)
        await edit_or_send(context.bot, query, html, markup)
        return None

    async def _tapped(
        self, context: Context, query: CallbackQuery, broadcast_id: int, action: str
    ) -> str | None:
        if action == "no":
            cancelled = await self.store.run(broadcast_queries.cancel, broadcast_id)
            if cancelled:
                await edit_in_place(query, render("broadcast_cancelled"))
            return None if cancelled else toast("already_ended")
        if action != "go":
            return toast("out_of_date")
        if not await self.store.run(broadcast_queries.start_sending, broadcast_id):
            return toast("already_started")
        try:
            message = query.message
            if isinstance(message, Message):
                await self.store.run(
                    broadcast_queries.set_report_message,
                    broadcast_id,
                    message.chat.id,
                    message.message_id,
                )
            progress = await self.store.run(broadcast_queries.progress, broadcast_id)
            await edit_in_place(query, render("broadcast_progress", progress=progress))
        finally:
            self.launch(context.application, broadcast_id)  # started: it must be sent
        return toast("sending")

    def launch(self, app: AnyApplication, broadcast_id: int) -> None:
        """Run a broadcast in the background; its progress edits the organizer's message."""
        report = ProgressReport(app.bot, self.store, broadcast_id)
        task = start_broadcast(
            app,
            self.store,
            broadcast_id,
            on_progress=report.show,
            paid=self.paid,
            holder=self.holder,
        )
        self._track(broadcast_id, task)
        app.create_task(report.final(task), name=f"broadcast-report-{broadcast_id}")

    async def resume(self, app: AnyApplication, *, at_start: bool = True) -> None:
        """At start-up (`at_start`): finish broadcasts a restart interrupted, reporting where
        they began. Every few seconds after (not `at_start`): help send broadcasts other
        instances started, and take over the recipients of an instance that died (once their
        claims' lease expires)."""

        def progress_for(broadcast_id: int) -> ProgressCallback:
            return ProgressReport(app.bot, self.store, broadcast_id).show

        async def finished(progress: Progress) -> None:
            await ProgressReport(app.bot, self.store, progress.broadcast_id).show(progress)

        tasks = await resume_unfinished(
            app,
            self.store,
            progress_for=progress_for,
            on_finished=finished,
            paid=self.paid,
            holder=self.holder,
            skip=frozenset(self._sending),
            at_start=at_start,
        )
        for task in tasks:
            self._track(int(task.get_name().rsplit("-", 1)[1]), task)

    def _track(self, broadcast_id: int, task: asyncio.Task[Progress]) -> None:
        self._sending.add(broadcast_id)
        task.add_done_callback(lambda _: self._sending.discard(broadcast_id))


def checked_text(text: str, limit: int = MAX_TEXT) -> str:
    """The organizer's text as it will go out, if it fits under the preview's header: its
    length as Telegram counts it, in UTF-16 code units (an emoji outside the BMP is two).
    `limit`: MAX_TEXT, or MAX_TEXT_SEVERAL when the preview names the campaign."""
    cleaned = broadcast_lifecycle.clean_text(text)
    length = len(cleaned.encode("utf-16-le", "surrogatepass")) // 2
    if length > limit:
        raise broadcast_lifecycle.BroadcastTextError(length, limit)
    return cleaned


def max_fee(recipients: int) -> int | float:
    """The most a paid broadcast costs, in Stars (Telegram bills only the messages sent beyond
    the free rate): 1,234.5 for 12,345 recipients, a whole number when it is one."""
    fee = recipients * PAID_FEE_PER_MESSAGE
    return int(fee) if fee.denominator == 1 else float(fee)


def preview_html(preview: broadcast_lifecycle.Preview, campaign: Campaign | None = None) -> str:
    """What the organizer confirms: who gets it (the supporters of `campaign`, named when the
    bot runs several), what a paid broadcast may cost, the text."""
    fee = float(PAID_FEE_PER_MESSAGE)
    title = shortened(campaign.title) if campaign is not None else None
    return render(
        "broadcast_preview",
        preview=preview,
        max_fee=max_fee(preview.recipients),
        fee=fee,
        campaign=title,
    )


def refusal(error: broadcast_lifecycle.BroadcastTextError) -> str:
    """Why the organizer's text cannot go out, and how to write one that can."""
    return render("broadcast_usage", error=error, telegram_max=MAX_MESSAGE)


def _after_command(text: str) -> str:
    """The text after "/broadcast", with its line breaks kept."""
    parts = text.split(maxsplit=1)
    if not parts:
        return ""
    return text[text.index(parts[0]) + len(parts[0]) :].strip()
