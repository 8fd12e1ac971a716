"""The diff picture of a grade: reference and attempt in one image, every difference coloured.

Two panels side by side, "Reference" on the left in the one layout of every reference
picture (stages stacked, flowing down: see `layout`), "Your recall" on the right. A
component and the box that stands for it share a row (one global ranking, `newrank`), so
the eye compares them straight across. Reference panel: found green, missing red and
dashed, core components with a heavier border. Attempt panel: matched green with the
reference name on a second line where the names differ, extra orange. Arrows: matched
green, missing red dashed, reversed purple, indirect blue dotted, shortcut grey dashed,
extra orange; arrows at a bonus component you left out are muted. A legend sits below.
Only plain labels: the embedded Graphviz ignores HTML-like ones.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from ..core.errors import LayoutError, UsageError
from ..core.files import write_bytes_atomically
from ..formats.dot_writer import (
    EDGE_DEFAULTS,
    NODE_DEFAULTS,
    cluster_members,
    dot_attributes,
    node_style,
)
from ..grading.scoring import Grade
from ..language.model import Diagram, Node, slugify
from .layout import DRAWING_STYLE, stage_anchors, stage_crossing, stage_of, stage_order
from .rendering import output_format, render_dot

GREEN, RED, ORANGE, PURPLE, BLUE, GREY = (
    "#2e7d32",
    "#c62828",
    "#e65100",
    "#6a1b9a",
    "#1565c0",
    "#8a8f98",
)
FOUND_FILL, MISSING_FILL, EXTRA_FILL, BONUS_FILL = "#e3f3e4", "#fdecec", "#ffedd9", "#f4f5f7"

EDGE_STYLES: Mapping[str, Mapping[str, str]] = {
    "matched": {"color": GREEN, "penwidth": "1.6"},
    "missing": {"color": RED, "style": "dashed", "penwidth": "1.4"},
    "reversed": {"color": PURPLE, "penwidth": "2", "style": "bold"},
    "indirect": {"color": BLUE, "style": "dotted", "penwidth": "1.8"},
    "shortcut": {"color": GREY, "style": "dashed"},
    "extra": {"color": ORANGE, "penwidth": "1.6"},
    "bonus": {"color": "#b5bcc6", "style": "dotted"},
}
"""How each edge class is drawn, in both panels."""

_LEGEND_NODES = (
    ("found", {"color": GREEN, "fillcolor": FOUND_FILL}),
    ("missing", {"color": RED, "fillcolor": MISSING_FILL, "style": "rounded,dashed,filled"}),
    ("extra (yours)", {"color": ORANGE, "fillcolor": EXTRA_FILL}),
    ("core: heavy border", {"penwidth": "2.6"}),
)


HIDDEN = "?"
"""What a component you did not recall is called in a picture drawn with hints."""


def _reference_style(grade: Grade, *, hints: bool) -> Mapping[str, Mapping[str, str]]:
    found = grade.alignment.by_reference()
    styles: dict[str, Mapping[str, str]] = {}
    for node in grade.reference.nodes:
        base = node_style(node)
        if hints and node.id not in found:  # the answer stays hidden: no name, no note
            base = {**base, "label": HIDDEN}
            base.pop("tooltip", None)
        if node.id in found:
            extra = {"color": GREEN, "fillcolor": FOUND_FILL}
        elif node.weight == 0:
            extra = {"color": GREY, "fillcolor": BONUS_FILL, "style": "rounded,dotted,filled"}
        else:
            extra = {"color": RED, "fillcolor": MISSING_FILL, "style": "rounded,dashed,filled"}
            if "rounded" not in base["style"]:
                extra["style"] = "dashed,filled"
        styles[node.id] = {**base, **extra}
    return styles


def _attempt_style(grade: Grade) -> Mapping[str, Mapping[str, str]]:
    paired = grade.alignment.by_attempt()
    styles: dict[str, Mapping[str, str]] = {}
    for node in grade.attempt.nodes:
        pair = paired.get(node.id)
        if pair is None:
            base = node_style(node)
            styles[node.id] = {**base, "color": ORANGE, "fillcolor": EXTRA_FILL}
            continue
        reference = grade.reference.node(pair.reference)
        # A box drawn without a kind takes the shape of the component it stands for.
        shaped = node if node.kind else Node(node.id, node.label, kind=reference.kind)
        base = node_style(shaped)
        label = node.label
        if slugify(node.label) != reference.id:
            label = f"{node.label}\n= {reference.label}"
        base.pop("penwidth", None)
        styles[node.id] = {**base, "label": label, "color": GREEN, "fillcolor": FOUND_FILL}
    return styles


def _edge_lines(
    edges: Iterator[tuple[str, str, str, bool, bool]],
    ids: Mapping[str, str],
    labels: Mapping[tuple[str, str], str] | None = None,
) -> Iterator[str]:
    for source, target, status, undirected, constraint in edges:
        attrs = dict(EDGE_STYLES[status])
        if labels and (source, target) in labels:
            attrs["xlabel"] = labels[(source, target)]
        if undirected:
            attrs["dir"] = "none"
        if not constraint:
            attrs["constraint"] = "false"
        yield f"  {ids[source]} -> {ids[target]} {dot_attributes(attrs)}"


def _with_id(styles: Mapping[str, Mapping[str, str]], prefix: str) -> dict[str, dict[str, str]]:
    """Each node's style with an SVG id (`r-ID`, `a-ID`), so a page can find its box."""
    return {node: {**style, "id": f"{prefix}-{node}"} for node, style in styles.items()}


def grade_to_dot(grade: Grade, *, align_columns: bool = True, hints: bool = False) -> str:
    """The diff picture of a grade as DOT text (deterministic; golden-file tested).

    The reference is drawn as `show` draws it (stages stacked, flowing down) on the left,
    your recall on the right. `align_columns` puts each component and the box paired
    with it on one row, with your arrows between paired boxes following the reference's
    rows rather than moving them; the caller retries without it if Graphviz cannot
    satisfy the constraints. With `hints`, components you did not recall are drawn
    without their names, notes or arrow labels.
    """
    ref, att = grade.reference, grade.attempt
    ref_ids = {node.id: f"r{i}" for i, node in enumerate(ref.nodes)}
    att_ids = {node.id: f"a{i}" for i, node in enumerate(att.nodes)}
    ref_styles = _with_id(_reference_style(grade, hints=hints), "r")
    att_styles = _with_id(_attempt_style(grade), "a")
    title = ref.directives.title or grade.case or "Reference"
    # Straight arrows: your arrows follow the reference's rows rather than shaping them,
    # and curves between fixed rows loop; a straight line reads at a glance.
    graph = {
        **DRAWING_STYLE,
        "label": f"{title}  -  score {grade.score:g}/100",
        "splines": "line",
    }
    panel = {
        "style": "rounded",
        "color": "#9aa7b8",
        "fontname": "Helvetica-Bold",
        "fontsize": "16",
        "fontcolor": "#3f4a5a",
        "labeljust": "l",
        "margin": "12",
    }
    lines = [
        "digraph mlsd_diff {",
        f"  graph {dot_attributes(graph)}",
        f"  node {dot_attributes(NODE_DEFAULTS)}",
        f"  edge {dot_attributes(EDGE_DEFAULTS)}",
        "  subgraph cluster_reference {",
        f"    graph {dot_attributes({**panel, 'label': 'Reference'})}",
        *_indented(
            cluster_members(
                ref,
                ref_ids,
                style=lambda n: ref_styles[n.id],
                cluster_prefix="cluster_r",
                anchors=stage_anchors(ref),
            )
        ),
        "  }",
        "  subgraph cluster_attempt {",
        f"    graph {dot_attributes({**panel, 'label': 'Your recall'})}",
        # Your boxes sit on the rows of the components they stand for, so your own
        # groups are not drawn: the reference's stages give the picture its shape.
        *(f"    {att_ids[n.id]} {dot_attributes(att_styles[n.id])}" for n in att.nodes),
        "  }",
        *stage_order(ref, ref_ids),
    ]
    classes = {key: name for name, keys in grade.edges.items() for key in keys}
    crossing = stage_crossing(ref)
    found = grade.alignment.by_reference()
    lines.extend(
        _edge_lines(
            (
                (
                    e.source,
                    e.target,
                    classes.get(e.key, "bonus"),
                    e.kind == "undirected",
                    e.key not in crossing,
                )
                for e in ref.edges
            ),
            ref_ids,
            labels={
                e.key: e.label
                for e in ref.edges
                if e.label and not (hints and not {e.source, e.target} <= set(found))
            },
        )
    )
    paired = grade.alignment.by_attempt()
    lines.extend(
        _edge_lines(
            (
                (
                    e.source,
                    e.target,
                    grade.attempt_edges.get(e.key, "extra"),
                    e.kind == "undirected",
                    not (align_columns and e.source in paired and e.target in paired),
                )
                for e in att.edges
            ),
            att_ids,
        )
    )
    if align_columns:
        for pair in grade.alignment.pairs:
            lines.append(f"  {{rank=same; {ref_ids[pair.reference]}; {att_ids[pair.attempt]}}}")
    last_stage = _last_stage_members(ref, ref_ids)
    lines.extend(_legend(last_stage))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _last_stage_members(ref: Diagram, ids: Mapping[str, str]) -> list[str]:
    """The components of the lowest stage (or of all, without stages): the legend goes
    below them."""
    stages = [g.id for g in ref.groups if g.parent is None]
    for stage in reversed(stages):
        members = [ids[n.id] for n in ref.nodes if stage_of(ref, n.id) == stage]
        if members:
            return members
    return list(ids.values())


def _indented(statements: Iterator[str]) -> Iterator[str]:
    for statement in statements:
        yield "  " + statement


def _legend(above: list[str]) -> Iterator[str]:
    """Two rows below everything: sample boxes, then one sample arrow per class."""
    yield "  subgraph cluster_legend {"
    legend = {
        "label": "",
        "style": "rounded,dashed",
        "color": "#c5cdd8",
        "margin": "6",
    }
    yield f"    graph {dot_attributes(legend)}"
    yield '    node [fontsize="10", margin="0.08,0.03", height="0.28"]'
    boxes = []
    for index, (label, style) in enumerate(_LEGEND_NODES):
        attrs = {"label": label, "shape": "box", "style": "rounded,filled", "fillcolor": "white"}
        yield f"    legend_n{index} {dot_attributes({**attrs, **style})}"
        boxes.append(f"legend_n{index}")
    yield f"    {{rank=same; {'; '.join(boxes)}}}"
    point = {"shape": "point", "width": "0.05", "label": ""}
    points = [f"legend_p{index}" for index in range(len(EDGE_STYLES) + 1)]
    for name in points:
        yield f"    {name} {dot_attributes(point)}"
    yield f"    {{rank=same; {'; '.join(points)}}}"
    for index, (name, edge_style) in enumerate(EDGE_STYLES.items()):
        sample = {**edge_style, "label": name, "fontsize": "10", "minlen": "2"}
        yield f"    legend_p{index} -> legend_p{index + 1} {dot_attributes(sample)}"
    yield "    legend_n0 -> legend_p0 [style=invis]"
    yield "  }"
    for node in above:
        yield f'  {node} -> legend_n0 [style="invis", weight="0"]'


DIFF_EXTENSIONS = (".svg", ".png", ".pdf", ".dot", ".gv", ".html")
"""What a diff picture can be written as."""


def render_diff(grade: Grade, fmt: str, *, hints: bool = False) -> bytes:
    """The diff picture rendered as `fmt` (svg, png, pdf or dot).

    Column alignment is a wish, not a must: if Graphviz cannot lay out the pairs in shared
    columns, the picture is drawn without that constraint rather than not at all.
    """
    try:
        return render_dot(grade_to_dot(grade, hints=hints), fmt)
    except LayoutError:
        return render_dot(grade_to_dot(grade, align_columns=False, hints=hints), fmt)


def write_diff(grade: Grade, path: Path, *, hints: bool = False, rating: str | None = None) -> Path:
    """Write the diff picture, or with `.html` the full HTML report (with the review's
    `rating` when known), atomically to `path`. With `hints`, nothing names or explains a
    component you did not recall."""
    if path.suffix.lower() == ".html":
        from .html_report import html_report

        svg = render_diff(grade, "svg", hints=hints).decode("utf-8")
        data = html_report(grade, svg, hints=hints, rating=rating).encode("utf-8")
    else:
        fmt = output_format(path)
        data = render_diff(grade, fmt, hints=hints)
    try:
        return write_bytes_atomically(path, data)
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None


def default_diff_path(attempt_path: Path) -> Path:
    """Where `grade` puts the picture unless told: `ATTEMPT.diff.svg` beside the attempt."""
    return attempt_path.with_name(attempt_path.name.removesuffix(".mlsd") + ".diff.svg")
