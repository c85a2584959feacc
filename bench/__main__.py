"""Run the benchmarks: `python -m bench` (all of them) or `python -m bench flow broadcast ...`.

Each prints its figures as ratios against a baseline measured in the same process and run.
Options for one benchmark: `python -m bench.<name>_bench --help`.
"""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = {
    "flow": "bench.flow_bench",  # letter-flow steps vs a bare PTB handler
    "broadcast": "bench.broadcast_bench",  # sustained broadcast rate vs the flood limit
    "reports": "bench.reports_bench",  # 1,000,000-letter export vs sqlite3, stats time
    "dashboard": "bench.dashboard_bench",  # dashboard JSON over HTTP vs computing the stats
    "kit": "bench.kit_bench",  # PDF and phone script cost vs rendering the letter
    "officials": "bench.officials_bench",  # ZIP lookups and directory import vs a flow step
    "similarity": "bench.similarity_bench",  # letters' likeness vs one wording for all
    "chat_calls": "bench.chat_calls_bench",  # Bot API calls per supporter vs the target 6
}


def main(argv: list[str]) -> int:
    names = argv or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark {unknown}; choose from {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    for name in names:
        print(f"\n=== {name} ===", flush=True)
        module = importlib.import_module(BENCHMARKS[name])
        code = module.main([])
        if code:
            return int(code)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
