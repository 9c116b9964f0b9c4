//! Finding the signature dictionaries of a PDF in its raw bytes, and checking what they claim to
//! sign. Pure and byte-level on purpose: a signature is about bytes at offsets, and a signature
//! dictionary is never inside an object stream (its /ByteRange names raw file offsets), so the
//! raw bytes are the truth a parser's object model could hide (incremental updates, unreferenced
//! objects).

use time::OffsetDateTime;

const BYTE_RANGE_KEY: &[u8] = b"/ByteRange";
/// How far around a /ByteRange its dictionary is looked for (`obj` ... `endobj`).
const DICT_WINDOW: usize = 32 * 1024;

/// One signature dictionary as found, before any cryptography.
#[derive(Debug)]
pub(crate) struct Found<'a> {
    /// The two signed ranges, checked to lie inside the file, in order, around a hex string.
    pub ranges: Result<SignedRanges, String>,
    /// The signature value: the /Contents hex string the ranges leave out, still in hex.
    pub contents_hex: &'a [u8],
    pub sub_filter: Option<String>,
    /// The dictionary's /M: when the signer's software says it signed.
    pub claimed_time: Option<OffsetDateTime>,
}

/// `[start1 len1 start2 len2]`, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SignedRanges {
    pub first: (usize, usize),
    pub second: (usize, usize),
    pub covers_whole_file: bool,
}

impl SignedRanges {
    pub fn slices<'a>(&self, pdf: &'a [u8]) -> [&'a [u8]; 2] {
        [
            &pdf[self.first.0..self.first.0 + self.first.1],
            &pdf[self.second.0..self.second.0 + self.second.1],
        ]
    }

    /// Bytes of the file after the signed part (an incremental update).
    pub fn bytes_after(&self, len: usize) -> usize {
        len.saturating_sub(self.second.0 + self.second.1)
    }
}

/// Every signature dictionary in `pdf` (up to `max`), and how many more there were.
pub(crate) fn find_signatures(pdf: &[u8], max: usize) -> (Vec<Found<'_>>, usize) {
    let mut found = Vec::new();
    let mut more = 0;
    for at in positions(pdf, BYTE_RANGE_KEY) {
        let Some(numbers) = byte_range_numbers(&pdf[at + BYTE_RANGE_KEY.len()..]) else {
            continue;
        };
        if found.len() == max {
            more += 1;
            continue;
        }
        found.push(read_dictionary(pdf, at, &numbers));
    }
    (found, more)
}

fn positions<'a>(hay: &'a [u8], needle: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    hay.windows(needle.len())
        .enumerate()
        .filter(move |(_, w)| *w == needle)
        .map(|(i, _)| i)
}

/// The tokens of a `/ByteRange [...]` array as written, `None` when what follows the key is not
/// an array at all (the words "/ByteRange" in some text, not a dictionary key).
fn byte_range_numbers(after_key: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut rest = after_key.iter().skip_while(|b| b.is_ascii_whitespace());
    if rest.next() != Some(&b'[') {
        return None;
    }
    let mut tokens = Vec::new();
    let mut current = Vec::new();
    for &b in rest.take(256) {
        match b {
            b']' => {
                if !current.is_empty() {
                    tokens.push(current);
                }
                return Some(tokens);
            }
            b if b.is_ascii_whitespace() => {
                if !current.is_empty() {
                    tokens.push(std::mem::take(&mut current));
                }
            }
            b => current.push(b),
        }
        if tokens.len() > 8 {
            break;
        }
    }
    // No closing bracket close by: still a claimed signature, which lies.
    Some(tokens)
}

fn parse_ranges(pdf: &[u8], tokens: &[Vec<u8>]) -> Result<SignedRanges, String> {
    let numbers: Option<Vec<usize>> = tokens
        .iter()
        .map(|t| {
            std::str::from_utf8(t)
                .ok()
                .filter(|s| s.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|s| s.parse().ok())
        })
        .collect();
    let shown = tokens
        .iter()
        .map(|t| String::from_utf8_lossy(t).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    let Some([a, b, c, d]) = numbers
        .as_deref()
        .and_then(|n| <[usize; 4]>::try_from(n).ok())
    else {
        return Err(format!(
            "the /ByteRange [{shown}] is not four whole numbers"
        ));
    };
    let len = pdf.len();
    let (Some(end1), Some(end2)) = (a.checked_add(b), c.checked_add(d)) else {
        return Err(format!(
            "the /ByteRange [{shown}] points outside the file of {len} bytes"
        ));
    };
    if end1 > len || end2 > len {
        return Err(format!(
            "the /ByteRange [{shown}] points outside the file of {len} bytes"
        ));
    }
    if end1 > c {
        return Err(format!(
            "the two signed ranges of /ByteRange [{shown}] overlap or are out of order"
        ));
    }
    let gap = &pdf[end1..c];
    let is_hex_string = gap.len() >= 2
        && gap[0] == b'<'
        && gap[gap.len() - 1] == b'>'
        && gap[1..gap.len() - 1].iter().all(u8::is_ascii_hexdigit);
    if !is_hex_string {
        return Err(format!(
            "the bytes left out by /ByteRange [{shown}] are not just the /Contents hex string: \
             {} bytes of something else would be unsigned",
            gap.len()
        ));
    }
    Ok(SignedRanges {
        first: (a, b),
        second: (c, d),
        covers_whole_file: a == 0 && end2 == len,
    })
}

fn read_dictionary<'a>(pdf: &'a [u8], key_at: usize, tokens: &[Vec<u8>]) -> Found<'a> {
    let ranges = parse_ranges(pdf, tokens);
    let (gap_start, gap_end) = match &ranges {
        Ok(r) => (r.first.0 + r.first.1, r.second.0),
        Err(_) => (key_at, key_at),
    };
    let contents_hex = match &ranges {
        Ok(_) => &pdf[gap_start + 1..gap_end - 1],
        Err(_) => &[][..],
    };
    // The dictionary around the key and the signature value, without the value itself (which
    // may be megabytes of hex and can hold any bytes).
    let lo_from = key_at.min(gap_start);
    let hi_from = key_at.max(gap_end);
    let lo = last_position(&pdf[lo_from.saturating_sub(DICT_WINDOW)..lo_from], b"obj")
        .map(|i| lo_from.saturating_sub(DICT_WINDOW) + i)
        .unwrap_or(lo_from.saturating_sub(DICT_WINDOW));
    let hi_end = (hi_from + DICT_WINDOW).min(pdf.len());
    let hi = positions(&pdf[hi_from..hi_end], b"endobj")
        .next()
        .map(|i| hi_from + i)
        .unwrap_or(hi_end);
    let parts: [&[u8]; 2] = if gap_end > gap_start && lo <= gap_start && gap_end <= hi {
        [&pdf[lo..gap_start], &pdf[gap_end..hi]]
    } else {
        [&pdf[lo..hi], &[]]
    };
    let sub_filter = parts.iter().find_map(|p| name_after(p, b"/SubFilter"));
    let claimed_time = parts
        .iter()
        .find_map(|p| string_after(p, b"/M"))
        .and_then(|s| parse_pdf_date(&s));
    Found {
        ranges,
        contents_hex,
        sub_filter,
        claimed_time,
    }
}

fn last_position(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

fn is_delimiter(b: u8) -> bool {
    b.is_ascii_whitespace() || b"()<>[]{}/%".contains(&b)
}

/// The name value of `key` (`/SubFilter /ETSI.CAdES.detached` -> `ETSI.CAdES.detached`).
fn name_after(part: &[u8], key: &[u8]) -> Option<String> {
    positions(part, key).find_map(|at| {
        let rest = &part[at + key.len()..];
        if rest.first().is_some_and(|&b| !is_delimiter(b)) {
            return None; // a longer key that starts the same
        }
        let rest: Vec<u8> = rest
            .iter()
            .copied()
            .skip_while(u8::is_ascii_whitespace)
            .take(128)
            .collect();
        let name = rest.strip_prefix(b"/")?;
        let end = name
            .iter()
            .position(|&b| is_delimiter(b))
            .unwrap_or(name.len());
        Some(String::from_utf8_lossy(&name[..end]).into_owned())
    })
}

/// The literal string value of `key` (`/M (D:2024...)`), without escapes (dates have none).
fn string_after(part: &[u8], key: &[u8]) -> Option<String> {
    positions(part, key).find_map(|at| {
        let rest = &part[at + key.len()..];
        if rest.first().is_some_and(|&b| !is_delimiter(b)) {
            return None;
        }
        let rest: Vec<u8> = rest
            .iter()
            .copied()
            .skip_while(u8::is_ascii_whitespace)
            .take(64)
            .collect();
        let inner = rest.strip_prefix(b"(")?;
        let end = inner.iter().position(|&b| b == b')')?;
        Some(String::from_utf8_lossy(&inner[..end]).into_owned())
    })
}

/// A PDF date, `D:YYYYMMDDHHmmSSOHH'mm'` with everything after the year optional.
pub(crate) fn parse_pdf_date(s: &str) -> Option<OffsetDateTime> {
    let s = s.strip_prefix("D:").unwrap_or(s);
    let digits = |from: usize, len: usize, default: u32| -> Option<u32> {
        match s.get(from..from + len) {
            Some(part) if part.bytes().all(|b| b.is_ascii_digit()) => part.parse().ok(),
            Some(_) => None,
            None => Some(default),
        }
    };
    let year = digits(0, 4, 0).filter(|_| s.len() >= 4)?;
    let month = digits(4, 2, 1)?;
    let day = digits(6, 2, 1)?;
    let hour = digits(8, 2, 0)?;
    let minute = digits(10, 2, 0)?;
    let second = digits(12, 2, 0)?;
    let offset_seconds = match s.as_bytes().get(14) {
        Some(&sign @ (b'+' | b'-')) => {
            let hours = digits(15, 2, 0)? as i32;
            let minutes = s
                .get(18..20)
                .and_then(|m| m.parse::<i32>().ok())
                .unwrap_or(0);
            let total = hours * 3600 + minutes * 60;
            if sign == b'-' {
                -total
            } else {
                total
            }
        }
        _ => 0,
    };
    let date = time::Date::from_calendar_date(
        year as i32,
        time::Month::try_from(month as u8).ok()?,
        day as u8,
    )
    .ok()?;
    let clock = time::Time::from_hms(hour as u8, minute as u8, second as u8).ok()?;
    let offset = time::UtcOffset::from_whole_seconds(offset_seconds).ok()?;
    Some(
        time::PrimitiveDateTime::new(date, clock)
            .assume_offset(offset)
            .to_offset(time::UtcOffset::UTC),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file shaped like a signed PDF: `prefix`, the dictionary with the value, `suffix`.
    fn signed_like(byte_range: &str, contents: &str) -> Vec<u8> {
        format!(
            "%PDF-1.7\n1 0 obj\n<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/ETSI.CAdES.detached\
             /M(D:20240501103000+07'00')/ByteRange {byte_range}/Contents <{contents}>>>\nendobj\n%%EOF\n"
        )
        .into_bytes()
    }

    fn honest(contents: &str) -> Vec<u8> {
        // Find the offsets the honest way, then write them in (same width).
        let draft = signed_like("[0 0000000000 0000000000 0000000000]", contents);
        let text = String::from_utf8(draft.clone()).unwrap();
        let lt = text.find("/Contents <").unwrap() + "/Contents ".len();
        let gt = lt + contents.len() + 2;
        let range = format!("[0 {lt:010} {gt:010} {:010}]", draft.len() - gt);
        signed_like(&range, contents)
    }

    #[test]
    fn an_honest_dictionary_is_found_with_its_filter_and_time() {
        let pdf = honest("3082ABCD");
        let (found, more) = find_signatures(&pdf, 16);
        assert_eq!((found.len(), more), (1, 0));
        let sig = &found[0];
        let ranges = sig.ranges.as_ref().unwrap();
        assert!(ranges.covers_whole_file);
        assert_eq!(sig.contents_hex, b"3082ABCD");
        assert_eq!(sig.sub_filter.as_deref(), Some("ETSI.CAdES.detached"));
        assert_eq!(
            sig.claimed_time.unwrap(),
            time::macros::datetime!(2024-05-01 03:30:00 UTC)
        );
        // Appending bytes (an incremental update) leaves the signature but not the whole file.
        let mut updated = pdf.clone();
        updated.extend_from_slice(b"2 0 obj\n(changed)\nendobj\n");
        let (found, _) = find_signatures(&updated, 16);
        let ranges = found[0].ranges.as_ref().unwrap();
        assert!(!ranges.covers_whole_file);
        assert_eq!(ranges.bytes_after(updated.len()), 25);
    }

    #[test]
    fn lying_byte_ranges_are_named() {
        let cases = [
            ("[0 10 99999999 10]", "outside the file"),
            ("[0 18446744073709551615 5 5]", "outside the file"),
            ("[0 100 50 10]", "overlap or are out of order"),
            ("[0 10 20 5]", "not just the /Contents hex string"),
            ("[0 10 20]", "not four whole numbers"),
            ("[0 -10 20 5]", "not four whole numbers"),
            (
                "[0 ********** ********** **********]",
                "not four whole numbers",
            ),
        ];
        for (range, why) in cases {
            let pdf = signed_like(range, "00");
            let (found, _) = find_signatures(&pdf, 16);
            assert_eq!(found.len(), 1, "{range}");
            let err = found[0].ranges.as_ref().unwrap_err();
            assert!(err.contains(why), "{range}: {err}");
        }
    }

    #[test]
    fn text_that_mentions_the_key_is_no_signature_and_many_are_capped() {
        let (found, _) = find_signatures(b"BT (see /ByteRange in the spec) Tj ET", 16);
        assert!(found.is_empty());
        let mut many = Vec::new();
        for i in 0..40 {
            many.extend_from_slice(
                format!("{i} 0 obj<</ByteRange [0 {i} 5 5]>>endobj\n").as_bytes(),
            );
        }
        let (found, more) = find_signatures(&many, 16);
        assert_eq!((found.len(), more), (16, 24));
    }

    #[test]
    fn pdf_dates_parse_with_and_without_their_parts() {
        assert_eq!(
            parse_pdf_date("D:20240501").unwrap(),
            time::macros::datetime!(2024-05-01 0:00 UTC)
        );
        assert_eq!(
            parse_pdf_date("D:20240501103000Z").unwrap(),
            time::macros::datetime!(2024-05-01 10:30 UTC)
        );
        assert!(parse_pdf_date("D:2024135").is_none());
        assert!(parse_pdf_date("yesterday").is_none());
    }
}
