"""What the Neo4j Browser needs to explain the graph: a style that names and colours every class,
and a guide with one card per named question, both made from the code that answers questions.

`kg export browser -o DIR` writes them; scripts/neo4j-local serves DIR and the server's
``browser.post_connect_cmd`` applies the style and opens the guide when someone connects.
Every class gets its own rule, since the Browser otherwise invents one per label it meets and the
picture would depend on which query ran first; every rule shows the ``caption`` property that
`kg load` writes (kg.core.captions).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from importlib.resources import files
from pathlib import Path

from kg.core.schema import ROOT_CLASS, Schema
from kg.core.steps import Step, quiet
from kg.queries import Question
from kg.queries.answer import pasteable
from kg.views.palette import DEFAULT, colour

STYLE_FILE, GUIDE_FILE = "cellkg.grass", "guide.html"
#: Node sizes in pixels: records people open are bigger than the names around them.
DIAMETERS = {"Evidence": 70, "Product": 60, "Disease": 60, "Target": 60, "Source": 45, "Finding": 45}
DIAMETER = 55
#: The guide's first query: a graph, so that a newcomer sees named, coloured nodes at once.
FIRST_LOOK = ("MATCH (e:Evidence) WHERE e.first_in_world = true\n"
              "MATCH (e)-[a:ABOUT_PRODUCT]->(p:Product)\nMATCH (e)-[i:IN_DISEASE]->(d:Disease)\n"
              "MATCH (e)-[r:REPORTED_IN]->(s:Source)\nRETURN e, a, p, i, d, r, s")


def _text_colour(hex_colour: str) -> str:
    """Black or white, whichever reads better on the colour (WCAG relative luminance)."""
    red, green, blue = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000000" if luminance > 0.179 else "#FFFFFF"


def _rule(selector: str, properties: dict[str, str]) -> str:
    body = "".join(f"  {key}: {value};\n" for key, value in properties.items())
    return f"{selector} {{\n{body}}}\n"


def _node_style(fill: str, diameter: int) -> dict[str, str]:
    return {"diameter": f"{diameter}px", "color": fill, "border-color": "#444444", "border-width": "2px",
            "text-color-internal": _text_colour(fill), "font-size": "10px", "caption": "'{caption}'"}


def grass(schema: Schema) -> str:
    """The Browser style (GraSS) of every class, superclasses first so that a subclass's rule wins
    for nodes that carry both labels."""
    classes = sorted(schema.node_classes, key=lambda c: (len(schema.ancestors(c)), c))
    rules = [_rule("node", _node_style(DEFAULT, DIAMETER)),
             _rule("relationship", {"color": "#A5ABB6", "shaft-width": "1px", "font-size": "8px", "padding": "3px",
                                    "text-color-external": "#000000", "text-color-internal": "#FFFFFF",
                                    "caption": "'<type>'"}),
             _rule(f"node.{ROOT_CLASS}", _node_style(DEFAULT, DIAMETER))]
    rules += [_rule(f"node.{cls}", _node_style(colour(cls), DIAMETERS.get(cls, DIAMETER))) for cls in classes]
    return "".join(rules)


def examples() -> list[tuple[str, str]]:
    """(title, query) of the README's example queries (queries/examples.cypher, which the README shows)."""
    text = files("kg.queries").joinpath("examples.cypher").read_text(encoding="utf-8")
    found = []
    for statement in (s.strip() for s in text.split(";")):
        lines = statement.splitlines()
        if lines:
            title = lines[0].lstrip("/ ").strip() if lines[0].startswith("//") else ""
            found.append((title, "\n".join(line for line in lines if not line.startswith("//"))))
    return found


def _code(text: str) -> str:
    return f'<pre mode="cypher" class="runnable">{html.escape(text)}</pre>'


def _slide(body: str) -> str:
    return f'<slide class="row-fluid">\n<div class="col-sm-12">\n{body}\n</div>\n</slide>\n'


def _question_slide(question: Question, examples: dict[str, str], ids: dict[str, str]) -> str:
    command = " ".join(["kg ask", question.name, *(f"-p {k}={html.escape(v)!r}" for k, v in examples.items())])
    said = "; ".join(f"<code>{html.escape(k)}</code> = {html.escape(v)} (<code>{html.escape(ids[k])}</code>)"
                     for k, v in examples.items())
    return _slide(f"<h3>{html.escape(question.name)}</h3>\n<p class=\"lead\">{html.escape(question.description)}</p>\n"
                  + (f"<p>Example: {said}. Edit the id in the query to ask about another.</p>\n" if said else "")
                  + f"<p>Click the query to put it in the editor, then run it.</p>\n{_code(pasteable(question, ids))}\n"
                  + f"<p>The same answer at the command line: <code>{command}</code></p>")


def guide(questions: Iterable[tuple[Question, dict[str, str], dict[str, str]]]) -> str:
    """The guide: what the graph holds, one card per question (example parameters resolved to ids,
    written in place as `kg ask --show-cypher` writes them), then the README's example queries."""
    slides = [_slide(
        "<h3>cellkg: cell therapies in autoimmune disease</h3>\n"
        "<p class=\"lead\">Targets, products, diseases, autoantibodies, prior therapies, studies, cohorts, "
        "outcomes and the sources that report them. Every Evidence node is one report, captioned "
        "product · disease · evidence level · year.</p>\n"
        "<p>The first reports of their kind, with product, disease and source (click, then run):</p>\n"
        + _code(FIRST_LOOK)
        + "\n<p>The classes and how they connect:</p>\n" + _code("CALL db.schema.visualization()")
        + "\n<p>How many of each:</p>\n"
        + _code("MATCH (n:Entity) UNWIND labels(n) AS class WITH class WHERE class <> 'Entity'\n"
                "RETURN class, count(*) AS nodes ORDER BY class")
        + "\n<p>Use the arrows below for one card per named question (the same as <code>kg questions</code>).</p>")]
    slides += [_question_slide(q, ex, ids) for q, ex, ids in questions]
    slides.append(_slide("<h3>More queries</h3>\n" + "\n".join(
        f"<p>{html.escape(title)}</p>\n{_code(query)}" for title, query in examples())))
    return ('<article class="guide">\n<carousel class="deck container-fluid">\n'
            + "".join(slides) + "</carousel>\n</article>\n")


def write_browser_files(store_path: Path, directory: Path, progress: Step = quiet) -> list[Path]:
    """Write the style and the guide into ``directory`` (made if missing); returns the files."""
    from kg.core.files import replacing
    from kg.core.store import Store
    from kg.errors import ExportError
    from kg.queries import all_questions
    from kg.queries.answer import resolve

    if directory.exists() and not directory.is_dir():
        raise ExportError(f"cannot write the Browser files into {directory}: it is a file, not a folder")
    with Store(store_path) as store:
        schema = store.schema()
    progress("resolving the example parameters")
    cards = []
    for question in all_questions():
        examples = {p.name: p.example for p in question.params}
        cards.append((question, examples, resolve(question, examples, store_path)))
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in ((STYLE_FILE, grass(schema)), (GUIDE_FILE, guide(cards))):
        with replacing(directory / name) as tmp:
            Path(tmp).write_text(text, encoding="utf-8")
        written.append(directory / name)
    return written
