//! A store as an attacker (or a forensic examiner) with the disk sees it: its catalogue opened
//! with sled itself, under kho and around its services. The tests use it to tamper with the
//! ledger (and check that `kho verify` notices) and to compare everything two stores hold;
//! nothing shipped may reach under `archive-core` this way (tests/layering.rs).

// Each test file uses a part of it.
#![allow(dead_code)]

use std::path::Path;

/// A stopped store's catalogue, opened directly.
pub struct Disk {
    db: sled::Db,
}

impl Disk {
    /// Opens the catalogue of the store at `data` (no kho process may hold it).
    pub fn open(data: &Path) -> Disk {
        Disk {
            db: sled::open(data.join("catalog")).expect("the catalogue opens with sled"),
        }
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
