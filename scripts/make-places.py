#!/usr/bin/env python3
"""Builds schemas/data/places.tsv.gz, kho's gazetteer: the administrative units of Vietnam before
and after the reorganization of 1 July 2025, and which old units each new one was formed from.

Not run by CI: its output is committed. Run it again when a source publishes a correction, then
check the counts the tests pin (schemas/src/places/tests.rs) and schemas/data/PLACES-SOURCE.md.

Inputs, all Python packages fetched with pip (facts only are taken; see PLACES-SOURCE.md for
versions, dates and licences):
  --new        vietnam-provinces 2025.10.1 wheel, unpacked: vietnam_provinces/data/nested-divisions.json
               (34 provinces, 3,321 communes after 1 July 2025, GSO codes of Decision 19/2025/QD-TTg)
  --old        vietnam-provinces 0.6.0 wheel, unpacked: the same file (63 provinces, 696 districts,
               10,051 communes, GSO list of 2025-01-04)
  --converter  vietnam-address-converter 1.0.5 wheel, unpacked (Apache-2.0): its old-to-new
               mapping (10,358 rows: old province, district, commune -> new province, commune),
               joined to the GSO units by province, district, type word and name.

The mapping does not say whether an old commune went whole or in part into a new one; it is
derived: an old commune whose communes after 1 July 2025 are one is "whole", several "partial".

Usage:
  pip download --no-deps -d /tmp/places vietnam-provinces==2025.10.1 vietnam-provinces==0.6.0 \
      vietnam-address-converter==1.0.5     # then unzip each wheel into its own folder
  python3 scripts/make-places.py --new DIR --old DIR --converter DIR -o schemas/data/places.tsv.gz
"""

import argparse
import gzip
import json
import os
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

TYPE_WORDS = [
    # longest first, so that "thành phố" is not read as "thành"
    "thành phố",
    "thị trấn",
    "thị xã",
    "đặc khu",
    "tỉnh",
    "huyện",
    "quận",
    "phường",
    "xã",
]

# Other names a unit is known by (kept with the unit; the resolver reads them like its name).
ALIASES = {
    # Thừa Thiên Huế became Thành phố Huế (a centrally-run city) on 1 January 2025; papers before
    # that name the province by its old name.
    ("old", "T46"): ["Thừa Thiên Huế"],
    ("old", "T79"): ["Sài Gòn", "HCM"],
    ("new", "T79"): ["Sài Gòn", "HCM"],
}

DEBUG = bool(os.environ.get("KHO_PLACES_DEBUG"))


def nfc(s):
    return unicodedata.normalize("NFC", s)


def clean(s):
    s = nfc(s).replace("\u2019", "'").replace("\u00a0", " ")
    s = s.replace("\u2013", "-").replace("\u2014", "-")
    return " ".join(s.split())


def fold(s):
    s = unicodedata.normalize("NFD", s.lower())
    s = "".join(c for c in s if not unicodedata.combining(c))
    return s.replace("đ", "d")


def split_type(full, default=None):
    """'Thành phố Tam Kỳ' -> ('thành phố', 'Tam Kỳ'); a name without its type word gets `default`."""
    full = clean(full)
    low = full.lower()
    for word in TYPE_WORDS:
        if low.startswith(word + " "):
            return word, full[len(word) + 1 :].strip()
    for word in TYPE_WORDS:  # a type word typed without its diacritics ("Xa Ea Kly")
        if fold(low).startswith(fold(word) + " "):
            return word, " ".join(full.split()[len(word.split()) :])
    if default:
        return default, full
    raise SystemExit(f"no type word in unit name {full!r}")


def load_new(folder):
    data = json.loads((Path(folder) / "vietnam_provinces/data/nested-divisions.json").read_text())
    units = {}
    for p in data:
        pid = "new:T%02d" % p["code"]
        kind = "thành phố" if p["division_type"].startswith("thành phố") else "tỉnh"
        units[pid] = (*split_type(p["name"], kind), None)
        for w in p["wards"]:
            units["new:X%05d" % w["code"]] = (*split_type(w["name"]), pid)
    return units


def load_old(folder):
    data = json.loads((Path(folder) / "vietnam_provinces/data/nested-divisions.json").read_text())
    units = {}
    for p in data:
        pid = "old:T%02d" % p["code"]
        units[pid] = (*split_type(p["name"]), None)
        for d in p["districts"]:
            did = "old:H%03d" % d["code"]
            units[did] = (*split_type(d["name"]), pid)
            for w in d["wards"]:
                units["old:X%05d" % w["code"]] = (*split_type(w["name"]), did)
    return units


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--new", required=True)
    ap.add_argument("--old", required=True)
    ap.add_argument("--converter", required=True)
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args()

    new = load_new(args.new)
    old = load_old(args.old)
    # Lookup keys: folded, without spaces or marks, numbers without leading zeros and Roman
    # numerals as digits ("Tam Xuân I" = "Tam Xuân 1"), type word kept (a xã and a thị trấn of
    # one district may share a name).
    def key(full, default=None):
        kind, name = split_type(full, default)
        words = re.findall(r"[a-z0-9]+", fold(name))
        roman = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}
        words = [w if i == 0 else roman.get(w, w) for i, w in enumerate(words)]
        words = [w.lstrip("0") or "0" if w.isdigit() else w for w in words]
        return kind, "".join(words)

    # When folded names collide (Thạnh, Thành, Thanh), the spelling decides, either tone style.
    tone_styles = {"oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa", "oè": "òe",
                   "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe", "uỳ": "ùy", "uý": "úy",
                   "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy"}

    def spelling(name):
        s = clean(name).lower()
        for a, b in tone_styles.items():
            s = s.replace(a, b)
        return re.sub(r"[^\w]", "", s)

    def province_key(name):
        return key(name, "tỉnh")[1]

    def pick(found, units, full):
        if len(found) > 1:
            wanted = spelling(split_type(full)[1])
            found = [u for u in found if spelling(units[u][1]) == wanted]
        return found

    old_index = defaultdict(list)  # (province, district, (kind, name)) -> old commune ids
    old_in_province = defaultdict(list)  # (province, (kind, name)) -> old commune ids
    old_districts = defaultdict(list)  # (province, district name) -> old district ids
    for uid, (kind, name, parent) in old.items():
        if uid.startswith("old:X"):
            district = old[parent]
            province = province_key(old[district[2]][1])
            commune = key(f"{kind} {name}")
            old_index[(province, key(f"{district[0]} {district[1]}")[1], commune)].append(uid)
            old_in_province[(province, commune)].append(uid)
        elif uid.startswith("old:H"):
            old_districts[(province_key(old[parent][1]), key(f"{kind} {name}")[1])].append(uid)
    new_index = defaultdict(list)  # (province, (kind, name)) -> new commune ids
    for uid, (kind, name, parent) in new.items():
        if parent:
            new_index[(province_key(new[parent][1]), key(f"{kind} {name}"))].append(uid)

    sys.path.insert(0, args.converter)
    from vietnam_address_converter import data as converter  # noqa: E402

    mapping = converter.DEFAULT_DATA["mapping"]
    successors = defaultdict(set)  # old id -> new ids
    problems = Counter()
    for row in mapping["rows"]:
        o, n = row["old"], row["new"]
        try:
            found_new = pick(new_index.get((province_key(n["province_name"]), key(n["ward_name"])), []), new, n["ward_name"])
            province = province_key(o["province_name"])
            if not o["ward_name"]:
                # An island district without communes that became a đặc khu whole.
                found_old = old_districts.get((province, key(o["district_name"])[1]), [])
            else:
                commune = key(o["ward_name"])
                found_old = old_index.get((province, key(o["district_name"])[1], commune), [])
                if not found_old:
                    # The converter's district is one formed in the first half of 2025
                    # (thị xã Mộc Châu): the commune is found in its province.
                    found_old = old_in_province.get((province, commune), [])
                found_old = pick(found_old, old, o["ward_name"])
        except SystemExit:
            problems["row naming no unit (a training centre, an empty cell)"] += 1
            continue
        if len(found_new) != 1:
            problems["new commune not found by name"] += 1
            if DEBUG:
                print("new?", n["province_name"], n["ward_name"], found_new, file=sys.stderr)
            continue
        if len(found_old) != 1:
            if DEBUG:
                print("old?", o["province_name"], o["district_name"], o["ward_name"], found_old, file=sys.stderr)
            problems["old commune not found by name (formed in 2025, or spelt otherwise)"] += 1
            continue
        successors[found_old[0]].add(found_new[0])
    succession = {}
    for old_id, news in successors.items():
        for new_id in news:
            succession[(old_id, new_id)] = len(news) == 1

    # Provinces merged whole (Resolution 202/2025/QH15): each old province into the new
    # province most of its communes went to.
    def province_of(uid, units):
        while units[uid][2]:
            uid = units[uid][2]
        return uid

    votes = defaultdict(Counter)
    for old_id, new_id in succession:
        votes[province_of(old_id, old)][province_of(new_id, new)] += 1
    province_succession = {}
    for pid in sorted(u for u in old if u.startswith("old:T")):
        if not votes[pid]:
            raise SystemExit(f"no successor found for {pid} {old[pid]}")
        province_succession[pid] = votes[pid].most_common(1)[0][0]

    out = []
    out.append("# kho gazetteer: administrative units before (old:) and after (new:) 1 July 2025")
    out.append("# and the succession between them. Generated by scripts/make-places.py; sources")
    out.append("# in schemas/data/PLACES-SOURCE.md. Tab-separated, UTF-8 (NFC). Lines:")
    out.append("#   U  unit  type-word  name  parent-unit   (unit: era:level+GSO code; T province,")
    out.append("#                                          H district, X commune)")
    out.append("#   A  unit  other-name                     (another name of the unit)")
    out.append("#   S  old-unit  new-unit  whole|partial    (the new unit was formed from the old)")
    out.append("V\tkho-places\t1")

    def order(uid):
        era, rest = uid.split(":")
        return (era != "old", "THX".index(rest[0]), rest)

    for units in (old, new):
        for uid in sorted(units, key=order):
            kind, name, parent = units[uid]
            out.append("\t".join(["U", uid, kind, name, parent or ""]))
    for (era, code), names in sorted(ALIASES.items()):
        for name in names:
            out.append("\t".join(["A", f"{era}:{code}", name]))
    for pid, nid in sorted(province_succession.items()):
        out.append("\t".join(["S", pid, nid, "whole"]))
    for (old_id, new_id), whole in sorted(succession.items(), key=lambda kv: (order(kv[0][0]), order(kv[0][1]))):
        out.append("\t".join(["S", old_id, new_id, "whole" if whole else "partial"]))
    text = "\n".join(out) + "\n"
    with gzip.GzipFile(args.output, "wb", mtime=0) as f:
        f.write(text.encode("utf-8"))

    count = Counter(uid.split(":")[0] + ":" + uid.split(":")[1][0] for uid in list(old) + list(new))
    print("units:", dict(sorted(count.items())), file=sys.stderr)
    print("commune successions:", len(succession),
          Counter("whole" if w else "partial" for w in succession.values()), file=sys.stderr)
    print("notes:", dict(problems), file=sys.stderr)
    without = [u for u in old if u.startswith("old:X") and not any(o == u for o, _ in succession)]
    print("old communes without a successor:", len(without), file=sys.stderr)


if __name__ == "__main__":
    main()
