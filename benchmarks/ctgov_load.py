"""Loading 1,000 ClinicalTrials.gov records, as a ratio to a bare ``json.load`` of the same files.

    python benchmarks/ctgov_load.py [--studies 1000] [--runs 11] [--seed 1]

Writes synthetic, schema-faithful API v2 study records (invented; NCT98xxxxxx ids) to a temporary
directory in two layouts: search pages of 100 studies (what `kg fetch clinicaltrials` saves) and
one file per study (GET /api/v2/studies/NCT…). For each layout it times, interleaved in the same
run, (a) a bare ``json.load`` of every file and (b) ``kg.loaders.clinicaltrials.load`` turning the
same files into records, matched against the packaged curated data as during ``kg build``.
Reports medians of wall-clock and of CPU time (process_time, which a busy shared machine disturbs
less) and their ratios, plus the ratio of the best runs. Target (issue, part 2): the loader within
5x of the bare parse.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from kg.core.model import Node
from kg.core.names import NameIndex
from kg.core.resources import curated_dir
from kg.loaders import clinicaltrials, curated

WORDS = ["refractory", "autoimmune", "disease", "patients", "cells", "infusion", "dose", "safety", "efficacy", "follow-up", "response", "remission", "antibody", "titre", "baseline", "month", "week", "visit", "assessment", "protocol", "criteria"]
CONDITIONS = ["Systemic Lupus Erythematosus", "Lupus Nephritis", "Myasthenia Gravis", "Neuromyelitis Optica",
              "Systemic Sclerosis", "Idiopathic Inflammatory Myopathy", "Test Vasculitis", "Pemphigus Vulgaris",
              "Immune Thrombocytopenia", "Multiple Sclerosis", "Rheumatoid Arthritis", "ANCA Vasculitis"]
SPONSORS = [("Invented Cell Co.", "INDUSTRY"), ("Testville University Hospital", "OTHER"),
            ("Example Biotherapeutics", "INDUSTRY"), ("National Invented Institute", "NIH")]
PHASES = [["EARLY_PHASE1"], ["PHASE1"], ["PHASE1", "PHASE2"], ["PHASE2"], ["NA"], None]


def text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def study(i: int, rng: random.Random, products: list[str]) -> dict[str, Any]:
    nct = f"NCT98{i:06d}"
    product = rng.choice(products) if rng.random() < 0.6 else f"INV-{i % 97} CAR-T cells"
    interventions = [
        {"type": "BIOLOGICAL", "name": product, "description": text(rng, 30), "armGroupLabels": ["CAR-T"],
         "otherNames": [f"INV{i % 97}"]},
        {"type": "DRUG", "name": "Fludarabine", "description": text(rng, 12), "armGroupLabels": ["CAR-T"]},
        {"type": "DRUG", "name": "Cyclophosphamide", "description": text(rng, 12), "armGroupLabels": ["CAR-T"]},
    ]
    lead = rng.choice(SPONSORS)
    design: dict[str, Any] = {"studyType": "INTERVENTIONAL"}
    phases = rng.choice(PHASES)
    if phases:
        design["phases"] = phases
    design["designInfo"] = {"allocation": "NA", "interventionModel": "SINGLE_GROUP", "primaryPurpose": "TREATMENT",
                            "maskingInfo": {"masking": "NONE"}}
    design["enrollmentInfo"] = {"count": rng.randint(3, 60), "type": "ESTIMATED"}
    start = f"20{rng.randint(19, 25)}-{rng.randint(1, 12):02d}" + (f"-{rng.randint(1, 28):02d}" if i % 2 else "")
    return {
        "protocolSection": {
            "identificationModule": {
                "nctId": nct, "orgStudyIdInfo": {"id": f"INV-{i}"},
                "organization": {"fullName": lead[0], "class": lead[1]},
                "briefTitle": f"{product} in Autoimmune Disease ({i}, invented)",
                "officialTitle": "An Invented Study: " + text(rng, 18)},
            "statusModule": {
                "statusVerifiedDate": "2025-03", "overallStatus": rng.choice(["RECRUITING", "NOT_YET_RECRUITING"]),
                "expandedAccessInfo": {"hasExpandedAccess": False},
                "startDateStruct": {"date": start, "type": "ACTUAL"},
                "primaryCompletionDateStruct": {"date": "2027-12", "type": "ESTIMATED"},
                "completionDateStruct": {"date": "2029-06", "type": "ESTIMATED"},
                "studyFirstSubmitDate": "2024-11-04", "studyFirstSubmitQcDate": "2024-11-04",
                "studyFirstPostDateStruct": {"date": "2024-11-08", "type": "ACTUAL"},
                "lastUpdateSubmitDate": "2025-03-10",
                "lastUpdatePostDateStruct": {"date": "2025-03-12", "type": "ACTUAL"}},
            "sponsorCollaboratorsModule": {
                "responsibleParty": {"type": "SPONSOR"}, "leadSponsor": {"name": lead[0], "class": lead[1]},
                "collaborators": [dict(zip(("name", "class"), rng.choice(SPONSORS), strict=True))]},
            "oversightModule": {"oversightHasDmc": True, "isFdaRegulatedDrug": False, "isFdaRegulatedDevice": False},
            "descriptionModule": {"briefSummary": text(rng, 80), "detailedDescription": text(rng, 250)},
            "conditionsModule": {"conditions": rng.sample(CONDITIONS, rng.randint(1, 3)), "keywords": ["CAR-T"]},
            "designModule": design,
            "armsInterventionsModule": {
                "armGroups": [{"label": "CAR-T", "type": "EXPERIMENTAL", "description": text(rng, 30),
                               "interventionNames": [f"Biological: {product}", "Drug: Fludarabine",
                                                     "Drug: Cyclophosphamide"]}],
                "interventions": interventions},
            "outcomesModule": {
                "primaryOutcomes": [{"measure": "Adverse events", "description": text(rng, 25), "timeFrame": "28 days"}],
                "secondaryOutcomes": [{"measure": text(rng, 5), "description": text(rng, 25), "timeFrame": "12 months"}
                                      for _ in range(rng.randint(2, 6))]},
            "eligibilityModule": {
                "eligibilityCriteria": "Inclusion Criteria:\n\n* " + "\n* ".join(text(rng, 15) for _ in range(12)),
                "healthyVolunteers": False, "sex": "ALL", "minimumAge": "18 Years", "maximumAge": "70 Years",
                "stdAges": ["ADULT", "OLDER_ADULT"]},
            "contactsLocationsModule": {"locations": [
                {"facility": f"Invented Hospital {k}", "status": "RECRUITING", "city": "Testville",
                 "country": "Testland", "geoPoint": {"lat": 30.5 + k, "lon": 114.3}} for k in range(rng.randint(1, 8))]},
        },
        "derivedSection": {"miscInfoModule": {"versionHolder": "2025-03-14"},
                           "conditionBrowseModule": {"meshes": [{"id": "D000000", "term": "Invented"}]}},
        "hasResults": False,
    }


def write(directory: Path, studies: list[dict[str, Any]], per_file: int) -> list[Path]:
    directory.mkdir(parents=True)
    files = []
    for start in range(0, len(studies), per_file):
        chunk = studies[start:start + per_file]
        document: Any = {"studies": chunk, "nextPageToken": f"invented-{start}"} if per_file > 1 else chunk[0]
        path = directory / (f"page-{start // per_file + 1:04d}.json" if per_file > 1 else
                            f"{chunk[0]['protocolSection']['identificationModule']['nctId']}.json")
        path.write_text(json.dumps(document, separators=(",", ":")), encoding="utf-8")  # compact, as the API sends
        files.append(path)
    return files


def bare(files: list[Path]) -> int:
    count = 0
    for path in files:
        with path.open(encoding="utf-8") as handle:
            count += len(json.load(handle) or ())
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--studies", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    known = NameIndex()
    for record in curated.load(curated_dir()):
        if isinstance(record, Node):
            known.add(record)
    products = sorted({known.name(i) for ids in known.terms("Product").values() for i in ids})
    rng = random.Random(args.seed)
    studies = [study(i, rng, products) for i in range(args.studies)]

    with tempfile.TemporaryDirectory() as tmp:
        layouts = {"pages of 100": write(Path(tmp) / "pages" / "clinicaltrials", studies, 100),
                   "one file per study": write(Path(tmp) / "single" / "clinicaltrials", studies, 1)}
        print(f"{args.studies} synthetic studies, {args.runs} runs each, interleaved; "
              f"known: {len(products)} curated products; load average {os.getloadavg()[0]:.2f} "
              f"on {os.cpu_count()} CPUs")
        print(f"{'layout':20} {'files':>5} {'MB':>5} {'records':>7} | {'median wall s':>23} {'ratio':>6} | "
              f"{'median CPU s':>23} {'ratio':>6} | {'best-of ratio':>13}")
        print(f"{'':40} | {'json.load':>11} {'load()':>11} {'':>6} | {'json.load':>11} {'load()':>11}")
        for name, files in layouts.items():
            directory = files[0].parent
            records = len(list(clinicaltrials.load(directory, known)))  # warm-up, and a count
            bare(files)
            wall: dict[str, list[float]] = {"json": [], "load": []}
            cpu: dict[str, list[float]] = {"json": [], "load": []}
            for _ in range(args.runs):
                for key in ("json", "load"):
                    start, start_cpu = time.perf_counter(), time.process_time()
                    if key == "json":
                        bare(files)
                    else:
                        list(clinicaltrials.load(directory, known))
                    wall[key].append(time.perf_counter() - start)
                    cpu[key].append(time.process_time() - start_cpu)
            jw, lw = statistics.median(wall["json"]), statistics.median(wall["load"])
            jc, lc = statistics.median(cpu["json"]), statistics.median(cpu["load"])
            best = min(wall["load"]) / min(wall["json"])
            size = sum(f.stat().st_size for f in files) / 1e6
            print(f"{name:20} {len(files):>5} {size:>5.1f} {records:>7} | {jw:>11.4f} {lw:>11.4f} {lw / jw:>5.2f}x | "
                  f"{jc:>11.4f} {lc:>11.4f} {lc / jc:>5.2f}x | {best:>12.2f}x")
    print("target: load() within 5x of the bare json.load")


if __name__ == "__main__":
    main()
