"""The named questions on Neo4j at scale: PROFILE of each (the operator it starts from, db hits)
and warm latency, on copies of the curated graph.

    NEO4J_PASSWORD=... scripts/neo4j-local start      # or any Neo4j 5 named by NEO4J_URI
    python benchmarks/neo4j_questions.py [--copies 1000] [--runs 10]

Loads the replica with `kg load --commit-every-batch` (it replaces whatever cellkg loaded before),
resolves each question's example parameter to an id through the store, as `kg ask` does, then
runs PROFILE once and the plain query ``--runs`` times (after one warm-up) in one session.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from timing import median

# The baseline, in the same run: antibody-mediated-diseases-for-target as cellkg asked it before
# questions resolved their parameter to an id (toLower() on id, name and synonyms: no index serves it).
TERM_MATCH = """
MATCH (t:Target)
WHERE toLower(t.id) = toLower($target) OR toLower(t.name) = toLower($target)
   OR toLower($target) IN [s IN coalesce(t.synonyms, []) | toLower(s)]
MATCH (p:Product)-[:TARGETS]->(t)
MATCH (e:Evidence)-[:ABOUT_PRODUCT]->(p)
MATCH (e)-[:IN_DISEASE]->(d:Disease {antibody_mediated: true})
MATCH (e)-[:REPORTED_IN]->(s:Source)
RETURN DISTINCT d.name AS disease, d.id AS disease_id, t.name AS target, p.name AS product,
       e.level AS level, e.patients AS patients, e.follow_up_months AS follow_up_months,
       s.id AS source, e.id AS evidence
ORDER BY disease, product, source, evidence
"""


def operators(plan: Any) -> list[str]:
    found = [str(plan["operatorType"]).split("@")[0]]
    for child in plan.get("children", []):
        found += operators(child)
    return found


def first_leaf(plan: Any) -> str:
    """Where the plan starts: the leaf reached by following each operator's first input."""
    while plan.get("children"):
        plan = plan["children"][0]
    return str(plan["operatorType"]).split("@")[0]


def db_hits(plan: Any) -> int:
    return int(plan.get("dbHits", 0)) + sum(db_hits(c) for c in plan.get("children", []))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    import neo4j

    from kg.core.build import build
    from kg.core.synthetic import replicate
    from kg.queries import all_questions
    from kg.queries.answer import resolve

    kg = shutil.which("kg") or "kg"
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        base, store = Path(tmp) / "curated.sqlite", Path(tmp) / f"x{args.copies}.sqlite"
        build(base)
        nodes, rels = replicate(base, store, args.copies)
        start = time.perf_counter()
        subprocess.run([kg, "load", "--store", str(store), "--commit-every-batch"], check=True)
        print(f"{args.copies}x: {nodes:,} nodes, {rels:,} relationships loaded in {time.perf_counter() - start:.0f} s")
        uri = os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687")
        auth = (os.environ.get("NEO4J_USERNAME", "neo4j"), os.environ["NEO4J_PASSWORD"])
        print(f"{'question':40} {'starts from':28} {'db hits':>9} {'rows':>5} {'warm ms':>8}  label scans")
        with neo4j.GraphDatabase.driver(uri, auth=auth) as driver, driver.session() as session:
            runs = [(q.name, q.cypher, resolve(q, {p.name: p.example for p in q.params}, store))
                    for q in all_questions()]
            runs.append(("baseline: term match (before)", TERM_MATCH, {"target": "BCMA"}))
            for name, cypher, params in runs:
                profiled = session.run("PROFILE " + cypher, params)
                list(profiled)  # Neo4j gives the profile of some plans only once their rows are read
                plan = profiled.consume().profile
                ops = operators(plan)
                scans = [op for op in ops if "Scan" in op]
                rows = len(list(session.run(cypher, params)))
                times = []
                for _ in range(args.runs):
                    t = time.perf_counter()
                    list(session.run(cypher, params))
                    times.append(time.perf_counter() - t)
                print(f"{name:40} {first_leaf(plan):28} {db_hits(plan):9,} {rows:5} "
                      f"{median(times) * 1000:8.1f}  {', '.join(scans) or 'none'}")


if __name__ == "__main__":
    main()
