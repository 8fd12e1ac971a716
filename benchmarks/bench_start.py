"""Fast start: a fresh `mlsd-draw grade` with its SVG against bare Graphviz, and `--help`
and `check` against a bare Python start-up (fast-feedback issue).

Each command runs in a fresh process, interleaved with its anchor in the same loop (so a
busy machine slows both alike), and the medians are compared. Targets on this machine:
a grade of the bundled 30-component attempt with its SVG within 7 times bare `dot -Tsvg`
on the same DOT text and about 0.2 s wall; `--help` and `check` of a small file under 80 ms.

Python runs as it does on a user's machine: compiled bytecode is cached after the first
run (in a private folder, PYTHONPYCACHEPREFIX, so the checkout is not touched), even where
the environment sets PYTHONDONTWRITEBYTECODE, as CI machines often do; with that set and no
cache, every run would compile mlsd-draw's own sources again (about 60 ms more).

Run: python benchmarks/bench_start.py [runs]
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
ATTEMPT = HERE / "mlsd_draw" / "examples" / "video-recommendation-attempt.mlsd"


def wall(command: list[str], env: dict[str, str], stdin: bytes | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, input=stdin, capture_output=True, env=env, check=False)
    return time.perf_counter() - start


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    mlsd = [sys.executable, "-m", "mlsd_draw"]
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        attempt = work / "attempt.mlsd"
        shutil.copy(ATTEMPT, attempt)
        env = {**os.environ, "MLSD_DRAW_HOME": str(work / "home")}
        env["MLSD_DRAW_CACHE"] = str(work / "cache")
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(work / "bytecode")
        grade = [*mlsd, "grade", str(attempt), "--no-save", "-o", str(work / "a.svg")]
        subprocess.run(grade, capture_output=True, env=env, check=False)  # fill the caches
        dot_text = subprocess.run(
            [*mlsd, "grade", str(attempt), "--no-save", "-o", str(work / "a.dot")],
            capture_output=True,
            env=env,
            check=False,
        )
        dot_source = (work / "a.dot").read_bytes() if dot_text.returncode == 0 else None
        dot = shutil.which("dot")
        bare: list[str | None] = [sys.executable, "-c", "pass"]
        rows: list[tuple[str, list[float], str, list[float]]] = []
        pairs: list[tuple[str, list[str], str, list[str | None]]] = [
            ("grade + SVG (fresh process)", grade, "bare `dot -Tsvg` on its DOT", [dot, "-Tsvg"]),
            (
                "mlsd-draw --help",
                [*mlsd, "--help"],
                "bare python -c pass",
                bare,
            ),
            (
                "mlsd-draw check (small file)",
                [*mlsd, "check", str(attempt)],
                "bare python -c pass",
                bare,
            ),
        ]
        for name, command, anchor_name, anchor in pairs:
            if anchor[0] is None or dot_source is None:
                print(f"{name}: skipped (no system Graphviz)")
                continue
            times, anchors = [], []
            feed = dot_source if anchor[0] == dot else None
            for _ in range(runs):
                times.append(wall(command, env))
                anchors.append(wall([str(a) for a in anchor], env, feed))
            rows.append((name, times, anchor_name, anchors))
    for name, times, anchor_name, anchors in rows:
        ours, theirs = statistics.median(times), statistics.median(anchors)
        print(
            f"{name:32} {ours:.3f} s   {anchor_name} {theirs:.3f} s   "
            f"ratio {ours / theirs:.1f}x   (medians of {runs}, interleaved)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
