//! `kho places`: the gazetteer of administrative units before and after 1 July 2025.

use crate::{Outcome, UsageError};
use anyhow::Context;
use schemas::places::{Gazetteer, UnitId};

#[derive(clap::Subcommand)]
pub enum PlacesCommand {
    /// Explain a place name: the units it may be (both eras), what each became or came from,
    /// and how a search reads it.
    Show {
        /// A name, with or without type word and diacritics: "Núi Thành", "huyện Núi Thành",
        /// "xã Núi Thành, Đà Nẵng", "TP. Đà Nẵng".
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Replace this store's gazetteer with FILE (the format of schemas/data/places.tsv.gz,
    /// plain or gzip; a later correction), then read every document's places again and
    /// rebuild the search index.
    Import { file: std::path::PathBuf },
    /// Read every document's places again with the store's gazetteer (for documents stored
    /// before kho read places), then bring the index up to date.
    Refresh,
}

pub fn run(store: &super::Store, command: PlacesCommand) -> anyhow::Result<Outcome> {
    match command {
        PlacesCommand::Show { name, json } => show(store, &name, json),
        PlacesCommand::Import { file } => import(store, &file),
        PlacesCommand::Refresh => refresh(store),
    }
}

fn unit_json(g: &Gazetteer, id: UnitId) -> serde_json::Value {
    let u = g.unit(id);
    let expansion = g.expansion(id);
    let includes: Vec<serde_json::Value> = expansion
        .includes
        .iter()
        .map(|(other, tier)| {
            serde_json::json!({
                "code": g.unit(*other).code, "name": g.full_name(*other),
                "succession": schemas::json_name(tier),
            })
        })
        .collect();
    serde_json::json!({
        "code": u.code, "name": g.full_name(id), "kind": u.kind, "era": u.era,
        "includes": includes, "note": g.expansion_note(&expansion),
    })
}

fn show(store: &super::Store, name: &str, json: bool) -> anyhow::Result<Outcome> {
    let g = archive_core::places::gazetteer_of(&store.data)?;
    let name = schemas::nfc(name.trim());
    if name.is_empty() {
        return Err(UsageError::from(schemas::Message::new(
            &schemas::messages::CLI_USAGE_PLACES_SHOW_NEEDS_NAME,
        ))
        .into());
    }
    let reading = g.resolve_name(&name);
    let mut units = g.units_named(&name);
    if units.is_empty() {
        units = match &reading {
            Ok(place) => place.units.clone(),
            Err(candidates) => candidates.clone(),
        };
    }
    let read_as: Vec<String> = reading
        .as_ref()
        .map(|p| p.units.iter().map(|u| g.full_name(*u)).collect())
        .unwrap_or_default();
    if json {
        super::print_json(&serde_json::json!({
            "name": name,
            "units": units.iter().map(|u| unit_json(&g, *u)).collect::<Vec<_>>(),
            "search_reads_as": read_as,
            "ambiguous": matches!(&reading, Err(c) if !c.is_empty()),
        }))?;
    } else if units.is_empty() {
        println!("{name:?}: no administrative unit of before or after 1 July 2025 has this name");
    } else {
        println!("{name:?} may be {} unit(s):", units.len());
        for id in &units {
            let u = g.unit(*id);
            println!("  {}  [{}, {}]", g.full_name(*id), u.code, u.era.label());
            match g.expansion_note(&g.expansion(*id)) {
                Some(note) => println!("    {note}"),
                None => println!("    (no unit of the other era recorded)"),
            }
        }
        match &reading {
            Ok(_) => println!("A search for it reads: {}", read_as.join(" / ")),
            Err(c) if !c.is_empty() => println!(
                "A search for it alone is not expanded: several units carry it; add the province (\"{}\")",
                g.full_name(c[0])
            ),
            Err(_) => println!("A search reads it as words only (a bare name needs its province beside it)"),
        }
    }
    Ok(if units.is_empty() {
        Outcome::Partial
    } else {
        Outcome::Success
    })
}

fn import(store: &super::Store, file: &std::path::Path) -> anyhow::Result<Outcome> {
    let size = std::fs::metadata(file)
        .with_context(|| format!("cannot read {}", file.display()))?
        .len();
    if size > archive_core::places::MAX_IMPORT_BYTES {
        let why = schemas::Message::new(&schemas::messages::CLI_USAGE_GAZETTEER_TOO_LARGE)
            .with("file", file.display())
            .with("size", size)
            .with("max", archive_core::places::MAX_IMPORT_BYTES);
        return Err(UsageError::from(why).into());
    }
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let mut archive = store.open()?;
    let summary = archive
        .import_gazetteer(&super::local_caller(), &bytes)
        .with_context(|| {
            format!(
                "{} was not imported; the store keeps its gazetteer",
                file.display()
            )
        })?;
    println!(
        "gazetteer imported: before 1 July 2025 {} provinces, {} districts, {} communes; from 1 July 2025 {} provinces, {} communes; {} successions",
        summary.provinces_before,
        summary.districts_before,
        summary.communes_before,
        summary.provinces_after,
        summary.communes_after,
        summary.successions
    );
    let changed = archive.refresh_places(
        &super::local_caller(),
        &mut super::progress_printer(&schemas::messages::CLI_ACTIVITY_READING_PLACES),
    )?;
    println!("{changed} document(s) name other places now");
    let n = super::reindex(&archive)?;
    println!("{n} document(s) indexed");
    super::push_journal(&archive)?;
    Ok(Outcome::Success)
}

fn refresh(store: &super::Store) -> anyhow::Result<Outcome> {
    let archive = store.open()?;
    let changed = archive.refresh_places(
        &super::local_caller(),
        &mut super::progress_printer(&schemas::messages::CLI_ACTIVITY_READING_PLACES),
    )?;
    println!("{changed} document(s) name other places now");
    super::sync_index(&archive)?;
    super::push_journal(&archive)?;
    Ok(Outcome::Success)
}
