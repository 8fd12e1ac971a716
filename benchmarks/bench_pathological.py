"""Pathological inputs take linear time: parse and check of hostile 100 kB texts.

Each input is generated at two sizes, 50 kB and 100 kB; the time of the larger over the
smaller should be about 2 (linear), never about 4 (quadratic). Errors are expected (these
are bad inputs): what is measured is reading them and rendering every message.

Run: python benchmarks/bench_pathological.py
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from mlsd_draw.core.errors import ParseError
from mlsd_draw.formats.dispatch import read_diagram

TARGET_SIZE = 100_000


def repeat(piece: str, size: int) -> str:
    return piece * (size // len(piece))


CASES: dict[str, tuple[str, Callable[[int], str]]] = {
    "open '[' on every line": ("mlsd", lambda n: repeat("A [x\n", n)),
    "an error on every line": ("mlsd", lambda n: repeat("-> x\n", n)),
    "open '(' with commas": ("mlsd", lambda n: repeat("A (x, y -> B\n", n)),
    "deep groups": ("mlsd", lambda n: repeat("G {\n", n)),
    "long line": ("mlsd", lambda n: "A -> " + "x" * n + " ->\n"),
    "DOT open braces": ("dot", lambda n: "digraph {" + "{" * n),
    "DOT many edges": ("dot", lambda n: "digraph {" + repeat("a -> b;\n", n) + "}"),
    "Mermaid open '['": ("mermaid", lambda n: "flowchart LR\n" + repeat("a[x\n", n)),
    "Mermaid many edges": ("mermaid", lambda n: "flowchart LR\n" + repeat("a --> b\n", n)),
}


def read_and_render(text: str, fmt: str) -> None:
    """What `check` does with a file: read it, and render every message."""
    try:
        read_diagram(text, path="bench", fmt=fmt)
    except ParseError as error:
        error.render()


def seconds(text: str, fmt: str) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        read_and_render(text, fmt)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    print(f"{'input':28s} {'50 kB':>8s} {'100 kB':>8s}  ratio (2 = linear)")
    worst = 0.0
    for name, (fmt, make) in CASES.items():
        small = seconds(make(TARGET_SIZE // 2), fmt)
        large = seconds(make(TARGET_SIZE), fmt)
        ratio = large / small if small > 0 else 1.0
        worst = max(worst, large)
        print(f"{name:28s} {small:7.3f}s {large:7.3f}s  {ratio:5.2f}")
    verdict = "ok" if worst < 1.0 else "SLOW"
    print(f"slowest 100 kB input: {worst:.3f} s (target: well under 1 s: {verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
