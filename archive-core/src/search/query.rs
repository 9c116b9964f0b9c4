//! The query language a clerk types: words (all must match), "phrases", prefixes (`nguy*`),
//! `-word` to exclude; a personal ID, an enterprise code or a dossier/result code typed alone is
//! looked up as an identifier first. Parsing is pure and never panics; a malformed query gets an
//! error that says what to fix.

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 1000;
/// Most clauses in one query.
pub const MAX_CLAUSES: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClauseKind {
    /// Tokens that must appear in this order (one token: a single word).
    Words(Vec<String>),
    /// A word prefix (folded), from `nguy*`.
    Prefix(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    pub kind: ClauseKind,
    pub negated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedQuery {
    pub clauses: Vec<Clause>,
    /// The query is exactly an identifier (owner ID, enterprise code, dossier or result code),
    /// upper-cased as stored.
    pub identifier: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("the query is longer than {MAX_QUERY_CHARS} characters")]
    TooLong,
    #[error("the query has more than {MAX_CLAUSES} words and phrases")]
    TooManyClauses,
    #[error("a quotation mark is not closed: write \"...\" around a phrase")]
    UnclosedQuote,
    #[error("a prefix needs at least 2 letters before the *: {0:?}")]
    ShortPrefix(String),
    #[error("the query only excludes words (-word); add a word to search for")]
    OnlyExclusions,
}

impl QueryError {
    /// The error in the message table's words (the API and the web answer with it).
    pub fn message(&self) -> schemas::messages::Message {
        use schemas::messages::{self as m, Message};
        match self {
            QueryError::TooLong => Message::new(&m::SEARCH_TOO_LONG).with("max", MAX_QUERY_CHARS),
            QueryError::TooManyClauses => {
                Message::new(&m::SEARCH_TOO_MANY_CLAUSES).with("max", MAX_CLAUSES)
            }
            QueryError::UnclosedQuote => Message::new(&m::SEARCH_UNCLOSED_QUOTE),
            QueryError::ShortPrefix(word) => {
                Message::new(&m::SEARCH_SHORT_PREFIX).with("word", format!("\"{word}\""))
            }
            QueryError::OnlyExclusions => Message::new(&m::SEARCH_ONLY_EXCLUSIONS),
        }
    }
}

/// The words of a text as the index cuts them: runs of letters and digits (the rule of
/// [`super::words`]).
pub fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !schemas::is_word_char(c))
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

fn is_identifier(q: &str) -> bool {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if digits(q, 12) || digits(q, 10) {
        return true;
    }
    if let Some((head, branch)) = q.split_once('-') {
        if digits(head, 10) && digits(branch, 3) {
            return true;
        }
    }
    schemas::ids::DossierCode::parse(q).is_ok()
        || schemas::ids::ResultCode::parse(q).is_ok()
        || schemas::ids::ProcedureCode::parse(q).is_ok()
}

/// Parses a query (NFC-normalizes it first). An empty query matches every document.
pub fn parse(query: &str) -> Result<ParsedQuery, QueryError> {
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(QueryError::TooLong);
    }
    let query = schemas::nfc(query.trim());
    let identifier = is_identifier(&query).then(|| query.to_ascii_uppercase());
    let mut clauses = Vec::new();
    let mut rest = query.as_str();
    while let Some(start) = rest.find(|c: char| !c.is_whitespace()) {
        rest = &rest[start..];
        let negated = rest.starts_with('-') && rest.len() > 1;
        if negated {
            rest = &rest[1..];
        }
        let (raw, quoted) = if let Some(inner) = rest.strip_prefix('"') {
            let end = inner.find('"').ok_or(QueryError::UnclosedQuote)?;
            let raw = &inner[..end];
            rest = &inner[end + 1..];
            (raw, true)
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let raw = &rest[..end];
            rest = &rest[end..];
            (raw, false)
        };
        let kind = match raw.strip_suffix('*') {
            Some(prefix) if !quoted && !prefix.contains('*') => {
                let folded = schemas::fold(prefix);
                let t = tokens(&folded);
                match t.as_slice() {
                    [one] if one.chars().count() >= 2 => ClauseKind::Prefix(one.clone()),
                    _ => return Err(QueryError::ShortPrefix(raw.to_string())),
                }
            }
            _ => {
                let t = tokens(raw);
                if t.is_empty() {
                    continue;
                }
                ClauseKind::Words(t)
            }
        };
        clauses.push(Clause { kind, negated });
        if clauses.len() > MAX_CLAUSES {
            return Err(QueryError::TooManyClauses);
        }
    }
    if !clauses.is_empty() && clauses.iter().all(|c| c.negated) {
        return Err(QueryError::OnlyExclusions);
    }
    Ok(ParsedQuery {
        clauses,
        identifier,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(w: &[&str]) -> ClauseKind {
        ClauseKind::Words(w.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn words_phrases_prefixes_and_exclusions() {
        let q = parse("nguyễn \"giấy khai sinh\" nguy* -hôn 12/KS").unwrap();
        let kinds: Vec<_> = q
            .clauses
            .iter()
            .map(|c| (c.kind.clone(), c.negated))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (words(&["nguyễn"]), false),
                (words(&["giấy", "khai", "sinh"]), false),
                (ClauseKind::Prefix("nguy".into()), false),
                (words(&["hôn"]), true),
                (words(&["12", "KS"]), false),
            ]
        );
        assert_eq!(q.identifier, None);
    }

    #[test]
    fn identifiers_alone_are_recognised() {
        for id in [
            "049075001234",
            "0100109106",
            "0100109106-001",
            "000.00.00.H47-240501-0001",
            "000.00.00.h47-240501-0001-kq1",
        ] {
            assert!(parse(id).unwrap().identifier.is_some(), "{id}");
        }
        assert!(parse("049075001234 nguyễn").unwrap().identifier.is_none());
    }

    #[test]
    fn malformed_queries_are_explained() {
        assert_eq!(parse("\"giấy khai"), Err(QueryError::UnclosedQuote));
        assert_eq!(parse("n*"), Err(QueryError::ShortPrefix("n*".into())));
        assert_eq!(parse("-hôn"), Err(QueryError::OnlyExclusions));
        assert_eq!(parse(&"a".repeat(1001)), Err(QueryError::TooLong));
        assert_eq!(parse(&"ab ".repeat(40)), Err(QueryError::TooManyClauses));
        // Review F4/F21: the reasons are the table's, Vietnamese by default.
        let vi = parse("a \"b")
            .unwrap_err()
            .message()
            .render(schemas::messages::Lang::Vi);
        assert!(vi.contains("ngoặc kép"), "{vi}");
        let vi = parse(&"a".repeat(1001)).unwrap_err().message();
        assert_eq!(vi.code(), "search.too_long");
        assert_eq!(parse("   ").unwrap(), ParsedQuery::default());
        assert!(parse("- \" \"").is_ok());
    }
}
