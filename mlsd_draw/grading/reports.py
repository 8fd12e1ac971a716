"""Reports of a grade: the text a person reads, and the JSON a program reads.

The text report follows a careful interviewer: the score, then stage by stage what you
found, what you missed and why it matters (the reference's notes), what you added, and
last the arrows that are wrong. With hints it names nothing you missed, only counts, so
you can try again without seeing the answer.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from ..language.model import Diagram, Node, slugify
from .matching import Pair
from .scoring import EDGE_CLASSES, EdgeKey, Grade

Style = Callable[[str, str], str]
"""Colours a piece of text by role ("good", "bad", "warn", "dim", "bold"); identity if plain."""


def plain(text: str, _role: str) -> str:
    """No colour."""
    return text


def _label(diagram: Diagram, node_id: str) -> str:
    return diagram.node(node_id).label


def _edge(diagram: Diagram, key: EdgeKey) -> str:
    return f"{_label(diagram, key[0])} -> {_label(diagram, key[1])}"


_HOW_PHRASES = {
    "alias": "a name the reference accepts",
    "fuzzy": "a close spelling",
    "acronym": "shorthand",
    "description": "from its description",
    "structure": "placed by its neighbours",
}


def _how(pair: Pair, drawn: str) -> str:
    """How a pair that is not an exact name was made: `as 'Kafka', a term for an event stream`."""
    if pair.how == "term" and pair.term and pair.role:
        role = pair.role_name or pair.role.replace("-", " ")
        plural = role.endswith("s") and not role.endswith("ss")
        vowel_sound = role[:1] in "aeiou" or (role[:2].isupper() and role[0] in "AEFHILMNORSX")
        article = "" if plural else "an " if vowel_sound else "a "
        term = "" if slugify(pair.term) == slugify(drawn) else f" ({pair.term})"
        return f"as {drawn!r}{term}, a term for {article}{role}"
    return f"as {drawn!r}, {_HOW_PHRASES.get(pair.how, pair.how)}"


def skips(grade: Grade, key: EdgeKey, *, hints: bool = False) -> str:
    """What a shortcut jumps over: `skips Calibration, Re-ranking` (with hints, a count)."""
    skipped = grade.skipped.get(key, ())
    if hints or not skipped:
        count = len(skipped) or 1
        return f"skips {count} missing component{'s' if count > 1 else ''}"
    return "skips " + ", ".join(grade.reference.node(n).label for n in skipped)


def extra_by_group(grade: Grade) -> dict[str | None, list[str]]:
    """Extra attempt components placed in the reference group of most of their paired
    neighbours (None when they touch no paired component), so the report can say which
    stage they were added to."""
    to_reference = {p.attempt: p.reference for p in grade.alignment.pairs}
    neighbours: dict[str, list[str]] = {}
    for edge in grade.attempt.edges:
        neighbours.setdefault(edge.source, []).append(edge.target)
        neighbours.setdefault(edge.target, []).append(edge.source)
    result: dict[str | None, list[str]] = {}
    for node_id in grade.extra:
        groups = Counter(
            grade.reference.node(to_reference[n]).group
            for n in neighbours.get(node_id, [])
            if n in to_reference
        )
        top = _top_level(grade.reference, groups.most_common(1)[0][0]) if groups else None
        result.setdefault(top, []).append(node_id)
    return result


def _top_level(reference: Diagram, group: str | None) -> str | None:
    path = reference.group_path(group)
    return path[0] if path else None


@dataclass(frozen=True)
class Counts:
    """The counts every report shows, so the text, the HTML and the JSON read the same:
    components that count (weight above 0), bonus components (weight 0), and arrows."""

    found: int
    total: int
    bonus_named: int
    bonus_total: int
    arrows_right: int
    arrows_total: int


def counts(grade: Grade) -> Counts:
    """How many components and bonus components the attempt named, and right arrows."""
    by_reference = grade.alignment.by_reference()
    counted = [n for n in grade.reference.nodes if n.weight > 0]
    bonus = [n for n in grade.reference.nodes if n.weight <= 0]
    arrows = sum(len(grade.edges[c]) for c in ("matched", "reversed", "indirect", "missing"))
    return Counts(
        sum(1 for n in counted if n.id in by_reference),
        len(counted),
        sum(1 for n in bonus if n.id in by_reference),
        len(bonus),
        len(grade.edges["matched"]) + len(grade.edges["indirect"]),
        arrows,
    )


def counts_line(numbers: Counts) -> str:
    """`components 12/22, bonus 1/3, arrows 7/27`: the header's counts."""
    bonus = f", bonus {numbers.bonus_named}/{numbers.bonus_total}" if numbers.bonus_total else ""
    return (
        f"components {numbers.found}/{numbers.total}{bonus}, "
        f"arrows {numbers.arrows_right}/{numbers.arrows_total}"
    )


def text_report(grade: Grade, *, hints: bool = False, style: Style = plain) -> str:
    """The report a person reads after grading (see the module docstring)."""
    ref, att = grade.reference, grade.attempt
    by_reference = grade.alignment.by_reference()
    lines: list[str] = []
    score_role = "good" if grade.score >= 75 else "warn" if grade.score >= 50 else "bad"
    title = ref.directives.title or grade.case or "reference"
    lines.append(
        f"{style(f'{grade.score:g}/100', score_role)}  {style(title, 'bold')}  "
        f"({counts_line(counts(grade))})"
    )
    extras = extra_by_group(grade)
    top_groups = [g for g in grade.groups if g.id in {x.id for x in ref.groups if x.parent is None}]
    sections: list[tuple[str | None, str]] = [(g.id, g.name) for g in top_groups]
    if any(n.group is None and n.weight > 0 for n in ref.nodes) or None in extras:
        sections.append((None, "Outside any group"))
    for group_id, name in sections:
        members = [n for n in ref.nodes if _top_level(ref, n.group) == group_id]
        counted = [n for n in members if n.weight > 0]
        got = [n for n in counted if n.id in by_reference]
        lost = [n for n in counted if n.id in grade.missing]
        bonus = [n for n in members if n.weight <= 0]
        if not counted and not bonus and group_id not in extras:
            continue
        lines.append("")
        lines.append(f"{style(name, 'bold')}  {len(got)}/{len(counted)}")
        if got:
            names = []
            for node in got:
                pair = by_reference[node.id]
                drawn = att.node(pair.attempt).label
                names.append(
                    node.label if pair.how == "exact" else f"{node.label} ({_how(pair, drawn)})"
                )
            lines.append(f"  {style('found', 'good')}    " + ", ".join(names))
        if lost and hints:
            lines.append(f"  {style('missing', 'bad')}  {len(lost)} component(s)")
        for node in [] if hints else lost:
            why = f": {node.note}" if node.note else ""
            core = " (core)" if node.weight > 1 else ""
            lines.append(f"  {style('missing', 'bad')}  {node.label}{core}{style(why, 'dim')}")
        if bonus:
            lines.append(f"  {style('bonus', 'dim')}    " + _bonus_text(grade, bonus, hints))
        if group_id in extras:
            added = ", ".join(_label(att, n) for n in extras[group_id])
            lines.append(f"  {style('extra', 'warn')}    {added}")
    problems = _edge_problems(grade, hints=hints, style=style)
    if problems:
        lines.append("")
        lines.append(style("Arrows", "bold"))
        lines.extend(problems)
    return "\n".join(lines) + "\n"


def _bonus_text(grade: Grade, bonus: list[Node], hints: bool) -> str:
    """The bonus components of a group: named ones, and (unless hints) the others."""
    by_reference = grade.alignment.by_reference()
    named = [n.label for n in bonus if n.id in by_reference]
    other = [n.label for n in bonus if n.id not in by_reference]
    parts = [f"named {', '.join(named)}"] if named else []
    if other:
        parts.append(
            f"{len(other)} more you could add" if hints else f"could add {', '.join(other)}"
        )
    return "; ".join(parts) + " (good practice, not required)"


def _edge_problems(grade: Grade, *, hints: bool, style: Style) -> list[str]:
    ref, att = grade.reference, grade.attempt
    missing_nodes = set(grade.missing)
    lines = []
    for key in grade.edges["reversed"]:
        lines.append(
            f"  {style('reversed', 'bad')}  {_edge(ref, key)}"
            f"{style(' (you drew it the other way)', 'dim')}"
        )
    between_found = [k for k in grade.edges["missing"] if not set(k) & missing_nodes]
    if hints and grade.edges["missing"]:
        lines.append(f"  {style('missing', 'bad')}   {len(grade.edges['missing'])} arrow(s)")
    else:
        for key in between_found:
            lines.append(f"  {style('missing', 'bad')}   {_edge(ref, key)}")
        others = len(grade.edges["missing"]) - len(between_found)
        if others:
            more = " more" if between_found else ""
            lines.append(f"  {style('missing', 'bad')}   {others}{more} at the missing components")
    for key in grade.edges["indirect"]:
        lines.append(
            f"  {style('indirect', 'dim')}  {_edge(ref, key)}"
            f"{style(' (through extra steps: fine)', 'dim')}"
        )
    for key in grade.edges["shortcut"]:
        lines.append(
            f"  {style('shortcut', 'dim')}  {_edge(att, key)}"
            f"{style(f' ({skips(grade, key, hints=hints)})', 'dim')}"
        )
    for key in grade.edges["extra"]:
        lines.append(f"  {style('extra', 'warn')}     {_edge(att, key)}")
    return lines


def json_report(grade: Grade) -> dict[str, Any]:
    """The grade as the JSON object the grading spec defines (keys may be added, never changed)."""
    ref = grade.reference
    by_reference = grade.alignment.by_reference()
    bonus = [n for n in ref.nodes if n.weight <= 0]
    return {
        "case": grade.case,
        "title": ref.directives.title,
        "score": grade.score,
        "metrics": {
            "node_recall": grade.node_recall,
            "node_precision": grade.node_precision,
            "edge_recall": grade.edge_recall,
            "edge_precision": grade.edge_precision,
        },
        "nodes": {
            "matched": [
                {
                    "ref": p.reference,
                    "user": p.attempt,
                    "how": p.how,
                    "similarity": round(p.similarity, 3),
                    **({"term": p.term, "role": p.role} if p.term else {}),
                }
                for p in grade.alignment.pairs
            ],
            "missing": list(grade.missing),
            "extra": list(grade.extra),
        },
        "bonus": {
            "named": [n.id for n in bonus if n.id in by_reference],
            "not_named": [n.id for n in bonus if n.id not in by_reference],
        },
        "counts": asdict(counts(grade)),
        "edges": {name: [list(key) for key in grade.edges[name]] for name in EDGE_CLASSES},
        "groups": {
            g.name: {"recall": g.recall, "found": g.found, "total": g.total} for g in grade.groups
        },
        "notes": {n: ref.node(n).note for n in grade.missing if ref.node(n).note},
    }


def json_text(grade: Grade, extra: Mapping[str, Any] | None = None) -> str:
    """The JSON report as text, stable key order, one object; `extra` adds keys."""
    report = {**json_report(grade), **(extra or {})}
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
