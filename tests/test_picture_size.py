"""Pictures a person can read: every shipped case fits a laptop screen at a readable size.

Fitted to a 1,400 px wide view, labels of 12 pt stay at 10 px or more when the picture is
at most about 140 times the label size wide. Checked on the diff of a typical attempt
(three components in four recalled, some by another name, two extras) and on `show`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from mlsd_draw.drawing.diff_image import render_diff
from mlsd_draw.drawing.layout import drawing_dot
from mlsd_draw.drawing.rendering import render_dot
from mlsd_draw.formats.dot_writer import NODE_DEFAULTS
from mlsd_draw.grading.scoring import grade
from mlsd_draw.language.model import Diagram, Edge, Node, slugify
from mlsd_draw.library.references import load_case, shipped_case_ids

FONT = float(NODE_DEFAULTS["fontsize"])
MAX_WIDTH = 140 * FONT
SVG_TEXT = "{http://www.w3.org/2000/svg}text"


def typical_attempt(reference: Diagram) -> Diagram:
    """Three components in four, every third by its first alias, two extra boxes."""
    keep = [n for k, n in enumerate(reference.nodes) if k % 4 != 3]
    names = {
        n.id: (n.aliases[0] if n.aliases and k % 3 == 0 else n.label) for k, n in enumerate(keep)
    }
    ids = {node: slugify(name) for node, name in names.items()}
    nodes = [Node(id=ids[n.id], label=names[n.id], group=n.group) for n in keep]
    nodes += [Node(id="kafka", label="Kafka"), Node(id="grafana-board", label="Grafana board")]
    edges = [
        Edge(ids[e.source], ids[e.target])
        for e in reference.edges
        if e.source in ids and e.target in ids
    ]
    edges.append(Edge(nodes[0].id, "kafka"))
    return Diagram(nodes=tuple(nodes), edges=tuple(edges), groups=reference.groups)


def svg_width(svg: bytes) -> float:
    match = re.search(rb'<svg width="([\d.]+)pt"', svg)
    assert match is not None
    return float(match.group(1))


@pytest.mark.parametrize("case", shipped_case_ids())
def test_the_diff_of_a_typical_attempt_fits_a_laptop(case: str) -> None:
    reference = load_case(case).diagram
    svg = render_diff(grade(reference, typical_attempt(reference)), "svg")
    assert svg_width(svg) <= MAX_WIDTH
    texts = {element.text for element in ET.fromstring(svg).iter(SVG_TEXT)}
    for node in reference.nodes:  # every reference component is still in the picture
        assert node.label in texts, node.label


@pytest.mark.parametrize("case", shipped_case_ids())
def test_show_fits_a_laptop(case: str) -> None:
    svg = render_dot(drawing_dot(load_case(case).diagram), "svg")
    assert svg_width(svg) <= MAX_WIDTH
