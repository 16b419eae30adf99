"""`kg report`: one self-contained HTML page to share, drawn from the named questions.

The page counts what `kg ask` counts: the matrix and each disease's patients come from
patients-by-disease-and-target, each product's from products-for-target (cohorts, never reports),
the evidence rows from evidence-for-disease and the safety tables from safety-of-product. The
functions that arrange those rows are pure; `gather` asks the questions and reads the store for
what no question returns (an Evidence summary, a Source's link); kg.views.report_html draws the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.core.steps import Step, quiet
from kg.errors import ExportError, NotFound
from kg.views.matrix import Cell, Matrix, best_level, matrix

if TYPE_CHECKING:
    from kg.core.store import Store
    from kg.export.iri import IriMinter

#: Id prefixes whose public page is their resolver IRI (kg.export.iri), for a Source without a url.
RESOLVABLE = ("pubmed", "doi", "clinicaltrials")
#: Safety events every product section accounts for, present or not.
KEY_EVENTS = ("CRS", "ICANS")


@dataclass(frozen=True)
class Source:
    id: str
    caption: str  # kg.core.captions: "PMID 123 (2024)", a cut title
    title: str
    url: str | None  # the node's url, else its id's public IRI, else None
    id_url: str | None  # the id's resolver IRI when it differs from url (a DOI beside a mirror's page)


@dataclass(frozen=True)
class Evidence:
    id: str
    disease: str
    product: str
    targets: tuple[str, ...]
    level: str
    patients: int | None  # as the report states it
    follow_up_months: float | None
    cohort: str
    cohort_patients: int | None  # the cohort's distinct patients, however many reports describe it
    cohort_reports: int
    findings: tuple[str, ...]
    summary: str
    study: str | None  # the trial it comes from (an NCT id)
    study_url: str | None  # its public page
    source: Source


@dataclass(frozen=True)
class Safety:
    disease: str
    event: str
    present: bool
    status: str  # "grade 1–2 (ASTCT)", or for a stated absence "absent (stated)"
    worst: int | None  # the highest grade it reports (None: absent, or no grade stated)
    affected: str  # "4/5", "?/12" or ""
    timepoint_months: float | None
    level: str
    evidence: str
    source: Source


@dataclass(frozen=True)
class EventSummary:
    """How the reports about a product speak of one event: stated absences are not events."""

    event: str
    present: int  # reports in which it happened
    absent: int  # reports that state it did not happen (and report no case of it)
    worst: int | None  # the highest grade reported


@dataclass(frozen=True)
class Use:
    """A product in one disease (a products-for-target row): distinct patients of its cohorts."""

    disease: str
    patients: int | None
    reports: int
    best: str | None
    trials: int


@dataclass(frozen=True)
class DiseaseSection:
    name: str
    anchor: str
    family: str | None  # set when the disease is drawn as a subtype of this family
    cells: tuple[tuple[str, Cell], ...]  # (target, the matrix's cell), in the matrix's order
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class ProductSection:
    name: str
    anchor: str
    targets: tuple[str, ...]
    modality: str | None
    uses: tuple[Use, ...]
    evidence: tuple[Evidence, ...]
    safety: tuple[Safety, ...]
    events: tuple[EventSummary, ...]


@dataclass(frozen=True)
class Report:
    root: str
    build: str
    counts: Mapping[str, int]
    table: Matrix
    diseases: tuple[DiseaseSection, ...]
    products: tuple[ProductSection, ...]


def anchors(names: Iterable[str], prefix: str) -> dict[str, str]:
    """Name -> a unique HTML id (``prefix-`` and a slug; a number when two slugs collide)."""
    found: dict[str, str] = {}
    for name in names:
        anchor = slug = f"{prefix}-{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-') or 'x'}"
        n = 1
        while anchor in found.values():
            anchor, n = f"{slug}-{n}", n + 1
        found[name] = anchor
    return found


def grade_text(row: Mapping[str, Any]) -> str:
    """A safety-of-product row as people read it; a stated absence is never shown as an event."""
    if not row["present"]:
        bound = row.get("from_grade")
        return f"none of grade \u2265{bound} (stated)" if bound else "absent (stated)"
    grade, top = row.get("grade"), row.get("max_grade")
    text = "present, grade not stated" if grade is None else f"grade {grade}" + (f"\u2013{top}" if top else "")
    return text + (f" ({row['grading']})" if row.get("grading") and grade is not None else "")


def event_summaries(rows: Iterable[Safety]) -> tuple[EventSummary, ...]:
    """Per event, reports with it and reports stating its absence (a report that states both, say
    grade 1 and "none of grade 3 or above", counts as having it); CRS and ICANS always, first."""
    present: dict[str, set[str]] = {e: set() for e in KEY_EVENTS}
    absent: dict[str, set[str]] = {e: set() for e in KEY_EVENTS}
    grades: dict[str, list[int]] = {}
    for row in rows:
        present.setdefault(row.event, set())
        absent.setdefault(row.event, set())
        (present if row.present else absent)[row.event].add(row.evidence)
        if row.worst is not None:
            grades.setdefault(row.event, []).append(row.worst)
    order = [*KEY_EVENTS, *sorted(set(present) - set(KEY_EVENTS), key=str.lower)]
    return tuple(EventSummary(e, len(present[e]), len(absent[e] - present[e]), max(grades.get(e, []), default=None))
                 for e in order)


def disease_sections(rows: list[Evidence], table: Matrix, root: str) -> tuple[DiseaseSection, ...]:
    """A section per disease with evidence, in the matrix's row order (then any others, by name)."""
    order = [r.disease for r in table.rows]
    names = order + sorted({e.disease for e in rows} - set(order))
    ids = anchors(names, "disease")
    family = {r.disease: None if r.header or r.disease == root else r.family for r in table.rows}
    sections = []
    for name in names:
        evidence = tuple(e for e in rows if e.disease == name)
        if evidence:
            cells = tuple((t, table.cells[(name, t)]) for t in table.targets if (name, t) in table.cells)
            sections.append(DiseaseSection(name, ids[name], family.get(name), cells, evidence))
    return tuple(sections)


def product_sections(rows: list[Evidence], uses: Iterable[Mapping[str, Any]],
                     safety: Mapping[str, list[Safety]]) -> tuple[ProductSection, ...]:
    """A section per product with evidence, by name; ``uses`` are products-for-target rows (a
    product against two targets comes twice, once per target), ``safety`` is keyed by product."""
    by_product: dict[str, dict[str, Use]] = {}
    modality: dict[str, str | None] = {}
    for use in uses:
        best = best_level(use["levels"]) if use["levels"] else None
        by_product.setdefault(use["product"], {})[use["disease"] or ""] = Use(
            use["disease"] or "", use["patients"], use["reports"], best, use["trials"])
        modality[use["product"]] = use["modality"]
    names = sorted({e.product for e in rows}, key=str.lower)
    ids = anchors(names, "product")
    sections = []
    for name in names:
        evidence = tuple(sorted((e for e in rows if e.product == name), key=lambda e: (e.disease, e.source.caption)))
        found = by_product.get(name) or _uses_of(evidence)
        listed = tuple(sorted((u for u in found.values() if u.disease), key=lambda u: (-u.reports, u.disease)))
        targets = tuple(sorted({t for e in evidence for t in e.targets}))
        events = event_summaries(safety.get(name, []))
        sections.append(ProductSection(name, ids[name], targets, modality.get(name), listed,
                                       evidence, tuple(safety.get(name, [])), events))
    return tuple(sections)


def _uses_of(evidence: tuple[Evidence, ...]) -> dict[str, Use]:
    """For a product without a target (so without products-for-target rows): reports per disease,
    and patients only where every report is about one cohort (cohorts may nest)."""
    found: dict[str, Use] = {}
    for disease in sorted({e.disease for e in evidence}):
        mine = [e for e in evidence if e.disease == disease]
        patients = mine[0].cohort_patients if len({e.cohort for e in mine}) == 1 else None
        found[disease] = Use(disease, patients, len(mine), best_level(e.level for e in mine), 0)
    return found


def safe_url(url: object) -> str | None:
    """Only web links become hrefs (never javascript: or a local path)."""
    return url if isinstance(url, str) and url.startswith(("https://", "http://")) else None


def safety_row(row: Mapping[str, Any], source: Source) -> Safety:
    """A safety-of-product row; affected of treated ("1/7", "?/12") only for an event that happened."""
    present, affected, treated = bool(row["present"]), row["affected"], row["treated"]
    counted = present and (affected is not None or treated is not None)
    shown = f"{'?' if affected is None else affected}/{'?' if treated is None else treated}" if counted else ""
    return Safety(row["disease"], row["event"], present, grade_text(row),
                  (row["max_grade"] or row["grade"]) if present else None, shown,
                  row["timepoint_months"], row["level"], row["evidence"], source)


def gather(store: Path, disease: str = "autoimmune disease", progress: Step = quiet) -> Report:
    """Ask the questions about ``disease`` and its subtypes, read from the store what they do not
    return (summaries, links, product and target ids), and arrange the answers."""
    from kg.backends import open_backend
    from kg.core.store import Store
    from kg.queries import get_question
    from kg.queries.answer import answer_on, resolve

    root = resolve(get_question("evidence-for-disease"), {"disease": disease}, store)["disease"]
    with open_backend("embedded", store=store, progress=progress) as graph, Store(store) as db:

        def ask(name: str, **params: str) -> list[dict[str, Any]]:  # ~40 questions on one open engine
            return answer_on(graph, get_question(name), params, store)

        rows = ask("evidence-for-disease", disease=root)
        root_name, build = db.node(root).name, db.build_id()
        if not rows:
            raise NotFound(f"no cell-therapy evidence in {root_name} or its subtypes: nothing to report")
        sources = _Sources(db)
        products: dict[str, str] = {}  # name -> id
        evidence = []
        for row in rows:
            node = db.node(row["evidence"])
            products.update((n.name, n.id) for d, e, n in db.neighbours(node.id) if e.predicate == "ABOUT_PRODUCT")
            evidence.append(Evidence(
                row["evidence"], row["disease"], row["product"], tuple(row["targets"]), row["level"], row["patients"],
                row["follow_up_months"], row["cohort"], row["cohort_patients"], row["cohort_reports"],
                tuple(row["findings"]), str(node.properties.get("summary", "")), row["study"],
                sources.iri(row["study"]) if row["study"] else None, sources.get(row["source"])))
        targets = sorted({n.id for pid in products.values() for d, e, n in db.neighbours(pid)
                          if d == "out" and e.predicate == "TARGETS"})
        table = matrix(ask("patients-by-disease-and-target", disease=root))
        uses = [use for target in targets for use in ask("products-for-target", target=target)]
        progress(f"safety of {len(products)} products")
        safety = {name: [safety_row(r, sources.get(r["source"])) for r in ask("safety-of-product", product=pid)]
                  for name, pid in products.items()}
    counts = {"diseases": len({e.disease for e in evidence}), "products": len(products),
              "targets": len({t for e in evidence for t in e.targets}), "reports": len(evidence),
              "cohorts": len({r["cohort"] for r in rows}), "sources": len({e.source.id for e in evidence})}
    return Report(root_name, build, counts, table, disease_sections(evidence, table, root_name),
                  product_sections(evidence, uses, safety))


class _Sources:
    """Source nodes as links, read once each; the Bioregistry (slow to load) only when an id needs it."""

    def __init__(self, db: Store) -> None:
        self.db = db
        self.found: dict[str, Source] = {}
        self.minter: IriMinter | None = None

    def iri(self, source_id: str) -> str | None:
        from kg.export.iri import IriMinter

        if source_id.partition(":")[0] not in RESOLVABLE:
            return None
        if self.minter is None:
            self.minter = IriMinter(self.db.schema())
        try:
            return self.minter.iri(source_id)
        except ExportError:  # an id that breaks its prefix's pattern: shown, not linked
            return None

    def get(self, source_id: str) -> Source:
        if source_id not in self.found:
            from kg.core.captions import caption

            node = self.db.node(source_id)
            iri = self.iri(source_id)
            url = safe_url(node.properties.get("url")) or iri
            self.found[source_id] = Source(source_id, caption(node), str(node.properties.get("title") or ""),
                                           url, iri if iri != url else None)
        return self.found[source_id]


def write_report(store: Path, output: Path, disease: str = "autoimmune disease",
                 progress: Step = quiet) -> Report:
    """Write the report of ``disease`` and its subtypes to ``output`` (atomic); return what it holds."""
    from kg.core.files import check_output, replacing
    from kg.views.report_html import page

    check_output(output, store, (".html", ".htm"), "report")
    report = gather(store, disease, progress)
    text = page(report)  # whole before the file is touched
    with replacing(output) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
    return report

