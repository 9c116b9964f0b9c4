#!/usr/bin/env python3
"""How many of a corpus's word pairs would be left if pairs were indexed only where both words
are common ("common grams"): for the K most frequent words (by documents holding them), the
share of pair occurrences and of distinct pairs whose two words are both among them
(docs/benchmarks.md, "Where a rebuild's text reads go").

    python3 bench/pair_stats.py DOCS.jsonl [N]      (N documents, default 20,000)

DOCS.jsonl is `kho-bench generate --jsonl`'s; the words are folded as kho folds them (no
diacritics, đ -> d, lower case) and cut at anything not a letter or digit, as the index's
analyzer cuts them (its length limit aside).
"""
import collections
import json
import re
import sys
import unicodedata

WORD = re.compile(r"[0-9a-z]+")


def fold(text):
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFD", text)
    return "".join(c for c in text if unicodedata.category(c) != "Mn").lower()


def main():
    path = sys.argv[1]
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 20_000
    docs, holding = [], collections.Counter()
    with open(path, encoding="utf-8") as lines:
        for i, line in enumerate(lines):
            if i >= limit:
                break
            d = json.loads(line)
            parts = (d.get("title"), d.get("owner_name"), d.get("issuer"), d["text"])
            words = WORD.findall(fold("\n".join(p for p in parts if p)))
            docs.append(words)
            holding.update(set(words))
    pairs = sum(max(0, len(w) - 1) for w in docs)
    distinct = {p for w in docs for p in zip(w, w[1:])}
    ranked = [w for w, _ in holding.most_common()]
    print(f"{len(docs)} documents, {len(holding)} words, {pairs} pairs, {len(distinct)} distinct")
    print("| K most common words | held by at least | pairs of two of them | distinct pairs |")
    print("|---:|---:|---:|---:|")
    for k in (50, 100, 200, 300, 500, 1000):
        common = set(ranked[:k])
        kept = [p for w in docs for p in zip(w, w[1:]) if p[0] in common and p[1] in common]
        share = holding[ranked[min(k, len(ranked)) - 1]] / len(docs)
        print(f"| {k} | {share:.1%} of documents | {len(kept) / pairs:.1%} | "
              f"{len(set(kept)) / len(distinct):.1%} |")


if __name__ == "__main__":
    main()
