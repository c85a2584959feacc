"""Delivery-kit cost: a printable PDF and a phone script, against rendering the letter itself.

    .venv/bin/python -m bench.kit_bench            # 200 letters of each kind
    .venv/bin/python -m bench.kit_bench --n 50

Prints per-item times and their ratio to one letter render (the baseline in this process).
A PDF is CPU work of tens of milliseconds (font subsetting and compression), so the Telegram
adapter should build it in `asyncio.to_thread`, not on the event loop.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Sequence
from datetime import date

from bot.campaign import find_campaign, load_campaign
from bot.delivery import PhoneScriptRenderer, letter_pdf
from bot.letters import LetterRenderer, Signer

STORIES = {
    "latin": "My grandparents survived 1915. I am writing so that it never happens again.",
    "armenian": "Իմ տատիկը փրկվել է 1915-ին։ Ես գրում եմ նրա համար, որ այն այլևս չկրկնվի։",
    "arabic": "أكتب لأن عائلتي فقدت بيتها. هذا مهم لي.",
    "long": " ".join(["My family's story, told at length, paragraph after paragraph."] * 120),
}


def best_of(fn: Callable[[int], object], n: int) -> float:
    """Median seconds per call over n calls (after one warm-up call)."""
    fn(0)
    times = []
    for i in range(n):
        start = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="items per measurement")
    args = parser.parse_args(argv)

    campaign = load_campaign(find_campaign(None))
    letters, phone = LetterRenderer(campaign), PhoneScriptRenderer(campaign)
    target = campaign.targets[0]
    signer = Signer("Անի Հակոբյան", "Glendale, CA")
    today = date(2025, 1, 2)

    def render(i: int, story: str = STORIES["latin"]) -> str:
        return letters.render(target, campaign.demands, signer, story, i, today).body

    baseline = best_of(render, args.n)
    print(f"letter render            {baseline * 1e3:8.3f} ms   1.0x (baseline)")
    script = best_of(lambda i: phone.render(target, campaign.demands, signer), args.n)
    print(f"phone script             {script * 1e3:8.3f} ms {script / baseline:6.1f}x")
    for name, story in STORIES.items():
        body = render(0, story)

        def pdf(i: int, body: str = body) -> bytes:
            return letter_pdf(
                body,
                sender_name=signer.name,
                sender_place=signer.place,
                recipient_lines=[target.holder, *target.address],
                date_text="2 January 2025",
            )

        size = len(pdf(0))
        per = best_of(pdf, max(args.n // 10, 5))
        label = f"pdf ({name}, {size // 1024} KB)"
        print(f"{label:24} {per * 1e3:8.3f} ms {per / baseline:6.0f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
