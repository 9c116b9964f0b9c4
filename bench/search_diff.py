#!/usr/bin/env python3
"""Differential check of a search change: the same queries through two kho binaries, each on its
own copy of one store (an index schema change rebuilds each copy's index for its binary), and
every query's total, and its hits when there are at most 100, compared. Phrases of two and three
words are drawn from the generator's texts (some upper-cased), plus a few written by hand.

    kho-bench generate --docs 20000 --data A --jsonl DOCS.jsonl && cp -a A B
    OLD_KHO --data A reindex && NEW_KHO --data B reindex
    python3 bench/search_diff.py OLD_KHO A NEW_KHO B DOCS.jsonl [N]

RANKED=1 compares a ranking change instead: each phrase both quoted and as plain words, a few
single words, and the first 20 hits of each in order with their scores (to 4 decimals). Both
binaries may then search one store (same index schema): stores built apart break ties apart.
Queries whose scores agree and whose hits differ only among those tied at the 20th place's score
are counted apart (not a failure): which tied documents fill the last places is not a ranking.
"""
import os
import json
import random
import re
import subprocess
import sys


def main():
    old, store_a, new, store_b, jsonl = sys.argv[1:6]
    count = int(sys.argv[6]) if len(sys.argv) > 6 else 240
    random.seed(12)
    texts = [json.loads(line)["text"] for line in open(jsonl, encoding="utf-8")]
    word = re.compile(r"\w+")
    phrases = set()
    while len(phrases) < count:
        words = word.findall(random.choice(texts))
        n = random.choice([2, 2, 2, 3])
        if len(words) <= n:
            continue
        i = random.randrange(len(words) - n)
        phrase = " ".join(words[i:i + n])
        phrases.add(phrase.upper() if random.random() < 0.3 else phrase)
    by_hand = ['"quang nam"', '"QUẢNG NAM"', 'uy ban -"nhan dan"', '"khai sinh" nguyen',
               'Quảng Nam', 'xã Núi Thành', '"đăng ký"', '"dang ky"']

    def run(binary, store, query):
        out = subprocess.run([binary, "--data", store, "search", "--json", "--limit", "100", query],
                             capture_output=True, text=True)
        if out.returncode != 0:
            return ("error", out.stderr.strip()[-200:])
        answer = json.loads(out.stdout)
        if ranked:
            return (answer["total"], [(h["id"], round(h["score"], 4)) for h in answer["hits"][:20]])
        return (answer["total"], sorted(h["id"] for h in answer["hits"]))

    ranked = os.environ.get("RANKED") == "1"
    queries = [f'"{p}"' for p in sorted(phrases)] + by_hand
    if ranked:
        queries += sorted(phrases) + ["nguyen van duc", "giay khai sinh nguyen", "quyen su dung dat",
                                      "khuê", "sinh", "đất", "ỦY", "Quảng", "049075001234"]
    differ = found = tied = 0
    for query in queries:
        a, b = run(old, store_a, query), run(new, store_b, query)
        if isinstance(a[0], int) and a[0] > 0:
            found += 1
        same = a[0] == b[0] and (a[0] == "error" or (a[0] > 100 and not ranked) or a[1] == b[1])
        if not same and ranked and a[0] == b[0] and ties_only(a[1], b[1]):
            tied += 1
            print(f"ties: {query}: {a[0]} hits, the last places tied at {a[1][-1][1]}")
        elif not same:
            differ += 1
            print(f"differs: {query}: {a[0]} against {b[0]}")
    print(f"{len(queries)} queries, {found} with hits, {differ} differ"
          + (f", {tied} differ only in which tied hits fill the last places" if ranked else ""))
    sys.exit(1 if differ else 0)


def ties_only(a, b):
    """The same scores in the same order, the same hits at every score but the last one shown:
    only which of the documents tied at the cut were shown differs (a walk keeps the first by
    address; a ranking through candidates keeps the first among them)."""
    if [s for _, s in a] != [s for _, s in b]:
        return False
    last = a[-1][1] if a else None
    group = lambda hits, score: sorted(i for i, s in hits if s == score)
    return all(group(a, s) == group(b, s) for s in {s for _, s in a} if s != last)


if __name__ == "__main__":
    main()
