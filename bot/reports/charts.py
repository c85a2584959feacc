"""Charts for organizers, drawn off-screen.

Built on `matplotlib.figure.Figure` directly, never pyplot: pyplot keeps global state (current
figure, figure manager, backend) that is not thread-safe, and charts are drawn in worker threads
(`asyncio.to_thread`), several at once. A bare Figure saves to PNG with the Agg renderer and
needs no display.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator


@dataclass(frozen=True)
class ChartWords:
    """The chart's words, in the reader's language (English unless the caller says)."""

    drafted: str = "drafted"
    sent: str = "sent"
    letters: str = "letters"
    day: Callable[[date], str] = lambda d: f"{d.day} {d:%b}"  # "1 Jun"


def daily_letters_png(
    days: Sequence[tuple[date, int, int]], title: str, words: ChartWords = ChartWords()
) -> bytes:
    """A bar chart of letters drafted and sent per day: (day, drafted, sent) rows, in order."""
    labels = [words.day(d) for d, _, _ in days]
    drafted = [n for _, n, _ in days]
    sent = [n for _, _, n in days]
    positions = range(len(days))
    figure = Figure(figsize=(9, 4), dpi=110)  # each call its own: nothing shared, nothing to close
    axes = figure.subplots()
    axes.bar(positions, drafted, color="#9db4d3", label=words.drafted)
    axes.bar(positions, sent, color="#1f4e8c", label=words.sent, width=0.5)
    axes.set_title(title, fontsize=11)
    axes.set_ylabel(words.letters)
    step = max(1, len(days) // 10)
    axes.set_xticks(list(positions)[::step], labels[::step], fontsize=8)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
