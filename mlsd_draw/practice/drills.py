"""Drills: the file a drill starts from, how long it should take, and hints.

What a person sees before and while recalling a case, without the answer: the question,
a suggested time, and hints at three levels that each give away a little more.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..language.model import Diagram
from .history import Outcome

MINUTES_PER_COMPONENT = 0.75
"""Suggested drill time: about 45 seconds a component, at least 10 minutes."""


def suggested_minutes(reference: Diagram) -> int:
    """How long to give yourself for a drill of this reference."""
    return max(10, round(len(reference.nodes) * MINUTES_PER_COMPONENT))


def drill_text(reference: Diagram, case_id: str) -> str:
    """The file a drill starts from: the header filled in, the rest for the person."""
    lines = [f"@case {case_id}"]
    if reference.directives.title:
        lines.append(f"@title {reference.directives.title}")
    lines.append("")
    prompt = reference.directives.prompt or reference.directives.title or case_id
    lines.append(f"# {prompt}")
    lines.append(
        f"# Draw the architecture from memory ({suggested_minutes(reference)} minutes), "
        "then: mlsd-draw grade THIS_FILE"
    )
    lines.append("# e.g.  User request -> Candidate generation -> Ranking")
    lines.append("")
    return "\n".join(lines) + "\n"


def hint(reference: Diagram, level: int, last_outcomes: Sequence[Outcome] = ()) -> str:
    """A hint that does not give the answer away.

    1: the stages; 2: per stage, how many components and their first letters; 3: one
    component missed last time (the heaviest), with its note.
    """
    top = [g for g in reference.groups if g.parent is None]
    if level == 1:
        if not top:
            return "This reference has no stages; try --level 2."
        return "Stages: " + ", ".join(g.name for g in top)
    if level == 2:
        lines = []
        sections: list[tuple[str | None, str]] = [(g.id, g.name) for g in top]
        if any(n.group is None for n in reference.nodes):
            sections.append((None, "Outside any stage"))
        for group_id, name in sections:
            members = [
                n
                for n in reference.nodes
                if (reference.group_path(n.group) or (None,))[0] == group_id and n.weight > 0
            ]
            if members:
                letters = ", ".join(n.label[0].upper() for n in members)
                lines.append(f"{name}: {len(members)} components ({letters})")
        return "\n".join(lines)
    missed = sorted((o for o in last_outcomes if not o.found), key=lambda o: -o.weight)
    if not missed:
        if not last_outcomes:
            return "No graded attempt of this case yet: try --level 2."
        return "You missed nothing last time."
    worst = missed[0]
    note = f": {worst.note}" if worst.note else ""
    return f"Last time you missed {worst.label}{note}"
