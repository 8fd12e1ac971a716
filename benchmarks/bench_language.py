"""Speed of the language layer, printed as figures (targets from the foundation issue).

- parse a 10,000-node, 20,000-edge file: target under 1 s;
- format it back (`fmt`);
- `mlsd-draw --help` start-up: target under 150 ms (heavy modules load lazily).

Run: python benchmarks/bench_language.py
"""

from __future__ import annotations

import random
import sys
import tracemalloc

from timing import best_and_median, median_run_time, median_seconds

from mlsd_draw import format_diagram, parse


def big_diagram_text(nodes: int = 10_000, edges: int = 20_000, seed: int = 7) -> str:
    """A pipeline-like file: groups of 100 declared components, then random forward edges."""
    rng = random.Random(seed)
    lines = ["@case big", "@title A large generated diagram"]
    for start in range(0, nodes, 100):
        lines.append(f"Stage {start // 100} {{")
        for i in range(start, min(start + 100, nodes)):
            lines.append(f"  Component number {i} [kind: service; aka: c{i}, part {i}]")
        lines.append("}")
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < edges:
        a = rng.randrange(nodes - 1)
        pairs.add((a, rng.randrange(a + 1, min(nodes, a + 50))))
    for a, b in sorted(pairs, key=lambda _: rng.random()):
        lines.append(f"Component number {a} -> Component number {b}")
    return "\n".join(lines) + "\n"


def main() -> None:
    """Print the figures with their targets."""
    text = big_diagram_text()
    diagram = parse(text)
    print(
        f"file: {len(diagram.nodes):,} components, {len(diagram.edges):,} edges, "
        f"{len(text) / 1e6:.1f} MB"
    )
    parse_seconds, parse_median = best_and_median(lambda: parse(text))
    tracemalloc.start()
    parse(text)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    verdict = "ok" if parse_seconds < 1 else "SLOWER THAN TARGET"
    print(
        f"parse:  {parse_seconds:.3f} s best of 7, median {parse_median:.3f} s "
        f"(target < 1 s: {verdict}); peak memory {peak / 1e6:.0f} MB"
    )
    print(f"fmt:    {median_seconds(lambda: format_diagram(diagram), 3):.3f} s")
    floor = median_run_time([sys.executable, "-c", "pass"])
    seconds = median_run_time([sys.executable, "-m", "mlsd_draw", "--help"])
    verdict = "ok" if seconds < 0.150 else "SLOWER THAN TARGET"
    print(
        f"--help: {seconds * 1000:.0f} ms (target < 150 ms: {verdict}); "
        f"bare python start-up {floor * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
