//! Where kho's logs go: what a running server or a library reports as it works (each request,
//! the background threads, warnings), through `tracing`, on standard error. Human-readable by
//! default; `kho serve --log-format json` writes one JSON object per line for a log collector.
//! `KHO_LOG` chooses what is logged (`info` by default; `warn`, or per target like
//! `info,kho::access=warn`). A command's own output (results on stdout, the batch progress,
//! the final error) is not logging and is printed as it always was.

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::prelude::*;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// `2026-11-27T10:00:00Z  INFO message key=value`, for people.
    #[default]
    Text,
    /// One JSON object per line: timestamp, level, target, message and fields.
    Json,
}

/// Installs the subscriber. `timestamps`: a server's lines carry the time; a command's
/// warnings do not need it.
pub fn init(format: LogFormat, timestamps: bool) {
    let filter = std::env::var("KHO_LOG")
        .ok()
        .and_then(|spec| spec.parse::<Targets>().ok())
        .unwrap_or_else(|| Targets::new().with_default(LevelFilter::INFO));
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_target(false);
    let registry = tracing_subscriber::registry().with(filter);
    // A subscriber set twice (never here) would be the only failure: nothing to report then.
    let _ = match (format, timestamps) {
        (LogFormat::Json, _) => registry
            .with(layer.json().with_current_span(false).with_target(true))
            .try_init(),
        (LogFormat::Text, true) => registry.with(layer).try_init(),
        (LogFormat::Text, false) => registry.with(layer.without_time()).try_init(),
    };
}
