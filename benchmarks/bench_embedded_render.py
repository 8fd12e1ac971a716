"""What drawing without a system Graphviz costs, with the compiled module cached or not.

Target (issue 14, item 2): a fresh `mlsd-draw grade` of the bundled example attempt with
its SVG costs at most 0.3 s more with the embedded WebAssembly Graphviz than with the
system one. Printed, each a median of fresh processes run interleaved (one of each per
round, so a busy moment of the machine weighs on all alike):

- bare `dot -Tsvg` on the grade's own DOT text (the anchor);
- the grade drawn by the system Graphviz;
- drawn by the embedded Graphviz with no usable cache, compiling at every run (before);
- with a cold cache (an empty folder: compiles once and saves);
- with a warm cache (loads the compiled module), the figure the target is about.

Run: python benchmarks/bench_embedded_render.py [RUNS]   (default 5 runs of each)
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import mlsd_draw
from mlsd_draw.drawing.wasm_cache import load_module

ATTEMPT = Path(mlsd_draw.__file__).parent / "examples" / "video-recommendation-attempt.mlsd"
TARGET_EXTRA = 0.3
"""Seconds the embedded Graphviz (warm cache) may add to a grade drawn by the system one."""


def timed_run(command: list[str], env: Mapping[str, str]) -> float:
    """The wall time of running `command` with `env` in a fresh process, in seconds."""
    start = time.perf_counter()
    subprocess.run(command, env=dict(env), check=True, capture_output=True)
    return time.perf_counter() - start


def interleaved_medians(runs: Mapping[str, Callable[[], float]], rounds: int) -> dict[str, float]:
    """The median of each timed run, the runs taken in turn for `rounds` rounds."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for round_number in range(rounds):
        names = list(runs)
        shift = round_number % len(names)  # rotate, so no variant always goes first
        for name in names[shift:] + names[:shift]:
            times[name].append(runs[name]())
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    """Print the figures with their ratios and the target."""
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    dot_program = shutil.which("dot")
    if dot_program is None:
        sys.exit("this benchmark compares with the system Graphviz: install it (`dot` on PATH)")
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        no_dot = root / "empty-path"
        no_dot.mkdir()
        warm = root / "warm-cache"
        home = root / "home"
        home.mkdir()
        base = {**os.environ, "HOME": str(home), "MLSD_DRAW_HOME": str(home)}
        grade = [sys.executable, "-m", "mlsd_draw", "grade", str(ATTEMPT), "--no-save"]
        diff_dot = root / "diff.dot"
        subprocess.run([*grade, "-o", str(diff_dot)], env=base, check=True, capture_output=True)
        svg = ["-o", str(root / "diff.svg")]
        embedded = {**base, "PATH": str(no_dot)}
        not_a_folder = root / "not-a-folder"
        not_a_folder.write_text("no cache can live here\n", encoding="utf-8")
        cold_folders = iter(range(10**6))

        def cold() -> float:
            folder = root / f"cold-cache-{next(cold_folders)}"
            return timed_run([*grade, *svg], {**embedded, "MLSD_DRAW_CACHE": str(folder)})

        start = time.perf_counter()
        loaded = load_module(warm)  # fills the warm cache
        compile_seconds = time.perf_counter() - start
        start = time.perf_counter()
        assert load_module(warm).origin == "cache" and loaded.origin == "compiled"
        load_seconds = time.perf_counter() - start
        runs: dict[str, Callable[[], float]] = {
            "dot": lambda: timed_run([dot_program, "-Tsvg", "-o", os.devnull, str(diff_dot)], base),
            "system": lambda: timed_run([*grade, *svg], base),
            "uncached": lambda: timed_run(
                [*grade, *svg], {**embedded, "MLSD_DRAW_CACHE": str(not_a_folder)}
            ),
            "cold": cold,
            "warm": lambda: timed_run([*grade, *svg], {**embedded, "MLSD_DRAW_CACHE": str(warm)}),
        }
        for run in runs.values():  # warm the file cache and Python's bytecode
            run()
        median = interleaved_medians(runs, rounds)

    system = median["system"]
    print(
        f"{ATTEMPT.name}: fresh `mlsd-draw grade` with its SVG, "
        f"medians of {rounds} interleaved runs"
    )
    print(f"bare `dot -Tsvg` on its DOT:           {median['dot']:.3f} s (anchor)")
    print(
        f"grade, system Graphviz:               {system:.3f} s "
        f"({system / median['dot']:.1f}x bare dot)"
    )
    for name, label in [
        ("uncached", "grade, embedded, no cache (before):  "),
        ("cold", "grade, embedded, cold cache:         "),
        ("warm", "grade, embedded, warm cache (after): "),
    ]:
        print(
            f"{label} {median[name]:.3f} s ({median[name] / system:.2f}x system, "
            f"{median[name] - system:+.3f} s)"
        )
    extra = median["warm"] - system
    verdict = "ok" if extra <= TARGET_EXTRA else "SLOWER THAN TARGET"
    print(f"target: warm cache at most +{TARGET_EXTRA:.1f} s over the system Graphviz: {verdict}")
    print(
        f"in process: compiling graphviz.wasm {compile_seconds:.3f} s, "
        f"loading it from the cache {load_seconds:.3f} s "
        f"({compile_seconds / load_seconds:.0f}x faster)"
    )


if __name__ == "__main__":
    main()
