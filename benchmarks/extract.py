"""Speed of `kg extract` on a 5,000-word article: the pure step, and the whole command cold.

    python benchmarks/extract.py [--runs 15] [--words 5000]

Builds the packaged curated data into a temporary store, writes an article of at least --words
words by cycling through tests/data/articles/*.txt (each copy's numbers shifted so that no two
copies are identical), then reports medians of: loading the dictionary from the store (read +
regex compile), `parse_text` alone, and `kg extract ARTICLE --format yaml` as a fresh process
(with bare `python -c pass` and a cold `kg lookup` for scale: most of a cold command is
Python, typer and the pydantic that typer imports). Target (issue 3): the cold command well under a second.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

from timing import clock, interleaved, median

from kg.core.build import build
from kg.loaders.articles import Dictionary, parse_text

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "tests" / "data" / "articles"
KG = [sys.executable, "-c", "from kg.cli import main; main()"]


def long_article(words: int) -> str:
    texts = [p.read_text(encoding="utf-8") for p in sorted(ARTICLES.glob("*.txt"))]
    parts: list[str] = []
    count = 0
    copy = 0
    while count < words:
        text = texts[copy % len(texts)]
        shift = copy // len(texts)
        text = re.sub(r"\b(\d+)\b", lambda m, k=shift: str(int(m.group(1)) + k), text) if shift else text
        parts.append(text)
        count += len(text.split())
        copy += 1
    return "\n\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--words", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "bench.sqlite"
        build(store)
        article = Path(tmp) / "article.txt"
        text = long_article(args.words)
        article.write_text(text, encoding="utf-8")

        load_times, parse_times = [], []
        for _ in range(args.runs):
            load_times.append(clock(lambda: Dictionary.from_store(store).tries())[0])
        dictionary = Dictionary.from_store(store)
        for _ in range(args.runs):
            parse_times.append(clock(lambda: parse_text(text, dictionary, str(article)))[0])
        extraction = parse_text(text, dictionary, str(article))

        commands = {"python -c pass": [sys.executable, "-c", "pass"],
                    "kg lookup ct103a (reference)": [*KG, "lookup", "ct103a", "--store", str(store)],
                    "kg extract (cold, yaml)": [*KG, "extract", str(article), "--store", str(store), "-f", "yaml"],
                    "kg extract (cold, table)": [*KG, "extract", str(article), "--store", str(store)]}
        cold = interleaved(commands, args.runs)

    print(f"article: {len(text.split())} words, {len(text)} characters; {len(extraction.proposals)} proposals; "
          f"{len(dictionary.entries)} dictionary terms; {args.runs} runs each; medians")
    print(f"{'dictionary from store + trie':34} {median(load_times) * 1000:8.1f} ms")
    print(f"{'parse_text':34} {median(parse_times) * 1000:8.1f} ms")
    for name, values in cold.items():
        print(f"{name:34} {median(values) * 1000:8.1f} ms")
    worst = max(median(v) for n, v in cold.items() if n.startswith("kg"))
    print(f"target: cold `kg extract` well under 1 s -> {worst:.3f} s {'OK' if worst < 1 else 'MISSED'}")


if __name__ == "__main__":
    main()
