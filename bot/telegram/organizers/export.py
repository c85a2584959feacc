"""/export for organizers: the campaign as CSV files, and personal data only after a
confirming tap."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from typing import IO, Any

from telegram import CallbackQuery, InputFile, Update

from bot.reports.export import export as export_rows
from bot.telegram.organizers.access import (
    AdminCommand,
    Context,
    admin_button,
    admin_only,
    button_label,
    buttons,
    chat_of,
    edit_in_place,
    toast,
)
from bot.telegram.render import render
from bot.telegram.sending import chat_id_of

MAX_UPLOAD_BYTES = 45 * 1024 * 1024  # Telegram bots may upload 50 MB; keep a margin
EXPORT_KINDS = ("summary", "letters", "supporters")
BUTTONS = "ex"  # callback data of this command's buttons: "a|ex|..."


class ExportCommand(AdminCommand):
    """/export [summary|letters|supporters|personal] and the personal-data confirmation."""

    @admin_only
    async def export(self, update: Update, context: Context) -> None:
        chat_id = chat_of(update)
        args = [a.lower() for a in context.args or []]
        if args == ["personal"]:
            confirm = [
                (button_label("export_personal"), f"{BUTTONS}|personal"),
                (button_label("cancel"), f"{BUTTONS}|no"),
            ]
            await context.bot.send_message(
                chat_id, render("export_personal_confirm"), reply_markup=buttons(confirm)
            )
            return
        what = args[0] if args else "summary"
        if len(args) > 1 or what not in EXPORT_KINDS:
            await context.bot.send_message(chat_id, render("export_usage"))
            return
        await self._send_export(context, chat_id, what, include_personal=False)

    @admin_button
    async def on_button(
        self, context: Context, query: CallbackQuery, parts: list[str]
    ) -> str | None:
        if parts == [BUTTONS, "personal"]:
            await edit_in_place(query, render("export_personal_started"))
            for what in ("letters", "supporters"):
                await self._send_export(context, chat_id_of(query), what, True)
            return None
        if parts == [BUTTONS, "no"]:
            await edit_in_place(query, render("export_personal_cancelled"))
            return None
        return toast("out_of_date")

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


def _export_into(repo: Any, out: IO[bytes], **options: Any) -> int:
    """`export` inside the Store's transaction, on the database thread."""
    return export_rows(repo, out, **options)
