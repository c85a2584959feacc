"""/export for organizers: the campaign as CSV files, and personal data only after a
confirming tap. With several campaigns, /export asks which one first (a button each), and
`/export <campaign-id> [letters|supporters|personal]` goes straight to that one's."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from typing import IO, Any

from telegram import CallbackQuery, InputFile, Update

from bot.campaign import Campaign
from bot.reports.export import export as export_rows
from bot.telegram.organizers.access import (
    AdminCommand,
    Context,
    admin_button,
    admin_only,
    button_label,
    buttons,
    callback_data,
    campaign_gone,
    chat_of,
    edit_in_place,
    toast,
)
from bot.telegram.render import render
from bot.telegram.sending import chat_id_of

MAX_UPLOAD_BYTES = 45 * 1024 * 1024  # Telegram bots may upload 50 MB; keep a margin
EXPORT_KINDS = ("summary", "letters", "supporters")
PERSONAL = "personal"
# Callback data of this command's buttons: "a|ex|personal[|<campaign id>]" (the confirming tap;
# without an id, the default campaign), "a|ex|no", and the campaign picker's
# "a|ex|c|<kind or personal>|<campaign id>".
BUTTONS = "ex"
PICKED = "c"


class ExportCommand(AdminCommand):
    """/export [<campaign-id>] [summary|letters|supporters|personal] and the personal-data
    confirmation."""

    @admin_only
    async def export(self, update: Update, context: Context) -> None:
        chat_id = chat_of(update)
        args = [a.lower() for a in context.args or []]
        kinds = (*EXPORT_KINDS, PERSONAL)
        named = self.campaign_named(args[0]) if args and args[0] not in kinds else None
        campaign: Campaign | None = named or (None if self.several else self.campaign)
        if named is not None:
            args = args[1:]
        elif self.several and args and args[0] not in kinds:
            await context.bot.send_message(chat_id, self.unknown_campaign(args[0]))
            return
        what = args[0] if args else "summary"
        if len(args) > 1 or what not in kinds:
            ids = self.use.catalogue.ids if self.several else []
            await context.bot.send_message(chat_id, render("export_usage", ids=ids))
            return
        if campaign is None:
            picker = self.picker(lambda c: callback_data(BUTTONS, PICKED, what, c.id))
            await context.bot.send_message(
                chat_id, render("admin_campaigns", what="export"), reply_markup=buttons(picker)
            )
            return
        await self._start(context, chat_id, campaign, what)

    async def _start(self, context: Context, chat_id: int, campaign: Campaign, what: str) -> None:
        """One campaign's export: at once, or after the confirmation for personal data."""
        if what == PERSONAL:
            await self._confirm_personal(context, chat_id, campaign)
        else:
            await self._send_export(context, chat_id, campaign, what, include_personal=False)

    async def _confirm_personal(self, context: Context, chat_id: int, campaign: Campaign) -> None:
        """The question before personal data leave; the button keeps the campaign (named
        when the bot runs several)."""
        yes = callback_data(BUTTONS, PERSONAL, campaign.id) if self.several else None
        confirm = [
            (button_label("export_personal"), yes or f"{BUTTONS}|{PERSONAL}"),
            (button_label("cancel"), f"{BUTTONS}|no"),
        ]
        title = campaign.title if self.several else None
        await context.bot.send_message(
            chat_id, render("export_personal_confirm", title=title), reply_markup=buttons(confirm)
        )

    @admin_button
    async def on_button(
        self, context: Context, query: CallbackQuery, parts: list[str]
    ) -> str | None:
        if parts == [BUTTONS, "no"]:
            await edit_in_place(query, render("export_personal_cancelled"))
            return None
        if len(parts) in (2, 3) and parts[:2] == [BUTTONS, PERSONAL]:
            campaign = self.campaign_named(parts[2]) if len(parts) == 3 else self.campaign
            if campaign is None:
                return campaign_gone()
            await edit_in_place(query, render("export_personal_started"))
            for what in ("letters", "supporters"):
                await self._send_export(context, chat_id_of(query), campaign, what, True)
            return None
        if len(parts) == 4 and parts[:2] == [BUTTONS, PICKED]:
            what, campaign_id = parts[2], parts[3]
            if what not in (*EXPORT_KINDS, PERSONAL):
                return toast("out_of_date")
            campaign = self.campaign_named(campaign_id)
            if campaign is None:
                return campaign_gone()
            await self._start(context, chat_id_of(query), campaign, what)
            return None
        return toast("out_of_date")

    async def _send_export(
        self,
        context: Context,
        chat_id: int,
        campaign: Campaign,
        what: str,
        include_personal: bool,
    ) -> None:
        suffix = "-personal" if include_personal else ""
        filename = f"{campaign.id}-{what}{suffix}-{datetime.now(UTC):%Y-%m-%d}.csv"
        with tempfile.TemporaryFile() as spool:
            rows = await self.store.read(
                _export_into,
                spool,
                campaign_id=campaign.id,
                campaign=campaign,
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
