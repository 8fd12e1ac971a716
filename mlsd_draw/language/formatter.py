"""Write a diagram back as canonical `.mlsd` text (what `mlsd-draw fmt` prints).

The canonical form: directives first; then, per group (nested groups indented), one line
per component that carries attributes or a description or that no edge of its group
mentions, then the nested groups, then the group's edges as `A -> B -> C` chains. An edge
sits in the innermost group that holds both its ends, so every component is first
mentioned inside its own group and parsing the output gives the same diagram. Comments
are the writer's own words and are kept, each on or before the statement it belongs to
(see :mod:`mlsd_draw.language.comments`); a component with a comment is always declared
on a line of its own so its comment has a place.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Mapping

from .model import Anchor, Comment, Diagram, Edge, Group, Node
from .tokenizer import Tok, tokenize

_INDENT = "  "

_Line = tuple[str, tuple[Anchor, ...]]
"""A line of output and the anchors of what it writes, to put comments back."""


def quote(text: str) -> str:
    """A quoted string: backslashes and quotes escaped, the language's only two escapes."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _reads_back(source: str, value: str, kind: Tok) -> bool:
    """Whether `source` tokenizes, without a problem, to a token of `kind` holding `value`."""
    tokens, problems = tokenize(source)
    return not problems and any(t.kind is kind and t.value == value for t in tokens)


def format_name(name: str) -> str:
    """A component or group name, quoted only where the plain form would read differently
    (alone, or before a `,` or `:`, which an unclosed `(` would take into the name)."""
    unclosed = name.count("(") > name.count(")")
    plain = "\n" not in name and not unclosed and len(tokenize(name)[0]) == 2
    if plain and _reads_back(name, name, Tok.NAME):
        return name
    return quote(name)


def format_text(text: str) -> str:
    """A description or edge label (after `: `), quoted only where it must be."""
    tokens, problems = tokenize(f"X: {text}")
    kinds = [t.kind for t in tokens]
    if (
        not problems
        and kinds == [Tok.NAME, Tok.COLON, Tok.TEXT, Tok.EOF]
        and tokens[2].value == text
    ):
        return text
    return quote(text)


def format_value(text: str) -> str:
    """An attribute value (inside `[...]`), quoted only where it must be."""
    tokens, problems = tokenize(f"X [k: {text}]")
    if not problems and len(tokens) == 3 and [a.value for a in tokens[1].attrs] == [text]:
        return text
    return quote(text)


def format_list_item(item: str) -> str:
    """One alias of an `aka` list, quoted where it would otherwise split or read differently."""
    plain = format_value(item)
    if plain == item and ("," in item or _opens_more(item)):
        return quote(item)  # a comma, or a parenthesis that could hold the next comma
    return plain


def _opens_more(text: str) -> bool:
    """Whether `text` leaves a `(` open, as `split_list` counts (a `)` with none open is
    ignored): the next comma of the list would stay inside it."""
    depth = 0
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
    return depth > 0


def format_directive(value: str) -> str:
    """A directive's value, quoted only where it must be."""
    tokens, problems = tokenize(f"@k {value}")
    if not problems and tokens[0].kind is Tok.DIRECTIVE and tokens[0].value == value:
        return value
    return quote(value)


def format_number(value: float) -> str:
    """`3` rather than `3.0`; other numbers in the shortest form that reads back exactly
    (`1000001`, not `1e+06`; `0.1`, not `0.10000000000000001`)."""
    value = float(value)  # a weight built in code may be an int
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def _attribute_list(
    attributes: Mapping[str, str],
    *,
    kind: str | None = None,
    weight: float = 1.0,
    aliases: tuple[str, ...] = (),
    note: str | None = None,
) -> str:
    """` [key: value; ...]` in the canonical key order, or nothing when there is none."""
    pairs: list[tuple[str, str]] = []
    if kind:
        pairs.append(("kind", kind))
    if weight != 1:
        pairs.append(("weight", format_number(weight)))
    if aliases:
        pairs.append(("aka", ", ".join(format_list_item(a) for a in aliases)))
    if note is not None:
        pairs.append(("note", quote(note)))
    pairs.extend((k, format_value(v)) for k, v in attributes.items() if k not in _KNOWN)
    items = [f"{key}: {value}" for key, value in pairs]
    return f" [{'; '.join(items)}]" if items else ""


_KNOWN = ("aka", "weight", "note", "kind", "label")


def format_node(node: Node) -> str:
    """The declaration of a component: name, attributes, description."""
    line = format_name(node.label) + _attribute_list(
        node.attributes, kind=node.kind, weight=node.weight, aliases=node.aliases, note=node.note
    )
    if node.description is not None:
        line += ": " + format_text(node.description)
    return line


def format_group_head(group: Group) -> str:
    """The line that opens a group, without the `{`."""
    return format_name(group.name) + _attribute_list(
        group.attributes, aliases=group.aliases, note=group.note
    )


def edge_details(edge: Edge) -> str:
    """An edge's attribute list (weight, note, other attributes), or nothing."""
    return _attribute_list(edge.attributes, weight=edge.weight, note=edge.note)


def edge_suffix(edge: Edge) -> str:
    """What follows an edge's ends: its attribute list and `: label`."""
    text = _attribute_list(edge.attributes, weight=edge.weight, note=edge.note)
    if edge.label is not None:
        text += ": " + format_text(edge.label)
    return text


def _plain(edge: Edge) -> bool:
    return edge.kind == "directed" and edge.label is None and edge_suffix(edge) == ""


def _edge_lines(
    edges: list[Edge], labels: dict[str, str], commented: tuple[set[Anchor], set[Anchor]]
) -> list[_Line]:
    """Edges as statements: plain edges joined into chains, the rest one per line.

    A chain starts at the first edge not yet written and goes on, while it can, with the
    first unwritten plain edge out of its last node; so the output is stable under `fmt`.
    A chain ends at an edge with a comment after it and never takes in one with a comment
    before it, so comments stay where they were written. Each line comes with the
    anchors of the edges it writes.
    """
    before, after = commented
    plain = [_plain(edge) for edge in edges]
    used = [False] * len(edges)
    leaving: dict[str, deque[int]] = defaultdict(deque)
    for i, edge in enumerate(edges):
        if plain[i]:
            leaving[edge.source].append(i)
    lines: list[_Line] = []
    for i, edge in enumerate(edges):
        if used[i]:
            continue
        used[i] = True
        if not plain[i]:
            arrow = "--" if edge.kind == "undirected" else "->"
            name_a, name_b = labels[edge.source], labels[edge.target]
            lines.append((f"{name_a} {arrow} {name_b}{edge_suffix(edge)}", (_anchor(edge),)))
            continue
        chain = [edge.source, edge.target]
        anchors = [_anchor(edge)]
        while anchors[-1] not in after:
            queue = leaving[chain[-1]]
            while queue and used[queue[0]]:
                queue.popleft()
            if not queue or _anchor(edges[queue[0]]) in before:
                break
            j = queue.popleft()
            used[j] = True
            chain.append(edges[j].target)
            anchors.append(_anchor(edges[j]))
        lines.append((" -> ".join(labels[n] for n in chain), tuple(anchors)))
    return lines


def _anchor(edge: Edge) -> Anchor:
    return ("edge", edge.source, edge.target)


def format_diagram(diagram: Diagram) -> str:
    """The canonical text of a diagram; parsing it gives the same diagram back.

    The comments of the source (`Diagram.comments`) are kept, each on or before the
    statement it belongs to wherever that statement lands.
    """
    out: list[_Line] = [
        (f"@{key} {format_directive(value)}", (("directive", key),))
        for key, value in diagram.directives.items()
    ]
    commented = {c.anchor[1] for c in diagram.comments if c.anchor[0] == "node"}
    edge_comments: tuple[set[Anchor], set[Anchor]] = (
        {c.anchor for c in diagram.comments if not c.trailing},
        {c.anchor for c in diagram.comments if c.trailing},
    )
    labels = {node.id: format_name(node.label) for node in diagram.nodes}
    group_of = {node.id: node.group for node in diagram.nodes}
    paths = {g.id: diagram.group_path(g.id) for g in diagram.groups}
    edges_in: dict[str | None, list[Edge]] = defaultdict(list)
    for edge in diagram.edges:
        edges_in[_common_group(group_of[edge.source], group_of[edge.target], paths)].append(edge)
    mentioned_in: dict[str | None, set[str]] = {
        scope: {end for e in edges for end in e.key} for scope, edges in edges_in.items()
    }
    children: dict[str | None, list[str]] = defaultdict(list)
    for group in diagram.groups:
        children[group.parent].append(group.id)
    nodes_in: dict[str | None, list[Node]] = defaultdict(list)
    for node in diagram.nodes:
        nodes_in[node.group].append(node)

    def block(scope: str | None, depth: int) -> list[_Line]:
        pad = _INDENT * depth
        sections: list[list[_Line]] = []
        mentioned = mentioned_in.get(scope, set())
        declared: list[_Line] = [
            (pad + format_node(n), (("node", n.id),))
            for n in nodes_in[scope]
            if n.id not in mentioned or n.id in commented or format_node(n) != labels[n.id]
        ]
        if declared:
            sections.append(declared)
        for child in children[scope]:
            head = f"{pad}{format_group_head(diagram.group(child))} {{"
            sections.append(
                [
                    (head, (("group", child),)),
                    *block(child, depth + 1),
                    (pad + "}", (("close", child),)),
                ]
            )
        edge_lines = [
            (pad + line, anchors)
            for line, anchors in _edge_lines(edges_in.get(scope, []), labels, edge_comments)
        ]
        if edge_lines:
            sections.append(edge_lines)
        lines: list[_Line] = []
        for section in sections:
            if lines:
                lines.append(("", ()))
            lines.extend(section)
        return lines

    body = block(None, 0)
    if out and body:
        out.append(("", ()))
    out.extend(body)
    return "\n".join(_with_comments(out, diagram.comments)) + "\n"


def _with_comments(lines: list[_Line], comments: tuple[Comment, ...]) -> list[str]:
    """The lines with each comment put back: a trailing one at the end of its statement's
    line, any other on its own lines before it (before the `}` for the end of a group);
    comments of statements that no longer stand anywhere go to the end, never lost."""
    leading: dict[Anchor, list[str]] = defaultdict(list)
    trailing: dict[Anchor, list[str]] = defaultdict(list)
    for comment in comments:
        (trailing if comment.trailing else leading)[comment.anchor].append(comment.text)
    out: list[str] = []
    for text, anchors in lines:
        pad = text[: len(text) - len(text.lstrip())]
        if anchors and anchors[0][0] == "close":
            pad += _INDENT
        before = [c for anchor in anchors for c in leading.pop(anchor, [])]
        after = [c for anchor in anchors for c in trailing.pop(anchor, [])]
        # Only one comment fits after the line; the others stand before it.
        out.extend(pad + c for c in before + after[1:])
        out.append(f"{text}  {after[0]}" if after else text)
    rest = [c for texts in (*leading.values(), *trailing.values()) for c in texts]
    if rest and out and out[-1]:
        out.append("")
    out.extend(rest)
    return out


def _common_group(a: str | None, b: str | None, paths: dict[str, tuple[str, ...]]) -> str | None:
    """The innermost group that holds both `a` and `b` (None: the top level)."""
    path_a = paths[a] if a is not None else ()
    path_b = paths[b] if b is not None else ()
    common: str | None = None
    for x, y in zip(path_a, path_b, strict=False):
        if x != y:
            break
        common = x
    return common
