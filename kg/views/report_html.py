"""The report as one HTML file: inline CSS and the matrix as inline SVG, nothing loaded from a network.

Every piece of text from the graph goes through ``esc`` (html.escape); links are only the
sources' web pages (kg.views.report.safe_url). The matrix is kg.views.matrix's own drawing, saved
as SVG with text kept as text and fixed element ids, so the same store writes the same page.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from string import Template

from kg.views.matrix import COLOURS, DARK, LEVELS, Matrix, draw
from kg.views.report import DiseaseSection, EventSummary, Evidence, ProductSection, Report, Safety, Source


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


_LEVEL_CSS = "\n".join(f".lv-{level}{{background:{colour};color:{'#fff' if level in DARK else '#111'}}}"
                       for level, colour in zip(LEVELS, COLOURS, strict=True))

CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1a1a1a;
 margin:0 auto;max-width:1280px;padding:0 24px 48px}
h1{font-size:26px;margin:24px 0 4px}h2{font-size:21px;margin:36px 0 8px;border-bottom:2px solid #08519c}
h3{font-size:18px;margin:28px 0 4px}h4{font-size:15px;margin:14px 0 4px}
a{color:#08519c}a:visited{color:#54278f}.muted,.note{color:#555}.note{font-size:12.5px}
.counts{display:flex;flex-wrap:wrap;gap:8px;padding:0;list-style:none;margin:12px 0}
.counts li{background:#eef3f9;border-radius:6px;padding:6px 12px}.counts b{font-size:19px;margin-right:4px}
nav ol{columns:3 300px;column-gap:48px;margin:4px 0;padding-left:28px}nav li{break-inside:avoid}nav h3{margin:10px 0 2px;font-size:15px}
figure{margin:8px 0;overflow-x:auto}figure svg{max-width:100%;height:auto}figcaption{font-size:13px;color:#333}
table{border-collapse:collapse;width:100%;margin:6px 0 10px;font-size:13.5px}
th,td{border-bottom:1px solid #ddd;padding:5px 6px;text-align:left;vertical-align:top}
th{background:#f3f3f3;font-weight:600}td.n,th.n{text-align:right;white-space:nowrap}
table.uses,table.safety{width:auto;min-width:50%}td.p{min-width:8em}
.level{display:inline-block;border-radius:4px;padding:0 6px;font-size:12px;white-space:nowrap}
.finding{display:inline-block;background:#f1f1f1;border-radius:4px;padding:0 5px;margin:1px 2px 1px 0;font-size:12.5px}
.finding.no,.absent{color:#555;font-style:italic}.summary{margin:4px 0 0;font-size:12.5px;color:#333}
.cells .cell{white-space:nowrap}.events{margin:4px 0;padding-left:20px}
section.disease,section.product{border-top:1px solid #ccc;margin-top:18px}
.legend{margin:4px 0}.legend .level{margin-right:4px}
@media print{nav{display:none}a{color:inherit}}
""" + _LEVEL_CSS

PAGE = Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>$title</title>
<style>$css</style>
</head>
<body>
$body
</body>
</html>
""")


def page(report: Report) -> str:
    title = f"Cell therapies in {report.root}: evidence report"
    body = "\n".join([_header(report, title), _contents(report), _matrix(report),
                      '<h2 id="diseases">Diseases</h2>', *(_disease(s, report) for s in report.diseases),
                      '<h2 id="products">Products</h2>', *(_product(s, report) for s in report.products)])
    return PAGE.substitute(title=esc(title), css=CSS, body=body)


def _header(report: Report, title: str) -> str:
    counts = "".join(f'<li data-count="{esc(k)}"><b>{v}</b>{esc(k if v != 1 else k.rstrip("s"))}</li>'
                     for k, v in report.counts.items())
    legend = "".join(_level(level) for level in LEVELS)
    return f"""<header>
<h1>{esc(title)}</h1>
<p class="muted">Data: cellkg build <code>{esc(report.build)}</code> (a digest of the graph's content).
Made by <code>kg report</code> from the graph's named questions.</p>
<ul class="counts">{counts}</ul>
<p>Patients are counted once per cohort: several reports about the same patients count once, and a
cohort inside a larger one counts as the larger. An event a source says did not happen is shown as
<span class="absent">absent (stated)</span> and is never counted as an event. Every row links to its source.</p>
<p class="legend">Evidence levels, strongest first: {legend}</p>
</header>"""


def _contents(report: Report) -> str:
    diseases = "".join(f'<li><a href="#{s.anchor}">{esc(s.name)}</a> <span class="muted">'
                       f'({"no subtype named, " if s.name == report.root else ""}'
                       f'{plural(len(s.evidence), "report")})</span></li>' for s in report.diseases)
    products = "".join(f'<li><a href="#{s.anchor}">{esc(s.name)}</a> <span class="muted">'
                       f'({plural(len(s.evidence), "report")})</span></li>' for s in report.products)
    return f"""<nav id="contents"><h2>Contents</h2>
<p><a href="#matrix-section">Target × disease matrix</a> · <a href="#diseases">Diseases</a> ·
<a href="#products">Products</a></p>
<h3>Diseases</h3><ol>{diseases}</ol>
<h3>Products</h3><ol>{products}</ol></nav>"""


def matrix_svg(table: Matrix, root: str) -> str:
    """kg.views.matrix's drawing as an inline <svg> element (no XML prolog, no metadata block)."""
    from kg.views.figures import svg_element

    title = f"Cell-therapy evidence in {root}: target \u00d7 disease"
    return svg_element(draw(table, root, title, ""), title)


def _matrix(report: Report) -> str:
    return f"""<section id="matrix-section"><h2>Target × disease matrix</h2>
<figure id="matrix" aria-label="Evidence matrix: targets across, diseases down">
{matrix_svg(report.table, report.root)}
<figcaption>Each cell: distinct patients (each cohort counted once; n/a where no report gives a count)
and the number of reports, for the disease in its row and the CAR/CAAR target in its column. Colour:
the best evidence level among those reports. Bold rows are diseases directly under {esc(report.root)};
the rows below a bold row, up to the next line, are its subtypes. From the named question
patients-by-disease-and-target, build {esc(report.build[:8])}.</figcaption>
</figure></section>"""


def _level(level: str | None) -> str:
    if not level:
        return ""
    known = f" lv-{level}" if level in LEVELS else ""
    return f'<span class="level{known}">{esc(level)}</span>'


def _source(source: Source) -> str:
    title = f' title="{esc(source.title)}"' if source.title else ""
    if source.url is None:
        text = f'<span class="source"{title}>{esc(source.caption)}</span>'
    else:
        text = f'<a class="source" href="{esc(source.url)}"{title}>{esc(source.caption)}</a>'
    if source.id_url:
        kind = {"pubmed": "PubMed", "doi": "DOI", "clinicaltrials": "ClinicalTrials.gov"}.get(
            source.id.partition(":")[0], source.id)
        text += f' <a class="id" href="{esc(source.id_url)}">[{esc(kind)}]</a>'
    return text


def _link(name: str, anchors: dict[str, str]) -> str:
    return f'<a href="#{anchors[name]}">{esc(name)}</a>' if name in anchors else esc(name)


def _patients(e: Evidence) -> str:
    text = f"<b>{'n/a' if e.patients is None else e.patients}</b>"
    if e.cohort_reports > 1 or (e.cohort_patients is not None and e.cohort_patients != e.patients):
        same = e.cohort_patients is None or e.cohort_patients == e.patients
        cohort = "same cohort" if same else f"cohort of {e.cohort_patients}"
        text += f'<div class="note">{cohort} in {plural(e.cohort_reports, "report")}</div>'
    if e.follow_up_months is not None:
        text += f'<div class="note">{number(e.follow_up_months)} mo follow-up</div>'
    return text


def _findings(findings: Iterable[str]) -> str:
    return "".join(f'<span class="finding{" no" if f.startswith("no ") else ""}">{esc(f)}</span>' for f in findings)


def _evidence_table(rows: Iterable[Evidence], first: str, report: Report, summaries: bool) -> str:
    """Evidence rows; ``first`` is the column that names the other side ("product" or "disease")."""
    anchors = {s.name: s.anchor for s in (report.products if first == "product" else report.diseases)}
    head = (f"<tr><th>{first.capitalize()}</th>{'<th>Target</th>' if first == 'product' else ''}<th>Level</th>"
            f"<th>Patients</th><th>Findings{' and summary' if summaries else ''}</th><th>Source</th></tr>")
    body = []
    for e in rows:
        name = e.product if first == "product" else e.disease
        target = f"<td>{esc(', '.join(e.targets) or '—')}</td>" if first == "product" else ""
        summary = f'<p class="summary">{esc(e.summary)}</p>' if summaries and e.summary else ""
        study = ""
        if e.study:
            label = e.study.removeprefix("clinicaltrials:")
            trial = f'<a href="{esc(e.study_url)}">{esc(label)}</a>' if e.study_url else esc(label)
            study = f'<div class="note">trial {trial}</div>'
        body.append(f'<tr class="evidence" data-evidence="{esc(e.id)}"><td>{_link(name, anchors)}</td>{target}'
                    f'<td>{_level(e.level)}</td><td class="p">{_patients(e)}</td><td>{_findings(e.findings)}{summary}</td>'
                    f"<td>{_source(e.source)}{study}</td></tr>")
    return f'<table class="evidence"><thead>{head}</thead><tbody>{"".join(body)}</tbody></table>'


def _disease(section: DiseaseSection, report: Report) -> str:
    families = {s.name: s.anchor for s in report.diseases}
    sub = f'<p class="muted">A subtype of {_link(section.family, families)}.</p>' if section.family else ""
    if section.name == report.root:
        sub = '<p class="muted">Reports that name no subtype.</p>'
    cells = "; ".join(
        f'<span class="cell" data-target="{esc(t)}" data-patients="{"" if c.patients is None else c.patients}" '
        f'data-reports="{c.reports}">{esc(t)}: <b>{"n/a" if c.patients is None else c.patients}</b> '
        f'patients, {plural(c.reports, "report")}</span>' for t, c in section.cells)
    products = len({e.product for e in section.evidence})
    line = (f'<p class="cells">{plural(len(section.evidence), "report")} about {plural(products, "product")}. '
            f"Distinct patients by target: {cells or 'no target recorded'}.</p>")
    return (f'<section class="disease" id="{section.anchor}" data-disease="{esc(section.name)}">'
            f"<h3>{esc(section.name)}</h3>{sub}{line}"
            f'{_evidence_table(section.evidence, "product", report, summaries=True)}</section>')


def _event(summary: EventSummary) -> str:
    worst = f" (worst grade {summary.worst})" if summary.worst is not None else ""
    said = f"present in {plural(summary.present, 'report')}{worst}" if summary.present else "no case reported"
    said += f"; stated absent in {plural(summary.absent, 'report')}" if summary.absent else ""
    if not summary.present and not summary.absent:
        said = "not mentioned in any report"
    return (f'<li class="event-summary" data-event="{esc(summary.event)}" data-present="{summary.present}" '
            f'data-absent="{summary.absent}"><b>{esc(summary.event)}</b>: {said}</li>')


def _safety_table(rows: Iterable[Safety], report: Report) -> str:
    anchors = {s.name: s.anchor for s in report.diseases}
    body = "".join(
        f'<tr class="safety" data-present="{str(r.present).lower()}" data-event="{esc(r.event)}">'
        f"<td>{_link(r.disease, anchors)}</td><td>{esc(r.event)}</td>"
        f'<td{"" if r.present else " class=absent"}>{esc(r.status)}</td><td class="n">{esc(r.affected)}</td>'
        f'<td class="n">{number(r.timepoint_months)}</td><td>{_level(r.level)}</td><td>{_source(r.source)}</td></tr>'
        for r in rows)
    head = ('<tr><th>Disease</th><th>Event</th><th>Finding</th><th class="n">Affected/treated</th><th class="n">Month</th>'
            "<th>Level</th><th>Source</th></tr>")
    return f'<table class="safety"><thead>{head}</thead><tbody>{body}</tbody></table>'


def _product(section: ProductSection, report: Report) -> str:
    anchors = {s.name: s.anchor for s in report.diseases}
    facts = [f"Target{'s' if len(section.targets) != 1 else ''}: {esc(', '.join(section.targets) or 'none recorded')}"]
    if section.modality:
        facts.append(f"modality: {esc(section.modality)}")
    uses = "".join(
        f"<tr><td>{_link(u.disease, anchors)}</td><td class=\"n\">{'n/a' if u.patients is None else u.patients}</td>"
        f'<td class="n">{u.reports}</td><td>{_level(u.best)}</td><td class="n">{u.trials}</td></tr>'
        for u in section.uses)
    uses_table = ('<table class="uses"><thead><tr><th>Disease</th><th class="n">Distinct patients</th>'
                  '<th class="n">Reports</th><th>Best level</th><th class="n">Registered trials</th></tr></thead>'
                  f"<tbody>{uses}</tbody></table>")
    events = "".join(_event(s) for s in section.events)
    safety = _safety_table(section.safety, report) if section.safety else '<p class="muted">No safety finding recorded.</p>'
    return (f'<section class="product" id="{section.anchor}" data-product="{esc(section.name)}">'
            f'<h3>{esc(section.name)}</h3><p>{" · ".join(facts)}</p>{uses_table}'
            f'<h4>Safety</h4><ul class="events">{events}</ul>{safety}'
            f'<h4>Evidence</h4>{_evidence_table(section.evidence, "disease", report, summaries=False)}</section>')
