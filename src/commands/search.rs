use crate::{Outcome, UsageError};
use archive_core::search::{SearchRequest, SortOrder};
use std::io::IsTerminal;

#[derive(clap::Args)]
pub struct Args {
    /// Words (all must match), "a phrase", a prefix like nguy*, -word to exclude; or an owner ID,
    /// enterprise code or dossier code alone. With or without diacritics.
    #[arg(default_value = "")]
    query: String,
    /// Only this owner's documents (personal ID or enterprise code).
    #[arg(long)]
    owner: Option<String>,
    /// Only this document type (`kho types`).
    #[arg(long)]
    doc_type: Option<String>,
    /// Only documents of this issuer: every word of it, with or without diacritics ("so tai
    /// nguyen", "quang nam"); a place's name also takes the agencies of the units it became or
    /// came from on 1 July 2025.
    #[arg(long)]
    issuer: Option<String>,
    /// Only documents of this place: an old or new name, with or without diacritics or type
    /// word ("Đà Nẵng", "huyện Núi Thành", "xã Núi Thành, Đà Nẵng"); also matches the units it
    /// became or came from on 1 July 2025 (`kho places show NAME` explains a name).
    #[arg(long)]
    place: Option<String>,
    /// Issued on or after this date (YYYY-MM-DD or DD/MM/YYYY).
    #[arg(long)]
    from: Option<String>,
    /// Issued on or before this date.
    #[arg(long)]
    to: Option<String>,
    /// Only documents valid today: what can be reused.
    #[arg(long)]
    valid_only: bool,
    /// Only documents with a PDF signature of this status: valid, untrusted, invalid, partial or
    /// unsupported (the best of a document's signatures).
    #[arg(long)]
    signed: Option<String>,
    #[arg(long, default_value_t = 20)]
    limit: usize,
    #[arg(long, default_value_t = 0)]
    offset: usize,
    /// `relevance` or `date` (newest issue date first).
    #[arg(long, default_value = "relevance")]
    sort: String,
    #[arg(long)]
    json: bool,
}

fn date(flag: &str, value: &Option<String>) -> anyhow::Result<Option<schemas::Date>> {
    value
        .as_deref()
        .map(|v| {
            schemas::parse_date(v).map_err(|e| UsageError(format!("--{flag} {v}: {e}")).into())
        })
        .transpose()
}

/// The snippet for a terminal: bold where the query matched; plain brackets elsewhere.
fn plain_snippet(snippet: &str, tty: bool) -> String {
    let (on, off) = if tty {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("[", "]")
    };
    snippet
        .replace("<b>", on)
        .replace("</b>", off)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

pub fn run(store: &super::Store, args: Args) -> anyhow::Result<Outcome> {
    let sort = SortOrder::parse(&args.sort)
        .map_err(|e| UsageError(format!("--sort {}: {e}", args.sort)))?;
    let req = SearchRequest {
        query: args.query.clone(),
        owner: args.owner.clone(),
        owners_among: Vec::new(),
        doc_type: args.doc_type.clone(),
        issuer: args.issuer.clone(),
        place: args.place.clone(),
        from: date("from", &args.from)?,
        to: date("to", &args.to)?,
        valid_only: args.valid_only,
        signed: args
            .signed
            .as_deref()
            .map(|s| {
                schemas::SignatureStatus::parse(s)
                    .map_err(|e| UsageError(format!("--signed {s}: {e}")))
            })
            .transpose()?,
        limit: args.limit,
        offset: args.offset,
        sort,
    };
    let archive = store.open()?;
    super::sync_index(&archive)?;
    // The operator's search is a read like anyone's: each hit shown is in the ledger.
    let results = match archive.search(&super::local_caller(), &req, &Default::default()) {
        Ok(r) => r,
        Err(archive_core::ArchiveError::Query(e)) => {
            return Err(UsageError(format!("the query {:?}: {}", args.query, e.message())).into())
        }
        Err(e @ archive_core::ArchiveError::Place { .. }) => {
            return Err(UsageError(format!("--{e}")).into())
        }
        Err(archive_core::ArchiveError::Invalid(e)) => {
            return Err(UsageError(format!("--{} {}: {}", e.field, e.value, e.rule)).into())
        }
        Err(archive_core::ArchiveError::InvalidFields(errors)) => {
            let each: Vec<String> = errors
                .0
                .iter()
                .map(|e| format!("--{} {}: {}", e.field, e.value, e.rule))
                .collect();
            return Err(UsageError(each.join("; ")).into());
        }
        Err(e) => return Err(e.into()),
    };
    if args.json {
        let hits: Vec<serde_json::Value> = results
            .hits
            .iter()
            .map(|h| {
                let m = &h.record.metadata;
                serde_json::json!({
                    "id": h.record.id, "score": h.score, "owner_id": m.owner_id, "owner_name": m.owner_name,
                    "doc_type": m.doc_type, "title": m.title, "issuer": m.issuer, "doc_number": m.doc_number,
                    "issued_on": m.issued_on.map(schemas::iso_date), "valid_until": m.valid_until,
                    "state": h.state, "snippet": h.snippet,
                })
            })
            .collect();
        super::print_json(&serde_json::json!({
            "total": results.total, "hits": hits, "facets": results.facets,
            "place_expansion": results.place_expansion,
            "vocabulary_expansion": results.vocabulary_expansion,
        }))?;
    } else {
        let tty = std::io::stdout().is_terminal();
        for place in &results.place_expansion {
            let read_as: Vec<&str> = place.units.iter().map(|u| u.name.as_str()).collect();
            let read_as = read_as.first().copied().unwrap_or(place.typed.as_str());
            match &place.note {
                Some(note) if place.ambiguous => println!("địa danh {:?}: {note}", place.typed),
                Some(note) => println!("địa danh {:?} = {read_as}; {note}", place.typed),
                None => println!("địa danh {:?} = {read_as}", place.typed),
            }
        }
        if !results.vocabulary_expansion.is_empty() {
            let lines: Vec<String> = results
                .vocabulary_expansion
                .iter()
                .map(|e| e.described())
                .collect();
            println!("tìm cả: {}", lines.join(" · "));
        }
        println!("{} document(s)", results.total);
        for (i, h) in results.hits.iter().enumerate() {
            let m = &h.record.metadata;
            let state = serde_json::to_value(h.state)?;
            println!(
                "\n{}. {}  {}  [{}]  {}",
                args.offset + i + 1,
                m.title,
                m.owner_name.as_deref().unwrap_or(m.owner_id.as_str()),
                state.as_str().unwrap_or("?"),
                m.issued_on.map(schemas::iso_date).unwrap_or_default()
            );
            println!(
                "   id {}  owner {}  type {}{}",
                h.record.id,
                m.owner_id,
                m.doc_type,
                m.doc_number
                    .as_deref()
                    .map(|n| format!("  số {n}"))
                    .unwrap_or_default()
            );
            if !h.snippet.is_empty() {
                println!("   {}", plain_snippet(&h.snippet, tty));
            }
        }
        let facet = |name: &str, map: &std::collections::BTreeMap<String, u64>| {
            if !map.is_empty() {
                let parts: Vec<String> = map.iter().map(|(k, v)| format!("{k} {v}")).collect();
                println!("{name}: {}", parts.join(", "));
            }
        };
        println!();
        facet("by type", &results.facets.doc_type);
        facet("by issuer", &results.facets.issuer);
        facet("by year", &results.facets.year);
        facet("by province (today)", &results.facets.province);
        facet("by commune (today)", &results.facets.commune);
    }
    Ok(Outcome::Success)
}
