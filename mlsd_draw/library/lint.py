"""Check a reference diagram against the rules of the reference library (`mlsd-draw lint`).

A reference is what people memorise and what attempts are graded against, so it must be
complete and unambiguous. :func:`lint` reports, as warnings:

- a missing header directive among `@case @title @prompt @level @source`;
- a component with no alias, and a core component (weight above 1) with fewer than
  three: an attempt that names it differently would otherwise match nothing;
- an alias that is also the name or an alias of another component of the same file
  (compared by slug): an attempt using it could mean either;
- a weighted component without a `note` saying why it matters;
- a component with no edge;

together with the warnings the parser already found (an unknown attribute, a
self-loop...), so that a file that lints clean has no problem at all. A shipped
reference, as it ships, also has its quiz cards checked (see
:mod:`mlsd_draw.library.card_checks`): its framing, and a why entry for every core
component.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..core.errors import Diagnostic, Span
from ..language.keywords import DIRECTIVES, split_list
from ..language.model import Diagram, Node, slugify
from ..language.tokenizer import Tok, tokenize
from .card_checks import reference_card_diagnostics

MIN_CORE_ALIASES = 3
"""How many aliases a core (weighted) component needs at least."""


def lint(diagram: Diagram, source: str | None = None) -> list[Diagnostic]:
    """Every problem of a reference diagram, in the order of the file.

    `source`, the text the diagram was parsed from, lets a problem with an alias point
    at the alias itself; without it, it points at the component.
    """
    alias_spans = _alias_spans(source) if source is not None else {}
    found = [*diagram.warnings]
    found.extend(_missing_directives(diagram))
    found.extend(_alias_clashes(diagram, alias_spans))
    found.extend(_component_problems(diagram))
    found.extend(reference_card_diagnostics(diagram, source))
    seen: set[tuple[Span, str]] = set()
    unique = []
    for diagnostic in found:
        key = (diagnostic.span, diagnostic.message)
        if key not in seen:  # the parser's "connected to nothing" is also a lint problem
            seen.add(key)
            unique.append(diagnostic)
    unique.sort(key=lambda d: d.span.start)
    return unique


_FILE_START = Span(0, 1, 1, 1)
"""Where a problem of the whole file is shown: line 1, column 1."""


def _warning(message: str, span: Span | None, hint: str) -> Diagnostic:
    return Diagnostic("warning", message, span or _FILE_START, hint)


def _missing_directives(diagram: Diagram) -> Iterator[Diagnostic]:
    values = {
        "case": diagram.directives.case,
        "title": diagram.directives.title,
        "prompt": diagram.directives.prompt,
        "level": diagram.directives.level,
        "source": diagram.directives.source,
    }
    examples = {
        "case": "the case id, the file name without .mlsd",
        "title": "a human title",
        "prompt": "the interview question",
        "level": "core (the book's cases) or extra (the others)",
        "source": "where the facts come from",
    }
    for key in DIRECTIVES:
        if values[key] is None:
            yield _warning(
                f"the directive '@{key}' is missing",
                _FILE_START,
                f"add `@{key} ...` at the top of the file: {examples[key]}",
            )


def _alias_clashes(
    diagram: Diagram, alias_spans: dict[tuple[str, str], Span]
) -> Iterator[Diagnostic]:
    names = {node.id: node for node in diagram.nodes}
    owners: dict[str, Node] = {}
    for node in diagram.nodes:
        for alias in node.aliases:
            slug = slugify(alias)
            if not slug or slug == node.id:
                continue
            span = alias_spans.get((node.id, slug), node.span)
            if slug in names:
                other = names[slug]
                yield _warning(
                    f"the alias '{alias}' of '{node.label}' is the name of the component "
                    f"'{other.label}'",
                    span,
                    f"an attempt that writes it means '{other.label}': remove this alias",
                )
            elif slug in owners and owners[slug].id != node.id:
                yield _warning(
                    f"the alias '{alias}' of '{node.label}' is also an alias of "
                    f"'{owners[slug].label}'",
                    span,
                    "an attempt that writes it could mean either: keep it on one of them",
                )
            else:
                owners.setdefault(slug, node)


def _component_problems(diagram: Diagram) -> Iterator[Diagnostic]:
    connected = {end for edge in diagram.edges for end in edge.key}
    for node in diagram.nodes:
        weight = f"{node.weight:g}"
        if not node.aliases:
            yield _warning(
                f"'{node.label}' has no alias",
                node.span,
                "add `aka: ...` with the other names people write for it: abbreviations, "
                "product names, common phrasings",
            )
        elif node.weight > 1 and len(node.aliases) < MIN_CORE_ALIASES:
            yield _warning(
                f"'{node.label}' is a core component (weight {weight}) with only "
                f"{len(node.aliases)} alias{'' if len(node.aliases) == 1 else 'es'}",
                node.span,
                f"give it at least {MIN_CORE_ALIASES} in `aka: ...`, so that attempts naming "
                "it differently still match",
            )
        if node.weight > 1 and node.note is None:
            yield _warning(
                f"'{node.label}' has weight {weight} but no note",
                node.span,
                'add `note: "..."` saying why it matters; it is shown when an attempt misses it',
            )
        if node.id not in connected:
            yield _warning(
                f"'{node.label}' is connected to nothing",
                node.span,
                f"draw what feeds it or what it feeds, e.g. `{node.label} -> ...`",
            )


def _alias_spans(source: str) -> dict[tuple[str, str], Span]:
    """(component id, alias slug) -> where the alias is written, for every `aka` of a component.

    An attribute list belongs to the name right before it, unless a `{` follows (a group's).
    """
    tokens, _problems = tokenize(source)
    spans: dict[tuple[str, str], Span] = {}
    for i, token in enumerate(tokens):
        if token.kind is not Tok.ATTRS or i == 0:
            continue
        owner = tokens[i - 1]
        if owner.kind not in (Tok.NAME, Tok.STRING) or tokens[i + 1].kind is Tok.LBRACE:
            continue
        node_id = slugify(owner.value)
        for attr in token.attrs:
            if attr.key.lower() != "aka":
                continue
            start, end = attr.value_span.start, attr.value_span.end
            for alias in split_list(attr.raw):
                at = source.find(alias, start, end)
                if at < 0:  # written over several lines or with inner spaces: the whole list
                    spans.setdefault((node_id, slugify(alias)), attr.value_span)
                    continue
                spans.setdefault((node_id, slugify(alias)), token.lines.span(at, at + len(alias)))
                start = at + len(alias)
    return spans
