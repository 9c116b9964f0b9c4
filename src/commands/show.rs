use crate::Outcome;
use schemas::{DocumentRecord, DocumentText, Lifecycle, PageSource};

#[derive(clap::Args)]
pub struct Args {
    /// The document's id (as printed by `kho ingest`).
    id: String,
    /// Also print the text of every page (with --json: `text`, `page_texts`, `page_details`).
    #[arg(long)]
    text: bool,
    /// Print the record as JSON.
    #[arg(long)]
    json: bool,
}

/// Adds the page texts to a record's JSON: `text` (pages joined by form feeds), `page_texts`
/// (one string per page) and `page_details` (how each page was read).
pub fn add_text(value: &mut serde_json::Value, text: Option<&DocumentText>) {
    let Some(object) = value.as_object_mut() else {
        return;
    };
    let pages = text.map(|t| t.pages.as_slice()).unwrap_or_default();
    object.insert(
        "text".into(),
        text.map(DocumentText::joined).unwrap_or_default().into(),
    );
    object.insert(
        "page_texts".into(),
        pages
            .iter()
            .map(|p| p.text.clone())
            .collect::<Vec<_>>()
            .into(),
    );
    let details: Vec<serde_json::Value> = pages
        .iter()
        .map(|p| {
            serde_json::json!({
                "page": p.page, "source": p.source, "ocr_confidence": p.ocr_confidence,
                "rotated": p.rotated, "note": p.note,
            })
        })
        .collect();
    object.insert("page_details".into(), details.into());
    object.insert("text_engine".into(), text.map(|t| t.engine.clone()).into());
}

pub fn print_pages(text: Option<&DocumentText>) {
    let Some(text) = text else {
        println!("\n(no text extracted)");
        return;
    };
    for p in &text.pages {
        let how = match (p.source, p.ocr_confidence) {
            (PageSource::Ocr, Some(c)) => format!("OCR, confidence {c:.1}"),
            (PageSource::Ocr, None) => "OCR".to_string(),
            (PageSource::TextLayer, _) => "text layer".to_string(),
            (PageSource::None, _) => "no text".to_string(),
        };
        println!("\n--- page {} ({how}) ---", p.page);
        if let Some(note) = &p.note {
            println!("[{note}]");
        }
        print!("{}", p.text);
        if !p.text.ends_with('\n') {
            println!();
        }
    }
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
    line("id", &r.id);
    // Every metadata field, in the table's order; unknown ones left out, validity said.
    for (field, value) in r.metadata.values() {
        match value {
            Some(value) => line(field.name, value),
            None if field.name == "valid_until" => line(field.name, "unknown"),
            None => {}
        }
    }
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
    line(
        "format",
        format!("{} ({})", r.format.name(), r.format.media_type()),
    );
    line("pages", r.pages);
    if let Some(source) = r.text_source {
        let source = serde_json::to_value(source)?;
        match r.ocr_confidence {
            Some(c) => line(
                "text",
                format!("{} (OCR confidence {c:.1})", source.as_str().unwrap_or("?")),
            ),
            None => line("text", source.as_str().unwrap_or("?")),
        }
    }
    if !r.low_confidence_pages.is_empty() {
        let pages: Vec<String> = r.low_confidence_pages.iter().map(u32::to_string).collect();
        line(
            "to review",
            format!("low OCR confidence on page(s) {}", pages.join(", ")),
        );
    }
    for sig in &r.signatures {
        line(
            "signature",
            format!(
                "{}: {} ({}){} - {}",
                sig.status.as_str(),
                sig.organization.as_deref().unwrap_or("?"),
                sig.signer.as_deref().unwrap_or("?"),
                if sig.covers_whole_file {
                    ""
                } else {
                    ", not the whole file"
                },
                sig.detail
            ),
        );
    }
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

pub fn run(store: &super::Store, args: Args) -> anyhow::Result<Outcome> {
    let archive = store.open()?;
    let document = archive.read_document(&super::local_caller(), &args.id, &Default::default())?;
    let text = if args.text {
        archive.document_text(&document)?
    } else {
        None
    };
    let record = document.record();
    let copies = document.certified_copies();
    let issuer_today = document.issuer_today();
    if args.json {
        let mut value = record_json(record)?;
        if args.text {
            add_text(&mut value, text.as_ref());
        }
        if let Some(object) = value.as_object_mut() {
            object.insert("certified_copies".into(), serde_json::to_value(copies)?);
        }
        if let (Some(today), Some(map)) = (&issuer_today, value.as_object_mut()) {
            map.insert("issuer_today".into(), serde_json::to_value(today)?);
        }
        super::print_json(&value)?;
    } else {
        print_human(record)?;
        for copy in copies {
            line(
                "certified copy",
                format!(
                    "{} on {} by {} (signed by {}){}",
                    copy.code,
                    copy.certified_at.date(),
                    copy.certified_by,
                    copy.agency.as_deref().unwrap_or("?"),
                    copy.dossier_code
                        .as_deref()
                        .map(|d| format!(" for dossier {d}"))
                        .unwrap_or_default()
                ),
            );
        }
        for place in &record.places {
            line(
                "place",
                format!("{} ({}, {})", place.name, place.code, place.era.label()),
            );
        }
        if let Some(today) = &issuer_today {
            line("issuer today", &today.note);
        }
        if args.text {
            print_pages(text.as_ref());
        }
    }
    Ok(Outcome::Success)
}
