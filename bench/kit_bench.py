"""Delivery-kit cost: a printable PDF and a phone script, against rendering the letter itself.

    .venv/bin/python -m bench.kit_bench            # 200 letters of each kind
    .venv/bin/python -m bench.kit_bench --n 50

Prints per-item times and their ratio to one letter render (the baseline in this process).
Built as the kit builds them: the letter to the President with every demand routed there, its
PDF with a subject line and the signer's street (asked for after the letter), and the phone
script for one call (one demand). A PDF is CPU work of a hundred or more letter renders (font
parsing, subsetting and compression; the bold font for the subject line adds to it), so the
Telegram adapter builds it in `asyncio.to_thread`, not on the event loop.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Sequence
from datetime import date

from bot.campaign import find_campaign, load_campaign
from bot.delivery import PhoneScriptRenderer, letter_pdf
from bot.letters import LetterRenderer, LetterRequest, Signer
from bot.places import Place

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
    demands = campaign.demands_for([target.id])
    place = Place(city="Glendale", state="CA", zip="91205")
    writer = Signer("Անի Հակոբյան", place)  # the letter is written before the street is asked
    signer = Signer(writer.name, place, "123 Main Street")
    today = date(2025, 1, 2)

    def render(i: int, story: str = STORIES["latin"]) -> str:
        return letters.render(LetterRequest(target, demands, writer, story, i, today)).body

    def call(i: int) -> object:
        return phone.render(target, demands[i % len(demands)], signer)

    baseline = best_of(render, args.n)
    print(f"letter render            {baseline * 1e3:8.3f} ms   1.0x (baseline)")
    script = best_of(call, args.n)
    print(f"phone script             {script * 1e3:8.3f} ms {script / baseline:6.1f}x")
    for name, story in STORIES.items():
        body = render(0, story)

        def pdf(i: int, body: str = body) -> bytes:
            return letter_pdf(
                body,
                sender_name=signer.name,
                sender_address=signer.address_lines,
                recipient_lines=[target.holder, *target.address],
                date_text="2 January 2025",
                title="Re: " + "; ".join(d.title for d in demands),
            )

        size = len(pdf(0))
        per = best_of(pdf, max(args.n // 10, 5))
        label = f"pdf ({name}, {size // 1024} KB)"
        print(f"{label:24} {per * 1e3:8.3f} ms {per / baseline:6.0f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
