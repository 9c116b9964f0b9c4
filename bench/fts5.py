#!/usr/bin/env python3
"""The same synthetic corpus and queries as `kho-bench query`, in SQLite FTS5 through Python's
sqlite3 with the `unicode61 remove_diacritics 2` tokenizer: build time, database size, peak
memory, and p50/p99 latency for top 20 by bm25 plus the same three facet counts (type, issuer,
year) that kho computes for every search.

    python3 bench/fts5.py DOCS.jsonl DB [--runs 200] [--reuse] [--only WORDS]

`--reuse` queries a database an earlier run built (DOCS.jsonl is then not read, and no build
time is printed); `--only WORDS` runs the cases whose name holds WORDS, as `kho-bench query
--only` does.
"""
import argparse
import json
import os
import resource
import sqlite3
import time


def build_database(args):
    """Builds the database from the corpus: the connection, the first owners (for the owner-ID
    case) and the build's seconds."""
    if os.path.exists(args.db):
        os.remove(args.db)
    con = sqlite3.connect(args.db)
    con.executescript("""
        PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
        CREATE TABLE docs(rowid INTEGER PRIMARY KEY, owner_id TEXT, doc_type TEXT, issuer TEXT,
                          issued TEXT, year INTEGER);
        CREATE VIRTUAL TABLE fts USING fts5(meta, body, tokenize='unicode61 remove_diacritics 2');
    """)
    started = time.perf_counter()
    owners = []
    with open(args.jsonl, encoding="utf-8") as f:
        batch_docs, batch_fts = [], []
        for line in f:
            d = json.loads(line)
            rowid = d["id"] + 1
            issued = d.get("issued_on") or ""
            batch_docs.append((rowid, d["owner_id"], d["doc_type"], d.get("issuer"), issued,
                               int(issued[:4]) if issued else None))
            meta = "\n".join(x for x in (d.get("title"), d.get("owner_name"), d.get("issuer")) if x)
            batch_fts.append((rowid, meta, d["text"]))
            if len(owners) < args.runs:
                owners.append(d["owner_id"])
            if len(batch_docs) >= 10000:
                con.executemany("INSERT INTO docs VALUES (?,?,?,?,?,?)", batch_docs)
                con.executemany("INSERT INTO fts(rowid, meta, body) VALUES (?,?,?)", batch_fts)
                batch_docs, batch_fts = [], []
        con.executemany("INSERT INTO docs VALUES (?,?,?,?,?,?)", batch_docs)
        con.executemany("INSERT INTO fts(rowid, meta, body) VALUES (?,?,?)", batch_fts)
    con.execute("CREATE INDEX docs_owner ON docs(owner_id)")
    con.execute("CREATE INDEX docs_type ON docs(doc_type, issued)")
    con.commit()
    return con, owners, time.perf_counter() - started


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("jsonl")
    ap.add_argument("db")
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--reuse", action="store_true")
    ap.add_argument("--only")
    args = ap.parse_args()
    if args.reuse:
        con = sqlite3.connect(args.db)
        owners = [row[0] for row in con.execute("SELECT owner_id FROM docs LIMIT ?", (args.runs,))]
        build = None
    else:
        con, owners, build = build_database(args)

    def text_case(match, where="", params=()):
        def run(_):
            cond = f"fts MATCH ? {where}"
            rows = con.execute(f"SELECT docs.rowid FROM fts JOIN docs ON docs.rowid = fts.rowid "
                               f"WHERE {cond} ORDER BY bm25(fts) LIMIT 20", (match, *params)).fetchall()
            for col in ("doc_type", "issuer", "year"):
                con.execute(f"SELECT {col}, count(*) FROM fts JOIN docs ON docs.rowid = fts.rowid "
                            f"WHERE {cond} GROUP BY {col}", (match, *params)).fetchall()
            return con.execute(f"SELECT count(*) FROM fts JOIN docs ON docs.rowid = fts.rowid WHERE {cond}",
                               (match, *params)).fetchone()[0]
        return run

    def owner_case(i):
        owner = owners[i % len(owners)]
        con.execute("SELECT rowid FROM docs WHERE owner_id = ? LIMIT 20", (owner,)).fetchall()
        for col in ("doc_type", "issuer", "year"):
            con.execute(f"SELECT {col}, count(*) FROM docs WHERE owner_id = ? GROUP BY {col}", (owner,)).fetchall()
        return con.execute("SELECT count(*) FROM docs WHERE owner_id = ?", (owner,)).fetchone()[0]

    cases = [
        ("rare term (khuê)", text_case("khue")),
        ("common term (ủy ban)", text_case("uy ban")),
        ("4-syllable phrase", text_case('"quyen su dung dat"')),
        # unicode61 strips combining marks but keeps đ (a letter of its own), so the phrase as
        # kho folds it finds nothing; spelled the way FTS5 folds it, it does.
        ("4-syllable phrase, đ kept (FTS5's folding)", text_case('"quyen su dung đat"')),
        ("2-word phrase (\"Quảng Nam\")", text_case('"quang nam"')),
        ("owner ID", owner_case),
        ("filtered + facets", text_case("nguyen van", "AND docs.doc_type = ? AND docs.issued >= ?",
                                        ("birth_certificate", "2010-01-01"))),
    ]
    if build is not None:
        size = os.path.getsize(args.db)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"FTS5 build: {build:.0f} s, database {size / 2**20:.0f} MiB, peak RSS {peak:.0f} MiB")
    print("| query | runs | hits (total) | p50 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|")
    for name, case in cases:
        if args.only and args.only not in name:
            continue
        times, total = [], 0
        for i in range(args.runs):
            t = time.perf_counter()
            total = case(i)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        p = lambda q: times[round((len(times) - 1) * q)]
        print(f"| {name} | {args.runs} | {total} | {p(0.5):.1f} | {p(0.99):.1f} |")


if __name__ == "__main__":
    main()
