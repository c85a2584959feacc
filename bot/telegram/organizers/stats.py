"""/stats for organizers: the campaign's numbers, a chart of letters per day, and the data that
is due for a re-check. With several campaigns, /stats asks which one first (a button each), and
`/stats <campaign-id>` goes straight to that one's."""

from __future__ import annotations

import asyncio
from datetime import date

from babel.dates import format_date
from telegram import CallbackQuery, Update

from bot.campaign import Campaign
from bot.campaign.freshness import directory_age, stale_items
from bot.reports.charts import ChartWords, daily_letters_png
from bot.reports.stats import campaign_stats
from bot.telegram import i18n
from bot.telegram.organizers.access import (
    AdminCommand,
    Context,
    admin_only,
    buttons,
    callback_data,
    campaign_gone,
    chat_of,
    toast,
)
from bot.telegram.render import fits_message, render
from bot.telegram.sending import chat_id_of
from bot.telegram.texts import label

STALE_NOTE_LINES = 8  # then "… and N more": the full list is `campaign-bot check`'s
BUTTONS = "st"  # callback data of the campaign picker: "a|st|<campaign id>"


def chart_words() -> ChartWords:
    """The chart's legend, axis and dates in the organizer's language."""
    language = i18n.current()
    return ChartWords(
        drafted=label("chart_drafted"),
        sent=label("chart_sent"),
        letters=label("chart_letters"),
        day=lambda d: format_date(d, "d MMM", locale=language),
    )


class StatsCommand(AdminCommand):
    """/stats: numbers and a chart, with a note of stale data where organizers already look."""

    @admin_only
    async def stats(self, update: Update, context: Context) -> None:
        chat_id = chat_of(update)
        if not self.several:
            await self.send_stats(context, chat_id, self.campaign)
            return
        named = (context.args or [""])[0].lower()
        if not named:
            picker = buttons(self.picker(lambda c: callback_data(BUTTONS, c.id)))
            await context.bot.send_message(
                chat_id, render("admin_campaigns", what="stats"), reply_markup=picker
            )
            return
        campaign = self.campaign_named(named)
        if campaign is None:
            await context.bot.send_message(chat_id, self.unknown_campaign(named))
            return
        await self.send_stats(context, chat_id, campaign)

    async def picked(self, context: Context, query: CallbackQuery, parts: list[str]) -> str | None:
        """A tap on the picker ("st|<campaign id>"): that campaign's stats, the picker kept so
        another tap shows another's. Called by the organizers' button router, `admin_button`."""
        if len(parts) != 2 or parts[0] != BUTTONS:
            return toast("out_of_date")
        campaign = self.campaign_named(parts[1])
        if campaign is None:
            return campaign_gone()
        await self.send_stats(context, chat_id_of(query), campaign)
        return None

    async def send_stats(self, context: Context, chat_id: int, campaign: Campaign) -> None:
        """One campaign's chart with its totals, then its numbers and any stale data."""
        numbers = await self.store.read(campaign_stats, campaign)
        days = [(d.day, d.drafted, d.sent) for d in numbers.by_day]
        title = render("admin_chart_title", days=len(days))
        chart = await asyncio.to_thread(daily_letters_png, days, title, chart_words())
        await context.bot.send_photo(chat_id, chart, caption=render("stats_caption", stats=numbers))
        note = await self._stale_note(campaign, numbers.today)
        text = render("stats", stats=numbers)
        if note and fits_message(f"{text}\n\n{note}"):
            text, note = f"{text}\n\n{note}", None
        await context.bot.send_message(chat_id, text)
        if note:
            await context.bot.send_message(chat_id, note)

    async def _stale_note(self, campaign: Campaign, today: date) -> str | None:
        """The dates to re-check (campaign file, then the officials directory if the campaign
        uses it), so organizers see old data where they already look; None if all is fresh."""
        lines = [(False, item.description) for item in stale_items(campaign, today)]
        if campaign.lookups:
            days = campaign.stale_after_days
            directory = await self.store.read(directory_age, days, today)
            lines += [(True, problem.replace("`", "")) for problem in directory.problems()]
        if not lines:
            return None
        return render(
            "stale_note",
            days=campaign.stale_after_days,
            lines=lines[:STALE_NOTE_LINES],
            more=len(lines) - STALE_NOTE_LINES,
        )
