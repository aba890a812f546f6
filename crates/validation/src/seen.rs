//! Memory-bounded tracking of values already seen, for uniqueness checks on very large files.
//!
//! Values are kept as 64-bit hashes (a collision among 17 million keys has a chance of about
//! one in 100,000). Up to [`ROW_LIMIT`] keys the first row of each is remembered too, so that a
//! duplicate can name it; past that only hashes are kept (9 bytes per key instead of 17), and a
//! duplicate is reported as repeating "an earlier row".
//!
//! [`DeferredSeen`] serves the table keys (primary key, unique keys): it appends each key's hash
//! and row to a list and finds the repeats by sorting the list, which is several times cheaper
//! than probing a hash table of a million keys at random; past [`ROW_LIMIT`] keys it hands over
//! to [`Seen`].

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hash, Hasher};

use foldhash::fast::FixedState;

/// Keys remembered with their first row.
const ROW_LIMIT: usize = 2_000_000;

/// What an insert found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Repeat {
    /// First time this key is seen.
    New,
    /// Seen before, first at this row.
    Of(u64),
    /// Seen before, at a row no longer remembered.
    Earlier,
}

/// A fixed seed keeps hashing deterministic from run to run (and foldhash is fast).
const STATE: FixedState = FixedState::with_seed(0x5a7d_a7a0_1939);

/// Keys are already well-mixed 64-bit hashes: the tables use them as they are.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only u64 keys are hashed here; fold anything else in defensively.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type Table = std::hash::BuildHasherDefault<Prehashed>;

#[derive(Debug)]
pub(crate) enum Seen {
    Rows(HashMap<u64, u64, Table>),
    Hashes(HashSet<u64, Table>),
}

impl Default for Seen {
    fn default() -> Self {
        Self::Rows(HashMap::default())
    }
}

/// The hash of a key made of several parts, built part by part (no allocation).
pub(crate) struct KeyHasher(foldhash::fast::FoldHasher<'static>);

impl std::fmt::Debug for KeyHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyHasher")
    }
}

impl KeyHasher {
    pub(crate) fn new() -> Self {
        Self(STATE.build_hasher())
    }

    pub(crate) fn part(&mut self, part: &str) {
        part.hash(&mut self.0);
    }

    pub(crate) fn finish(&self) -> u64 {
        self.0.finish()
    }
}

impl Seen {
    /// Records the key made of `parts` at `row`.
    pub(crate) fn insert<'a>(
        &mut self,
        parts: impl IntoIterator<Item = &'a str>,
        row: u64,
    ) -> Repeat {
        let mut hasher = KeyHasher::new();
        for part in parts {
            hasher.part(part);
        }
        self.insert_hash(hasher.finish(), row)
    }

    /// Records a key by its hash ([`KeyHasher`]) at `row`.
    pub(crate) fn insert_hash(&mut self, hash: u64, row: u64) -> Repeat {
        use std::collections::hash_map::Entry;
        match self {
            Self::Rows(rows) => {
                let full = rows.len() >= ROW_LIMIT;
                match rows.entry(hash) {
                    Entry::Occupied(first) => return Repeat::Of(*first.get()),
                    Entry::Vacant(slot) if !full => {
                        slot.insert(row);
                        return Repeat::New;
                    }
                    Entry::Vacant(_) => {}
                }
                let mut hashes: HashSet<u64, Table> =
                    HashSet::with_capacity_and_hasher(rows.len() * 2, Table::default());
                hashes.extend(rows.keys().copied());
                hashes.insert(hash);
                *self = Self::Hashes(hashes);
                Repeat::New
            }
            Self::Hashes(hashes) => {
                if hashes.insert(hash) {
                    Repeat::New
                } else {
                    Repeat::Earlier
                }
            }
        }
    }
}

/// `(hash, row)` of each key, or `(row, first row)` of each repeat.
type Pairs = Vec<(u64, u64)>;

/// Key hashes with their rows, checked for repeats in batches (see the module comment).
#[derive(Debug, Default)]
pub(crate) struct DeferredSeen {
    pending: Pairs,
    /// After [`ROW_LIMIT`] keys: an ordinary table, with the first row of every earlier key.
    table: Option<Seen>,
}

impl DeferredSeen {
    /// Records a key by its hash at `row`. While keys are batched this returns `None` (repeats
    /// come from [`Self::repeats`]); once the batch is full the repeats found so far are
    /// returned first, and then every insert answers at once.
    pub(crate) fn insert_hash(&mut self, hash: u64, row: u64) -> (Pairs, Option<Repeat>) {
        if let Some(table) = &mut self.table {
            return (Vec::new(), Some(table.insert_hash(hash, row)));
        }
        self.pending.push((hash, row));
        if self.pending.len() < ROW_LIMIT {
            return (Vec::new(), None);
        }
        let (firsts, repeats) = Self::sorted(std::mem::take(&mut self.pending), true);
        let mut rows: HashMap<u64, u64, Table> =
            HashMap::with_capacity_and_hasher(firsts.len(), Table::default());
        rows.extend(firsts);
        self.table = Some(Seen::Rows(rows));
        (repeats, None)
    }

    /// The repeats among the batched keys, as `(row, first row)` in row order (empty once the
    /// keys went to the table).
    pub(crate) fn repeats(&mut self) -> Pairs {
        Self::sorted(std::mem::take(&mut self.pending), false).1
    }

    /// Sorts a batch: the first row of each key, and each repeat with its first row.
    fn sorted(batch: Pairs, keep_firsts: bool) -> (Pairs, Pairs) {
        let mut batch = batch;
        batch.sort_unstable();
        let mut firsts = Vec::with_capacity(if keep_firsts { batch.len() } else { 0 });
        let mut repeats = Vec::new();
        let mut current: Option<(u64, u64)> = None;
        for (hash, row) in batch {
            match current {
                Some((h, first)) if h == hash => repeats.push((row, first)),
                _ => {
                    current = Some((hash, row));
                    if keep_firsts {
                        firsts.push((hash, row));
                    }
                }
            }
        }
        repeats.sort_unstable();
        (firsts, repeats)
    }
}

#[cfg(test)]
mod tests {
    use super::{DeferredSeen, KeyHasher, ROW_LIMIT, Repeat, Seen};

    fn hash(parts: &[&str]) -> u64 {
        let mut hasher = KeyHasher::new();
        for part in parts {
            hasher.part(part);
        }
        hasher.finish()
    }

    #[test]
    fn deferred_repeats_name_their_first_row_in_row_order() {
        let mut seen = DeferredSeen::default();
        for (key, row) in [("a", 2), ("b", 3), ("a", 4), ("c", 5), ("b", 6), ("a", 7)] {
            let (early, now) = seen.insert_hash(hash(&[key]), row);
            assert!(early.is_empty() && now.is_none());
        }
        assert_eq!(seen.repeats(), vec![(4, 2), (6, 3), (7, 2)]);
    }

    #[test]
    fn a_full_batch_hands_over_to_the_table() {
        let mut seen = DeferredSeen::default();
        let mut handed = Vec::new();
        for i in 0..ROW_LIMIT as u64 {
            // Key 0 repeats at row 5.
            let key = if i == 5 { 0 } else { i };
            let (early, now) = seen.insert_hash(hash(&[&key.to_string()]), i);
            assert!(now.is_none());
            handed.extend(early);
        }
        assert_eq!(handed, vec![(5, 0)]);
        // Keys from the batch are still known, with their first row.
        let (early, now) = seen.insert_hash(hash(&["7"]), ROW_LIMIT as u64 + 1);
        assert!(early.is_empty());
        assert_eq!(now, Some(Repeat::Of(7)));
        assert!(seen.repeats().is_empty());
    }

    #[test]
    fn remembers_first_rows_then_only_hashes() {
        let mut seen = Seen::default();
        assert_eq!(seen.insert(["35.76", "2024"], 2), Repeat::New);
        assert_eq!(seen.insert(["35.76", "2025"], 3), Repeat::New);
        assert_eq!(seen.insert(["35.76", "2024"], 4), Repeat::Of(2));
        // Parts are hashed separately: ("a", "bc") is not ("ab", "c").
        assert_eq!(seen.insert(["a", "bc"], 5), Repeat::New);
        assert_eq!(seen.insert(["ab", "c"], 6), Repeat::New);
        for i in 0..ROW_LIMIT as u64 {
            seen.insert([i.to_string().as_str()], i + 10);
        }
        assert!(matches!(seen, Seen::Hashes(_)));
        assert_eq!(seen.insert(["35.76", "2024"], 9), Repeat::Earlier);
        assert_eq!(seen.insert(["baru"], 9), Repeat::New);
    }
}
