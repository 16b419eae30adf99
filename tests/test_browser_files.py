"""`kg export browser`: the Neo4j Browser's style and guide, made from the schema and the questions
(the Browser itself is tested in test_browser.py)."""

from __future__ import annotations

import html
import re
from pathlib import Path

from conftest import run_kg

from kg.core.store import Store
from kg.queries import all_questions
from kg.queries.answer import pasteable, resolve
from kg.views.palette import colour


def test_every_class_has_a_rule_and_subclasses_come_after_their_superclasses(curated_store: Path,
                                                                             tmp_path: Path) -> None:
    result = run_kg("export", "browser", "-o", str(tmp_path / "browser"), "--store", str(curated_store))
    assert result.returncode == 0, result.stderr
    style = (tmp_path / "browser" / "cellkg.grass").read_text(encoding="utf-8")
    rules = dict(re.findall(r"^node\.(\w+) \{\n(.*?)^\}", style, re.MULTILINE | re.DOTALL))
    with Store(curated_store) as store:
        schema = store.schema()
    assert set(rules) == {"Entity", *schema.node_classes}
    order = list(rules)
    for cls in schema.node_classes:
        assert "caption: '{caption}';" in rules[cls]
        assert f"color: {colour(cls)};" in rules[cls]
        for ancestor in schema.ancestors(cls)[1:]:
            assert order.index(ancestor) < order.index(cls), (ancestor, cls)


def test_the_guide_has_a_card_per_question_with_its_pasteable_query(curated_store: Path, tmp_path: Path) -> None:
    assert run_kg("export", "browser", "-o", str(tmp_path), "--store", str(curated_store)).returncode == 0
    guide = (tmp_path / "guide.html").read_text(encoding="utf-8")
    cards = re.findall(r"<slide class=\"row-fluid\">(.*?)</slide>", guide, re.DOTALL)
    questions = all_questions()
    assert len(cards) == len(questions) + 2
    for question, card in zip(questions, cards[1:-1], strict=True):
        assert f"<h3>{question.name}</h3>" in card
        ids = resolve(question, {p.name: p.example for p in question.params}, curated_store)
        assert f'<pre mode="cypher" class="runnable">{html.escape(pasteable(question, ids))}</pre>' in card


def test_a_file_in_place_of_the_folder_is_refused_and_kept(curated_store: Path, tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("mine", encoding="utf-8")
    result = run_kg("export", "browser", "-o", str(target), "--store", str(curated_store))
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "not a folder" in result.stderr and target.read_text(encoding="utf-8") == "mine"
