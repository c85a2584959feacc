"""Run every benchmark: `python -m bench`."""

from bench.flow_bench import main

if __name__ == "__main__":
    raise SystemExit(main())
