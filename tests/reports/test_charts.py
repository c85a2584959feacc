"""The organizers' chart renders off-screen, with data and without, from any thread."""

from __future__ import annotations

import io
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import matplotlib.image

from bot.reports.charts import daily_letters_png

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ROOT = Path(__file__).resolve().parents[2]


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


def test_charts_render_from_several_threads_at_once() -> None:
    """/stats draws in worker threads (asyncio.to_thread): concurrent charts must not share
    state, so each comes out exactly as it would alone."""
    charts = [_days([(i * k % 17, i % (k + 1)) for i in range(30)]) for k in range(6)]
    alone = [daily_letters_png(days, f"Chart {k}") for k, days in enumerate(charts)]
    barrier = threading.Barrier(len(charts))

    def draw(k: int) -> list[bytes]:
        barrier.wait()  # all threads start drawing together
        return [daily_letters_png(charts[k], f"Chart {k}") for _ in range(3)]

    with ThreadPoolExecutor(max_workers=len(charts)) as pool:
        together = list(pool.map(draw, range(len(charts))))
    for k, pictures in enumerate(together):
        assert pictures == [alone[k]] * 3, f"chart {k} differs when drawn alongside others"


def test_charts_never_import_pyplot() -> None:
    """pyplot's global state is not thread-safe: the module must not even load it."""
    code = (
        "import sys\n"
        "from datetime import date\n"
        "from bot.reports.charts import daily_letters_png\n"
        "assert daily_letters_png([(date(2026, 1, 1), 3, 1)], 't').startswith(b'\\x89PNG')\n"
        "print('matplotlib.pyplot' in sys.modules)\n"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == "False"
