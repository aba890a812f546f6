//! Memory-bounded tracking of values already seen, for uniqueness checks on very large files.
//!
//! Values are kept as 64-bit hashes (a collision among 17 million keys has a chance of about
//! one in 100,000). Up to [`ROW_LIMIT`] keys the first row of each is remembered too, so that a
//! duplicate can name it; past that only hashes are kept (9 bytes per key instead of 17), and a
//! duplicate is reported as repeating "an earlier row".

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

impl Seen {
    /// Records the key made of `parts` at `row`.
    pub(crate) fn insert<'a>(
        &mut self,
        parts: impl IntoIterator<Item = &'a str>,
        row: u64,
    ) -> Repeat {
        let mut hasher = STATE.build_hasher();
        for part in parts {
            part.hash(&mut hasher);
        }
        let hash = hasher.finish();
        match self {
            Self::Rows(rows) => {
                if let Some(first) = rows.get(&hash) {
                    return Repeat::Of(*first);
                }
                if rows.len() < ROW_LIMIT {
                    rows.insert(hash, row);
                    return Repeat::New;
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

#[cfg(test)]
mod tests {
    use super::{ROW_LIMIT, Repeat, Seen};

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
