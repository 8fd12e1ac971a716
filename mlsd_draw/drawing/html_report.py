"""The HTML report of a grade: one self-contained file that leads with the verdict.

The first screen holds what a person came for: the score, the rating and what you missed
with why each matters. Below it the diff picture, fitted to the page width, with zoom and
pan on request; hovering (or tapping) a box lights up its counterpart in the other half.
Then per stage what was found, missed and added, and the arrows that are wrong. Nothing
is loaded from the network, and every name stays text (escaped, never markup). With
hints, nothing names or explains what you missed: only how many, per stage.
"""

from __future__ import annotations

import json
import re
from html import escape

from ..grading.reports import counts, counts_line, extra_by_group, skips
from ..grading.scoring import EdgeKey, Grade

_STYLE = """
* { box-sizing: border-box; }
body { font-family: Helvetica, Arial, sans-serif; color: #1f2733; margin: 0 auto;
       max-width: 1400px; padding: .8rem 1.2rem 2rem; line-height: 1.4; font-size: 15px; }
.verdict { display: grid; grid-template-columns: minmax(260px, 1fr) 2fr; gap: 1.2rem;
           align-items: start; }
@media (max-width: 760px) { .verdict { grid-template-columns: 1fr; } }
h1 { font-size: 1.25rem; margin: .2rem 0 .4rem; }
h2 { font-size: 1.05rem; margin: .8rem 0 .3rem; }
.score { font-size: 2.6rem; font-weight: bold; line-height: 1.1; }
.score small { font-size: 1rem; color: #5b6675; font-weight: normal; }
.rating { font-size: 1.1rem; margin: .2rem 0 .6rem; }
.good { color: #2e7d32; } .warn { color: #e65100; } .bad { color: #c62828; }
.metrics { border-collapse: collapse; font-size: .9rem; }
.metrics td { padding: .05rem 1rem .05rem 0; }
.missed { background: #fdf3f3; border: 1px solid #f1c7c7; border-radius: 8px;
          padding: .4rem 1rem .6rem; }
.missed h2 { margin-top: .3rem; }
.missed ul { margin: 0; padding-left: 1.1rem; }
.missed li { margin: .15rem 0; }
.missed .note, .note { color: #5b6675; font-size: .88rem; }
.stage-tag { color: #5b6675; font-size: .8rem; }
.nothing { color: #2e7d32; font-weight: bold; }
.toolbar { display: flex; gap: .4rem; align-items: center; margin: 1rem 0 .3rem;
           flex-wrap: wrap; }
.toolbar button { font: inherit; padding: .15rem .7rem; border: 1px solid #b7c4d4;
                  background: #f3f6fa; border-radius: 5px; cursor: pointer; }
.toolbar .tip { color: #5b6675; font-size: .85rem; }
.picture { overflow: auto; border: 1px solid #d5dbe3; border-radius: 6px; max-height: 88vh;
           cursor: grab; touch-action: pan-x pan-y; }
.picture svg { display: block; width: 100%; height: auto; }
.picture .hl polygon, .picture .hl ellipse, .picture .hl path,
.picture .hl polyline { stroke: #ff8f00 !important; stroke-width: 5px !important; }
table.stage { border-collapse: collapse; width: 100%; margin: .3rem 0 1rem; }
table.stage th, table.stage td { text-align: left; vertical-align: top; padding: .25rem .6rem;
                                 border-bottom: 1px solid #e6eaf0; }
"""

_SCRIPT = """
(function () {
  var pairs = JSON.parse(document.getElementById('pairs').textContent);
  var box = document.getElementById('picture');
  var svg = box.querySelector('svg');
  var zoom = 1;
  function setZoom(z) { zoom = Math.max(1, Math.min(6, z)); svg.style.width = (zoom * 100) + '%'; }
  document.querySelectorAll('[data-zoom]').forEach(function (b) {
    b.addEventListener('click', function () {
      var how = b.getAttribute('data-zoom');
      setZoom(how === 'in' ? zoom * 1.5 : how === 'out' ? zoom / 1.5 : 1);
    });
  });
  var drag = null;
  box.addEventListener('pointerdown', function (e) {
    if (zoom > 1) { drag = [e.clientX, e.clientY, box.scrollLeft, box.scrollTop]; }
  });
  window.addEventListener('pointerup', function () { drag = null; });
  box.addEventListener('pointermove', function (e) {
    if (drag) { box.scrollLeft = drag[2] - (e.clientX - drag[0]);
                box.scrollTop = drag[3] - (e.clientY - drag[1]); }
  });
  function light(id, on) {
    [id, pairs[id]].forEach(function (k) {
      var g = k && document.getElementById(k);
      if (g) { g.classList.toggle('hl', on); }
    });
  }
  var pinned = null;
  box.querySelectorAll('g.node').forEach(function (g) {
    g.addEventListener('mouseenter', function () { light(g.id, true); });
    g.addEventListener('mouseleave', function () { if (pinned !== g.id) light(g.id, false); });
    g.addEventListener('click', function () {
      if (pinned) { light(pinned, false); }
      pinned = pinned === g.id ? null : g.id;
      if (pinned) { light(pinned, true); }
    });
  });
})();
"""

_PROLOG = re.compile(r"^\s*(<\?xml[^>]*>\s*)?(<!DOCTYPE[^>]*>\s*)?(<!--.*?-->\s*)*", re.DOTALL)


def _score_class(score: float) -> str:
    return "good" if score >= 75 else "warn" if score >= 50 else "bad"


def _edge_text(grade: Grade, key: EdgeKey, *, attempt: bool) -> str:
    diagram = grade.attempt if attempt else grade.reference
    return escape(f"{diagram.node(key[0]).label} -> {diagram.node(key[1]).label}")


def _stage_name(grade: Grade, node_id: str) -> str:
    ref = grade.reference
    path = ref.group_path(ref.node(node_id).group)
    return ref.group(path[0]).name if path else "Outside any group"


def _missed(grade: Grade, *, hints: bool) -> list[str]:
    """The list that leads the report: what you missed and why it matters, core first."""
    ref = grade.reference
    missing = sorted(grade.missing, key=lambda n: -ref.node(n).weight)
    arrows = len(grade.edges["missing"])
    parts = ["<section class='missed' id='missed'>"]
    if not missing:
        parts.append("<h2>What you missed</h2><p class='nothing'>No component: well done.</p>")
    elif hints:
        parts.append(f"<h2>What you missed: {len(missing)} components</h2><ul>")
        counts: dict[str, int] = {}
        for node_id in missing:
            stage = _stage_name(grade, node_id)
            counts[stage] = counts.get(stage, 0) + 1
        for stage, count in counts.items():
            plural = "s" if count > 1 else ""
            parts.append(f"<li>{escape(stage)}: {count} component{plural}</li>")
        parts.append("</ul>")
    else:
        parts.append(f"<h2>What you missed ({len(missing)})</h2><ul>")
        for node_id in missing:
            node = ref.node(node_id)
            core = " <b class='bad'>core</b>" if node.weight > 1 else ""
            stage = escape(_stage_name(grade, node_id))
            note = f"<div class='note'>{escape(node.note)}</div>" if node.note else ""
            parts.append(
                f"<li><b>{escape(node.label)}</b>{core} "
                f"<span class='stage-tag'>{stage}</span>{note}</li>"
            )
        parts.append("</ul>")
    if arrows:
        parts.append(f"<p class='note'>and {arrows} arrow{'s' if arrows > 1 else ''}.</p>")
    parts.append("</section>")
    return parts


def html_report(grade: Grade, svg: str, *, hints: bool = False, rating: str | None = None) -> str:
    """The report as a complete HTML document with `svg` (the diff picture) inline."""
    ref = grade.reference
    title = ref.directives.title or grade.case or "Reference"
    pairs: dict[str, str] = {}
    for pair in grade.alignment.pairs:
        pairs[f"r-{pair.reference}"] = f"a-{pair.attempt}"
        pairs[f"a-{pair.attempt}"] = f"r-{pair.reference}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}: {grade.score:g}/100</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<header class='verdict'><div class='summary'>",
        f"<h1>{escape(title)}</h1>",
        f"<div class='score {_score_class(grade.score)}' id='score'>{grade.score:g}"
        "<small> / 100</small></div>",
    ]
    if rating:
        parts.append(f"<div class='rating' id='rating'>Rated <b>{escape(rating)}</b></div>")
    parts.append("<table class='metrics'>")
    for name, value in (
        ("components recalled (weighted)", grade.node_recall),
        ("your boxes that stand for a component", grade.node_precision),
        ("arrows recalled", grade.edge_recall),
        ("your arrows that are right", grade.edge_precision),
    ):
        parts.append(f"<tr><td>{escape(name)}</td><td>{value:.0%}</td></tr>")
    parts.append("</table>")
    parts.append(f"<p class='counts' id='counts'>{escape(counts_line(counts(grade)))}</p>")
    if ref.directives.prompt:
        parts.append(f"<p class='note'>{escape(ref.directives.prompt)}</p>")
    parts.append("</div>")
    parts.extend(_missed(grade, hints=hints))
    parts.append("</header>")
    parts.append(
        "<div class='toolbar'><button data-zoom='fit'>Fit</button>"
        "<button data-zoom='in'>Zoom in</button><button data-zoom='out'>Zoom out</button>"
        "<span class='tip'>Hover or tap a box to light up its counterpart; "
        "drag to move when zoomed.</span></div>"
    )
    parts.append(f"<div class='picture' id='picture'>{_PROLOG.sub('', svg, count=1)}</div>")
    parts.extend(_details(grade, hints=hints))
    script_data = json.dumps(pairs).replace("</", "<\\/")
    parts.append(f"<script type='application/json' id='pairs'>{script_data}</script>")
    parts.append(f"<script>{_SCRIPT}</script>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _details(grade: Grade, *, hints: bool) -> list[str]:
    """Per stage what was found, missed (unless hints) and added; then wrong arrows."""
    ref, att = grade.reference, grade.attempt
    by_reference = grade.alignment.by_reference()
    extras = extra_by_group(grade)
    top_level = [g for g in grade.groups if ref.group(g.id).parent is None]
    sections: list[tuple[str | None, str]] = [(g.id, g.name) for g in top_level]
    if any(n.group is None for n in ref.nodes) or None in extras:
        sections.append((None, "Outside any group"))
    parts = []
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
            elif node.id in grade.missing and not hints:
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
        if hints and status == "missing":
            continue  # a missing arrow names the components it joins
        for key in grade.edges[status]:
            css = "bad" if status in ("reversed", "missing") else "warn"
            why = f" ({escape(skips(grade, key, hints=hints))})" if status == "shortcut" else ""
            arrow_rows.append(
                f"<tr><td class='{css}'>{status}</td>"
                f"<td>{_edge_text(grade, key, attempt=attempt_side)}{why}</td></tr>"
            )
    if arrow_rows:
        parts.append(f"<h2>Arrows</h2><table class='stage'>{''.join(arrow_rows)}</table>")
    return parts
