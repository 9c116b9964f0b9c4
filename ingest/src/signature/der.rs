//! Just enough DER (X.690) to walk a CMS SignedData and to write one: tag, length, value. The
//! reader never recurses on its own and checks every length against what is left, so a lying
//! length is an error, not a read past the end or a large allocation.

use std::fmt;

pub const SEQUENCE: u8 = 0x30;
pub const SET: u8 = 0x31;
pub const INTEGER: u8 = 0x02;
pub const OCTET_STRING: u8 = 0x04;
pub const NULL: u8 = 0x05;
pub const OID: u8 = 0x06;
pub const UTC_TIME: u8 = 0x17;
pub const GENERALIZED_TIME: u8 = 0x18;
/// `[0]` constructed (EXPLICIT, or IMPLICIT over a SET/SEQUENCE).
pub const CONTEXT_0: u8 = 0xA0;
/// `[1]` constructed.
pub const CONTEXT_1: u8 = 0xA1;
/// `[0]` primitive (an IMPLICIT subjectKeyIdentifier in a SignerIdentifier).
pub const CONTEXT_0_PRIMITIVE: u8 = 0x80;

/// Why bytes are not the DER that was expected; `what` names the structure being read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerError {
    pub what: &'static str,
    pub why: &'static str,
}

impl fmt::Display for DerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.what, self.why)
    }
}

/// One DER element: its tag, its content, and its whole encoding (tag and length included).
#[derive(Debug, Clone, Copy)]
pub struct Element<'a> {
    pub tag: u8,
    pub content: &'a [u8],
    pub encoded: &'a [u8],
}

impl<'a> Element<'a> {
    /// The elements inside a constructed element.
    pub fn children(&self) -> Reader<'a> {
        Reader::new(self.content)
    }

    pub fn expect(self, tag: u8, what: &'static str) -> Result<Self, DerError> {
        if self.tag == tag {
            Ok(self)
        } else {
            Err(DerError {
                what,
                why: "unexpected tag",
            })
        }
    }
}

/// Reads consecutive elements from a buffer.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { rest: bytes }
    }

    pub fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// What has not been read yet.
    pub fn rest(&self) -> &'a [u8] {
        self.rest
    }

    /// The next element, whatever its tag.
    pub fn any(&mut self, what: &'static str) -> Result<Element<'a>, DerError> {
        let err = |why| DerError { what, why };
        let bytes = self.rest;
        let (&tag, after_tag) = bytes.split_first().ok_or(err("ends early"))?;
        if tag & 0x1F == 0x1F {
            return Err(err("multi-byte tags are not used by CMS"));
        }
        let (&first, mut after_len) = after_tag.split_first().ok_or(err("ends early"))?;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let n = usize::from(first & 0x7F);
            if n == 0 {
                return Err(err("indefinite length is not DER"));
            }
            if n > 4 {
                return Err(err("length longer than 4 bytes"));
            }
            if after_len.len() < n {
                return Err(err("ends early"));
            }
            let (len_bytes, rest) = after_len.split_at(n);
            after_len = rest;
            len_bytes
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | usize::from(b))
        };
        if after_len.len() < len {
            return Err(err("a length runs past the end"));
        }
        let header = bytes.len() - after_len.len();
        let (content, rest) = after_len.split_at(len);
        self.rest = rest;
        Ok(Element {
            tag,
            content,
            encoded: &bytes[..header + len],
        })
    }

    /// The next element, which must have `tag`.
    pub fn next(&mut self, tag: u8, what: &'static str) -> Result<Element<'a>, DerError> {
        self.any(what)?.expect(tag, what)
    }

    /// The next element if it has `tag`; nothing is consumed otherwise.
    pub fn optional(
        &mut self,
        tag: u8,
        what: &'static str,
    ) -> Result<Option<Element<'a>>, DerError> {
        if self.rest.first() == Some(&tag) {
            self.any(what).map(Some)
        } else {
            Ok(None)
        }
    }
}

/// An OID in dotted form, for messages and matching (`1.2.840.113549.1.7.2`).
pub fn oid_string(content: &[u8]) -> String {
    let mut arcs: Vec<u64> = Vec::new();
    let mut value: u64 = 0;
    for &b in content {
        value = value
            .saturating_mul(128)
            .saturating_add(u64::from(b & 0x7F));
        if b & 0x80 == 0 {
            if arcs.is_empty() {
                let (first, second) = match value {
                    0..=39 => (0, value),
                    40..=79 => (1, value - 40),
                    _ => (2, value - 80),
                };
                arcs.push(first);
                arcs.push(second);
            } else {
                arcs.push(value);
            }
            value = 0;
        }
    }
    arcs.iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

/// Encodes one element.
pub fn encode(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// Encodes a constructed element from already-encoded parts.
pub fn encode_parts(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
    encode(tag, &parts.concat())
}

/// Encodes an OID given in dotted form. Only for the constant OIDs kho writes.
pub fn encode_oid(dotted: &str) -> Vec<u8> {
    let arcs: Vec<u64> = dotted.split('.').filter_map(|a| a.parse().ok()).collect();
    let mut content = Vec::new();
    if arcs.len() >= 2 {
        push_base128(&mut content, arcs[0] * 40 + arcs[1]);
        for &arc in &arcs[2..] {
            push_base128(&mut content, arc);
        }
    }
    encode(OID, &content)
}

fn push_base128(out: &mut Vec<u8>, mut value: u64) {
    let mut stack = vec![(value & 0x7F) as u8];
    value >>= 7;
    while value > 0 {
        stack.push(0x80 | (value & 0x7F) as u8);
        value >>= 7;
    }
    out.extend(stack.iter().rev());
}

/// An AlgorithmIdentifier with absent parameters (what RFC 5754 asks for SHA-2 digests).
pub fn algorithm(dotted: &str) -> Vec<u8> {
    encode(SEQUENCE, &encode_oid(dotted))
}

/// An AlgorithmIdentifier with NULL parameters (what RFC 3279 asks for RSA).
pub fn algorithm_null(dotted: &str) -> Vec<u8> {
    encode_parts(SEQUENCE, &[&encode_oid(dotted), &[NULL, 0]])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oids_round_trip() {
        for oid in [
            "1.2.840.113549.1.7.2",
            "2.16.840.1.101.3.4.2.1",
            "1.2.840.113549.1.9.16.2.47",
        ] {
            let encoded = encode_oid(oid);
            let element = Reader::new(&encoded).next(OID, "oid").unwrap();
            assert_eq!(oid_string(element.content), oid);
        }
    }

    #[test]
    fn long_lengths_round_trip_and_lies_are_errors() {
        let content = vec![7u8; 70_000];
        let encoded = encode(OCTET_STRING, &content);
        let mut reader = Reader::new(&encoded);
        let element = reader.next(OCTET_STRING, "x").unwrap();
        assert_eq!(element.content.len(), 70_000);
        assert!(reader.is_empty());
        // The same header over fewer bytes: the length runs past the end.
        assert!(Reader::new(&encoded[..1000]).any("x").is_err());
        // Indefinite length, 5-byte length, empty input.
        assert!(Reader::new(&[0x30, 0x80, 0, 0]).any("x").is_err());
        assert!(Reader::new(&[0x04, 0x85, 1, 0, 0, 0, 0]).any("x").is_err());
        assert!(Reader::new(&[]).any("x").is_err());
    }
}
