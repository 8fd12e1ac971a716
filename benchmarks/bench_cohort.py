"""Grading a cohort: 1,000 attempts of about 30 components in one run (issue 14).

Target: the whole batch in under 20 s on a 2-core machine, with memory flat across it.
The attempts are deterministic perturbations of the shipped references (components
dropped, renamed to an alias, misspelt or lower-cased, extra boxes added, arrows left
out or reversed), written to a temporary folder. Printed, each as a median of several
runs, with the CPU time beside the wall time (on a shared machine other work inflates
the wall time of a pool, never its CPU time):

- the anchor: one attempt graded in-process (`grade_loaded`, as the single `grade` does;
  the mean over a sample of 100), and 1,000 times it;
- the batch in-process, one process and the default pool, with its ratio to the anchor;
- the batch through the command (`mlsd-draw grade FOLDER --format csv`, a fresh process,
  start-up included), with its ratio to the anchor;
- peak resident memory at the start, middle and end of a one-process batch (flat: the
  batch keeps a small row per attempt), and the largest worker's peak;
- a pool against one process on small batches: where parallel grading starts to pay.

Run: python benchmarks/bench_cohort.py [--attempts 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from mlsd_draw.app.cohort import PARALLEL_FROM, default_workers, grade_cohort
from mlsd_draw.app.diagrams import load_diagram
from mlsd_draw.app.grading import grade_loaded
from mlsd_draw.library.references import load_case, shipped_case_ids

SIZE = 30
TARGET_SECONDS = 20.0
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")


def _quoted(label: str) -> str:
    return '"' + label.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _misspelt(label: str, rng: random.Random) -> str:
    """One letter dropped from a word of at least five letters, else the label as is."""
    words = label.split()
    long = [i for i, w in enumerate(words) if len(w) >= 5]
    if not long:
        return label
    i = rng.choice(long)
    cut = rng.randrange(1, len(words[i]) - 1)
    words[i] = words[i][:cut] + words[i][cut + 1 :]
    return " ".join(words)


def attempt_text(case: str, seed: int, size: int = SIZE) -> str:
    """An attempt at `case` of about `size` components: a perturbed copy of its reference."""
    rng = random.Random(seed)
    reference = load_case(case).diagram
    names: dict[str, str] = {}
    for node in reference.nodes:
        if rng.random() < 0.15:
            continue  # forgotten
        roll = rng.random()
        if roll < 0.25 and node.aliases:
            label = rng.choice(node.aliases)
        elif roll < 0.35:
            label = _misspelt(node.label, rng)
        elif roll < 0.40:
            label = node.label.lower()
        else:
            label = node.label
        names[node.id] = _quoted(label)
    lines = [f"@case {case}", *names.values()]
    for edge in reference.edges:
        a, b = names.get(edge.source), names.get(edge.target)
        if a is None or b is None or rng.random() < 0.2:
            continue
        lines.append(f"{b} -> {a}" if rng.random() < 0.05 else f"{a} -> {b}")
    kept = list(names.values()) or ['"User"']
    for index in range(max(0, size - len(names))):
        lines.append(f"{rng.choice(kept)} -> {_quoted(f'Extra service {index}')}")
    return "\n".join(lines) + "\n"


def write_attempts(folder: Path, count: int) -> list[str]:
    """`count` attempts over the shipped cases in turn, as `attempt-NNNN.mlsd` files."""
    cases = shipped_case_ids()
    files = []
    for index in range(count):
        path = folder / f"attempt-{index:04d}.mlsd"
        path.write_text(attempt_text(cases[index % len(cases)], seed=index), encoding="utf-8")
        files.append(str(path))
    return files


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def peak_mb(who: int = resource.RUSAGE_SELF) -> float:
    """The peak resident memory of this process (or its finished children), in MB."""
    return resource.getrusage(who).ru_maxrss / 1024


def cpu_seconds() -> float:
    """User and system time of this process and of its children that have ended."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def wall_and_cpu(action: Callable[[], object], repeat: int) -> tuple[float, float]:
    """The median wall time and the median CPU time (all processes) of `action`."""
    walls, cpus = [], []
    for _ in range(repeat):
        cpu, start = cpu_seconds(), time.perf_counter()
        action()
        walls.append(time.perf_counter() - start)
        cpus.append(cpu_seconds() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def single_grade_seconds(files: list[str]) -> float:
    """The mean time of one in-process grade (read, align, score; no picture, no history)
    over a sample of the attempts, each graded alone: the mean, since a batch's time is
    a sum and grading times are skewed (a median would flatter the batch's ratio)."""
    start = time.perf_counter()
    for file in files:
        grade_loaded(load_diagram(file), file, None, picture=None, save=False)
    return (time.perf_counter() - start) / len(files)


def main() -> int:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    count, repeat = options.attempts, options.repeat
    # The command below runs with the environment as given. In this process numpy loads
    # with one BLAS thread, as in the pool's workers (`mlsd_draw.app.cohort`), so that the
    # pool measured here is the one the command runs; one thread is also as fast for one
    # process grading alone.
    environment = dict(os.environ)
    for name in BLAS_THREADS:
        os.environ.setdefault(name, "1")
    assert "numpy" not in sys.modules
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        files = write_attempts(folder, count)
        sizes = [len(load_diagram(f).diagram.nodes) for f in files[:: max(1, count // 50)]]
        print(
            f"{count} attempts over {len(shipped_case_ids())} cases, "
            f"{statistics.mean(sizes):.0f} components each on average (sampled); "
            f"{_cores()} cores, load average {os.getloadavg()[0]:.1f} at the start"
        )

        grade_loaded(load_diagram(files[0]), files[0], None, picture=None, save=False)  # warm
        start_mb = peak_mb()
        single = statistics.median(
            single_grade_seconds(files[:: max(1, count // 100)]) for _ in range(repeat)
        )
        anchor = single * count
        print(
            f"anchor: one in-process grade {1000 * single:.1f} ms (mean of a sample, median "
            f"of {repeat} runs); x {count} = {anchor:.2f} s"
        )

        marks: dict[int, float] = {}
        done = [0]

        def note_memory(n: int) -> None:
            done[0] += n
            for share in (10, 50):
                if share not in marks and done[0] >= count * share // 100:
                    marks[share] = peak_mb()

        start, cpu = time.perf_counter(), cpu_seconds()
        cohort = grade_cohort(files, workers=1, on_progress=note_memory)
        one, one_cpu = time.perf_counter() - start, cpu_seconds() - cpu
        assert cohort.failed == 0, [r.error for r in cohort.rows if r.error][:3]
        print(
            f"batch, 1 process:   {one:6.2f} s  {count / one:6.1f} attempts/s  "
            f"{one / anchor:.2f} x anchor  ({one_cpu:.2f} s CPU)"
        )
        print(
            f"peak memory, 1 process: start {start_mb:.0f} MB, after 10% {marks[10]:.0f} MB, "
            f"middle {marks[50]:.0f} MB, end {peak_mb():.0f} MB"
        )

        workers = default_workers(count, save=False)
        pooled, pooled_cpu = wall_and_cpu(lambda: grade_cohort(files), repeat)
        print(
            f"batch, {workers} processes: {pooled:6.2f} s  {count / pooled:6.1f} attempts/s  "
            f"{pooled / anchor:.2f} x anchor  (median of {repeat}; {pooled_cpu:.2f} s CPU)"
        )
        print(f"largest worker's peak memory: {peak_mb(resource.RUSAGE_CHILDREN):.0f} MB")

        command = [sys.executable, "-m", "mlsd_draw", "grade", str(folder), "--format", "csv"]
        wall, wall_cpu = wall_and_cpu(
            lambda: subprocess.run(command, check=True, capture_output=True, env=environment),
            repeat,
        )
        verdict = "ok" if wall < TARGET_SECONDS else "MISSED"
        print(
            f"mlsd-draw grade FOLDER --format csv, fresh process: {wall:.2f} s  "
            f"{count / wall:.1f} attempts/s  {wall / anchor:.2f} x anchor  "
            f"(target < {TARGET_SECONDS:.0f} s: {verdict}; median of {repeat}; "
            f"{wall_cpu:.2f} s CPU)"
        )

        print(
            f"\nwhere a pool pays (the default pools from {PARALLEL_FROM} attempts); CPU is "
            "all processes' user + system time, which other work on the machine does not "
            "inflate: the pool's own cost is its CPU minus one process's"
        )
        print(f"{'attempts':>9} {'1 process':>18} {'pool':>18}  pool / 1 process (wall)")
        for small in (4, 8, 16, 48, 96):
            subset = files[:small]
            alone, alone_cpu = wall_and_cpu(partial(grade_cohort, subset, workers=1), repeat)
            pool, pool_cpu = wall_and_cpu(partial(grade_cohort, subset, workers=workers), repeat)
            print(
                f"{small:>9} {alone:6.2f}s (cpu {alone_cpu:4.2f}) "
                f"{pool:6.2f}s (cpu {pool_cpu:4.2f})  {pool / alone:.2f}"
            )
    print(f"load average {os.getloadavg()[0]:.1f} at the end (other work on the machine)")
    return 0 if wall < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
