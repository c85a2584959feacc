"""How alike two supporters' letters to the same office are, against one wording for all.

    .venv/bin/python -m bench.similarity_bench          # 120 generated supporters per office
    .venv/bin/python -m bench.similarity_bench --n 400

For each office (the President, the Secretary of State, a senator, a representative), with and
without one- or two-sentence stories, prints the median word 5-gram Jaccard similarity of pairs
of supporters whose letters share a template variant, the target it must stay under, and its
ratio to the baseline measured in this run: every supporter given the same seed, i.e. the same
wordings (a form letter with different names).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from bot.campaign import find_campaign, load_campaign
from bot.letters import LetterRenderer
from tests.letters.offices import offices
from tests.letters.population import median, similarities

TARGETS = {True: 0.25, False: 0.35}  # with stories, without


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=120, help="generated supporters per office")
    args = parser.parse_args(argv)

    campaign = load_campaign(find_campaign(None))
    renderer = LetterRenderer(campaign)
    print(f"{'office':<16}{'stories':<9}{'pairs':>6}{'median':>8}{'target':>8}{'baseline':>10}")
    missed = 0
    for name, (target, routing) in offices(campaign).items():
        for stories in (True, False):
            values = similarities(
                campaign, renderer, target, routing, stories=stories, count=args.n
            )
            same = similarities(
                campaign, renderer, target, routing, stories=stories, count=args.n, seed=7
            )
            got, base, limit = median(values), median(same), TARGETS[stories]
            missed += got > limit
            print(
                f"{name:<16}{'yes' if stories else 'no':<9}{len(values):>6}{got:>8.3f}"
                f"{limit:>8.2f}{base:>7.3f} {got / base:.2f}x"
            )
    print("all medians within target" if not missed else f"{missed} medians over target")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
