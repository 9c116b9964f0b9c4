//! CMaps as pdf-extract reads them: the ToUnicode map of a font (character code to UTF-16BE) and
//! the byte mapping of an encoding CMap (code space and CID ranges).
//!
//! This crate replaces crates.io's `adobe-cmap-parser` 0.4.1 (MIT, Jeff Muizelaar) in kho's
//! build, with the same public API and the same reading of `beginbfchar`, `beginbfrange` and
//! `begincidrange` (the two mapping functions follow the original's logic). What changed is the
//! tokenizer: the original is a pom grammar that tries every kind of value in turn and formats
//! an error message for each one that does not match, so that reading one hex string cost eight
//! formatted messages; on one-page PDFs with embedded subset fonts that was half of kho's
//! ingest time (docs/benchmarks.md, "Born-digital PDFs with embedded fonts"). Here each value is
//! recognised by its first byte. Malformed input is an error, never a panic.

#![forbid(unsafe_code)]

use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    LiteralString(Vec<u8>),
    Name(Vec<u8>),
    Number(String),
    Integer(i64),
    Array(Vec<Value>),
    Operator(String),
    Boolean(bool),
    Dictionary(HashMap<String, Value>),
}

/// Why a CMap could not be read: what was found, and at which byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: &'static str,
    pub position: usize,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at byte {}", self.message, self.position)
    }
}

impl std::error::Error for ParseError {}

/// Nesting of arrays, dictionaries and literal strings deeper than this is refused (a CMap
/// needs two levels).
const MAX_DEPTH: usize = 64;

fn is_white(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\0' | b'\x0c')
}

fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

struct Lexer<'a> {
    input: &'a [u8],
    at: usize,
}

impl<'a> Lexer<'a> {
    fn error(&self, message: &'static str) -> ParseError {
        ParseError {
            message,
            position: self.at,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.input.get(self.at).copied()
    }

    /// Skips white space and comments.
    fn skip(&mut self) {
        while let Some(b) = self.peek() {
            if is_white(b) {
                self.at += 1;
            } else if b == b'%' {
                while let Some(c) = self.peek() {
                    if c == b'\r' || c == b'\n' {
                        break;
                    }
                    self.at += 1;
                }
            } else {
                break;
            }
        }
    }

    /// A run of regular characters (neither white space nor a delimiter).
    fn regular(&mut self) -> &'a [u8] {
        let start = self.at;
        while let Some(b) = self.peek() {
            if is_white(b) || is_delimiter(b) {
                break;
            }
            self.at += 1;
        }
        &self.input[start..self.at]
    }

    fn value(&mut self, depth: usize) -> Result<Value, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        let first = self.peek().ok_or_else(|| self.error("unexpected end"))?;
        match first {
            b'<' if self.input.get(self.at + 1) == Some(&b'<') => {
                self.at += 2;
                let mut dict = HashMap::new();
                loop {
                    self.skip();
                    match self.peek() {
                        Some(b'>') if self.input.get(self.at + 1) == Some(&b'>') => {
                            self.at += 2;
                            return Ok(Value::Dictionary(dict));
                        }
                        Some(b'/') => {
                            let Value::Name(key) = self.value(depth + 1)? else {
                                return Err(self.error("a dictionary key must be a name"));
                            };
                            self.skip();
                            let value = self.value(depth + 1)?;
                            dict.insert(String::from_utf8_lossy(&key).into_owned(), value);
                        }
                        _ => return Err(self.error("a dictionary key must be a name")),
                    }
                }
            }
            b'<' => {
                self.at += 1;
                let mut digits = Vec::new();
                loop {
                    match self.peek() {
                        Some(b'>') => {
                            self.at += 1;
                            break;
                        }
                        Some(b) if is_white(b) => self.at += 1,
                        Some(b) if b.is_ascii_hexdigit() => {
                            digits.push(b);
                            self.at += 1;
                        }
                        _ => return Err(self.error("bad hex string")),
                    }
                }
                // Pairs of digits; a lone last digit is an error, as it was for the original.
                if digits.len() % 2 == 1 {
                    return Err(self.error("odd number of digits in a hex string"));
                }
                let bytes = digits
                    .chunks(2)
                    .map(|pair| (hex(pair[0]) << 4) | hex(pair[1]))
                    .collect();
                Ok(Value::LiteralString(bytes))
            }
            b'(' => self.literal_string(depth).map(Value::LiteralString),
            b'[' => {
                self.at += 1;
                let mut items = Vec::new();
                loop {
                    self.skip();
                    match self.peek() {
                        Some(b']') => {
                            self.at += 1;
                            return Ok(Value::Array(items));
                        }
                        Some(_) => items.push(self.value(depth + 1)?),
                        None => return Err(self.error("unterminated array")),
                    }
                }
            }
            b'/' => {
                self.at += 1;
                let raw = self.regular();
                let mut name = Vec::with_capacity(raw.len());
                let mut i = 0;
                while i < raw.len() {
                    match (raw[i], raw.get(i + 1), raw.get(i + 2)) {
                        (b'#', Some(&a), Some(&b))
                            if a.is_ascii_hexdigit() && b.is_ascii_hexdigit() =>
                        {
                            name.push((hex(a) << 4) | hex(b));
                            i += 3;
                        }
                        (c, _, _) => {
                            name.push(c);
                            i += 1;
                        }
                    }
                }
                Ok(Value::Name(name))
            }
            b')' | b'>' | b']' | b'}' => Err(self.error("unexpected closing delimiter")),
            b'{' => {
                // Procedures do not occur in the CMaps of PDFs; read the brace as an operator.
                self.at += 1;
                Ok(Value::Operator((first as char).to_string()))
            }
            _ => {
                let token = self.regular();
                if token.is_empty() {
                    return Err(self.error("unexpected byte"));
                }
                let text = String::from_utf8_lossy(token).into_owned();
                Ok(match text.as_str() {
                    "true" => Value::Boolean(true),
                    "false" => Value::Boolean(false),
                    _ => {
                        if let Ok(integer) = text.parse::<i64>() {
                            Value::Integer(integer)
                        } else if is_real(token) {
                            Value::Number(text)
                        } else {
                            Value::Operator(text)
                        }
                    }
                })
            }
        }
    }

    /// `( ... )` with balanced parentheses and backslash escapes, as bytes without the outer
    /// parentheses.
    fn literal_string(&mut self, depth: usize) -> Result<Vec<u8>, ParseError> {
        self.at += 1;
        let mut out = Vec::new();
        let mut open = 1usize;
        loop {
            let b = self
                .peek()
                .ok_or_else(|| self.error("unterminated string"))?;
            self.at += 1;
            match b {
                b'(' => {
                    open += 1;
                    if open > MAX_DEPTH + depth {
                        return Err(self.error("nested too deeply"));
                    }
                    out.push(b);
                }
                b')' => {
                    open -= 1;
                    if open == 0 {
                        return Ok(out);
                    }
                    out.push(b);
                }
                b'\\' => {
                    let e = self
                        .peek()
                        .ok_or_else(|| self.error("unterminated string"))?;
                    self.at += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(0x08),
                        b'f' => out.push(0x0c),
                        b'0'..=b'7' => {
                            let mut code = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        code = code * 8 + u32::from(d - b'0');
                                        self.at += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push(code as u8);
                        }
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.at += 1;
                            }
                        }
                        b'\n' => {}
                        other => out.push(other),
                    }
                }
                other => out.push(other),
            }
        }
    }
}

fn hex(digit: u8) -> u8 {
    match digit {
        b'0'..=b'9' => digit - b'0',
        b'a'..=b'f' => digit - b'a' + 10,
        _ => digit - b'A' + 10,
    }
}

fn is_real(token: &[u8]) -> bool {
    let digits = token
        .strip_prefix(b"+")
        .or_else(|| token.strip_prefix(b"-"))
        .unwrap_or(token);
    let dots = digits.iter().filter(|&&b| b == b'.').count();
    dots == 1 && digits.len() > 1 && digits.iter().all(|&b| b == b'.' || b.is_ascii_digit())
}

/// Every value of a CMap, in order.
pub fn parse(input: &[u8]) -> Result<Vec<Value>, ParseError> {
    let mut lexer = Lexer { input, at: 0 };
    let mut values = Vec::new();
    loop {
        lexer.skip();
        if lexer.peek().is_none() {
            return Ok(values);
        }
        values.push(lexer.value(0)?);
    }
}

fn as_code(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .fold(0u32, |code, &b| (code << 8) | u32::from(b))
}

/// The count before a `begin...` operator.
fn count_before(lexed: &[Value], i: usize, what: &'static str) -> Result<usize, &'static str> {
    match i.checked_sub(1).and_then(|j| lexed.get(j)) {
        Some(Value::Integer(c)) if *c >= 0 => Ok(*c as usize),
        _ => Err(what),
    }
}

fn string_at<'v>(
    lexed: &'v [Value],
    i: usize,
    what: &'static str,
) -> Result<&'v [u8], &'static str> {
    match lexed.get(i) {
        Some(Value::LiteralString(s)) => Ok(s),
        _ => Err(what),
    }
}

/// Codes mapped by one `bfrange` at most: a CMap cannot make kho allocate without bound.
const MAX_RANGE: u32 = 1 << 16;

/// Return a mapping from character codes to Unicode character sequences expressed in UTF-16BE
/// encoding.
pub fn get_unicode_map(input: &[u8]) -> Result<HashMap<u32, Vec<u8>>, &'static str> {
    let lexed = parse(input).map_err(|_| "failed to parse")?;
    let mut i = 0;
    let mut map = HashMap::new();
    while i < lexed.len() {
        match &lexed[i] {
            Value::Operator(o) if o == "beginbfchar" => {
                let count = count_before(&lexed, i, "beginbfchar exected int")?;
                i += 1;
                for _ in 0..count {
                    let code = string_at(&lexed, i, "beginbfchar exected hexstring")?;
                    let unicode = string_at(&lexed, i + 1, "beginbfchar exected hexstring")?;
                    map.insert(as_code(code), unicode.to_vec());
                    i += 2;
                }
                i += 1;
            }
            Value::Operator(o) if o == "beginbfrange" => {
                let count = count_before(&lexed, i, "beginbfrange exected int")?;
                i += 1;
                for _ in 0..count {
                    let lower = as_code(string_at(&lexed, i, "beginbfrange exected hexstring")?);
                    let upper =
                        as_code(string_at(&lexed, i + 1, "beginbfrange exected hexstring")?);
                    if upper < lower || upper - lower >= MAX_RANGE {
                        return Err("bad bfrange");
                    }
                    match lexed.get(i + 2) {
                        Some(Value::LiteralString(start)) => match start.len() {
                            4 => {
                                let first = as_code(start);
                                for c in lower..=upper {
                                    let code = first.wrapping_add(c - lower);
                                    map.insert(c, code.to_be_bytes().to_vec());
                                }
                            }
                            2 => {
                                let first = as_code(start) as u16;
                                for c in lower..=upper {
                                    let code = first.wrapping_add((c - lower) as u16);
                                    map.insert(c, code.to_be_bytes().to_vec());
                                }
                            }
                            _ => return Err("bad length of hexstring"),
                        },
                        Some(Value::Array(codes)) => {
                            if (upper - lower + 1) as usize != codes.len() {
                                return Err("bad length of array");
                            }
                            for (c, unicode) in (lower..=upper).zip(codes) {
                                let Value::LiteralString(s) = unicode else {
                                    return Err("beginbfrange exected hexstring");
                                };
                                map.insert(c, s.clone());
                            }
                        }
                        _ => return Err("beginbfrange exected array or literal"),
                    }
                    i += 3;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    Ok(map)
}

fn as_code_range(start: &[u8], end: &[u8]) -> Result<CodeRange, &'static str> {
    if start.len() != end.len() {
        return Err("codespace range bounds of different lengths");
    }
    Ok(CodeRange {
        start: as_code(start),
        end: as_code(end),
        width: start.len() as u32 / 2,
    })
}

#[derive(Debug)]
pub struct CodeRange {
    pub width: u32,
    pub start: u32,
    pub end: u32,
}

/// (The field names are the original crate's, which pdf-extract uses.)
#[derive(Debug)]
#[allow(non_snake_case)]
pub struct CIDRange {
    pub src_code_lo: u32,
    pub src_code_hi: u32,
    pub dst_CID_lo: u32,
}

#[derive(Debug)]
pub struct ByteMapping {
    pub codespace: Vec<CodeRange>,
    pub cid: Vec<CIDRange>,
}

/// The code space and CID ranges of an encoding CMap.
pub fn get_byte_mapping(input: &[u8]) -> Result<ByteMapping, &'static str> {
    let lexed = parse(input).map_err(|_| "failed to parse")?;
    let mut i = 0;
    let mut result = ByteMapping {
        codespace: Vec::new(),
        cid: Vec::new(),
    };
    while i < lexed.len() {
        match &lexed[i] {
            Value::Operator(o) if o == "begincodespacerange" => {
                let count = count_before(&lexed, i, "begincodespacerange exected int")?;
                i += 1;
                for _ in 0..count {
                    let start = string_at(&lexed, i, "begincodespacerange exected hexstring")?;
                    let end = string_at(&lexed, i + 1, "begincodespacerange exected hexstring")?;
                    result.codespace.push(as_code_range(start, end)?);
                    i += 2;
                }
                i += 1;
            }
            Value::Operator(o) if o == "begincidrange" => {
                let count = count_before(&lexed, i, "begincidrange exected int")?;
                i += 1;
                for _ in 0..count {
                    let start = string_at(&lexed, i, "begincidrange exected hexstring")?;
                    let end = string_at(&lexed, i + 1, "begincidrange exected hexstring")?;
                    let Some(Value::Integer(offset)) = lexed.get(i + 2) else {
                        return Err("begincidrange exected int");
                    };
                    result.cid.push(CIDRange {
                        src_code_lo: as_code(start),
                        src_code_hi: as_code(end),
                        dst_CID_lo: *offset as u32,
                    });
                    // Three values a range (the original stepped by two, and so refused every
                    // CMap with more than one range).
                    i += 3;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ToUnicode CMap as cairo writes it (dictionary, comments, both kinds of entries).
    const TO_UNICODE: &[u8] = b"%!PS-Adobe-3.0 Resource-CMap
/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo
<< /Registry (Adobe)
   /Ordering (UCS)
   /Supplement 0
>> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <ffff>
endcodespacerange
3 beginbfchar
<0001> <0043>
<0002> <1ed8>
<0003> <00640309>
endbfchar
2 beginbfrange
<0010> <0012> <0061>
<0020> <0021> [<0110> <0111>]
endbfrange
endcmap
CMapName currentdict /CMap defineresource pop
end
end
";

    #[test]
    fn reads_bfchar_and_both_kinds_of_bfrange() {
        let map = get_unicode_map(TO_UNICODE).unwrap();
        assert_eq!(map[&1], vec![0x00, 0x43]);
        assert_eq!(map[&2], vec![0x1e, 0xd8]); // Ộ
        assert_eq!(map[&3], vec![0x00, 0x64, 0x03, 0x09]); // d + combining hook
        assert_eq!(map[&0x10], vec![0x00, 0x61]);
        assert_eq!(map[&0x12], vec![0x00, 0x63]);
        assert_eq!(map[&0x20], vec![0x01, 0x10]); // Đ
        assert_eq!(map[&0x21], vec![0x01, 0x11]); // đ
        assert_eq!(map.len(), 3 + 3 + 2);
    }

    #[test]
    fn reads_values_as_the_original_did() {
        let values =
            parse(b"/A#20b 12 -3 1.5 true (a\\(b\\)c\\101) <4 1> [1 /x] << /K (v) >> def").unwrap();
        assert_eq!(values[0], Value::Name(b"A b".to_vec()));
        assert_eq!(values[1], Value::Integer(12));
        assert_eq!(values[2], Value::Integer(-3));
        assert_eq!(values[3], Value::Number("1.5".into()));
        assert_eq!(values[4], Value::Boolean(true));
        assert_eq!(values[5], Value::LiteralString(b"a(b)cA".to_vec()));
        assert_eq!(values[6], Value::LiteralString(vec![0x41]));
        assert_eq!(
            values[7],
            Value::Array(vec![Value::Integer(1), Value::Name(b"x".to_vec())])
        );
        let Value::Dictionary(d) = &values[8] else {
            panic!("{:?}", values[8]);
        };
        assert_eq!(d["K"], Value::LiteralString(b"v".to_vec()));
        assert_eq!(values[9], Value::Operator("def".into()));
    }

    #[test]
    fn byte_mapping_of_an_encoding_cmap() {
        let cmap = b"1 begincodespacerange <00> <ff> endcodespacerange
2 begincidrange <20> <7e> 1 <a0> <ff> 96 endcidrange";
        let mapping = get_byte_mapping(cmap).unwrap();
        assert_eq!(mapping.codespace.len(), 1);
        assert_eq!(
            (mapping.codespace[0].start, mapping.codespace[0].end),
            (0, 255)
        );
        assert_eq!(mapping.cid.len(), 2);
        assert_eq!(mapping.cid[1].src_code_lo, 0xa0);
        assert_eq!(mapping.cid[1].dst_CID_lo, 96);
    }

    #[test]
    fn malformed_cmaps_are_errors_not_panics() {
        for bad in [
            &b"beginbfchar <01> <41> endbfchar"[..],
            b"1 beginbfchar <01> endbfchar",
            b"1 beginbfrange <00000> <fffff> <0041> endbfrange",
            b"1 beginbfrange <02> <01> <0041> endbfrange",
            b"1 beginbfrange <01> <02> <004100> endbfrange",
            b"1 beginbfchar <0 1> <4",
            b"(unterminated",
            b"[[[[",
            b"<< 1 2 >>",
            b">",
            &[b'['; 1000],
        ] {
            assert!(
                get_unicode_map(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
        assert!(get_byte_mapping(b"1 begincodespacerange <00> <ffff> endcodespacerange").is_err());
    }
}
