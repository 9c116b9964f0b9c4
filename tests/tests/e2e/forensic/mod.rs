//! A store as an attacker (or a forensic examiner) with the disk sees it: its catalogue opened
//! with sled itself, under kho and around its services. The tests use it to tamper with the
//! ledger (and check that `kho verify` notices) and to compare everything two stores hold;
//! nothing shipped may reach under `archive-core` this way (tests/layering.rs).

// Each test module uses a part of it.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;

/// One key and its value, as bytes.
pub type Entry = (Vec<u8>, Vec<u8>);

/// A stopped store's catalogue, opened directly.
pub struct Disk {
    db: sled::Db,
}

impl Disk {
    /// Opens the catalogue of the store at `data` (no kho process may hold it), compressed or
    /// not as sled's own settings file says it was made.
    pub fn open(data: &Path) -> Disk {
        let path = data.join("catalog");
        let db = sled::Config::new()
            .path(&path)
            .use_compression(Disk::compressed(data))
            .open()
            .expect("the catalogue opens with sled");
        Disk { db }
    }

    /// Whether the catalogue of the store at `data` was made with sled's zstd compression, from
    /// sled's `conf` file (sled refuses to open it with the other setting).
    pub fn compressed(data: &Path) -> bool {
        // Text lines, then sled's 4-byte checksum.
        let conf = std::fs::read(data.join("catalog/conf")).expect("sled's conf file");
        String::from_utf8_lossy(&conf)
            .lines()
            .find_map(|line| line.strip_prefix("use_compression:"))
            .map(|value| value.trim() == "true")
            .expect("a use_compression line")
    }

    /// Every entry of every tree, as bytes: two catalogues that hold the same things compare
    /// equal, however sled laid them out.
    pub fn everything(&self) -> BTreeMap<String, Vec<Entry>> {
        self.db
            .tree_names()
            .into_iter()
            .map(|name| {
                let entries = self
                    .db
                    .open_tree(&name)
                    .unwrap()
                    .iter()
                    .map(|item| {
                        let (key, value) = item.unwrap();
                        (key.to_vec(), value.to_vec())
                    })
                    .collect();
                (String::from_utf8_lossy(&name).into_owned(), entries)
            })
            .collect()
    }

    pub fn tree(&self, name: &str) -> sled::Tree {
        self.db.open_tree(name).expect("a catalogue tree")
    }

    /// The values of a tree, as JSON, in key order.
    pub fn json_values(&self, name: &str) -> Vec<serde_json::Value> {
        self.tree(name)
            .iter()
            .map(|item| serde_json::from_slice(&item.unwrap().1).unwrap())
            .collect()
    }

    /// Every record, in the order the catalogue numbered them.
    pub fn records_by_seq(&self) -> Vec<serde_json::Value> {
        let records = self.tree("records");
        self.tree("seq_docs")
            .iter()
            .map(|item| {
                let id = item.unwrap().1;
                serde_json::from_slice(&records.get(&id).unwrap().expect("a record")).unwrap()
            })
            .collect()
    }

    /// Writes what was changed back to the disk.
    pub fn flush(&self) {
        self.db.flush().unwrap();
    }
}
