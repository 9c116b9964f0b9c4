use super::*;
use proptest::prelude::*;

fn g() -> Arc<Gazetteer> {
    Gazetteer::builtin().expect("the built-in gazetteer parses")
}

fn codes(places: &[RecognizedPlace]) -> Vec<&str> {
    places.iter().map(|p| p.code.as_str()).collect()
}

fn unit(g: &Gazetteer, code: &str) -> UnitId {
    g.by_code(code)
        .unwrap_or_else(|| panic!("{code} is in the gazetteer"))
}

#[test]
fn counts_are_those_published() {
    let g = g();
    assert_eq!(g.count(Era::Before2025, Level::Province), 63);
    assert_eq!(g.count(Era::From2025, Level::Province), 34);
    assert_eq!(g.count(Era::From2025, Level::Commune), 3321);
    assert_eq!(g.count(Era::From2025, Level::District), 0);
    assert_eq!(g.count(Era::Before2025, Level::District), 696);
    // The GSO list of 2025-01-04.
    assert_eq!(g.count(Era::Before2025, Level::Commune), 10_051);
    let kinds = |kind: &str| {
        g.units()
            .iter()
            .filter(|u| u.era == Era::From2025 && u.kind == kind)
            .count()
    };
    assert_eq!(
        (kinds("xã"), kinds("phường"), kinds("đặc khu")),
        (2621, 687, 13)
    );
}

#[test]
fn every_new_unit_has_predecessors_and_every_old_province_one_successor() {
    let g = g();
    let mut without = Vec::new();
    for (i, u) in g.units().iter().enumerate() {
        let id = UnitId(i as u32);
        let counterparts = g.counterparts(id);
        if u.era == Era::From2025 {
            if counterparts.is_empty() {
                without.push(g.full_name(id));
            }
        } else if u.level == Level::Province {
            assert_eq!(counterparts.len(), 1, "{} merges into one province", u.code);
            assert!(counterparts[0].1, "{} merged whole", u.code);
        }
    }
    // Formed from communes made in the first half of 2025, which the January list lacks
    // (PLACES-SOURCE.md).
    assert!(without.len() <= 6, "{without:?}");
    let da_nang = unit(&g, "new:T48");
    let mut before: Vec<String> = g
        .counterparts(da_nang)
        .iter()
        .map(|(u, _)| g.full_name(*u))
        .collect();
    before.sort();
    assert_eq!(before, ["thành phố Đà Nẵng", "tỉnh Quảng Nam"]);
}

#[test]
fn every_unit_is_recognized_from_its_full_name() {
    // "xã Tam Xuân I, huyện Núi Thành, tỉnh Quảng Nam" names exactly that commune, whatever
    // other communes share its name: the enclosing units on the line decide.
    let g = g();
    let mut same_name: std::collections::HashMap<(Era, String), usize> = Default::default();
    for (i, u) in g.units().iter().enumerate() {
        *same_name
            .entry((u.era, g.full_name(UnitId(i as u32))))
            .or_default() += 1;
    }
    let mut missed = Vec::new();
    let mut twins = 0;
    for (i, u) in g.units().iter().enumerate() {
        let line = g.full_name(UnitId(i as u32));
        if same_name[&(u.era, line.clone())] > 1 {
            // A commune merged in the first half of 2025 and a new one given its name, in the
            // same district: the name alone cannot tell them apart.
            twins += 1;
            continue;
        }
        let era = match u.era {
            Era::Before2025 => time::macros::date!(2020 - 01 - 01),
            Era::From2025 => time::macros::date!(2026 - 01 - 01),
        };
        let found = g.recognize(&line, PlaceSource::Text, Some(Era::of_date(era)));
        if !found.iter().any(|p| p.code == u.code) {
            missed.push(line);
        }
    }
    assert!(
        twins <= 30,
        "{twins} units share their full name with another"
    );
    assert!(
        missed.is_empty(),
        "{} not recognized, e.g. {:?}",
        missed.len(),
        &missed[..missed.len().min(10)]
    );
}

#[test]
fn addresses_issuers_and_abbreviations_are_read() {
    let g = g();
    let text = "Nơi thường trú: thôn 3, xã Tam Xuân I, huyện Núi Thành, tỉnh Quảng Nam\n\
                ỦY BAN NHÂN DÂN HUYỆN NÚI THÀNH\n\
                Địa chỉ: 12 Lê Lợi, P. Hải Châu, Q. Hải Châu, TP. Đà Nẵng";
    let before = Some(Era::Before2025);
    let found = g.recognize(text, PlaceSource::Text, before);
    assert_eq!(
        codes(&found),
        [
            "old:X20968",
            "old:H517",
            "old:T49",
            "old:X20236",
            "old:H492",
            "old:T48"
        ],
        "{found:?}"
    );
    assert_eq!(
        found[0].name,
        "xã Tam Xuân I, huyện Núi Thành, tỉnh Quảng Nam"
    );
    // "Tam Xuân 1" is "Tam Xuân I"; a province alone after a comma is read.
    let found = g.recognize(
        "xã Tam Xuân 1, Núi Thành, Quảng Nam",
        PlaceSource::Text,
        before,
    );
    assert_eq!(codes(&found), ["old:X20968", "old:T49"]);
    // Without diacritics the line's type words are read too.
    let found = g.recognize(
        "UBND huyen Nui Thanh, tinh Quang Nam",
        PlaceSource::Issuer,
        before,
    );
    assert_eq!(codes(&found), ["old:H517", "old:T49"]);
    // Ordinary words that fold like type words are not: "xa" (far), "quan" (official).
    assert!(g
        .recognize("đi xa Quảng Nam, quan Đà Nẵng", PlaceSource::Text, None)
        .is_empty());
}

#[test]
fn a_province_alone_in_a_paper_ends_its_part_and_keeps_its_diacritics() {
    let g = g();
    let before = Some(Era::Before2025);
    let read = |line: &str| -> Vec<String> {
        g.recognize(line, PlaceSource::Text, before)
            .into_iter()
            .map(|p| p.name)
            .collect()
    };
    // A company's name is not a province: it goes on after the name, or lacks the diacritics
    // the rest of the line has.
    assert!(read("Tên viết tắt: HOA BINH TRADING").is_empty());
    assert!(read("Tên viết tắt: HÒA BÌNH TRADING").is_empty());
    assert!(read("Nơi sinh: Hoa Binh").is_empty());
    assert_eq!(read("Nơi sinh: Hoà Bình"), ["tỉnh Hoà Bình"]);
    assert_eq!(read("Nơi sinh: Hòa Bình."), ["tỉnh Hoà Bình"]);
    // A line typed without any diacritics is read without them.
    assert_eq!(read("Noi sinh: Hoa Binh"), ["tỉnh Hoà Bình"]);
}

#[test]
fn a_name_given_alone_is_the_place_only_when_it_is_one_place_through_time() {
    let g = g();
    // Núi Thành: the district, its town and the commune that succeeded them.
    let place = g.resolve_name("Núi Thành").expect("one lineage");
    assert!(place.units.len() >= 2, "{:?}", place.units);
    assert!(place
        .units
        .iter()
        .all(|u| g.province_of(*u) == unit(&g, "old:T49")
            || g.province_of(*u) == unit(&g, "new:T48")));
    assert_eq!(place.name, "Núi Thành");
    // Tân Phú: several places, each candidate given back.
    let candidates = g.resolve_name("Tân Phú").expect_err("ambiguous");
    assert!(candidates.len() > 2, "{candidates:?}");
    assert!(g.resolve_name("Atlantis").expect_err("unknown").is_empty());
}

#[test]
fn an_ambiguous_commune_is_resolved_by_its_line_or_left_out() {
    let g = g();
    let tan_phu: Vec<UnitId> = g
        .units_named("xã Tân Phú")
        .into_iter()
        .filter(|u| g.unit(*u).era == Era::From2025)
        .collect();
    assert!(tan_phu.len() > 2, "xã Tân Phú is in several provinces");
    let after = Some(Era::From2025);
    assert!(g
        .recognize("Trú tại xã Tân Phú", PlaceSource::Text, after)
        .is_empty());
    let mut resolved = 0;
    for id in &tan_phu {
        let province = g.province_of(*id);
        let line = format!("Trú tại xã Tân Phú, {}", g.short_name(province));
        let found = g.recognize(&line, PlaceSource::Text, after);
        let same_province = tan_phu
            .iter()
            .filter(|u| g.province_of(**u) == province)
            .count();
        if same_province == 1 {
            assert_eq!(found[0].code, g.unit(*id).code, "{line}");
            resolved += 1;
        } else {
            assert!(
                !found.iter().any(|p| p.code.starts_with("new:X")),
                "{line}: {found:?}"
            );
        }
    }
    assert!(resolved > 0);
    let q = g.find_in_query("xã Tân Phú");
    assert!(q.places.is_empty());
    assert_eq!(q.ambiguous.len(), 1);
    assert!(q.ambiguous[0].candidates.len() > 2);
}

#[test]
fn a_paper_is_read_in_its_era() {
    let g = g();
    let line = "UBND thành phố Đà Nẵng";
    let old = g.recognize(line, PlaceSource::Issuer, Some(Era::Before2025));
    let new = g.recognize(line, PlaceSource::Issuer, Some(Era::From2025));
    let undated = g.recognize(line, PlaceSource::Issuer, None);
    assert_eq!(codes(&old), ["old:T48"]);
    assert_eq!(codes(&new), ["new:T48"]);
    // One name in both eras: both readings, which name the same place.
    assert_eq!(codes(&undated), ["old:T48", "new:T48"]);
    // A 2026 paper that cites an old address keeps the old unit.
    let cited = g.recognize(
        "nguyên quán huyện Núi Thành, tỉnh Quảng Nam",
        PlaceSource::Text,
        Some(Era::From2025),
    );
    assert_eq!(codes(&cited), ["old:H517", "old:T49"]);
}

#[test]
fn queries_find_places_with_or_without_diacritics_and_type_words() {
    let g = g();
    for q in [
        "Đà Nẵng",
        "da nang",
        "TP. Đà Nẵng",
        "tp da nang",
        "Thành phố Đà Nẵng",
    ] {
        let found = g.find_in_query(q);
        assert_eq!(found.places.len(), 1, "{q}");
        let units: Vec<&str> = found.places[0]
            .units
            .iter()
            .map(|u| g.unit(*u).code.as_str())
            .collect();
        assert!(units.contains(&"new:T48"), "{q}: {units:?}");
        let note = g.expansion_note(&found.places[0].expansions[0]).unwrap();
        assert_eq!(
            note, "gồm cả địa danh trước 01/7/2025: tỉnh Quảng Nam",
            "{q}"
        );
    }
    let found = g.find_in_query("giấy chứng nhận xã Núi Thành, Đà Nẵng");
    let place = &found.places[0];
    assert_eq!(place.typed, "xã Núi Thành");
    assert_eq!(place.name, "Núi Thành");
    assert_eq!(
        place.spans.len(),
        2,
        "the province only narrowed it and is taken too"
    );
    let note = g.expansion_note(&place.expansions[0]).unwrap();
    assert!(
        note.starts_with("gồm cả địa danh trước 01/7/2025: thị trấn Núi Thành"),
        "{note}"
    );
    assert!(
        note.ends_with("thuộc huyện Núi Thành, tỉnh Quảng Nam"),
        "{note}"
    );
    let found = g.find_in_query("quang nam");
    assert_eq!(
        g.expansion_note(&found.places[0].expansions[0]).unwrap(),
        "gồm cả địa danh từ 01/7/2025: thành phố Đà Nẵng"
    );
    // Abbreviations of districts and wards, and TP.HCM.
    let found = g.find_in_query("Q.1 TP.HCM");
    assert_eq!(g.unit(found.places[0].units[0]).code, "old:H760");
    let found = g.find_in_query("H. Núi Thành");
    assert_eq!(g.unit(found.places[0].units[0]).code, "old:H517");
    // A bare name that is no province's and has no province beside it is words, not a place.
    assert!(g.find_in_query("Núi Thành").places.is_empty());
    let lineage = g.find_in_query("Núi Thành Quảng Nam");
    assert_eq!(lineage.places.len(), 1, "{lineage:?}");
    assert_eq!(
        lineage.places[0].units.len(),
        3,
        "the district, its town and today's commune"
    );
    // Quoted phrases and excluded words are not read as places.
    assert!(g.find_in_query("\"Đà Nẵng\" -Quảng").places.is_empty());
    assert!(g.find_in_query("-Quảng giấy").places.is_empty());
}

#[test]
fn index_terms_tie_each_era_to_the_other() {
    let g = g();
    let old_paper = g.recognize_document(
        Some("UBND huyện Núi Thành, tỉnh Quảng Nam"),
        Some(time::macros::date!(2019 - 05 - 01)),
        None,
    );
    let terms = g.index_terms(&old_paper);
    for t in ["=old:H517", "=old:T49", "~new:T48"] {
        assert!(terms.terms.contains(&t.to_string()), "{t} in {terms:?}");
    }
    assert!(
        terms.terms.iter().any(|t| t.starts_with("?new:X")),
        "the communes the district became, in part"
    );
    assert_eq!(terms.province.as_deref(), Some("new:T48"));
    assert_eq!(terms.commune, None, "a district went to several communes");
    // A 2026 paper of a commune of Đà Nẵng formed from former Quảng Nam communes is found
    // under Quảng Nam; one formed from old Đà Nẵng wards is not.
    let nui_thanh = g.find_in_query("xã Núi Thành, Đà Nẵng").places[0].units[0];
    let new_paper = g.recognize_document(
        Some(&format!("UBND {}", g.full_name(nui_thanh))),
        Some(time::macros::date!(2026 - 02 - 01)),
        None,
    );
    let terms = g.index_terms(&new_paper);
    assert!(terms.terms.contains(&"~old:T49".to_string()), "{terms:?}");
    assert!(
        !terms.terms.iter().any(|t| t.ends_with("old:T48")),
        "{terms:?}"
    );
    assert_eq!(
        terms.commune.as_deref(),
        Some(g.unit(nui_thanh).code.as_str())
    );
    let hai_chau = g.recognize_document(
        Some("UBND phường Hải Châu, thành phố Đà Nẵng"),
        Some(time::macros::date!(2026 - 02 - 01)),
        None,
    );
    let terms = g.index_terms(&hai_chau);
    assert!(terms.terms.contains(&"~old:T48".to_string()), "{terms:?}");
    assert!(
        !terms.terms.iter().any(|t| t.ends_with("old:T49")),
        "{terms:?}"
    );
}

#[test]
fn an_abolished_agency_shows_its_successors_and_validity_is_unchanged() {
    let g = g();
    let issuer = "UBND huyện Núi Thành, tỉnh Quảng Nam";
    let places = g.recognize_document(Some(issuer), None, None);
    let s = g
        .agency_succession(issuer, &places)
        .expect("a district's committee has successors");
    assert!(s.abolished);
    assert!(
        s.successors
            .iter()
            .any(|n| n == "xã Núi Thành, thành phố Đà Nẵng"),
        "{s:?}"
    );
    assert!(s
        .successor_agency
        .as_deref()
        .unwrap_or_default()
        .contains("UBND xã Núi Thành"));
    assert!(s.note.ends_with(agency::VALIDITY_UNCHANGED));
    let issuer = "Sở Tư pháp tỉnh Quảng Nam";
    let places = g.recognize_document(Some(issuer), None, None);
    let s = g.agency_succession(issuer, &places).unwrap();
    assert!(s.abolished && s.successor_agency.is_none());
    assert_eq!(s.successors, ["thành phố Đà Nẵng"]);
    // Today's units have no successor to show.
    let issuer = "UBND xã Núi Thành, thành phố Đà Nẵng";
    let places = g.recognize_document(
        Some(issuer),
        Some(time::macros::date!(2026 - 01 - 05)),
        None,
    );
    assert_eq!(g.agency_succession(issuer, &places), None);
}

#[test]
fn a_bad_gazetteer_file_is_refused_with_its_line() {
    let ok = "V\tkho-places\t1\nU\told:T01\tthành phố\tHà Nội\t\nU\tnew:T01\tthành phố\tHà Nội\t\nS\told:T01\tnew:T01\twhole\n";
    let g = Gazetteer::parse(ok).unwrap();
    assert_eq!(g.succession_count(), 1);
    let cases = [
        ("U\told:T01\tthành phố\tHà Nội\t\n", "line 1"),
        ("V\tkho-places\t2\n", "version 1"),
        ("V\tkho-places\t1\nU\tnew:H001\thuyện\tX\tnew:T01\n", "level T"),
        ("V\tkho-places\t1\nU\told:T01\tbang\tX\t\n", "type word"),
        ("V\tkho-places\t1\nU\told:T01\ttỉnh\tX\t\nU\tnew:T01\ttỉnh\tX\t\nS\tnew:T01\told:T01\twhole\n", "from an old unit"),
        ("V\tkho-places\t1\nU\told:T01\ttỉnh\tX\t\nS\told:T01\tnew:T09\twhole\n", "new:T09 is not listed"),
        ("V\tkho-places\t1\nU\told:T01\ttỉnh\tX\t\n", "no units of from 2025"),
    ];
    for (text, expected) in cases {
        let e = Gazetteer::parse(text).unwrap_err().to_string();
        assert!(e.contains(expected), "{text:?}: {e}");
    }
    assert!(Gazetteer::parse_bytes(&[0x1f, 0x8b, 0, 1]).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_text_or_query_is_read_without_panic(s in "\\PC{0,80}") {
        let g = g();
        let _ = g.recognize(&s, PlaceSource::Text, None);
        let found = g.find_in_query(&s);
        for p in found.places {
            for span in p.spans {
                prop_assert!(s.is_char_boundary(span.start) && s.is_char_boundary(span.end));
            }
        }
    }

    #[test]
    fn addresses_with_noise_around_them_are_read(prefix in "[a-zA-Z ]{0,20}", suffix in "[a-z ]{0,20}") {
        let g = g();
        let line = format!("{prefix}: xã Tam Xuân I, huyện Núi Thành, tỉnh Quảng Nam. {suffix}");
        let found = g.recognize(&line, PlaceSource::Text, Some(Era::Before2025));
        prop_assert_eq!(found.first().map(|p| p.code.as_str()), Some("old:X20968"));
    }
}
