"""Timing helpers shared by the benchmark scripts: medians, so one slow run does not count."""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable


def median_seconds(action: Callable[[], object], repeat: int = 5) -> float:
    """The median wall time of calling `action` `repeat` times, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def best_and_median(action: Callable[[], object], repeat: int = 7) -> tuple[float, float]:
    """The fastest and the median wall time of `repeat` calls, in seconds.

    On a shared machine other work only ever adds time, so the fastest run is the best
    estimate of the code's own speed (as `timeit` advises); the median shows the spread.
    """
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def median_run_time(command: list[str], repeat: int = 7) -> float:
    """The median wall time of running `command` in a fresh process, in seconds."""
    subprocess.run(command, check=True, capture_output=True)  # warm the file cache
    return median_seconds(lambda: subprocess.run(command, check=True, capture_output=True), repeat)
