"""The network view: claims around an entity drawn as an SVG, laid out on the server.

Why server-side SVG: no JavaScript build, nothing fetched from a CDN, the picture works in any browser
and in screenshots, and it is deterministic (same graph → same picture). The layout is a small
Fruchterman–Reingold force simulation started from a radial arrangement (neighbours ordered by type, then
label) with the centre entity pinned; at the sizes shown (≤ 80 nodes) it takes milliseconds.

Nodes are coloured by entity type, edges by polarity (green activating/increasing, red inhibiting/
decreasing, grey neutral); negated claims are dashed; edge width follows belief. Every node links to its
entity page, every edge to its claim page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape
from urllib.parse import quote

TYPE_COLOURS: dict[str, str] = {
    "gene": "#4e79a7", "protein_family": "#76b7b2", "complex": "#59a14f", "isoform": "#9fc3e7",
    "drug": "#f28e2b", "antibody": "#edc948", "cell_type": "#b07aa1", "process": "#ff9da7", "pathway": "#9c755f",
    "disease": "#e15759", "cell_line": "#bab0ac", "species": "#86bcb6", "variant": "#d37295", "other": "#a0a0a0",
}
POLARITY_COLOURS = {1: "#2e8b57", -1: "#c0392b", 0: "#7f7f7f"}
POLARITY_NAMES = {1: "activating / increasing", -1: "inhibiting / decreasing", 0: "neutral / binding"}


@dataclass
class Node:
    curie: str
    label: str
    type: str = "other"
    x: float = 0.0
    y: float = 0.0


@dataclass
class Edge:
    source: str
    target: str
    predicate: str
    polarity: int = 0
    negated: bool = False
    belief: float = 0.5
    claim_id: str = ""
    status: str = "candidate"


@dataclass
class Network:
    centre: str
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)


def layout(network: Network, width: float = 900, height: float = 640, iterations: int | None = None) -> None:
    """Place nodes (in place): radial start, then force-directed refinement with the centre pinned (fewer
    rounds for big pictures: the radial start is already readable and each round is quadratic)."""
    nodes = list(network.nodes.values())
    if not nodes:
        return
    if iterations is None:
        iterations = 150 if len(nodes) <= 40 else 70
    cx, cy = width / 2, height / 2
    others = sorted((n for n in nodes if n.curie != network.centre), key=lambda n: (n.type, n.label.lower(), n.curie))
    radius = min(width, height) * 0.38
    for i, node in enumerate(others):
        angle = 2 * math.pi * i / max(1, len(others)) - math.pi / 2
        ring = radius * (0.75 if i % 2 else 1.0) if len(others) > 16 else radius
        node.x, node.y = cx + ring * math.cos(angle), cy + ring * math.sin(angle)
    if network.centre in network.nodes:
        centre = network.nodes[network.centre]
        centre.x, centre.y = cx, cy
    k = math.sqrt(width * height / max(1, len(nodes))) * 0.75
    adjacent = {(e.source, e.target) for e in network.edges} | {(e.target, e.source) for e in network.edges}
    temperature = width / 10
    for _ in range(iterations):
        disp = {n.curie: [0.0, 0.0] for n in nodes}
        for i, a in enumerate(nodes):
            for b in nodes[i + 1:]:
                dx, dy = a.x - b.x, a.y - b.y
                dist = math.hypot(dx, dy) or 0.01
                force = k * k / dist
                disp[a.curie][0] += dx / dist * force
                disp[a.curie][1] += dy / dist * force
                disp[b.curie][0] -= dx / dist * force
                disp[b.curie][1] -= dy / dist * force
        for s, t in adjacent:
            if s < t and s in network.nodes and t in network.nodes:
                a, b = network.nodes[s], network.nodes[t]
                dx, dy = a.x - b.x, a.y - b.y
                dist = math.hypot(dx, dy) or 0.01
                force = dist * dist / k
                disp[s][0] -= dx / dist * force
                disp[s][1] -= dy / dist * force
                disp[t][0] += dx / dist * force
                disp[t][1] += dy / dist * force
        for node in nodes:
            if node.curie == network.centre:
                continue
            dx, dy = disp[node.curie]
            length = math.hypot(dx, dy) or 0.01
            node.x += dx / length * min(length, temperature)
            node.y += dy / length * min(length, temperature)
            node.x = min(width - 70, max(70, node.x))
            node.y = min(height - 30, max(30, node.y))
        temperature = max(1.0, temperature * 0.96)


def render_svg(network: Network, width: int = 900, height: int = 640) -> str:
    """An accessible, self-contained SVG of ``network`` (call :func:`layout` first)."""
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
           f'role="img" aria-label="{escape("Claims around " + network.centre)}" class="network">',
           "<defs>"]
    for pol, colour in POLARITY_COLOURS.items():
        out.append(f'<marker id="arrow{pol + 1}" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" '
                   f'markerWidth="11" markerHeight="11" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
                   f'fill="{colour}"/></marker>')
    out.append("</defs>")
    pair_count: dict[tuple[str, str], int] = {}
    for edge in network.edges:
        a, b = network.nodes.get(edge.source), network.nodes.get(edge.target)
        if a is None or b is None:
            continue
        key = tuple(sorted((edge.source, edge.target)))
        n = pair_count.get(key, 0)  # parallel edges curve apart
        pair_count[key] = n + 1
        colour = POLARITY_COLOURS.get(edge.polarity, POLARITY_COLOURS[0])
        dx, dy = b.x - a.x, b.y - a.y
        dist = math.hypot(dx, dy) or 1
        shrink = 16 / dist  # stop at the node circle
        x1, y1 = a.x + dx * shrink, a.y + dy * shrink
        x2, y2 = b.x - dx * shrink, b.y - dy * shrink
        bend = (n - (n > 0) * 0.5) * 28 * (1 if n % 2 else -1) if n else 0
        mx, my = (x1 + x2) / 2 - dy / dist * bend, (y1 + y2) / 2 + dx / dist * bend
        dash = ' stroke-dasharray="6 4"' if edge.negated else ""
        widthpx = 1 + 3 * max(0.0, min(1.0, edge.belief))
        title = f"{a.label} {'not ' if edge.negated else ''}{edge.predicate.replace('_', ' ')} {b.label} " \
                f"(belief {edge.belief:.2f}, {edge.status})"
        out.append(f'<a href="/claim/{quote(edge.claim_id)}"><path d="M{x1:.1f},{y1:.1f} Q{mx:.1f},{my:.1f} '
                   f'{x2:.1f},{y2:.1f}" fill="none" stroke="{colour}" stroke-width="{widthpx:.1f}"{dash} '
                   f'marker-end="url(#arrow{edge.polarity + 1})" class="edge"><title>{escape(title)}</title></path></a>')
    for node in network.nodes.values():
        colour = TYPE_COLOURS.get(node.type, TYPE_COLOURS["other"])
        r = 16 if node.curie == network.centre else 11
        label = node.label if len(node.label) <= 24 else node.label[:23] + "…"
        out.append(f'<a href="/entity/{quote(node.curie, safe=":")}/network" class="node">'
                   f'<circle cx="{node.x:.1f}" cy="{node.y:.1f}" r="{r}" fill="{colour}" stroke="#333" '
                   f'stroke-width="{2 if node.curie == network.centre else 1}"><title>{escape(node.label)} '
                   f'({escape(node.curie)}, {escape(node.type.replace("_", " "))})</title></circle>'
                   f'<text x="{node.x:.1f}" y="{node.y + r + 12:.1f}" text-anchor="middle">{escape(label)}</text></a>')
    out.append("</svg>")
    return "\n".join(out)


def legend(types: set[str]) -> list[tuple[str, str]]:
    """(type label, colour) for the types present, in a stable order."""
    return [(t.replace("_", " "), TYPE_COLOURS[t]) for t in TYPE_COLOURS if t in types]
