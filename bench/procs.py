"""Child processes for the benchmarks that run several bot instances at once."""

from __future__ import annotations

import queue
from collections.abc import Sequence
from multiprocessing.process import BaseProcess
from typing import Any


def collect(processes: Sequence[BaseProcess], results: Any, timeout: float = 3600) -> list[Any]:
    """One result from each process, as each puts `(index, result)` on `results`; raises if
    one of them dies first. Then waits for them to exit (terminating stragglers)."""
    found: dict[int, Any] = {}
    waited = 0.0
    try:
        while len(found) < len(processes):
            try:
                index, result = results.get(timeout=1)
                found[index] = result
            except queue.Empty:
                waited += 1
                dead = [p.name for p in processes if p.exitcode not in (None, 0)]
                if dead or waited > timeout:
                    raise RuntimeError(
                        f"instance process failed: {', '.join(dead) or 'timed out'}"
                    ) from None
    finally:
        stop(processes)
    return [found[i] for i in range(len(processes))]


def stop(processes: Sequence[BaseProcess]) -> None:
    """Wait for each process to exit; terminate one that does not within 30 s."""
    for process in processes:
        if process.pid is None:
            continue
        process.join(timeout=30)
        if process.is_alive():
            process.terminate()
            process.join()
