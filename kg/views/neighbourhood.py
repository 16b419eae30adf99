"""`kg view`: one node and its neighbours as an interactive page that needs no network.

`neighbourhood` is pure (the store's records to a JSON-able graph, with the same captions as the
Neo4j Browser); `page` turns that graph into one HTML file with vis-network's script and style
inlined. vis-network is read from the files the pyvis wheel ships: pyvis itself is never
imported (its package imports IPython).
"""

from __future__ import annotations

import html
import json
import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from importlib.util import find_spec
from pathlib import Path
from string import Template
from typing import Any

from kg.backends.base import BOOKKEEPING
from kg.core.captions import EVIDENCE_LINKS, caption, evidence_contexts
from kg.core.model import Edge, Node, Value
from kg.core.store import Store
from kg.errors import ExportError, NotFound, UsageError
from kg.views.palette import colour

DEPTHS = (1, 2)
#: Store.find returns at most this many nodes whose names contain a term.
PARTIAL_LIMIT = 50
#: More nodes than this is a hairball, not a view; the command asks for a smaller depth instead.
MAX_NODES = 600
#: Ring layout, in page pixels: the innermost radius, the step out to the next when a caption would
#: overlap, the width at which captions wrap, and a character's mean width per pixel of font size.
RADIUS, STEP, WRAP, CHAR = 200.0, 30.0, 170.0, 0.58
#: Where the pyvis wheel keeps vis-network, relative to the package folder (0.3.2: lib/vis-9.1.2).
LIBRARY = "lib/vis-*/vis-network.min.js"


@dataclass(frozen=True)
class Neighbourhood:
    """What the page draws: ``nodes`` and ``edges`` are plain dicts, ready for JSON."""

    focus: Node
    depth: int
    build: str
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]

    def legend(self) -> list[tuple[str, str, int]]:
        """(class, colour, count) for each class drawn, by count then name."""
        counts = Counter(n["class"] for n in self.nodes)
        return [(label, colour(label), count) for label, count in sorted(counts.items(), key=lambda c: (-c[1], c[0]))]


def resolve(store: Store, term: str) -> Node:
    """The one node ``term`` names: an id, a name or synonym, or else the only name containing it."""
    exact = store.find(term, exact=True)
    by_id = [n for n in exact if n.id == term.strip()]
    found = by_id or exact or store.find(term)
    if not found:
        raise NotFound(f"nothing in the graph is called '{term}' (try part of a name, a code name or an id)")
    if len(found) > 1:
        shown = "; ".join(f"{n.id} ({n.label} {n.name})" for n in found[:8])
        more = f"; and {len(found) - 8} more" if len(found) > 8 else ""
        how, count = ("names", str(len(found))) if exact else ("is part of the names of", _at_least(len(found)))
        raise UsageError(f"'{term}' {how} {count} nodes: {shown}{more}; give one of the ids")
    return found[0]


def _at_least(count: int) -> str:
    return f"at least {count}" if count >= PARTIAL_LIMIT else str(count)


def _text(value: Value) -> str:
    return "; ".join(str(v) for v in value) if isinstance(value, tuple) else str(value)


def _properties(properties: Mapping[str, Value]) -> list[list[str]]:
    return [[key, _text(value)] for key, value in sorted(properties.items()) if key not in BOOKKEEPING]


@dataclass
class _Reach:
    distance: dict[str, int]
    nodes: dict[str, Node]
    edges: dict[tuple[str, str, str], Edge]
    via: dict[str, tuple[str, str]]  # neighbour id -> (relationship type, direction) of its first link


def _reach(store: Store, focus: Node, depth: int) -> _Reach:
    reach = _Reach({focus.id: 0}, {focus.id: focus}, {}, {})
    frontier = [focus.id]
    for step in range(1, depth + 1):
        reached = []
        for node_id in frontier:
            for direction, edge, other in store.neighbours(node_id):
                reach.edges[edge.key] = edge
                if other.id not in reach.distance:
                    reach.distance[other.id], reach.nodes[other.id] = step, other
                    reach.via[other.id] = (edge.predicate, direction)
                    reached.append(other.id)
        if len(reach.nodes) > MAX_NODES:
            advice = f": use --depth {step - 1}" if step > 1 else ""
            raise UsageError(f"{focus.id} has {len(reach.nodes) - 1} nodes within {step} relationship(s), more "
                             f"than a readable view holds ({MAX_NODES}){advice}")
        frontier = reached
    return reach


Box = tuple[float, float, float, float]  # left, top, right, bottom


def _box(x: float, y: float, text: str, font: float = 13.0, dot: float = 12.0) -> Box:
    """Where a dot and the caption under it (wrapped at WRAP px, as the page does) will roughly be."""
    wide = CHAR * font * len(text)
    half = min(WRAP, wide) / 2 + 6
    return x - max(half, dot), y - dot - 4, x + max(half, dot), y + dot + 6 + 1.25 * font * math.ceil(wide / WRAP)


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@dataclass(frozen=True)
class Place:
    x: float
    y: float
    labelled: bool  # whether the edge from the focus shows its type (always in its tooltip)


def rings(neighbours: list[tuple[str, str]], focus: str = "") -> list[Place]:
    """Places around a focus at (0, 0) for neighbours given as (caption, relationship type),
    clockwise from 3 o'clock at equal angles: vis-network's physics spreads the dots, not their
    captions. Each goes to the innermost radius where its caption overlaps no caption or edge label
    placed before it; its edge label (half-way) is shown only if it overlaps none either."""
    boxes = [_box(0, 0, focus, font=18, dot=24)]
    places = []
    for i, (text, kind) in enumerate(neighbours):
        angle, radius = 2 * math.pi * i / len(neighbours), RADIUS
        while True:
            x, y = round(radius * math.cos(angle), 1), round(radius * math.sin(angle), 1)
            box = _box(x, y, text)
            if not any(_overlap(box, other) for other in boxes):
                break
            radius += STEP
        label = _box(x / 2, y / 2 - 8, kind, font=10, dot=0)
        labelled = not any(_overlap(label, other) for other in boxes)
        boxes += [box, label] if labelled else [box]
        places.append(Place(x, y, labelled))
    return places


def neighbourhood(store: Store, focus: Node, depth: int = 1) -> Neighbourhood:
    """``focus`` and every node within ``depth`` relationships, with the relationships of each
    node nearer than ``depth`` (so at depth 1, exactly the focus's own relationships).

    The neighbours are sorted by relationship and class, so that equal edge labels and colours sit
    together; at depth 1 they get fixed places on rings, at depth 2 the page's physics lays them out.
    """
    if depth not in DEPTHS:
        raise UsageError(f"--depth takes {' or '.join(map(str, DEPTHS))}, got {depth}")
    reach = _reach(store, focus, depth)
    contexts = evidence_contexts(store.links(EVIDENCE_LINKS))
    captions = {n.id: caption(n, contexts.get(n.id)) for n in reach.nodes.values()}

    def order(node: Node) -> tuple[Any, ...]:
        return (reach.distance[node.id], *reach.via.get(node.id, ("", "")), node.label, captions[node.id], node.id)

    ordered = sorted(reach.nodes.values(), key=order)
    nodes: list[dict[str, Any]] = [{"id": n.id, "caption": captions[n.id], "class": n.label, "colour": colour(n.label),
              "distance": reach.distance[n.id], "properties": _properties(n.properties)} for n in ordered]
    unlabelled: set[frozenset[str]] = set()
    if depth == 1:
        places = rings([(captions[n.id], reach.via[n.id][0]) for n in ordered[1:]], captions[focus.id])
        nodes[0]["x"], nodes[0]["y"] = 0.0, 0.0
        for node, other, place in zip(nodes[1:], ordered[1:], places, strict=True):
            node["x"], node["y"] = place.x, place.y
            if not place.labelled:
                unlabelled.add(frozenset((focus.id, other.id)))
    pairs: Counter[frozenset[str]] = Counter()
    links = []
    for number, edge in enumerate(sorted(reach.edges.values(), key=lambda e: e.key)):
        pair = frozenset((edge.source, edge.target))
        links.append({"id": number, "from": edge.source, "to": edge.target, "type": edge.predicate,
                      "curve": 0.25 * pairs[pair], "labelled": pair not in unlabelled,
                      "properties": _properties(edge.properties)})
        pairs[pair] += 1  # a second relationship between the same two nodes is drawn curved, not on top
    return Neighbourhood(focus, depth, store.build_id(), nodes, links)


def _version(script: Path) -> tuple[int, ...]:
    """vis-9.1.2 -> (9, 1, 2): the newest copy wins if a wheel ever ships two."""
    return tuple(int(part) for part in script.parent.name.removeprefix("vis-").split(".") if part.isdigit())


def library() -> tuple[str, str]:
    """vis-network's script and style sheet, as the pyvis wheel ships them."""
    spec = find_spec("pyvis")
    folders = list(spec.submodule_search_locations or []) if spec else []
    scripts = sorted((p for folder in folders for p in Path(folder).glob(LIBRARY)), key=_version, reverse=True)
    for script in scripts:
        style = script.with_name("vis-network.css")
        if style.is_file():
            return script.read_text(encoding="utf-8"), style.read_text(encoding="utf-8")
    raise ExportError("cannot draw the view: vis-network is missing (it comes with pyvis: pip install 'pyvis>=0.3')")


def _json(value: Any) -> str:
    """JSON that cannot end the <script> element holding it (every '<' escaped)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def page(view: Neighbourhood, script: str, style: str) -> str:
    """The whole self-contained HTML page."""
    focus = view.nodes[0]
    title = f"{focus['caption']}: neighbourhood"
    steps = "1 relationship" if view.depth == 1 else f"{view.depth} relationships"
    note = (f"{focus['class']} {view.focus.id} and everything within {steps}: {len(view.nodes)} nodes, "
            f"{len(view.edges)} relationships. Store build {view.build or 'unknown'}; drawn by kg view.")
    legend = "\n".join(f'<li><span class="swatch" style="background:{hex_}"></span>{html.escape(label)} '
                       f'<span class="count">{count}</span></li>' for label, hex_, count in view.legend())
    data = {"nodes": view.nodes, "edges": view.edges, "focus": view.focus.id, "wrap": WRAP}
    template = Template(_resource("neighbourhood.html"))
    return template.substitute(title=html.escape(title), heading=html.escape(focus["caption"]), note=html.escape(note),
                               legend=legend, style=style, script=script, data=_json(data),
                               code=_resource("neighbourhood.js"))


def _resource(name: str) -> str:
    """The page and its script, kept as files beside this module so each reads as what it is."""
    return files("kg.views").joinpath(name).read_text(encoding="utf-8")




def write_view(store: Path, output: Path, term: str, depth: int = 1) -> Neighbourhood:
    """Draw ``term``'s neighbourhood from the built store into the HTML file ``output`` (atomic)."""
    from kg.core.files import check_output, replacing

    check_output(output, store, (".html", ".htm"), "view")
    script, style = library()
    with Store(store) as db:
        view = neighbourhood(db, resolve(db, term), depth)
    text = page(view, script, style)
    with replacing(output) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
    return view
