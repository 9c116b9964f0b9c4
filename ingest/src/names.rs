//! Finding a manifest's file whatever the Unicode form of the names on disk. A manifest written
//! on Windows names files in NFC; a folder copied from a Mac holds NFD names; both forms of one
//! folder may even sit side by side. Each component of the path is matched by its NFC form, in
//! every folder that matches so far; two different files that match are an error naming both.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// Folder listings kept at most (names), across folders: enough for a batch's folders, bounded
/// for a manifest of a million rows in one folder.
const MAX_CACHED_NAMES: usize = 200_000;

/// Why a path was not found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    NotFound,
    /// Different files whose names differ only in Unicode form.
    Ambiguous(Vec<PathBuf>),
}

/// Looks paths up by NFC name, keeping folder listings of non-ASCII names between rows.
#[derive(Default)]
pub struct NameResolver {
    /// Folder -> NFC name -> the names on disk with that NFC form.
    listings: HashMap<PathBuf, HashMap<String, Vec<OsString>>>,
    cached: usize,
}

impl NameResolver {
    fn listing(&mut self, dir: &Path) -> &HashMap<String, Vec<OsString>> {
        if !self.listings.contains_key(dir) {
            let mut names: HashMap<String, Vec<OsString>> = HashMap::new();
            if let Ok(entries) = std::fs::read_dir(dir) {
                for entry in entries.flatten() {
                    let name = entry.file_name();
                    names
                        .entry(schemas::nfc(&name.to_string_lossy()))
                        .or_default()
                        .push(name);
                }
            }
            self.cached += names.len();
            if self.cached > MAX_CACHED_NAMES {
                self.listings.clear();
                self.cached = names.len();
            }
            self.listings.insert(dir.to_path_buf(), names);
        }
        &self.listings[dir]
    }

    /// The file at `relative` under `root` (both already checked not to leave it), matching
    /// each name by its NFC form.
    pub fn find(&mut self, root: &Path, relative: &Path) -> Result<PathBuf, Lookup> {
        let mut current = vec![root.to_path_buf()];
        let components: Vec<_> = relative.components().collect();
        for (i, component) in components.iter().enumerate() {
            let std::path::Component::Normal(name) = component else {
                continue; // `.`: the same folder
            };
            let last = i + 1 == components.len();
            let mut next = Vec::new();
            for dir in &current {
                let text = name.to_string_lossy();
                if text.is_ascii() {
                    // An ASCII name has one form: no listing needed.
                    let path = dir.join(name);
                    if std::fs::symlink_metadata(&path).is_ok() {
                        next.push(path);
                    }
                } else if let Some(found) = self.listing(dir).get(&schemas::nfc(&text)) {
                    next.extend(found.iter().map(|n| dir.join(n)));
                }
            }
            if !last {
                next.retain(|p| p.is_dir());
            }
            current = next;
            if current.is_empty() {
                return Err(Lookup::NotFound);
            }
        }
        // Several paths may still be one file (a link); different files are ambiguous.
        let mut distinct: Vec<(PathBuf, PathBuf)> = Vec::new();
        for path in current {
            let canonical = path.canonicalize().unwrap_or_else(|_| path.clone());
            if !distinct.iter().any(|(c, _)| *c == canonical) {
                distinct.push((canonical, path));
            }
        }
        match distinct.len() {
            1 => Ok(distinct.remove(0).1),
            _ => Err(Lookup::Ambiguous(
                distinct.into_iter().map(|(_, p)| p).collect(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NFC: &str = "Hồ sơ Đức";
    fn nfd(s: &str) -> String {
        use unicode_normalization::UnicodeNormalization;
        s.nfd().collect()
    }

    #[test]
    fn finds_the_file_in_the_other_form_and_across_twin_folders() {
        let root = tempfile::tempdir().unwrap();
        // The folder exists in both forms; the file is only in the NFD one, named in NFD.
        std::fs::create_dir(root.path().join(NFC)).unwrap();
        std::fs::create_dir(root.path().join(nfd(NFC))).unwrap();
        let file = format!("giấy khai sinh {}.pdf", "Đức");
        std::fs::write(root.path().join(nfd(NFC)).join(nfd(&file)), b"x").unwrap();
        let mut names = NameResolver::default();
        let found = names
            .find(root.path(), &Path::new(NFC).join(&file))
            .unwrap();
        assert_eq!(found, root.path().join(nfd(NFC)).join(nfd(&file)));
        // And asked in NFD, found the same.
        let again = names
            .find(root.path(), &Path::new(&nfd(NFC)).join(nfd(&file)))
            .unwrap();
        assert_eq!(again, found);
        assert_eq!(
            names.find(root.path(), Path::new("khong-co.pdf")),
            Err(Lookup::NotFound)
        );
    }

    #[test]
    fn two_files_of_one_name_in_two_forms_are_named() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("Thủy.pdf"), b"one").unwrap();
        std::fs::write(root.path().join(nfd("Thủy.pdf")), b"two").unwrap();
        let mut names = NameResolver::default();
        match names.find(root.path(), Path::new("Thủy.pdf")) {
            Err(Lookup::Ambiguous(paths)) => assert_eq!(paths.len(), 2),
            other => panic!("expected both files named, got {other:?}"),
        }
    }
}
