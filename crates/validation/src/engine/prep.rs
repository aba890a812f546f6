//! What the reader thread works out for each row before the checker sees it: which cells are
//! filled and the keys' hashes. The checker thread is the longer of the two (perf), so work
//! that needs nothing but the row moves here.

use super::keys::Key;
use crate::cells::may_be_formula;
use crate::read::{Row, is_filled, trim};

/// Keys hashed ahead; a table with more keys (rare) has the rest hashed by the checker.
pub(super) const KEYS: usize = 4;
/// Columns whose filled state fits the mask.
const MASK_COLUMNS: usize = 64;

/// One row's preparation.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Prep {
    /// Cells holding something other than ASCII white space (as [`Row::filled`] counts).
    pub filled: usize,
    /// Bit `i` set when column `i`'s trimmed cell is not empty; `None` for tables wider than
    /// the mask.
    pub mask: Option<u64>,
    /// The hashes of the first [`KEYS`] keys ([`Key::hash`]).
    pub keys: [Option<u64>; KEYS],
    /// Some cell starts with a character that may start a formula (`=`, `+`, `-`, `@`).
    pub formula: bool,
}

/// The table's shape and key columns, shared with the reader thread.
#[derive(Debug, Clone)]
pub(super) struct Preparer {
    pub width: usize,
    pub keys: Vec<Vec<usize>>,
}

impl Preparer {
    pub(super) fn prep(&self, row: &Row) -> Prep {
        let masked = self.width <= MASK_COLUMNS;
        let mut prep = Prep {
            mask: masked.then_some(0),
            ..Prep::default()
        };
        let mut mask = 0u64;
        for (i, cell) in row.cells.iter().enumerate() {
            prep.formula |= may_be_formula(cell);
            if is_filled(cell) {
                prep.filled += 1;
                if masked && i < self.width && !trim(cell).is_empty() {
                    mask |= 1 << i;
                }
            }
        }
        if masked {
            prep.mask = Some(mask);
        }
        for (slot, columns) in prep.keys.iter_mut().zip(&self.keys) {
            *slot = Key::hash(columns, row);
        }
        prep
    }
}

#[cfg(test)]
mod tests {
    use crate::{Options, TableSchema, validate};

    /// A table wider than the filled mask, with more keys than are hashed ahead: the checker's
    /// fallbacks find the same empty column and the same repeat.
    #[test]
    fn wide_tables_and_many_keys_use_the_fallbacks() {
        let names: Vec<String> = (0..70).map(|i| format!("c{i}")).collect();
        let row = |n: usize, last: &str| {
            (0..70)
                .map(|i| match i {
                    66 => String::new(),
                    68 => last.to_owned(),
                    _ => format!("{n}-{i}"),
                })
                .collect::<Vec<_>>()
                .join(",")
        };
        let csv = [names.join(","), row(1, "a"), row(2, "b"), row(3, "b")].join("\n");
        let schema: TableSchema = serde_json::from_value(serde_json::json!({
            "fields": names.iter().map(|n| serde_json::json!({"name": n, "type": "string"}))
                .collect::<Vec<_>>(),
            "uniqueKeys": [["c0"], ["c1"], ["c2"], ["c3"], ["c68"]],
        }))
        .expect("schema");
        let options = Options {
            schema: Some(&schema),
            ..Options::default()
        };
        let report = validate(csv.as_bytes(), &options).expect("readable");
        assert_eq!(report.table.empty_columns, ["c66"]);
        let repeats: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.kind == "unique-error")
            .map(|f| f.row_number)
            .collect();
        assert_eq!(repeats, [Some(4)]);
    }
}
