use crate::Outcome;
use schemas::{DocumentRecord, Lifecycle, Validity};
use std::path::Path;

#[derive(clap::Args)]
pub struct Args {
    /// The document's id (as printed by `kho ingest`).
    id: String,
    /// Print the record as JSON.
    #[arg(long)]
    json: bool,
}

/// The record as JSON, with what is derived at read time: the state as of today and the media type.
pub fn record_json(record: &DocumentRecord) -> anyhow::Result<serde_json::Value> {
    let mut value = serde_json::to_value(record)?;
    if let Some(object) = value.as_object_mut() {
        object.insert(
            "state".into(),
            serde_json::to_value(record.state(schemas::today()))?,
        );
        object.insert("media_type".into(), record.format.media_type().into());
    }
    Ok(value)
}

fn line(label: &str, value: impl std::fmt::Display) {
    println!("{label:<16}{value}");
}

fn opt(label: &str, value: Option<impl std::fmt::Display>) {
    if let Some(v) = value {
        line(label, v);
    }
}

fn print_human(r: &DocumentRecord) -> anyhow::Result<()> {
    let m = &r.metadata;
    line("id", &r.id);
    line("title", &m.title);
    line("doc_type", &m.doc_type);
    line("owner_id", &m.owner_id);
    opt("owner_name", m.owner_name.as_ref());
    opt("issuer", m.issuer.as_ref());
    opt("issuer_code", m.issuer_code.as_ref());
    opt("doc_number", m.doc_number.as_ref());
    opt("issued_on", m.issued_on);
    opt("signer", m.signer.as_ref());
    line(
        "valid_until",
        match m.valid_until {
            Validity::Permanent => "permanent".to_string(),
            Validity::Until(d) => d.to_string(),
            Validity::Unknown => "unknown".to_string(),
        },
    );
    line(
        "state",
        serde_json::to_value(r.state(schemas::today()))?
            .as_str()
            .unwrap_or("?"),
    );
    match &r.lifecycle {
        Lifecycle::Active => {}
        Lifecycle::Revoked { reason, at, by } => line("revoked", format!("{at} by {by}: {reason}")),
        Lifecycle::Superseded {
            successor,
            reason,
            at,
            by,
        } => line(
            "superseded",
            format!("{at} by {by} ({reason:?}): see {successor}"),
        ),
    }
    opt("dossier_code", m.dossier_code.as_ref());
    opt("procedure_code", m.procedure_code.as_ref());
    opt("result_code", m.result_code.as_ref());
    opt("summary", m.summary.as_ref());
    line(
        "format",
        format!("{} ({})", r.format.name(), r.format.media_type()),
    );
    line("pages", r.pages);
    line("size", format!("{} bytes", r.size));
    line("sha256", &r.sha256);
    opt("source_name", r.source_name.as_ref());
    let format = time::macros::format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second] [offset_hour sign:mandatory]:[offset_minute]"
    );
    let at = r.ingested_at.to_offset(schemas::VIETNAM_OFFSET);
    line(
        "ingested",
        format!("{} by {}", at.format(format)?, r.ingested_by),
    );
    Ok(())
}

pub fn run(data: &Path, args: Args) -> anyhow::Result<Outcome> {
    let archive = super::open(data)?;
    let record = archive.read_record(&args.id, &super::local_actor(), None)?;
    if args.json {
        super::print_json(&record_json(&record)?)?;
    } else {
        print_human(&record)?;
    }
    Ok(Outcome::Success)
}
