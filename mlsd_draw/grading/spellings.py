"""Spellings: the names a node goes by (label, aliases, stripped qualifiers, parts of a merged
name), each normalised once, with its head noun and what a match with it is worth.

Kept apart from the evidence computation because it is per-node preparation of text, not a
comparison of two diagrams: evidence only consumes the forms made here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..language.model import Node
from .normalise import TOKEN, normal_words, raw_tokens, stem_word, wordset

__all__ = [
    "ALIAS",
    "MERGED_PART",
    "PAREN_STRIPPED",
    "PREPOSITIONS",
    "TYPE_WORDS",
    "Form",
    "description_text",
    "forms",
    "keep_best",
    "whole_merged_names",
]

ALIAS = 0.95
"""An alias is a looser name than the label: `vector store` may be said of more than one store."""
PAREN_STRIPPED = 0.95
"""`Harm classifier (offline)` read as `Harm classifier`: the qualifier may matter."""
MERGED_PART = 0.85
"""`Enforcement / demotion` read as either part: a merged component. Any good match of a part
is worth this much, so the parts tie and the heavier reference component takes the box."""

TYPE_WORDS = wordset(
    "service job pipeline system module engine layer component process step stage task "
    "worker server tool platform application app"
)
"""Words that say what sort of box something is rather than what it does."""

PREPOSITIONS = wordset("in for of from per at on with by to via into onto over after")
_PAREN = re.compile(r"\(([^()]*)\)")
_PART_SPLIT = re.compile(r"\s*[/+|]\s*")


@dataclass(frozen=True)
class Form:
    """One spelling of a node (label, alias, or part of a merged label), compared as a unit."""

    node: int
    is_alias: bool
    factor: float
    is_part: bool
    raw: tuple[str, ...]
    words: tuple[str, ...]
    head: str
    """The stem of the head noun: the last word before any preposition or parenthesis."""

    @property
    def weight(self) -> float:
        """What a match with this spelling is worth: an alias is a looser name than a label."""
        return self.factor * (ALIAS if self.is_alias else 1.0)

    @property
    def cap(self) -> float:
        """The most a match with this spelling can be worth (a part of a merged name)."""
        return MERGED_PART if self.is_part else 1.0


def _head(text: str) -> str:
    """The stem of the head noun: the last word before any preposition or parenthesis,
    passing over generic type words (`Ranking service` is a kind of ranking)."""
    tokens = raw_tokens(_PAREN.sub(" ", text).split("(")[0])
    for k, token in enumerate(tokens):
        if k > 0 and token in PREPOSITIONS:
            tokens = tokens[:k]
            break
    words = list(normal_words(tokens))
    while len(words) > 1 and words[-1] in TYPE_WORDS:
        words.pop()
    return stem_word(words[-1]) if words else ""


def _spellings(text: str, *, attempt: bool) -> list[tuple[str, float, bool]]:
    """The spellings a label stands for: (text, discount, is a part of a merged name)."""
    out = [(text, 1.0, False)]
    if "(" in text:
        stripped = _PAREN.sub(" ", text)
        if TOKEN.search(stripped.lower()):
            out.append((stripped, PAREN_STRIPPED if attempt else 1.0, False))
    if attempt:
        base = _PAREN.sub(" ", text)
        parts = [p for p in _PART_SPLIT.split(base) if p.strip()]
        if len(parts) > 1 and all(sum(c.isalpha() for c in p) >= 3 for p in parts):
            out.extend((part, 1.0, True) for part in parts)
    return out


def forms(nodes: Sequence[Node], *, attempt: bool) -> list[Form]:
    """Every spelling of every node, normalised once so evidence need not re-read labels.

    The spellings are the label, the aliases, and (for the attempt) their parts.
    """
    forms: list[Form] = []
    for index, node in enumerate(nodes):
        seen: dict[tuple[str, ...], int] = {}
        names = [(node.label, False)] + [(alias, True) for alias in node.aliases]
        for name, is_alias in names:
            for text, factor, is_part in _spellings(name, attempt=attempt):
                raw = tuple(raw_tokens(text))
                words = normal_words(raw)
                if not words:
                    continue
                form = Form(index, is_alias, factor, is_part, raw, words, _head(text))
                if words in seen:
                    previous = forms[seen[words]]
                    if (previous.weight, previous.cap) < (form.weight, form.cap):
                        forms[seen[words]] = form
                    continue
                seen[words] = len(forms)
                forms.append(form)
    return forms


def description_text(node: Node) -> str:
    """What a node says beyond its name (description, (...) notes): evidence when names fail."""
    parts = [node.description or ""]
    parts.extend(_PAREN.findall(node.label))
    return " ".join(parts)


def keep_best(best: dict[int, tuple[float, str]], ref: int, value: float, kind: str) -> None:
    """Keep the strongest (value, kind of evidence) per reference node."""
    if value > best.get(ref, (0.0, ""))[0]:
        best[ref] = (value, kind)


def whole_merged_names(
    att_forms: Sequence[Form], part_equals: dict[int, dict[int, tuple[float, str]]]
) -> list[tuple[str, int, int, float]]:
    """(kind, reference node, attempt node, value) for each merged name whose parts are all
    names of the same component, from what each part form equals before the merge cap.

    A name joined from parts that are each a name of one component (`Cleaning + dedup` where
    the component is called both) names that component twice over rather than merging two
    components: the merge cap does not apply, and each part is independent evidence for it,
    so they combine (1 - the product of what each part leaves unsaid). The kind reported is
    that of the weakest part.
    """
    parts_of: dict[int, list[int]] = {}
    for g, form in enumerate(att_forms):
        if form.is_part:
            parts_of.setdefault(form.node, []).append(g)
    found: list[tuple[str, int, int, float]] = []
    for att, parts in parts_of.items():
        if len(parts) < 2:
            continue
        common = set.intersection(*(set(part_equals.get(g, {})) for g in parts))
        for ref in sorted(common):
            kind = min((part_equals[g][ref] for g in parts), key=lambda best: best[0])[1]
            value = 1.0 - math.prod(1.0 - part_equals[g][ref][0] for g in parts)
            found.append((kind, ref, att, value))
    return found
