//! The gazetteer changed on an operator's behalf, ledgered like a re-extraction: replacing the
//! store's gazetteer (`kho places import`, one `import_gazetteer` event) and reading every
//! document's places again with it (`kho places refresh`, one `reread_places` event on each
//! record whose places changed, in the record's own transaction, saying the codes before and
//! after). Only operators may ([`Act::ManagePlaces`]); a refusal is ledgered.

use super::event_about;
use crate::places::{gazetteer_error, GazetteerSummary, PLACES_FILES};
use crate::{Archive, ArchiveError, Result};
use schemas::policy::Act;
use schemas::{AccessReason, Action, Caller, Gazetteer, NewEvent, RecognizedPlace};
use std::path::Path;
use std::sync::Arc;
use time::OffsetDateTime;

/// Unit codes named in a `reread_places` event, at most, before and after each.
const MAX_CODES_NAMED: usize = 20;

impl Archive {
    /// Replaces the store's gazetteer with the file's bytes, for `caller` (an operator; a
    /// refusal is ledgered). The file is checked whole first: a bad file changes nothing.
    /// Written beside and renamed into place, then an `import_gazetteer` event records who did
    /// it and what the file holds. The places of the records and the index follow with
    /// [`Archive::refresh_places`] and a reindex.
    pub fn import_gazetteer(&mut self, caller: &Caller, bytes: &[u8]) -> Result<GazetteerSummary> {
        self.authorize(caller, Act::ManagePlaces, None, "import a gazetteer")?;
        let name = if bytes.starts_with(&[0x1f, 0x8b]) {
            PLACES_FILES[0]
        } else {
            PLACES_FILES[1]
        };
        let path = self.root().join(name);
        let g = Gazetteer::parse_bytes(bytes).map_err(gazetteer_error(&path))?;
        let partial = path.with_extension("partial");
        let io = |p: &Path| {
            let p = p.to_path_buf();
            move |source| ArchiveError::Io { path: p, source }
        };
        {
            use std::io::Write;
            let mut f = std::fs::File::create(&partial).map_err(io(&partial))?;
            f.write_all(bytes).map_err(io(&partial))?;
            f.sync_all().map_err(io(&partial))?;
        }
        std::fs::rename(&partial, &path).map_err(io(&path))?;
        for other in PLACES_FILES.iter().filter(|n| **n != name) {
            let other = self.root().join(other);
            if other.exists() {
                std::fs::remove_file(&other).map_err(io(&other))?;
            }
        }
        let summary = GazetteerSummary::of(&g);
        self.gazetteer = Arc::new(g);
        self.gazetteer_file = Some(path);
        let mut event = NewEvent::new(Action::ImportGazetteer, caller.actor());
        event.detail = Some(format!(
            "gazetteer replaced by {name} ({} bytes): before 1 July 2025 {} provinces, {} districts, {} communes; from 1 July 2025 {} provinces, {} communes; {} successions",
            bytes.len(),
            summary.provinces_before,
            summary.districts_before,
            summary.communes_before,
            summary.provinces_after,
            summary.communes_after,
            summary.successions
        ));
        self.log(&[event])?;
        Ok(summary)
    }

    /// Recognizes the places of every record again (after the gazetteer changed, or for a store
    /// made before places were read), for `caller` (an operator; a refusal is ledgered). Each
    /// record whose places change is written with a `reread_places` event in one transaction
    /// and gets a new sequence number, so the index catches up. A record changed meanwhile (a
    /// re-extraction reads its places itself) is left to that change. Safe to interrupt and run
    /// again. Returns how many changed.
    pub fn refresh_places(
        &self,
        caller: &Caller,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<u64> {
        self.authorize(caller, Act::ManagePlaces, None, "re-read places")?;
        let ids: Vec<String> = self
            .catalog
            .ids_by_seq()
            .map(|item| item.map(|(_, id)| id))
            .collect::<Result<_>>()?;
        let total = ids.len() as u64;
        let source = match self.gazetteer_file() {
            Some(path) => path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into(),
            ),
            None => "built into kho".to_string(),
        };
        let mut changed = 0;
        for (done, id) in ids.iter().enumerate() {
            let Some(record) = self.catalog.get(id)? else {
                continue;
            };
            let text = self.catalog.text(&record.sha256)?;
            let places = self.places_of(&record.metadata, text.as_ref());
            if places != record.places {
                let written =
                    self.catalog
                        .update_derived(id, OffsetDateTime::now_utc(), |current| {
                            if current.seq != record.seq || current.places == places {
                                return None;
                            }
                            let mut event = event_about(
                                Action::RereadPlaces,
                                caller.actor(),
                                current,
                                &AccessReason::default(),
                            );
                            event.detail = Some(format!(
                                "places read again (gazetteer {source}): {} -> {}",
                                codes(&current.places),
                                codes(&places)
                            ));
                            current.places = places.clone();
                            Some(event)
                        })?;
                if written.is_some() {
                    changed += 1;
                }
            }
            if done % 1000 == 999 {
                progress(done as u64 + 1, total);
            }
        }
        self.catalog.flush()?;
        progress(total, total);
        Ok(changed)
    }
}

/// The unit codes of a record's places, for an event: "old:H517, new:T48" (at most
/// [`MAX_CODES_NAMED`], then how many more), or "none".
fn codes(places: &[RecognizedPlace]) -> String {
    if places.is_empty() {
        return "none".to_string();
    }
    let mut named: Vec<&str> = places
        .iter()
        .take(MAX_CODES_NAMED)
        .map(|p| p.code.as_str())
        .collect();
    let more = places.len().saturating_sub(MAX_CODES_NAMED);
    let more = format!("and {more} more");
    if places.len() > MAX_CODES_NAMED {
        named.push(&more);
    }
    named.join(", ")
}
