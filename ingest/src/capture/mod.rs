//! Capture as a scanning room does it: separator sheets printed from a manifest
//! ([`sheet_pdf`]), stacks of many dossiers scanned into one PDF or TIFF and split at those
//! sheets ([`scan`] looks at every page for a separator QR code and for ink, [`split`] plans the
//! documents, [`cut`] makes each document's file, [`stack`] stores them with their provenance).
//! The QR payload's format is `schemas::separator_payload`.

pub mod blank;
pub mod cut;
pub mod qr;
pub mod scan;
pub mod sheet_pdf;
pub mod sheets;
pub mod split;
pub mod stack;
pub mod watch;

pub use split::{Segment, SegmentProblem, SplitOptions, StackPlan};
pub use stack::{
    plan_stack, plan_stack_file, plan_stack_in, run_stacks, split_and_store, store_stack,
    PlannedStack, StackInput,
};
