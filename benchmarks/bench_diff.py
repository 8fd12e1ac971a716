"""Time to grade a 30-component attempt and draw its diff picture (diff-images issue).

Target: grading and rendering end to end under 1 s with the system Graphviz. Printed:
in-process times (grade only; grade + SVG with the system Graphviz; grade + SVG with the
embedded one), and the wall time of the whole `mlsd-draw grade` command in a fresh
process, with and without rendering.

Run: python benchmarks/bench_diff.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import median_seconds

from mlsd_draw import parse
from mlsd_draw.drawing.diff_image import render_diff
from mlsd_draw.grading.scoring import grade
from mlsd_draw.library.references import load_case

CASE = "harmful-content"


def attempt_text(reference_case: str = CASE, size: int = 30) -> str:
    """An attempt of `size` components: the reference's names, a few mangled, plus extras."""
    reference = load_case(reference_case).diagram
    names = {}
    for index, node in enumerate(reference.nodes):
        label = node.label
        if index % 3 == 0 and node.aliases:
            label = node.aliases[0]
        elif index % 3 == 1 and len(label) > 5:
            label = label[:-2] + label[-1]  # a typo: one letter dropped
        names[node.id] = f'"{label}"'
    lines = [f"@case {reference_case}", *names.values()]
    for edge in reference.edges[::2]:
        lines.append(f"{names[edge.source]} -> {names[edge.target]}")
    first = next(iter(names.values()))
    for index in range(size - len(reference.nodes)):
        lines.append(f"{first} -> Extra service {index}")
    return "\n".join(lines) + "\n"


def main() -> None:
    """Print the figures."""
    text = attempt_text()
    reference = load_case(CASE).diagram
    attempt = parse(text)
    print(f"attempt: {len(attempt.nodes)} components, {len(attempt.edges)} arrows ({CASE})")
    grade(reference, attempt)  # warm-up: imports and caches
    print(
        f"grade only:                     {median_seconds(lambda: grade(reference, attempt)):.3f} s"
    )
    has_dot = shutil.which("dot") is not None
    if has_dot:
        seconds = median_seconds(lambda: render_diff(grade(reference, attempt), "svg"))
        print(f"grade + SVG, system Graphviz:   {seconds:.3f} s")
    else:
        print("grade + SVG, system Graphviz:   (no `dot` on PATH)")
    saved_path = os.environ["PATH"]
    os.environ["PATH"] = ""
    try:
        render_diff(grade(reference, attempt), "svg")  # the first render compiles the module
        seconds = median_seconds(lambda: render_diff(grade(reference, attempt), "svg"))
    finally:
        os.environ["PATH"] = saved_path
    print(f"grade + SVG, embedded Graphviz: {seconds:.3f} s (after the first render in a process)")

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "attempt.mlsd"
        path.write_text(text, encoding="utf-8")
        command = [sys.executable, "-m", "mlsd_draw", "grade", str(path)]
        no_render = median_seconds(
            lambda: subprocess.run([*command, "--no-render"], capture_output=True, check=True), 3
        )
        rendered = median_seconds(
            lambda: subprocess.run(command, capture_output=True, check=True), 3
        )
    backend = "system" if has_dot else "embedded"
    verdict = "ok" if rendered < 1 else "SLOWER THAN TARGET"
    print(f"mlsd-draw grade, fresh process, --no-render: {no_render:.3f} s")
    print(
        f"mlsd-draw grade, fresh process, with {backend} SVG: {rendered:.3f} s "
        f"(target < 1 s with the system Graphviz: {verdict})"
    )


if __name__ == "__main__":
    main()
