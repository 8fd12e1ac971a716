"""The cohort page: one self-contained HTML file summarising many graded attempts.

It leads with the score distribution (count, mean, median, range and a histogram), then
per reference what the group forgot: the components from the most forgotten with why
each matters, and a heat map of components by attempt (recalled, missed, or a bonus
component left out, which costs nothing). Last, one line per attempt. Nothing is loaded
from the network and every name is escaped, never markup.

The page reads a graded cohort (`mlsd_draw.app.cohort.Cohort`) through the protocols
below, since drawing comes before the application layer and cannot import it.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import PurePath
from typing import Protocol

# -- what the page reads ------------------------------------------------------------------


class ComponentLike(Protocol):
    """A reference component."""

    @property
    def id(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def weight(self) -> float: ...
    @property
    def shown_note(self) -> str: ...


class RecallLike(Protocol):
    """How many attempts recalled a component."""

    @property
    def component(self) -> ComponentLike: ...
    @property
    def recalled(self) -> int: ...
    @property
    def attempts(self) -> int: ...


class ReferenceLike(Protocol):
    """The reference of a case."""

    @property
    def case(self) -> str: ...
    @property
    def title(self) -> str | None: ...


class CaseLike(Protocol):
    """A reference, the indexes of its attempts and its components, most forgotten first."""

    @property
    def reference(self) -> ReferenceLike: ...
    @property
    def attempts(self) -> Sequence[int]: ...
    @property
    def components(self) -> Sequence[RecallLike]: ...


class RowLike(Protocol):
    """One attempt's result, or its error."""

    @property
    def file(self) -> str: ...
    @property
    def case(self) -> str | None: ...
    @property
    def score(self) -> float | None: ...
    @property
    def rating(self) -> str | None: ...
    @property
    def node_recall(self) -> float | None: ...
    @property
    def edge_recall(self) -> float | None: ...
    @property
    def missing_core(self) -> Sequence[str]: ...
    @property
    def error(self) -> str | None: ...
    @property
    def recalled(self) -> Sequence[str]: ...


class BandLike(Protocol):
    """A histogram band."""

    @property
    def low(self) -> int: ...
    @property
    def high(self) -> int: ...
    @property
    def count(self) -> int: ...


class ScoresLike(Protocol):
    """The score distribution."""

    @property
    def count(self) -> int: ...
    @property
    def mean(self) -> float | None: ...
    @property
    def median(self) -> float | None: ...
    @property
    def minimum(self) -> float | None: ...
    @property
    def maximum(self) -> float | None: ...
    @property
    def bands(self) -> Sequence[BandLike]: ...


class CohortLike(Protocol):
    """A graded cohort."""

    @property
    def rows(self) -> Sequence[RowLike]: ...
    @property
    def scores(self) -> ScoresLike: ...
    @property
    def cases(self) -> Sequence[CaseLike]: ...
    @property
    def failed(self) -> int: ...


# -- the page -----------------------------------------------------------------------------

_STYLE = """
* { box-sizing: border-box; }
body { font-family: Helvetica, Arial, sans-serif; color: #1f2733; margin: 0 auto;
       max-width: 1400px; padding: .8rem 1.2rem 2rem; line-height: 1.4; font-size: 15px; }
h1 { font-size: 1.35rem; margin: .2rem 0 .5rem; }
h2 { font-size: 1.15rem; margin: 1.6rem 0 .3rem; border-top: 1px solid #d5dbe3;
     padding-top: .8rem; }
h2 small, .note, .muted { color: #5b6675; font-weight: normal; }
.note { font-size: .88rem; }
.good { color: #2e7d32; } .warn { color: #e65100; } .bad { color: #c62828; }
.overview { display: flex; gap: 2.5rem; flex-wrap: wrap; align-items: flex-end; }
.stats { border-collapse: collapse; }
.stats td { padding: .1rem 1.2rem .1rem 0; }
.stats td:last-child { font-weight: bold; text-align: right; }
.histogram { display: flex; gap: 4px; align-items: flex-end; height: 150px; }
.histogram div { width: 44px; display: flex; flex-direction: column; justify-content: flex-end;
                 align-items: center; height: 100%; font-size: .8rem; }
.histogram span.bar { display: block; width: 100%; background: #5c7cfa; border-radius: 3px 3px 0 0;
                      min-height: 1px; }
.histogram span.bar.empty { background: #e6eaf0; }
.histogram .range { color: #5b6675; margin-top: 2px; white-space: nowrap; }
.scores-caption { color: #5b6675; font-size: .85rem; text-align: center; margin-top: .2rem; }
nav.cases { margin: 1rem 0 0; font-size: .92rem; display: flex; flex-wrap: wrap;
            gap: .2rem 1.2rem; }
nav.cases a { white-space: nowrap; }
table.list { border-collapse: collapse; margin: .3rem 0 .8rem; }
table.list th, table.list td { text-align: left; vertical-align: top; padding: .2rem .6rem;
                               border-bottom: 1px solid #e6eaf0; }
table.list th { font-size: .85rem; color: #5b6675; font-weight: normal; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.meter { display: inline-block; width: 80px; height: 8px; background: #f1c7c7;
         border-radius: 4px; vertical-align: middle; margin-left: .4rem; overflow: hidden; }
.meter i { display: block; height: 100%; background: #43a047; }
.core { color: #c62828; font-weight: bold; font-size: .8rem; margin-left: .3rem; }
.legend { font-size: .85rem; margin: .6rem 0 .3rem; }
.legend span { display: inline-block; width: 12px; height: 12px; vertical-align: -1px;
               margin: 0 .3rem 0 .9rem; border-radius: 2px; }
.legend span:first-child { margin-left: 0; }
.heat-wrap { display: inline-block; max-width: 100%; overflow: auto; max-height: 85vh;
             border: 1px solid #d5dbe3; border-radius: 6px; margin-bottom: .8rem; }
table.heat { border-collapse: separate; border-spacing: 1px; font-size: .82rem; }
table.heat th { background: #fff; font-weight: normal; }
table.heat thead th { position: sticky; top: 0; z-index: 1; vertical-align: bottom; }
table.heat th.name { position: sticky; left: 0; z-index: 2; text-align: left;
                     padding: 0 .6rem 0 .3rem; white-space: nowrap; max-width: 260px;
                     overflow: hidden; text-overflow: ellipsis; }
table.heat thead th.name { z-index: 3; }
table.heat th.who { padding: .2rem 0 0; }
table.heat th.who div { writing-mode: vertical-rl; transform: rotate(180deg);
                        white-space: nowrap; max-height: 166px; overflow: hidden;
                        text-overflow: ellipsis; margin: 0 auto; }
table.heat td { width: 14px; min-width: 14px; height: 16px; padding: 0; }
.r { background: #43a047; } .m { background: #ef5350; } .b { background: #dfe4ea; }
#where { position: fixed; bottom: 0; left: 0; right: 0; background: #1f2733; color: #fff;
         padding: .3rem 1rem; font-size: .9rem; display: none; }
"""

_SCRIPT = """
(function () {
  var where = document.getElementById('where');
  var words = {r: 'recalled', m: 'missed', b: 'left out (a bonus component)'};
  document.querySelectorAll('table.heat').forEach(function (table) {
    var heads = table.tHead.rows[0].cells;
    table.addEventListener('mouseover', function (e) {
      var cell = e.target.closest('td');
      if (!cell) { where.style.display = 'none'; return; }
      var who = heads[cell.cellIndex].getAttribute('title');
      var what = cell.parentNode.cells[0].getAttribute('title');
      where.textContent = who + ': ' + what + ' ' + (words[cell.className] || '');
      where.style.display = 'block';
    });
    table.addEventListener('mouseleave', function () { where.style.display = 'none'; });
  });
})();
"""


def cohort_html(cohort: CohortLike) -> str:
    """The cohort page as a complete HTML document (see the module docstring)."""
    graded = cohort.scores.count
    title = f"Cohort: {len(cohort.rows)} attempt{'s' if len(cohort.rows) != 1 else ''}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
    ]
    if cohort.failed:
        parts.append(
            f"<p class='muted'>{graded} graded, <span class='bad'>{cohort.failed} could not"
            " be</span> (see the list of attempts at the end).</p>"
        )
    parts.extend(_overview(cohort.scores))
    if len(cohort.cases) > 1:
        links = "".join(
            f"<a href='#case-{escape(c.reference.case)}'>"
            f"{escape(c.reference.title or c.reference.case)} ({len(c.attempts)})</a>"
            for c in cohort.cases
        )
        parts.append(f"<nav class='cases'><span>Cases:</span>{links}</nav>")
    for case in cohort.cases:
        parts.extend(_case_section(cohort, case))
    parts.extend(_attempts(cohort))
    parts.append("<div id='where'></div>")
    parts.append(f"<script>{_SCRIPT}</script>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def _score_class(score: float) -> str:
    return "good" if score >= 75 else "warn" if score >= 50 else "bad"


def _overview(scores: ScoresLike) -> list[str]:
    """The statistics of the scores beside their histogram."""
    parts = ["<section class='overview' id='scores'>", "<table class='stats'>"]
    for name, value in (
        ("attempts graded", float(scores.count)),
        ("mean score", scores.mean),
        ("median", scores.median),
        ("lowest", scores.minimum),
        ("highest", scores.maximum),
    ):
        parts.append(f"<tr><td>{name}</td><td>{_number(value)}</td></tr>")
    parts.append("</table>")
    tallest = max((band.count for band in scores.bands), default=0) or 1
    parts.append("<div><div class='histogram' aria-label='scores in bands of 10 points'>")
    for band in scores.bands:
        height = 100 * band.count / tallest
        empty = " empty" if band.count == 0 else ""
        last = band.high >= 100
        shown = f"{band.low}-{band.high if last else band.high - 1}"
        parts.append(
            f"<div title='{band.count} scored {shown}'>{band.count or ''}"
            f"<span class='bar{empty}' style='height:{height:.0f}%'></span>"
            f"<span class='range'>{shown}</span></div>"
        )
    parts.append("</div><div class='scores-caption'>attempts by score</div></div></section>")
    return parts


def _case_section(cohort: CohortLike, case: CaseLike) -> list[str]:
    """One reference: the heat map of its components by attempt, then its components
    from the most forgotten with why each matters."""
    reference = case.reference
    name = reference.title or reference.case
    count = len(case.attempts)
    parts = [
        f"<h2 id='case-{escape(reference.case)}'>{escape(name)} <small>"
        f"{escape(reference.case)} &middot; {count} attempt{'s' if count != 1 else ''}"
        "</small></h2>",
        "<div class='legend'><span class='r'></span>recalled<span class='m'></span>missed"
        "<span class='b'></span>bonus component left out (costs nothing)"
        " &middot; rows: components, the most forgotten first; columns: attempts, in the"
        " order given, with their scores</div>",
        "<div class='heat-wrap'><table class='heat'><thead><tr>",
        "<th class='name'>component</th>",
    ]
    rows = [cohort.rows[i] for i in case.attempts]
    for row in rows:
        who = f"{PurePath(row.file).stem} ({_number(row.score)})"
        parts.append(f"<th class='who' title='{escape(who)}'><div>{escape(who)}</div></th>")
    parts.append("</tr></thead><tbody>")
    for recall in case.components:
        part = recall.component
        left_out = "<td class='b'></td>" if part.weight == 0 else "<td class='m'></td>"
        cells = "".join(
            "<td class='r'></td>" if part.id in row.recalled else left_out for row in rows
        )
        parts.append(
            f"<tr><th class='name' title='{escape(part.label)}'>{escape(part.label)}"
            f"{_tag(part)}</th>{cells}</tr>"
        )
    parts.append("</tbody></table></div>")
    parts.append(
        "<table class='list forgotten'><tr><th>component, the most forgotten first</th>"
        "<th>recalled by</th><th>why it matters</th></tr>"
    )
    for recall in case.components:
        part = recall.component
        share = recall.recalled / recall.attempts if recall.attempts else 0.0
        parts.append(
            f"<tr><td>{escape(part.label)}{_tag(part)}</td>"
            f"<td class='num'>{recall.recalled} of {recall.attempts}"
            f"<span class='meter'><i style='width:{100 * share:.0f}%'></i></span></td>"
            f"<td class='note'>{escape(part.shown_note)}</td></tr>"
        )
    parts.append("</table>")
    return parts


def _tag(part: ComponentLike) -> str:
    if part.weight > 1:
        return "<span class='core'>core</span>"
    return "<span class='note'> (bonus)</span>" if part.weight == 0 else ""


def _attempts(cohort: CohortLike) -> list[str]:
    """One line per attempt, in the order given; an attempt that failed says why."""
    parts = [
        "<h2>Attempts</h2><table class='list attempts'><tr><th>file</th><th>case</th>"
        "<th>score</th><th>rating</th><th>components</th><th>arrows</th>"
        "<th>core components missing</th></tr>"
    ]
    for row in cohort.rows:
        if row.error is not None or row.score is None:
            parts.append(
                f"<tr><td>{escape(row.file)}</td>"
                f"<td colspan='6' class='bad'>not graded: {escape(row.error or '')}</td></tr>"
            )
            continue
        parts.append(
            f"<tr><td>{escape(row.file)}</td><td>{escape(row.case or '')}</td>"
            f"<td class='num {_score_class(row.score)}'>{row.score:g}</td>"
            f"<td>{escape(row.rating or '')}</td>"
            f"<td class='num'>{_percent(row.node_recall)}</td>"
            f"<td class='num'>{_percent(row.edge_recall)}</td>"
            f"<td>{escape(', '.join(row.missing_core))}</td></tr>"
        )
    parts.append("</table>")
    return parts


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"
