//! Skipping the checks of a cell identical to the one above it. Tables sorted the way OPDs
//! publish them (by region, year, category) repeat most values from row to row, and a cell's
//! checks depend only on its value (and, for a region code, on the paired name), so a cell equal
//! to the previous cell of its column, which passed, passes again: only what the checks count
//! is counted again. Columns with a uniqueness constraint are always checked.

/// The previous cell of one column and what checking it did.
#[derive(Debug, Default)]
pub(super) struct Memo {
    value: String,
    name: String,
    /// It raised no finding (only then is it reused).
    clean: bool,
    /// Counted as an Indonesian grouped number.
    pub(super) grouped: bool,
    /// Counted as a checked region cell, and as a known one.
    pub(super) region: Option<bool>,
}

/// The counters a cell check may move, read before and after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Counters {
    pub(super) findings: u64,
    pub(super) grouped: u64,
    pub(super) region_checked: u64,
    pub(super) region_known: u64,
}

impl Memo {
    /// Whether `value` (with `name`) repeats the previous cell, which passed.
    pub(super) fn repeats(&self, value: &str, name: &str) -> bool {
        self.clean && same(&self.value, value) && same(&self.name, name)
    }

    /// Remembers a cell and what its check did.
    pub(super) fn remember(&mut self, value: &str, name: &str, before: Counters, after: Counters) {
        self.clean = after.findings == before.findings;
        if !self.clean {
            return;
        }
        self.value.clear();
        self.value.push_str(value);
        self.name.clear();
        self.name.push_str(name);
        self.grouped = after.grouped > before.grouped;
        self.region = (after.region_checked > before.region_checked)
            .then_some(after.region_known > before.region_known);
    }
}

/// String equality without a call to the C library's `memcmp`, which costs more than the
/// comparison itself for the short cells compared here (measured: it took half the run).
#[inline]
fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut left = a.chunks_exact(8);
    let mut right = b.chunks_exact(8);
    for (x, y) in left.by_ref().zip(right.by_ref()) {
        if u64::from_ne_bytes(x.try_into().unwrap_or_default())
            != u64::from_ne_bytes(y.try_into().unwrap_or_default())
        {
            return false;
        }
    }
    left.remainder()
        .iter()
        .zip(right.remainder())
        .all(|(x, y)| x == y)
}

#[cfg(test)]
mod tests {
    use super::{Counters, Memo, same};

    #[test]
    fn same_is_string_equality() {
        for (a, b) in [
            ("", ""),
            ("a", "a"),
            ("a", "b"),
            ("35.76.01.1003", "35.76.01.1003"),
            ("35.76.01.1003", "35.76.01.1004"),
            ("Prajuritkulon", "Prajuritkulo"),
            ("12345678", "12345679"),
            ("Mojokertó", "Mojokerto"),
        ] {
            assert_eq!(same(a, b), a == b, "{a} {b}");
        }
    }

    const ZERO: Counters = Counters {
        findings: 0,
        grouped: 0,
        region_checked: 0,
        region_known: 0,
    };

    #[test]
    fn only_a_clean_identical_cell_is_reused() {
        let mut memo = Memo::default();
        assert!(!memo.repeats("", ""));
        let known = Counters {
            region_checked: 1,
            region_known: 1,
            ..ZERO
        };
        memo.remember("35.76", "Kota Mojokerto", ZERO, known);
        assert!(memo.repeats("35.76", "Kota Mojokerto"));
        assert_eq!(memo.region, Some(true));
        assert!(!memo.repeats("35.76", "Kab. Mojokerto"));
        assert!(!memo.repeats("35.77", "Kota Mojokerto"));
        let failed = Counters {
            findings: 1,
            ..ZERO
        };
        memo.remember("x", "", ZERO, failed);
        assert!(!memo.repeats("x", ""));
        assert!(!memo.repeats("35.76", "Kota Mojokerto"));
    }
}
