"""The organizers' chart renders off-screen, with data and without."""

from __future__ import annotations

import io
from datetime import date, timedelta

import matplotlib.image

from bot.charts import daily_letters_png

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _days(values: list[tuple[int, int]]) -> list[tuple[date, int, int]]:
    start = date(2026, 10, 29)
    return [(start + timedelta(days=i), d, s) for i, (d, s) in enumerate(values)]


def test_chart_is_a_png_of_the_expected_size() -> None:
    data = daily_letters_png(_days([(i * 3, i) for i in range(30)]), "Letters per day")
    assert data.startswith(PNG_SIGNATURE)
    image = matplotlib.image.imread(io.BytesIO(data), format="png")
    assert image.shape[:2] == (440, 990)  # 9 x 4 inches at 110 dpi


def test_empty_campaign_still_draws() -> None:
    assert daily_letters_png(_days([(0, 0)] * 30), "Nothing yet").startswith(PNG_SIGNATURE)


def test_more_bars_means_a_different_picture() -> None:
    quiet = daily_letters_png(_days([(0, 0)] * 30), "t")
    busy = daily_letters_png(_days([(50, 20)] * 30), "t")
    assert quiet != busy
