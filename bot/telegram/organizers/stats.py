"""/stats for organizers: the campaign's numbers, a chart of letters per day, and the data that
is due for a re-check."""

from __future__ import annotations

import asyncio
from datetime import date

from babel.dates import format_date
from telegram import Update

from bot.campaign.freshness import directory_age, stale_items
from bot.reports.charts import ChartWords, daily_letters_png
from bot.reports.stats import campaign_stats
from bot.telegram import i18n
from bot.telegram.organizers.access import AdminCommand, Context, admin_only, chat_of
from bot.telegram.render import fits_message, render
from bot.telegram.texts import label

STALE_NOTE_LINES = 8  # then "… and N more": the full list is `campaign-bot check`'s


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
        numbers = await self.store.read(campaign_stats, self.campaign)
        days = [(d.day, d.drafted, d.sent) for d in numbers.by_day]
        title = render("admin_chart_title", days=len(days))
        chart = await asyncio.to_thread(daily_letters_png, days, title, chart_words())
        await context.bot.send_photo(chat_id, chart, caption=render("stats_caption", stats=numbers))
        text, note = render("stats", stats=numbers), await self._stale_note(numbers.today)
        if note and fits_message(f"{text}\n\n{note}"):
            text, note = f"{text}\n\n{note}", None
        await context.bot.send_message(chat_id, text)
        if note:
            await context.bot.send_message(chat_id, note)

    async def _stale_note(self, today: date) -> str | None:
        """The dates to re-check (campaign file, then the officials directory if the campaign
        uses it), so organizers see old data where they already look; None if all is fresh."""
        lines = [(False, item.description) for item in stale_items(self.campaign, today)]
        if self.campaign.lookups:
            days = self.campaign.stale_after_days
            directory = await self.store.read(directory_age, days, today)
            lines += [(True, problem.replace("`", "")) for problem in directory.problems()]
        if not lines:
            return None
        return render(
            "stale_note",
            days=self.campaign.stale_after_days,
            lines=lines[:STALE_NOTE_LINES],
            more=len(lines) - STALE_NOTE_LINES,
        )
