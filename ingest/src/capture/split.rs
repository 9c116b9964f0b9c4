//! The split plan of a stack: which pages make which document, with which metadata, and which
//! pages go nowhere and why. A pure function of the page scans and the options.

use super::qr::QrFinding;
use super::scan::PageScan;
use schemas::messages::{self as m, Message};
use schemas::{DocTypes, DocumentMetadata, MetadataInput};
use serde::Serialize;
use time::Date;

/// How a stack is split.
#[derive(Debug, Clone, Default)]
pub struct SplitOptions {
    /// A document with more pages than this (blank pages not counted) is refused: a separator
    /// was probably missed, and two dossiers would be stored as one.
    pub max_pages: Option<u32>,
    /// Keep blank pages in the documents instead of dropping them.
    pub keep_blank: bool,
    /// Values for the fields a separator leaves empty (`--owner-name`, `--issuer`, ...; the
    /// watch folder's `--manifest-column-defaults`). A separator's own values win.
    pub defaults: MetadataInput,
    /// A file with no separator at all is one document with the `defaults` as its metadata
    /// (the watch folder: a single dossier dropped without a sheet), instead of refused.
    pub whole_without_separator: bool,
}

/// Why a segment of pages is not stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SegmentProblem {
    /// Pages before the first separator: nobody's metadata.
    NoSeparator,
    /// The separator's QR code does not parse, or its metadata breaks a rule.
    BadSeparator,
    /// More pages than `--max-pages`: a separator was probably missed.
    TooManyPages,
    /// A separator followed by no page (or only blank ones).
    Empty,
}

/// One run of pages between separators.
#[derive(Debug, Clone, Serialize)]
pub struct Segment {
    /// The separator that opens it (`None` for pages before the first one).
    pub separator_page: Option<u32>,
    /// The stack's pages from after the separator to before the next (inclusive); empty when
    /// the separator is the last page or is followed by another.
    pub first_page: u32,
    pub last_page: u32,
    /// The pages that go into the document (stack numbering).
    pub pages: Vec<u32>,
    /// Pages of the range found blank and dropped.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub blank_pages: Vec<u32>,
    /// The metadata the document gets (when it is stored).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<DocumentMetadata>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<SegmentProblem>,
    /// Why it is not stored, with its pages (in the process's language when serialised).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "schemas::messages::serialize_rendered"
    )]
    pub reason: Option<Message>,
    /// Pages that could not be looked at (kept as ordinary pages), and why.
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "schemas::messages::serialize_rendered_all"
    )]
    pub warnings: Vec<Message>,
}

impl Segment {
    /// "pages 3-7" (or "page 3") of the stack; "no page" for an empty segment.
    /// The same as a message of the table ("trang 3", "các trang 3-7").
    pub fn pages_message(&self) -> Message {
        match (self.first_page, self.last_page) {
            (f, l) if f == l || l < f => Message::new(&m::PAGE_ONE).with("page", f),
            (f, l) => Message::new(&m::PAGE_RANGE)
                .with("first", f)
                .with("last", l),
        }
    }

    pub fn page_range(&self) -> String {
        match (self.first_page, self.last_page) {
            (f, l) if l < f => "no page".to_string(),
            (f, l) if f == l => format!("page {f}"),
            (f, l) => format!("pages {f}-{l}"),
        }
    }
}

/// The whole split of a stack.
#[derive(Debug, Clone, Serialize)]
pub struct StackPlan {
    pub pages: u32,
    pub separator_pages: Vec<u32>,
    pub blank_pages: Vec<u32>,
    pub segments: Vec<Segment>,
}

impl StackPlan {
    /// Segments that will become documents.
    pub fn documents(&self) -> usize {
        self.segments.iter().filter(|s| s.problem.is_none()).count()
    }
}

/// Fills the fields of `metadata` that are empty from `defaults`.
fn with_defaults(mut metadata: MetadataInput, defaults: &MetadataInput) -> MetadataInput {
    for field in schemas::SEPARATOR_FIELDS {
        if metadata.get(field).is_none() {
            if let Some(value) = defaults.get(field) {
                metadata.set(field, value.to_string());
            }
        }
    }
    metadata
}

/// Cuts the stack at its separators.
pub fn plan(
    scans: &[PageScan],
    options: &SplitOptions,
    types: &DocTypes,
    today: Date,
) -> StackPlan {
    let mut plan = StackPlan {
        pages: scans.len() as u32,
        separator_pages: Vec::new(),
        blank_pages: Vec::new(),
        segments: Vec::new(),
    };
    let mut open: Option<(u32, String)> = None; // the separator's page and payload
    let mut members: Vec<&PageScan> = Vec::new();
    let close = |plan: &mut StackPlan,
                 open: Option<(u32, String)>,
                 members: &mut Vec<&PageScan>,
                 next_start: u32| {
        let separator_page = open.as_ref().map(|(page, _)| *page);
        let first_page = separator_page.map_or(1, |p| p + 1);
        let last_page = next_start.saturating_sub(1);
        if separator_page.is_none() && members.is_empty() {
            return; // the stack starts with a separator
        }
        let mut segment = Segment {
            separator_page,
            first_page,
            last_page,
            pages: Vec::new(),
            blank_pages: Vec::new(),
            metadata: None,
            problem: None,
            reason: None,
            warnings: Vec::new(),
        };
        for scan in members.drain(..) {
            if scan.blank && !options.keep_blank {
                segment.blank_pages.push(scan.page);
            } else {
                segment.pages.push(scan.page);
            }
            if let Some(why) = &scan.problem {
                segment.warnings.push(
                    Message::new(&m::INGEST_PAGE_NOT_CHECKED)
                        .with("page", scan.page)
                        .with("why", why),
                );
            }
        }
        plan.blank_pages.extend(&segment.blank_pages);
        let range = segment.pages_message();
        let (problem, reason) = match open {
            None => (
                Some(SegmentProblem::NoSeparator),
                Some(Message::new(&m::INGEST_BEFORE_SEPARATOR).with_message("range", range)),
            ),
            Some((sep, payload)) => match schemas::parse_separator(&payload)
                .map_err(Message::from)
                .and_then(|input| {
                    with_defaults(input, &options.defaults)
                        .validate(types, today)
                        .map_err(|e| e.message())
                }) {
                Err(why) => (
                    Some(SegmentProblem::BadSeparator),
                    Some(
                        Message::new(&m::INGEST_BAD_SEPARATOR)
                            .with("page", sep)
                            .with_message("why", why)
                            .with_message("range", range),
                    ),
                ),
                Ok(metadata) => {
                    segment.metadata = Some(metadata);
                    match options.max_pages {
                        _ if segment.pages.is_empty() => (
                            Some(SegmentProblem::Empty),
                            Some(Message::new(&m::INGEST_EMPTY_SEGMENT).with("page", sep)),
                        ),
                        Some(max) if segment.pages.len() as u32 > max => (
                            Some(SegmentProblem::TooManyPages),
                            Some(
                                Message::new(&m::INGEST_MISSED_SEPARATOR)
                                    .with_message("range", range)
                                    .with("page", sep)
                                    .with("pages", segment.pages.len())
                                    .with("max", max),
                            ),
                        ),
                        _ => (None, None),
                    }
                }
            },
        };
        segment.problem = problem;
        segment.reason = reason;
        plan.segments.push(segment);
    };
    for scan in scans {
        match &scan.qr {
            QrFinding::Separator(payload) => {
                close(&mut plan, open.take(), &mut members, scan.page);
                plan.separator_pages.push(scan.page);
                open = Some((scan.page, payload.clone()));
            }
            QrFinding::None => members.push(scan),
        }
    }
    let end = plan.pages + 1;
    close(&mut plan, open.take(), &mut members, end);
    plan
}
