//! The `event_refs` tree: for each owner, document, actor and the audit trail, the sequence
//! numbers of its ledger events, so that "who read my documents" lists them without walking the
//! ledger.
//!
//! Each list is kept in blocks of up to [`BLOCK_REFS`] numbers, not one entry per event: sled
//! 0.34 keeps a page-table node in memory for about every ten entries of any size, from the moment
//! a store opens, so one entry per reference made them half of an open store's memory (#22,
//! docs/benchmarks.md "References in blocks").
//!
//! Keys: `kind`, id, 0x00, then 8 big-endian bytes:
//! - [`OPEN`] (`u64::MAX`): the list's open block, its newest numbers, rewritten as events come;
//! - the first number of a sealed block: a full block, never written again;
//! - from stores written before blocks: one key per event (the number itself) and an empty value.
//!
//! Readers take all three, in key order: a single's number is below every block's (they came
//! first), sealed blocks follow in order, and the open block holds the newest. (Not so where an
//! older kho wrote singles after a newer one wrote blocks: [`lists_out_of_order`] finds such
//! lists for `kho verify`, and packing puts them back in order.) `kho compact`
//! packs singles into blocks ([`Packer`]). A block's value is a format byte, then its numbers
//! ascending as LEB128 varints, each the difference from the one before (the first from 0).

use std::collections::VecDeque;

/// The catalogue's tree these lists live in.
pub(crate) const TREE: &str = "event_refs";
/// The numbers a block holds before it is sealed. Small, because the open block is rewritten
/// with every event filed under it; most lists (a document's) never fill one.
pub(crate) const BLOCK_REFS: usize = 16;
/// The key suffix of a list's open block.
const OPEN: u64 = u64::MAX;
/// The first byte of a block's value: its format.
const BLOCK_FORMAT: u8 = 1;

/// A list's key prefix: `kind`, `id`, 0x00.
pub(crate) fn prefix(kind: u8, id: &str) -> Vec<u8> {
    [&[kind][..], id.as_bytes(), b"\0"].concat()
}

fn key(prefix: &[u8], suffix: u64) -> Vec<u8> {
    [prefix, &suffix.to_be_bytes()].concat()
}

/// The key of the list's open block.
pub(crate) fn open_key(prefix: &[u8]) -> Vec<u8> {
    key(prefix, OPEN)
}

/// Why a stored entry of `event_refs` cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unreadable {
    pub key: Vec<u8>,
    pub detail: &'static str,
}

impl From<Unreadable> for crate::ArchiveError {
    fn from(e: Unreadable) -> Self {
        crate::ArchiveError::Damaged {
            key: format!(
                "event_refs {}",
                String::from_utf8_lossy(&e.key).escape_debug()
            ),
            detail: format!(
                "{}; the events themselves are in the ledger (`kho verify` checks it): a store \
                 rebuilt from its `kho export` bag by `kho import` files them again",
                e.detail
            ),
        }
    }
}

fn encode(numbers: &[u64]) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + numbers.len() * 3);
    out.push(BLOCK_FORMAT);
    let mut previous = 0u64;
    for &n in numbers {
        // Callers give numbers ascending; were they not, a 0 is written, which reads back as
        // damage ("repeats a number"), never as a wrong number.
        let mut delta = n.saturating_sub(previous);
        previous = n;
        loop {
            let byte = (delta & 0x7f) as u8;
            delta >>= 7;
            if delta == 0 {
                out.push(byte);
                break;
            }
            out.push(byte | 0x80);
        }
    }
    out
}

fn decode(key: &[u8], value: &[u8]) -> Result<Vec<u64>, Unreadable> {
    let unreadable = |detail| Unreadable {
        key: key.to_vec(),
        detail,
    };
    let Some((&BLOCK_FORMAT, mut rest)) = value.split_first() else {
        return Err(unreadable(
            "a block of event references in a format this kho does not know",
        ));
    };
    let mut numbers = Vec::with_capacity(BLOCK_REFS);
    let mut previous = 0u64;
    while !rest.is_empty() {
        let mut delta = 0u64;
        let mut shift = 0u32;
        loop {
            let Some((&byte, after)) = rest.split_first() else {
                return Err(unreadable(
                    "a block of event references ends inside a number",
                ));
            };
            rest = after;
            if shift > 63 || (shift == 63 && byte & 0x7f > 1) {
                return Err(unreadable(
                    "a block of event references holds a number too large",
                ));
            }
            delta |= u64::from(byte & 0x7f) << shift;
            shift += 7;
            if byte & 0x80 == 0 {
                break;
            }
        }
        if delta == 0 && !numbers.is_empty() {
            return Err(unreadable("a block of event references repeats a number"));
        }
        previous = previous
            .checked_add(delta)
            .ok_or_else(|| unreadable("a block of event references holds a number too large"))?;
        numbers.push(previous);
    }
    if numbers.is_empty() {
        return Err(unreadable("a block of event references is empty"));
    }
    Ok(numbers)
}

/// The numbers one entry holds: a single's from its key, a block's from its value. `None` for
/// a key not of this list (another id that begins with this one and holds a 0x00).
fn numbers_of(prefix_len: usize, key: &[u8], value: &[u8]) -> Option<Result<Vec<u64>, Unreadable>> {
    let suffix = <[u8; 8]>::try_from(key.get(prefix_len..)?).ok()?;
    Some(if value.is_empty() {
        Ok(vec![u64::from_be_bytes(suffix)])
    } else {
        decode(key, value)
    })
}

/// The entries (key, value) filing one number writes, given the list's open block as stored
/// under `open_key`: the block sealed if it was full, and the open block's new value. Empty
/// when `number` is not newer than the open block's last: already filed (the ledger only
/// grows, so every number filed is newer than those before it).
pub(crate) fn file(
    open_key: &[u8],
    open_now: Option<&[u8]>,
    number: u64,
) -> Result<Entries, Unreadable> {
    let mut numbers = match open_now {
        Some(value) => decode(open_key, value)?,
        None => Vec::new(),
    };
    if numbers.last().is_some_and(|&last| last >= number) {
        return Ok(Vec::new());
    }
    let mut writes = Vec::with_capacity(2);
    if numbers.len() >= BLOCK_REFS {
        // The open key is the prefix and eight bytes of `OPEN` ([`open_key`]).
        let prefix = &open_key[..open_key.len().saturating_sub(8)];
        writes.push((key(prefix, numbers[0]), encode(&numbers)));
        numbers.clear();
    }
    numbers.push(number);
    writes.push((open_key.to_vec(), encode(&numbers)));
    Ok(writes)
}

/// Files `number` under `prefix` in `tree` outside a transaction (a restore, a backfill).
pub(crate) fn file_in_tree(tree: &sled::Tree, prefix: &[u8], number: u64) -> crate::Result<()> {
    let open_key = open_key(prefix);
    let open_now = tree.get(&open_key).map_err(sled_error)?;
    let mut batch = sled::Batch::default();
    for (key, value) in file(&open_key, open_now.as_deref(), number)? {
        batch.insert(key, value);
    }
    tree.apply_batch(batch).map_err(sled_error)
}

/// A list's numbers in order, newest first or oldest first, read a block at a time.
pub(crate) struct Numbers {
    entries: sled::Iter,
    prefix_len: usize,
    newest_first: bool,
    /// Numbers are kept when `after < n < before`.
    after: u64,
    before: u64,
    block: VecDeque<u64>,
    /// An error met before the walk began (reading the open block), given first.
    error: Option<crate::ArchiveError>,
}

fn sled_error(e: sled::Error) -> crate::ArchiveError {
    crate::ArchiveError::Damaged {
        key: "event_refs".into(),
        detail: e.to_string(),
    }
}

impl Numbers {
    /// The numbers under `prefix` greater than `after`, oldest first.
    pub(crate) fn after(tree: &sled::Tree, prefix: &[u8], after: u64) -> Self {
        // The entry at or before `after` may be a block holding later numbers: start there.
        let (start, error) = match tree
            .range(key(prefix, 0)..=key(prefix, after.min(OPEN - 1)))
            .rev()
            .find(|entry| {
                entry
                    .as_ref()
                    .map_or(true, |(k, _)| k.len() == prefix.len() + 8)
            }) {
            Some(Ok((key, _))) => (key.to_vec(), None),
            Some(Err(e)) => (key(prefix, 0), Some(sled_error(e))),
            None => (key(prefix, 0), None),
        };
        Numbers {
            entries: tree.range(start..=key(prefix, OPEN)),
            prefix_len: prefix.len(),
            newest_first: false,
            after,
            before: OPEN,
            block: VecDeque::new(),
            error,
        }
    }

    /// The numbers under `prefix` less than `before`, newest first.
    pub(crate) fn before(tree: &sled::Tree, prefix: &[u8], before: u64) -> Self {
        // Blocks are keyed by their first number: those starting at or after `before` hold
        // nothing wanted, except the open block, keyed past everything: it is read first.
        let open_key = key(prefix, OPEN);
        let (block, error) = match tree.get(&open_key) {
            Ok(Some(value)) => match numbers_of(prefix.len(), &open_key, &value) {
                Some(Ok(block)) => (block.into(), None),
                Some(Err(e)) => (VecDeque::new(), Some(e.into())),
                None => (VecDeque::new(), None),
            },
            Ok(None) => (VecDeque::new(), None),
            Err(e) => (VecDeque::new(), Some(sled_error(e))),
        };
        Numbers {
            entries: tree.range(key(prefix, 0)..key(prefix, before)),
            prefix_len: prefix.len(),
            newest_first: true,
            after: 0,
            before,
            block,
            error,
        }
    }
}

impl Iterator for Numbers {
    type Item = crate::Result<u64>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(e) = self.error.take() {
            return Some(Err(e));
        }
        loop {
            let next = if self.newest_first {
                self.block.pop_back()
            } else {
                self.block.pop_front()
            };
            if let Some(n) = next {
                if self.after < n && n < self.before {
                    return Some(Ok(n));
                }
                continue;
            }
            let entry = if self.newest_first {
                self.entries.next_back()
            } else {
                self.entries.next()
            };
            let (key, value) = match entry? {
                Ok(entry) => entry,
                Err(e) => return Some(Err(sled_error(e))),
            };
            match numbers_of(self.prefix_len, &key, &value) {
                Some(Ok(block)) => self.block = block.into(),
                Some(Err(e)) => return Some(Err(e.into())),
                None => {}
            }
        }
    }
}

/// Rewrites a tree of references in key order into blocks, for `kho compact`: single entries
/// (stores from before blocks) and partly filled sealed blocks are packed together, a list's
/// newest numbers going to its open block. A list is held whole until the next begins (eight
/// bytes a reference), so that one out of order comes out in order. Feed it every entry in key
/// order with [`Packer::push`], then [`Packer::finish`]; each returns the entries to write, not
/// always in key order (an entry kept as it is may come before the blocks of the list around
/// it).
#[derive(Default)]
pub(crate) struct Packer {
    /// The list being packed, and its numbers not yet written.
    prefix: Vec<u8>,
    numbers: Vec<u64>,
    /// Numbers seen, written, and seen twice (written once), to check that nothing was lost.
    pub read: u64,
    pub written: u64,
    pub repeated: u64,
}

/// Entries to write, as (key, value).
pub(crate) type Entries = Vec<(Vec<u8>, Vec<u8>)>;

/// The list an entry belongs to, when it can be packed. Entries that are no list's (no 0x00
/// eight bytes from the end), and the lists of ids holding a 0x00 (their keys fall among
/// another list's), are kept as they are: readers take them either way.
fn list_prefix(key: &[u8]) -> Option<&[u8]> {
    let prefix = key.get(..key.len().checked_sub(8)?)?;
    let (&last, kind_and_id) = prefix.split_last()?;
    (last == 0 && !kind_and_id.contains(&0)).then_some(prefix)
}

impl Packer {
    pub(crate) fn push(&mut self, entry_key: &[u8], value: &[u8]) -> Result<Entries, Unreadable> {
        let Some(prefix) = list_prefix(entry_key) else {
            return Ok(vec![(entry_key.to_vec(), value.to_vec())]);
        };
        let mut out = Vec::new();
        if prefix != self.prefix.as_slice() {
            out.extend(self.flush_list());
            self.prefix = prefix.to_vec();
        }
        let numbers = match numbers_of(prefix.len(), entry_key, value) {
            Some(numbers) => numbers?,
            None => return Ok(vec![(entry_key.to_vec(), value.to_vec())]),
        };
        self.read += numbers.len() as u64;
        self.numbers.extend(numbers);
        Ok(out)
    }

    /// The list's remaining numbers: full blocks sealed, the rest its open block.
    fn flush_list(&mut self) -> Entries {
        let mut out = Vec::new();
        let mut numbers = std::mem::take(&mut self.numbers);
        // In key order a list's numbers ascend, but for a store that an older kho wrote to after
        // a newer one (its singles sort before the open block): put back in order here.
        numbers.sort_unstable();
        let before = numbers.len();
        numbers.dedup();
        self.repeated += (before - numbers.len()) as u64;
        let mut chunks = numbers.chunks(BLOCK_REFS).peekable();
        while let Some(chunk) = chunks.next() {
            self.written += chunk.len() as u64;
            let suffix = if chunks.peek().is_some() {
                chunk[0]
            } else {
                OPEN
            };
            out.push((key(&self.prefix, suffix), encode(chunk)));
        }
        out
    }

    pub(crate) fn finish(&mut self) -> Entries {
        self.flush_list()
    }
}

/// How many lists of `tree` do not read in order: a store an older kho wrote to after a newer
/// one (its singles sort before the open block though they are newer). `kho compact` puts them
/// back in order ([`Packer`]). An entry that cannot be read is an error naming it.
pub(crate) fn lists_out_of_order(tree: &sled::Tree) -> crate::Result<u64> {
    let mut out_of_order = 0;
    let mut list: Vec<u8> = Vec::new();
    let (mut last, mut counted) = (0u64, false);
    for entry in tree.iter() {
        let (key, value) = entry.map_err(sled_error)?;
        let Some(prefix) = list_prefix(&key) else {
            continue;
        };
        if prefix != list.as_slice() {
            list = prefix.to_vec();
            (last, counted) = (0, false);
        }
        let Some(numbers) = numbers_of(prefix.len(), &key, &value) else {
            continue;
        };
        for n in numbers? {
            if n <= last && !counted {
                out_of_order += 1;
                counted = true;
            }
            last = last.max(n);
        }
    }
    Ok(out_of_order)
}

/// Rewrites every list of `tree` as stores from before blocks held it: one empty entry per
/// reference.
#[cfg(test)]
pub(crate) fn unpack(tree: &sled::Tree) {
    for entry in tree.iter() {
        let (key, value) = entry.unwrap();
        let Some(prefix) = list_prefix(&key) else {
            continue;
        };
        if value.is_empty() {
            continue;
        }
        for n in decode(&key, &value).unwrap() {
            tree.insert(self::key(prefix, n), &[]).unwrap();
        }
        if key.ends_with(&OPEN.to_be_bytes()) {
            tree.remove(&key).unwrap();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn tree() -> sled::Tree {
        let db = sled::Config::new().temporary(true).open().unwrap();
        db.open_tree("event_refs").unwrap()
    }

    /// Files each number as the ledger does: in a transaction, the open block read back.
    fn file_all(tree: &sled::Tree, prefix: &[u8], numbers: &[u64]) {
        for &n in numbers {
            file_in_tree(tree, prefix, n).unwrap();
        }
    }

    fn after(tree: &sled::Tree, prefix: &[u8], after: u64) -> Vec<u64> {
        Numbers::after(tree, prefix, after)
            .map(|n| n.unwrap())
            .collect()
    }

    fn before(tree: &sled::Tree, prefix: &[u8], before: u64) -> Vec<u64> {
        Numbers::before(tree, prefix, before)
            .map(|n| n.unwrap())
            .collect()
    }

    /// Ascending numbers with gaps, as a list's events are among the ledger's.
    fn ascending() -> impl Strategy<Value = Vec<u64>> {
        prop::collection::vec(1u64..5_000, 0..90).prop_map(|gaps| {
            gaps.iter()
                .scan(0u64, |n, gap| {
                    *n += gap;
                    Some(*n)
                })
                .collect()
        })
    }

    #[test]
    fn a_hundred_references_take_seven_entries() {
        let tree = tree();
        let prefix = prefix(b'o', "017316709271");
        file_all(&tree, &prefix, &(1..=100).collect::<Vec<_>>());
        // Six sealed blocks of sixteen, the last four in the open block.
        assert_eq!(tree.len(), 7);
        assert_eq!(after(&tree, &prefix, 0), (1..=100).collect::<Vec<_>>());
        assert_eq!(
            before(&tree, &prefix, 101),
            (1..=100).rev().collect::<Vec<_>>()
        );
        // Filed again (a backfill run twice): nothing changes.
        file_all(&tree, &prefix, &[50, 100]);
        assert_eq!(tree.len(), 7);
        assert_eq!(after(&tree, &prefix, 98), vec![99, 100]);
    }

    #[test]
    fn a_list_is_not_mixed_with_another_whose_id_begins_like_it() {
        let tree = tree();
        let (short, long) = (prefix(b'd', "ab"), prefix(b'd', "abc"));
        file_all(&tree, &short, &[1, 5, 9]);
        file_all(&tree, &long, &[2, 3, 4]);
        // A single from before blocks, of an id holding 0x00: not ours.
        tree.insert(key(&prefix(b'd', "ab\0x"), 7), &[]).unwrap();
        assert_eq!(after(&tree, &short, 0), vec![1, 5, 9]);
        assert_eq!(before(&tree, &short, 9), vec![5, 1]);
        assert_eq!(after(&tree, &long, 2), vec![3, 4]);
    }

    #[test]
    fn damaged_blocks_are_errors_naming_the_key() {
        let tree = tree();
        let prefix = prefix(b'o', "x");
        for value in [
            &[9u8, 1][..],
            &[BLOCK_FORMAT, 0x80],
            &[BLOCK_FORMAT],
            &[BLOCK_FORMAT, 3, 0],
        ] {
            tree.insert(open_key(&prefix), value).unwrap();
            let err = Numbers::after(&tree, &prefix, 0)
                .find_map(|n| n.err())
                .unwrap();
            assert!(err.to_string().contains("event_refs"), "{err}");
            let err = Numbers::before(&tree, &prefix, 10)
                .find_map(|n| n.err())
                .unwrap();
            assert!(err.to_string().contains("event_refs"), "{err}");
            assert!(file(&open_key(&prefix), Some(value), 50).is_err());
        }
    }

    proptest! {
        #[test]
        fn blocks_read_back_as_written(numbers in ascending()) {
            if !numbers.is_empty() {
                prop_assert_eq!(decode(b"k", &encode(&numbers)).unwrap(), numbers);
            }
        }

        /// Whatever bytes a block holds, reading it gives numbers or an error, never a panic.
        #[test]
        fn any_bytes_decode_or_fail(bytes in prop::collection::vec(any::<u8>(), 0..40)) {
            let _ = decode(b"k", &bytes);
            let _ = file(&open_key(b"o\0"), Some(&bytes), 7);
        }

        /// A list read from any number, either way, is the numbers filed there: whether they
        /// were filed one entry each (stores from before blocks), in blocks, both (a store
        /// from before blocks that went on), or packed by `kho compact`.
        #[test]
        fn every_layout_reads_the_same(
            numbers in ascending(),
            singles in 0usize..90,
            late in 0usize..20,
            from in 0u64..200_000,
        ) {
            let prefix = prefix(b'd', "e42fjr5nsanvwfrpsaupdwo3kw");
            let (old, new) = numbers.split_at(singles.min(numbers.len()));
            // Some of the newer numbers filed as singles among the blocks: an older kho run on
            // the store in between (a downgrade, then an upgrade again).
            let (before_late, rest) = new.split_at(new.len() / 2);
            let (late, after_late) = rest.split_at(late.min(rest.len()));
            let tree = tree();
            for &n in old {
                tree.insert(key(&prefix, n), &[]).unwrap();
            }
            file_all(&tree, &prefix, before_late);
            for &n in late {
                tree.insert(key(&prefix, n), &[]).unwrap();
            }
            file_all(&tree, &prefix, after_late);
            // Then the late singles may sort before an open block that holds older numbers:
            // only packing puts them back in order, and the check counts such a list.
            let in_order = after(&tree, &prefix, 0) == numbers;
            prop_assert_eq!(lists_out_of_order(&tree).unwrap(), u64::from(!in_order));
            prop_assert!(in_order || (!before_late.is_empty() && !late.is_empty()));
            // Another list on either side, which no read of this one may touch.
            file_all(&tree, &self::prefix(b'd', "a"), &[3, 9_000]);
            file_all(&tree, &self::prefix(b'h', "e42fjr5nsanvwfrpsaupdwo3kw"), &[4, 8]);
            // A list whose id holds a 0x00: its keys fall among this one's; kept as it is.
            file_all(&tree, &self::prefix(b'd', "e42fjr5nsanvwfrpsaupdwo3kw\0x"), &[5, 6]);

            let mut packer = Packer::default();
            let packed = self::tree();
            for entry in tree.iter() {
                let (k, v) = entry.unwrap();
                for (k, v) in packer.push(&k, &v).unwrap() {
                    packed.insert(k, v).unwrap();
                }
            }
            for (k, v) in packer.finish() {
                packed.insert(k, v).unwrap();
            }
            prop_assert_eq!(packer.read, packer.written);
            prop_assert_eq!(packer.repeated, 0);
            prop_assert_eq!(lists_out_of_order(&packed).unwrap(), 0);
            prop_assert_eq!(packer.read, numbers.len() as u64 + 4);
            // Packed: every list in as few entries as blocks of sixteen allow.
            let lists = [numbers.len(), 2, 2];
            let least: usize = lists.iter().map(|n| n.div_ceil(BLOCK_REFS)).sum::<usize>() + 1;
            prop_assert_eq!(packed.len(), least);

            let up: Vec<u64> = numbers.iter().copied().filter(|&n| n > from).collect();
            let down: Vec<u64> = numbers.iter().rev().copied().filter(|&n| n < from).collect();
            let layouts = if in_order { vec![&tree, &packed] } else { vec![&packed] };
            for layout in layouts {
                prop_assert_eq!(&after(layout, &prefix, from), &up);
                prop_assert_eq!(&before(layout, &prefix, from), &down);
                prop_assert_eq!(after(layout, &prefix, 0), numbers.clone());
            }
            // Filing goes on after packing, the list still in order.
            let next = numbers.last().copied().unwrap_or(0) + 1;
            file_all(&packed, &prefix, &[next, next + 2]);
            let mut more = numbers.clone();
            more.extend([next, next + 2]);
            prop_assert_eq!(after(&packed, &prefix, 0), more);
        }
    }
}
