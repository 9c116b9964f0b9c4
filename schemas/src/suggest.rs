//! Metadata suggested from a paper's text (what kho just read from it), for the operator to
//! confirm on upload: owner IDs that pass validation, the name after "Họ và tên", dates, the
//! number after "Số:", the issuing agency's header line. Pure, and deliberately cautious: a
//! field is suggested only when the text says it plainly; nothing is stored from here without a
//! person confirming it.

use crate::{fold, Date, OwnerId};

/// What the text suggests; every field may be empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Suggestions {
    /// Personal IDs and enterprise codes in the text that pass validation, in order, once each.
    pub owner_ids: Vec<String>,
    /// The name after "Họ và tên:" (or "Họ, chữ đệm, tên", "Tên doanh nghiệp", ...).
    pub owner_name: Option<String>,
    /// The issue date: "Ngày cấp: ...", "cấp ngày ...", or the date of the signing line
    /// ("Núi Thành, ngày 21 tháng 8 năm 2019").
    #[serde(serialize_with = "iso_opt")]
    pub issued_on: Option<Date>,
    /// Every date written in the text, in order, once each (ISO on the wire).
    #[serde(serialize_with = "iso_all")]
    pub dates: Vec<Date>,
    /// The paper's number: "Số: 12/KS-1975".
    pub doc_number: Option<String>,
    /// The issuing agency from the letterhead: "Ủy ban nhân dân xã Tam Xuân".
    pub issuer: Option<String>,
}

fn iso_opt<S: serde::Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_some(&crate::iso_date(*d)),
        None => s.serialize_none(),
    }
}

fn iso_all<S: serde::Serializer>(d: &[Date], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(d.iter().map(|d| crate::iso_date(*d)))
}

/// Text looked at, at most (a paper's first pages hold all of this).
const MAX_TEXT: usize = 64 * 1024;
/// Lines from the top where a letterhead may stand.
const HEADER_LINES: usize = 12;
/// Longest value suggested for a name, number or agency, in characters.
const MAX_VALUE_CHARS: usize = 120;

/// Labels a name follows, folded.
const NAME_LABELS: [&str; 8] = [
    "ho va ten",
    "ho, chu dem, ten",
    "ho chu dem ten",
    "ho va ten nguoi",
    "ho ten",
    "ten doanh nghiep",
    "ten cong ty viet bang tieng viet",
    "ten ho kinh doanh",
];

/// What an agency's letterhead line starts with, folded.
const AGENCY_STARTS: [&str; 14] = [
    "uy ban nhan dan",
    "ubnd",
    "so ",
    "phong ",
    "cong an",
    "chi cuc",
    "cuc ",
    "van phong dang ky",
    "chi nhanh van phong",
    "bo ",
    "toa an",
    "trung tam",
    "ban quan ly",
    "doi ",
];

/// What the other column of a letterhead says; cut off a line that two columns ran together.
const MOTTO_STARTS: [&str; 2] = ["cong hoa xa hoi chu nghia viet nam", "doc lap"];

/// Unit type words that continue a bare "ỦY BAN NHÂN DÂN" on the next line.
const UNIT_WORDS: [&str; 8] = [
    "xa ",
    "phuong ",
    "thi tran ",
    "huyen ",
    "quan ",
    "thi xa ",
    "thanh pho ",
    "tinh ",
];

/// The suggestions a text gives, as of `today` (dates after it are not suggested).
pub fn suggest_fields(text: &str, today: Date) -> Suggestions {
    let mut cut = text.len().min(MAX_TEXT);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let text = crate::nfc(&text[..cut]);
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let dates: Vec<(usize, Date)> = dates_in(&text)
        .into_iter()
        .filter(|(_, d)| *d <= today)
        .collect();
    let mut unique_dates: Vec<Date> = Vec::new();
    for (_, d) in &dates {
        if !unique_dates.contains(d) {
            unique_dates.push(*d);
        }
    }
    Suggestions {
        owner_ids: owner_ids(&text),
        owner_name: lines.iter().find_map(|l| name_on(l)),
        issued_on: issued_on(&text, &dates),
        dates: unique_dates,
        doc_number: lines.iter().find_map(|l| number_on(l)),
        issuer: issuer(&lines),
    }
}

/// Runs of digits (with a "-NNN" branch suffix kept) that are valid owner IDs.
fn owner_ids(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() || (i > 0 && bytes[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let mut end = i;
        let branch = i + 4 <= bytes.len()
            && bytes[i] == b'-'
            && bytes[i + 1..i + 4].iter().all(u8::is_ascii_digit)
            && bytes.get(i + 4).is_none_or(|b| !b.is_ascii_digit());
        if end - start == 10 && branch {
            end = i + 4;
        }
        let run = &text[start..end];
        let digits = end - start;
        // A bare 10-digit number is as likely a phone number (some pass the enterprise code's
        // check digit): it is taken only on a line that names it a code ("Mã số doanh
        // nghiệp", "MST"); a branch code (-NNN) and a personal ID are distinctive enough.
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line = fold(&text[line_start..start]);
        let named_code = ["ma so", "mst", "ma doanh nghiep"]
            .iter()
            .any(|l| line.contains(l))
            && !["dien thoai", "sdt", "fax", "hotline"]
                .iter()
                .any(|l| line.contains(l));
        let wanted = digits == 12 || (digits == 10 && named_code) || (digits == 14 && branch);
        if wanted && !out.iter().any(|o| o == run) {
            if let Ok(id) = OwnerId::parse(run) {
                out.push(id.as_str().to_string());
            }
        }
        i = end.max(i);
    }
    out
}

/// A folded copy of `s` with a map from each folded byte back to `s`'s byte offsets: folding
/// changes lengths, and values are cut from the original (with its diacritics).
fn folded_with_offsets(s: &str) -> (String, Vec<usize>) {
    let mut folded = String::new();
    let mut offsets = Vec::new();
    for (i, c) in s.char_indices() {
        let f = fold(&c.to_string());
        for _ in 0..f.len() {
            offsets.push(i);
        }
        folded.push_str(&f);
    }
    offsets.push(s.len());
    (folded, offsets)
}

/// Where a label ends on a line (after its colon), if the line has it.
fn after_label<'a>(line: &'a str, labels: &[&str]) -> Option<&'a str> {
    let (folded, offsets) = folded_with_offsets(line);
    for label in labels {
        let mut from = 0;
        while let Some(at) = folded[from..].find(label) {
            let start = from + at;
            let end = start + label.len();
            from = end;
            // The label starts a word and is followed by a colon (spaces allowed).
            let starts_word = start == 0 || !folded[..start].ends_with(char::is_alphanumeric);
            let rest = folded[end..].trim_start();
            if starts_word && rest.starts_with(':') {
                let colon = folded.len() - rest.len();
                return Some(&line[offsets[colon + 1]..]);
            }
        }
    }
    None
}

/// A value ends at a run of spaces (another column), or at the next label ("Giới tính:").
fn value_of(raw: &str) -> &str {
    let mut end = raw.len();
    if let Some(at) = raw.find("  ") {
        end = end.min(at);
    }
    if let Some(at) = raw.find('\t') {
        end = end.min(at);
    }
    // The next label: a word followed by a colon, after the value's first word.
    if let Some(colon) = raw.find(':') {
        let before = &raw[..colon];
        if let Some(space) = before.trim_end().rfind(' ') {
            // Cut before the label's words: the label is the capitalized run before the colon.
            let words: Vec<(usize, &str)> = before
                .char_indices()
                .filter(|(i, _)| *i == 0 || before[..*i].ends_with(' '))
                .map(|(i, _)| (i, before[i..].split(' ').next().unwrap_or("")))
                .collect();
            let label_start = words
                .iter()
                .rev()
                .take_while(|(_, w)| !w.is_empty())
                .take(3)
                .last()
                .map_or(space, |(i, _)| *i);
            end = end.min(label_start.max(1));
        }
    }
    raw[..end].trim().trim_end_matches([',', ';', '.']).trim()
}

/// Upper-case words made "Like This" (certificates print names in capitals).
fn title_case(s: &str) -> String {
    s.split_whitespace()
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(first) => first
                    .to_uppercase()
                    .chain(cs.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<String>>()
        .join(" ")
}

fn is_shouted(s: &str) -> bool {
    let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 2 && letters.iter().all(|c| !c.is_lowercase())
}

fn name_on(line: &str) -> Option<String> {
    let value = value_of(after_label(line, &NAME_LABELS)?);
    let words: Vec<&str> = value.split_whitespace().collect();
    let plausible = (2..=8).contains(&words.len())
        && value.chars().count() <= MAX_VALUE_CHARS
        && value
            .chars()
            .all(|c| c.is_alphabetic() || c == ' ' || c == '.' || c == '-' || c == '&');
    if !plausible {
        return None;
    }
    let name = if is_shouted(value) && !fold(value).starts_with("cong ty") {
        title_case(value)
    } else {
        value.to_string()
    };
    Some(name)
}

/// "Số: 12/KS-1975", "Số 318/GPXD", "Số: CS 04512": a value with a digit after "Số".
fn number_on(line: &str) -> Option<String> {
    let folded = fold(line);
    let rest = folded.strip_prefix("so")?;
    let after: &str = rest.trim_start();
    let with_colon = after.starts_with(':') || after.starts_with('.');
    if !with_colon && !after.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    // Back to the original text: the same number of characters in.
    let skip = line.chars().count() - after.chars().count() + usize::from(with_colon);
    let original: String = line.chars().skip(skip).collect();
    let mut value = value_of(&original).to_string();
    // "Số: 15/2024 ngày ..." keeps the number only.
    if let Some(at) = fold(&value).find(" ngay ") {
        value = value
            .chars()
            .take(fold(&value)[..at].chars().count())
            .collect();
    }
    let value = value.trim().to_string();
    let ok = value.chars().any(|c| c.is_ascii_digit())
        && value.chars().count() <= 40
        && value.split_whitespace().count() <= 3;
    ok.then_some(value)
}

/// Dates written `dd/mm/yyyy` (or with - or .) and "ngày 12 tháng 3 năm 1975", with the byte
/// offset in the folded text where each stands.
fn dates_in(text: &str) -> Vec<(usize, Date)> {
    let folded = fold(text);
    let mut out: Vec<(usize, Date)> = Vec::new();
    let tokens: Vec<(usize, &str)> = folded
        .split(|c: char| !(c.is_alphanumeric() || c == '/' || c == '-' || c == '.'))
        .scan(0usize, |pos, t| {
            let start = *pos;
            *pos += t.len() + 1;
            Some((start, t))
        })
        .filter(|(_, t)| !t.is_empty())
        .collect();
    let make = |d: &str, m: &str, y: &str| -> Option<Date> {
        let (d, m, y) = (
            d.parse::<u8>().ok()?,
            m.parse::<u8>().ok()?,
            y.parse::<i32>().ok()?,
        );
        if !(1900..=2100).contains(&y) {
            return None;
        }
        Date::from_calendar_date(y, time::Month::try_from(m).ok()?, d).ok()
    };
    for (i, (at, t)) in tokens.iter().enumerate() {
        let t = t.trim_end_matches('.');
        let parts: Vec<&str> = t.split(['/', '-', '.']).collect();
        if let [d, m, y] = parts.as_slice() {
            let shaped = (1..=2).contains(&d.len())
                && (1..=2).contains(&m.len())
                && y.len() == 4
                && [d, m, y]
                    .iter()
                    .all(|p| p.bytes().all(|b| b.is_ascii_digit()));
            if shaped {
                if let Some(date) = make(d, m, y) {
                    out.push((*at, date));
                }
            }
        }
        if t == "ngay" {
            if let [(_, d), (_, th), (_, m), (_, na), (_, y), ..] = &tokens[i + 1..] {
                if *th == "thang" && *na == "nam" {
                    if let Some(date) = make(d, m, y.trim_end_matches('.')) {
                        out.push((*at, date));
                    }
                }
            }
        }
    }
    out
}

/// The issue date: after "ngày cấp"/"cấp ngày", else the signing line's date (a place, a comma,
/// "ngày ... tháng ... năm"), else none: a birth date is not an issue date.
fn issued_on(text: &str, dates: &[(usize, Date)]) -> Option<Date> {
    let folded = fold(text);
    let labelled = ["ngay cap", "cap ngay", "ngay dang ky", "dang ky ngay"];
    for (at, date) in dates {
        let before = &folded[..*at];
        let near = before
            .char_indices()
            .rev()
            .nth(24)
            .map_or(before, |(i, _)| &before[i..]);
        if labelled.iter().any(|l| near.contains(l)) {
            return Some(*date);
        }
    }
    dates
        .iter()
        .filter(|(at, _)| {
            folded[*at..].starts_with("ngay") && folded[..*at].trim_end().ends_with(',')
        })
        .map(|(_, d)| *d)
        .next_back()
}

/// Drops the other column of a letterhead from a line ("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI ...").
fn without_motto(line: &str) -> &str {
    let (folded, offsets) = folded_with_offsets(line);
    let cut = MOTTO_STARTS
        .iter()
        .filter_map(|m| folded.find(m))
        .min()
        .map_or(line.len(), |at| offsets[at]);
    line[..cut].trim().trim_end_matches(['-', '–']).trim()
}

fn issuer(lines: &[&str]) -> Option<String> {
    for (i, line) in lines.iter().take(HEADER_LINES).enumerate() {
        let own = without_motto(line);
        let folded = fold(own);
        // A letterhead names the agency and nothing else: no label, no number ("Số định danh
        // cá nhân: 0011..." starts like "Sở").
        let plain = !own.contains(':') && !own.chars().any(|c| c.is_ascii_digit());
        if !plain || !AGENCY_STARTS.iter().any(|s| folded.starts_with(s)) {
            continue;
        }
        let mut name = own.to_string();
        // "ỦY BAN NHÂN DÂN" alone: the unit is on the next line.
        let bare = matches!(folded.trim(), "uy ban nhan dan" | "ubnd");
        if bare {
            let next = lines.get(i + 1).map(|l| without_motto(l)).unwrap_or("");
            if UNIT_WORDS.iter().any(|u| fold(next).starts_with(u)) {
                name = format!("{name} {next}");
            } else {
                continue;
            }
        }
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.chars().count() > MAX_VALUE_CHARS || name.split_whitespace().count() < 2 {
            continue;
        }
        return Some(if is_shouted(&name) {
            sentence_case(&name)
        } else {
            name
        });
    }
    None
}

/// "ỦY BAN NHÂN DÂN XÃ TAM XUÂN" -> "Ủy ban nhân dân xã Tam Xuân", "SỞ TÀI NGUYÊN VÀ MÔI
/// TRƯỜNG TỈNH QUẢNG NAM" -> "Sở Tài nguyên và Môi trường tỉnh Quảng Nam": the way agency names
/// are written in running text (the first word of the name and of each part joined by "và"
/// capitalized, the unit type in lower case, the place's name capitalized).
fn sentence_case(s: &str) -> String {
    let words: Vec<String> = s.split_whitespace().map(str::to_lowercase).collect();
    let cap = |w: &str| title_case(w);
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut in_place = false;
    let mut i = 0;
    while i < words.len() {
        let w = words[i].as_str();
        let next = words.get(i + 1).map(String::as_str);
        if i == 0 {
            out.push(if w == "ubnd" {
                "UBND".to_string()
            } else {
                cap(w)
            });
            if words.len() >= 4 && words[1..4] == ["ban", "nhân", "dân"] {
                out.extend(["ban", "nhân", "dân"].map(str::to_string));
                i = 4;
                continue;
            }
        } else if !in_place
            && (matches!(w, "xã" | "phường" | "huyện" | "quận" | "tỉnh")
                || (matches!(w, "thị" | "thành") && matches!(next, Some("xã" | "trấn" | "phố"))))
        {
            in_place = true;
            out.push(w.to_string());
            if matches!(w, "thị" | "thành") {
                out.push(next.unwrap_or_default().to_string());
                i += 1;
            }
        } else if in_place || (i > 0 && matches!(words[i - 1].as_str(), "và")) || i == 1 {
            out.push(cap(w));
        } else {
            out.push(w.to_string());
        }
        i += 1;
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 12 - 05);

    #[test]
    fn a_birth_certificate_with_its_letterhead_in_two_columns() {
        let text = "ỦY BAN NHÂN DÂN          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\
                    XÃ TAM XUÂN              Độc lập - Tự do - Hạnh phúc\n\
                    Số: 12/KS-1975\n\
                    GIẤY KHAI SINH\n\
                    Họ và tên: NGUYỄN VĂN ĐỨC      Giới tính: Nam\n\
                    Ngày, tháng, năm sinh: 12/03/1975\n\
                    Số định danh cá nhân: 049075001234\n\
                    Tam Xuân, ngày 20 tháng 3 năm 1975\n";
        let s = suggest_fields(text, TODAY);
        assert_eq!(s.owner_ids, vec!["049075001234"]);
        assert_eq!(s.owner_name.as_deref(), Some("Nguyễn Văn Đức"));
        assert_eq!(s.doc_number.as_deref(), Some("12/KS-1975"));
        assert_eq!(s.issuer.as_deref(), Some("Ủy ban nhân dân xã Tam Xuân"));
        assert_eq!(
            s.issued_on,
            Some(date!(1975 - 03 - 20)),
            "the signing line, not the birth"
        );
        assert_eq!(s.dates, vec![date!(1975 - 03 - 12), date!(1975 - 03 - 20)]);
    }

    #[test]
    fn a_land_use_certificate_and_an_enterprise_registration() {
        let land = "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG TỈNH QUẢNG NAM\n\
                    GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT\n\
                    1. Người sử dụng đất: Ông Nguyễn Văn Đức, CCCD số 049075001234\n\
                    Thửa đất số: 215, tờ bản đồ số: 18\n\
                    Ngày cấp: 21/08/2019\n\
                    Số vào sổ cấp GCN: CS 04512\n";
        let s = suggest_fields(land, TODAY);
        assert_eq!(s.owner_ids, vec!["049075001234"]);
        assert_eq!(
            s.issuer.as_deref(),
            Some("Sở Tài nguyên và Môi trường tỉnh Quảng Nam")
        );
        assert_eq!(s.issued_on, Some(date!(2019 - 08 - 21)));
        // "Số vào sổ ...:" and "Thửa đất số:" are not the paper's number line.
        assert_eq!(s.doc_number, None);

        let enterprise = "SỞ KẾ HOẠCH VÀ ĐẦU TƯ THÀNH PHỐ HÀ NỘI\n\
                          PHÒNG ĐĂNG KÝ KINH DOANH\n\
                          GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP\n\
                          Mã số doanh nghiệp: 0100109106\n\
                          Đăng ký lần đầu: ngày 01 tháng 06 năm 2020\n\
                          Tên công ty viết bằng tiếng Việt: CÔNG TY TNHH THƯƠNG MẠI HÒA BÌNH\n\
                          Chi nhánh: 0100109106-001\n";
        let s = suggest_fields(enterprise, TODAY);
        assert_eq!(s.owner_ids, vec!["0100109106", "0100109106-001"]);
        assert_eq!(
            s.issuer.as_deref(),
            Some("Sở Kế hoạch và Đầu tư thành phố Hà Nội")
        );
        assert_eq!(
            s.owner_name.as_deref(),
            Some("CÔNG TY TNHH THƯƠNG MẠI HÒA BÌNH"),
            "a company's name is kept as written"
        );
        assert_eq!(s.dates, vec![date!(2020 - 06 - 01)]);
    }

    #[test]
    fn what_does_not_pass_is_not_suggested() {
        let text = "Họ và tên: Trần Thị Thuý\n\
                    Số CCCD: 04907500123 (11 chữ số)\n\
                    Mã số thuế: 0100109107\n\
                    Số điện thoại: 0905123456\n\
                    Ngày hẹn trả: 31/02/2025, lập ngày 15/13/2024; hạn 01/01/2030\n\
                    Số định danh: 049075001234\n";
        let s = suggest_fields(text, TODAY);
        // 11 digits, a bad check digit, a phone number (this one passes the enterprise
        // code's check digit): none is an owner ID.
        assert_eq!(s.owner_ids, vec!["049075001234"]);
        assert_eq!(s.owner_name.as_deref(), Some("Trần Thị Thuý"));
        // Dates that do not exist, or lie in the future, are not suggested.
        assert!(s.dates.is_empty(), "{:?}", s.dates);
        assert_eq!(s.issued_on, None);
        assert_eq!(s.doc_number, None, "\"Số CCCD:\" names no paper number");
        assert_eq!(s.issuer, None, "\"Số định danh: ...\" is no agency (Sở)");
    }

    #[test]
    fn ocr_text_with_labels_in_other_forms() {
        let text = "UBND PHƯỜNG LÁNG HẠ\n\
                    Số: 207/XNTTHN\n\
                    GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN\n\
                    Họ, chữ đệm, tên: Phạm Thị Hoa\n\
                    Nơi cư trú: phường Láng Hạ, quận Đống Đa, thành phố Hà Nội\n\
                    Giấy tờ tùy thân: CCCD số 001196054321 cấp ngày 05/03/2021\n\
                    Láng Hạ, ngày 01 tháng 09 năm 2026\n";
        let s = suggest_fields(text, TODAY);
        assert_eq!(s.owner_ids, vec!["001196054321"]);
        assert_eq!(s.owner_name.as_deref(), Some("Phạm Thị Hoa"));
        assert_eq!(s.doc_number.as_deref(), Some("207/XNTTHN"));
        assert_eq!(s.issuer.as_deref(), Some("UBND phường Láng Hạ"));
        // "cấp ngày 05/03/2021" is the ID card's issue date, written on the paper; the
        // labelled date wins over the signing line. The operator confirms either way.
        assert_eq!(s.issued_on, Some(date!(2021 - 03 - 05)));
        assert!(s.dates.contains(&date!(2026 - 09 - 01)));
    }

    #[test]
    fn nothing_from_empty_or_hostile_text() {
        assert_eq!(suggest_fields("", TODAY), Suggestions::default());
        let noise: String = "Số: ".repeat(50_000) + &"9".repeat(100_000);
        let s = suggest_fields(&noise, TODAY);
        assert!(s.owner_ids.is_empty());
        let s = suggest_fields("Họ và tên:\nSố:\nngày tháng năm\nỦY BAN NHÂN DÂN\n", TODAY);
        assert_eq!(s, Suggestions::default());
    }
}
