"""The /stats chart speaks the organizer's language: legend, axis and dates."""

from __future__ import annotations

from datetime import date

from bot.reports.charts import daily_letters_png
from bot.telegram import i18n
from bot.telegram.organizers.stats import chart_words

JUNE_1 = date(2026, 6, 1)


def test_the_chart_words_follow_the_language() -> None:
    english = chart_words()
    assert (english.drafted, english.sent, english.letters) == ("drafted", "sent", "letters")
    assert english.day(JUNE_1) == "1 Jun"
    with i18n.use("ru"):
        russian = chart_words()
    assert (russian.drafted, russian.letters) == ("составлено", "писем")
    assert russian.day(JUNE_1).startswith("1 июн")
    with i18n.use("hy"):
        armenian = chart_words()
    assert armenian.sent == "ուղարկված"
    png = daily_letters_png([(JUNE_1, 3, 1)], "Նամակներ ըստ օրերի", armenian)
    assert png.startswith(b"\x89PNG")
