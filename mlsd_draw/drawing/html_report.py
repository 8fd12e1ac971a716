"""The HTML report of a grade: one self-contained file, picture inline, tables, notes.

Everything the text report says, laid out for reading in a browser: the score and metrics,
the diff picture (inline SVG, no external file), then per stage what was found, missed
(with the reference's note on why it matters) and added, and the arrows that are wrong.
"""

from __future__ import annotations

import re
from html import escape

from ..grading.reports import extra_by_group
from ..grading.scoring import EdgeKey, Grade

_STYLE = """
body { font-family: Helvetica, Arial, sans-serif; color: #1f2733; margin: 2rem auto;
       max-width: 1100px; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; }
.score { font-size: 2.4rem; font-weight: bold; }
.good { color: #2e7d32; } .warn { color: #e65100; } .bad { color: #c62828; }
.metrics td { padding: .1rem 1.2rem .1rem 0; }
.picture { overflow-x: auto; border: 1px solid #d5dbe3; border-radius: 6px; padding: .5rem;
           margin: 1rem 0; }
.picture svg { max-width: none; height: auto; }
table.stage { border-collapse: collapse; width: 100%; margin: .4rem 0 1.2rem; }
table.stage th, table.stage td { text-align: left; vertical-align: top; padding: .3rem .6rem;
                                 border-bottom: 1px solid #e6eaf0; }
.note { color: #5b6675; }
"""

_PROLOG = re.compile(r"^\s*(<\?xml[^>]*>\s*)?(<!DOCTYPE[^>]*>\s*)?(<!--.*?-->\s*)*", re.DOTALL)


def _score_class(score: float) -> str:
    return "good" if score >= 75 else "warn" if score >= 50 else "bad"


def _edge_text(grade: Grade, key: EdgeKey, *, attempt: bool) -> str:
    diagram = grade.attempt if attempt else grade.reference
    return escape(f"{diagram.node(key[0]).label} -> {diagram.node(key[1]).label}")


def html_report(grade: Grade, svg: str) -> str:
    """The report as a complete HTML document with `svg` (the diff picture) inline."""
    ref, att = grade.reference, grade.attempt
    by_reference = grade.alignment.by_reference()
    title = ref.directives.title or grade.case or "Reference"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)}: {grade.score:g}/100</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
    ]
    if ref.directives.prompt:
        parts.append(f"<p class='note'>{escape(ref.directives.prompt)}</p>")
    parts.append(f"<div class='score {_score_class(grade.score)}'>{grade.score:g} / 100</div>")
    parts.append("<table class='metrics'>")
    for name, value in (
        ("components recalled (weighted)", grade.node_recall),
        ("your boxes that stand for a component", grade.node_precision),
        ("arrows recalled", grade.edge_recall),
        ("your arrows that are right", grade.edge_precision),
    ):
        parts.append(f"<tr><td>{escape(name)}</td><td>{value:.0%}</td></tr>")
    parts.append("</table>")
    parts.append(f"<div class='picture'>{_PROLOG.sub('', svg, count=1)}</div>")

    extras = extra_by_group(grade)
    top_level = [g for g in grade.groups if ref.group(g.id).parent is None]
    sections: list[tuple[str | None, str]] = [(g.id, g.name) for g in top_level]
    if any(n.group is None for n in ref.nodes) or None in extras:
        sections.append((None, "Outside any group"))
    for group_id, name in sections:
        members = [n for n in ref.nodes if (ref.group_path(n.group) or (None,))[0] == group_id]
        rows = []
        for node in members:
            pair = by_reference.get(node.id)
            if pair is not None:
                drawn = att.node(pair.attempt).label
                as_drawn = "" if drawn == node.label else f" (as &ldquo;{escape(drawn)}&rdquo;)"
                rows.append(
                    f"<tr><td class='good'>found</td><td>{escape(node.label)}{as_drawn}</td>"
                    f"<td class='note'>{escape(pair.how)}</td></tr>"
                )
            elif node.id in grade.missing:
                core = " <b>(core)</b>" if node.weight > 1 else ""
                rows.append(
                    f"<tr><td class='bad'>missing</td><td>{escape(node.label)}{core}</td>"
                    f"<td class='note'>{escape(node.note or '')}</td></tr>"
                )
        for node_id in extras.get(group_id, []):
            rows.append(
                f"<tr><td class='warn'>extra</td><td>{escape(att.node(node_id).label)}</td>"
                "<td class='note'>not in the reference</td></tr>"
            )
        if rows:
            parts.append(f"<h2>{escape(name)}</h2><table class='stage'>{''.join(rows)}</table>")

    arrow_rows = []
    for status, attempt_side in (
        ("reversed", False),
        ("missing", False),
        ("indirect", False),
        ("shortcut", True),
        ("extra", True),
    ):
        for key in grade.edges[status]:
            css = "bad" if status in ("reversed", "missing") else "warn"
            arrow_rows.append(
                f"<tr><td class='{css}'>{status}</td>"
                f"<td>{_edge_text(grade, key, attempt=attempt_side)}</td></tr>"
            )
    if arrow_rows:
        parts.append(f"<h2>Arrows</h2><table class='stage'>{''.join(arrow_rows)}</table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
