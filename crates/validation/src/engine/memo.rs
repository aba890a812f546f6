//! Skipping the checks of a cell identical to the one above it. Tables sorted the way OPDs
//! publish them (by region, year, category) repeat most values from row to row, and a cell's
//! checks depend only on its value (and, for a region code, on the paired name), so a cell equal
//! to the previous cell of its column, which passed, passes again: only what the checks count
//! is counted again. Columns with a uniqueness constraint are always checked.

/// Per-column notes a cell check may count (each becomes one column finding at the end).
pub(super) const NOTES: usize = 5;
/// Indonesian thousand grouping (`1.234`).
pub(super) const GROUPED: usize = 0;
/// Other Indonesian notation: decimal comma, `%`, `Rp` (`87,5 %`, `Rp 1.500.000`).
pub(super) const INDONESIAN: usize = 1;
/// An integer exported as a decimal (`32.0`).
pub(super) const FLOAT: usize = 2;
/// A Kemendagri code without its dots (`3273`).
pub(super) const UNDOTTED: usize = 3;
/// A placeholder for a missing value (`-`, `tidak ada data`).
pub(super) const PLACEHOLDER: usize = 4;

/// The previous cell of one column and what checking it did.
#[derive(Debug, Default)]
pub(super) struct Memo {
    value: String,
    name: String,
    /// It raised no finding (only then is it reused).
    clean: bool,
    /// The notes it counted (bit per note).
    pub(super) notes: u8,
    /// Counted as a checked region cell, and as a known one.
    pub(super) region: Option<bool>,
    /// Its value as a number, for a numeric column.
    pub(super) number: Option<f64>,
}

/// The counters a cell check may move, read before and after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Counters {
    pub(super) findings: u64,
    pub(super) notes: [u64; NOTES],
    pub(super) region_checked: u64,
    pub(super) region_known: u64,
}

impl Memo {
    /// Whether `value` (with `name`) repeats the previous cell, which passed.
    pub(super) fn repeats(&self, value: &str, name: &str) -> bool {
        self.clean && same(&self.value, value) && same(&self.name, name)
    }

    /// Remembers a cell and what its check did.
    pub(super) fn remember(
        &mut self,
        value: &str,
        name: &str,
        before: Counters,
        after: Counters,
        number: Option<f64>,
    ) {
        self.clean = after.findings == before.findings;
        if !self.clean {
            return;
        }
        self.value.clear();
        self.value.push_str(value);
        self.name.clear();
        self.name.push_str(name);
        self.notes = 0;
        for (i, (a, b)) in after.notes.iter().zip(before.notes).enumerate() {
            if *a > b {
                self.notes |= 1 << i;
            }
        }
        self.region = (after.region_checked > before.region_checked)
            .then_some(after.region_known > before.region_known);
        self.number = number;
    }
}

/// String equality without a call to the C library's `memcmp`, which costs more than the
/// comparison itself for the short cells compared here (measured: it took half the run).
#[inline]
pub(super) fn same(a: &str, b: &str) -> bool {
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
    use super::{Counters, Memo, NOTES, same};

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
        notes: [0; NOTES],
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
            notes: [0, 0, 0, 1, 0],
            ..ZERO
        };
        memo.remember("3576", "Kota Mojokerto", ZERO, known, None);
        assert!(memo.repeats("3576", "Kota Mojokerto"));
        assert_eq!(memo.region, Some(true));
        assert_eq!(memo.notes, 1 << 3);
        assert!(!memo.repeats("3576", "Kab. Mojokerto"));
        assert!(!memo.repeats("3577", "Kota Mojokerto"));
        let failed = Counters {
            findings: 1,
            ..ZERO
        };
        memo.remember("x", "", ZERO, failed, None);
        assert!(!memo.repeats("x", ""));
        assert!(!memo.repeats("3576", "Kota Mojokerto"));
    }
}
