//! The per-row checks: one plan per column, the keys, and what the rows teach about the table.
//! The plan is made in plan.rs.

mod plan;

use std::collections::{BTreeSet, HashMap};

use regex::Regex;

use super::keys::Key;
use super::memo::{Counters, Memo};
use super::prep::{KEYS, Prep, Preparer};
use super::region::{REGION_CACHE, RegionOutcome, type_id};
use super::{MEASURE_COLUMNS, TOTAL_LABELS};
use crate::cells::is_formula;
use crate::read::Row;
use crate::read::trim;
use crate::reference::RegionReference;
use crate::report::{Findings, RegionCells};
use crate::schema::{self, FieldType, Typed};
use crate::seen::{Repeat, Seen};

/// One column's plan: its field, and the checks that apply.
#[derive(Debug)]
struct Column {
    index: usize,
    name: String,
    kind: FieldType,
    required: bool,
    minimum: Option<f64>,
    maximum: Option<f64>,
    min_length: Option<usize>,
    max_length: Option<usize>,
    pattern: Option<Regex>,
    values: Option<foldhash::HashSet<String>>,
    /// For a region code column: the paired name column, if any.
    region: Option<Option<usize>>,
    seen: Option<Seen>,
    grouped_numbers: u64,
    memo: Memo,
}

pub(super) struct Checker<'o> {
    width: usize,
    labels: Vec<String>,
    columns: Vec<Column>,
    keys: Vec<Key>,
    missing: Vec<String>,
    reference: Option<&'o RegionReference>,
    coverage: Option<(i32, i32)>,
    tahun: Option<usize>,
    satuan: Option<(usize, BTreeSet<String>)>,
    pub(super) code_columns: Vec<usize>,
    /// Filled cells per column among kept data rows.
    pub(super) filled: Vec<u64>,
    pub(super) region_cells: RegionCells,
    region_cache: HashMap<String, RegionOutcome, foldhash::fast::FixedState>,
    region_key: String,
}

impl<'o> Checker<'o> {
    /// A row with a single filled, non-numeric cell in a table of three or more columns, or a
    /// blank row: a footnote if nothing but such rows follows.
    pub(super) fn maybe_footnote(&self, row: &Row, prep: &Prep) -> bool {
        if self.width < 3 {
            return false;
        }
        match prep.filled {
            0 => true,
            1 => row.cells.iter().any(|c| {
                let c = c.trim();
                !c.is_empty()
                    && !c
                        .bytes()
                        .all(|b| b.is_ascii_digit() || b == b'.' || b == b',' || b == b'-')
            }),
            _ => false,
        }
    }

    fn is_totals(&self, row: &Row, filled: usize) -> bool {
        // The shape first (cheap): a totals row leaves its codes empty or two cells blank.
        let empty_codes = self
            .code_columns
            .iter()
            .any(|&i| row.cells.get(i).is_none_or(|c| trim(c).is_empty()));
        if !empty_codes && filled + 2 > self.width {
            return false;
        }
        row.cells.iter().enumerate().any(|(i, cell)| {
            // Every label is at least five bytes long and starts with j, t or g.
            if cell.len() < 5 {
                return false;
            }
            let cell = trim(cell);
            let column = self.labels.get(i).map_or("", String::as_str);
            (5..=18).contains(&cell.len())
                && matches!(cell.as_bytes()[0] | 0x20, b'j' | b't' | b'g')
                && !MEASURE_COLUMNS.contains(&column)
                && TOTAL_LABELS
                    .iter()
                    .any(|label| label.eq_ignore_ascii_case(cell))
        })
    }

    /// From now on rows are only sorted (kept, blank, totals) and handed to the sink: no
    /// cell or key is checked. For the cleaning pass, which follows a validation.
    pub(super) fn sort_only(&mut self) {
        self.columns.clear();
        self.keys.clear();
    }

    /// What the reader thread can work out for a row ahead of [`Checker::row`].
    pub(super) fn preparer(&self) -> Preparer {
        Preparer {
            width: self.width,
            keys: self.keys.iter().map(|k| k.columns.clone()).collect(),
        }
    }

    pub(super) fn row(
        &mut self,
        row: &Row,
        prep: &Prep,
        findings: &mut Findings,
        sink: &mut dyn FnMut(&Row),
    ) {
        let n = Some(row.number);
        let filled = prep.filled;
        if filled == 0 {
            findings.add(
                "blank-row",
                n,
                None,
                None,
                "Baris kosong".into(),
                "Blank row".into(),
            );
            return;
        }
        if self.is_totals(row, filled) {
            findings.add(
                "totals-row",
                n,
                None,
                None,
                "Baris 'Jumlah'/'Total' di dalam data: hapus, jumlah dihitung dari data".into(),
                "A 'Jumlah'/'Total' row inside the data: remove it, totals are computed from the data".into(),
            );
            return;
        }
        for i in row.cells.len()..self.width {
            findings.add(
                "missing-cell",
                n,
                Some((&self.labels[i], i)),
                None,
                format!("Sel kolom '{}' tidak ada di baris ini", self.labels[i]),
                format!("The row has no cell for column '{}'", self.labels[i]),
            );
        }
        for (i, cell) in row.cells.iter().enumerate().skip(self.width) {
            findings.add(
                "extra-cell",
                n,
                Some(("", i)),
                Some(cell),
                format!("Sel berlebih di kolom {} (tanpa judul kolom)", i + 1),
                format!("Extra cell in column {} (no label)", i + 1),
            );
        }
        if let Some(mut mask) = prep.mask {
            while mask != 0 {
                self.filled[mask.trailing_zeros() as usize] += 1;
                mask &= mask - 1;
            }
        } else {
            for (i, cell) in row.cells.iter().enumerate().take(self.width) {
                if !trim(cell).is_empty() {
                    self.filled[i] += 1;
                }
            }
        }
        sink(row);
        if prep.formula {
            self.formulas(row, findings);
        }
        for c in 0..self.columns.len() {
            self.cell(c, row, findings);
        }
        for (k, key) in self.keys.iter_mut().enumerate() {
            let hash = if k < KEYS {
                prep.keys[k]
            } else {
                Key::hash(&key.columns, row)
            };
            key.record(hash, row.number, findings);
        }
    }

    /// Cells that a spreadsheet would run as formulas.
    fn formulas(&self, row: &Row, findings: &mut Findings) {
        for (i, raw) in row.cells.iter().enumerate() {
            if !is_formula(raw) {
                continue;
            }
            let label = self.labels.get(i).map_or("", String::as_str);
            let first = raw.chars().next().unwrap_or('=');
            findings.add(
                "formula-cell",
                Some(row.number),
                Some((label, i)),
                Some(raw),
                format!(
                    "Sel diawali '{first}' sehingga dijalankan sebagai rumus bila CSV dibuka di \
                     spreadsheet; periksa isinya, dan bila memang teks awali dengan tanda petik (')"
                ),
                format!(
                    "The cell starts with '{first}', so a spreadsheet opening the CSV runs it as a \
                     formula; check it, and if it is text prefix it with an apostrophe (')"
                ),
            );
        }
    }

    /// Checks one cell, or replays the counts of the identical cell above it (memo.rs).
    fn cell(&mut self, c: usize, row: &Row, findings: &mut Findings) {
        let column = &self.columns[c];
        let Some(raw) = row.cells.get(column.index) else {
            return;
        };
        let value = trim(raw);
        let name = match column.region {
            Some(Some(i)) => row.cells.get(i).map_or("", trim),
            _ => "",
        };
        if column.memo.repeats(value, name) {
            let column = &mut self.columns[c];
            if column.memo.grouped {
                column.grouped_numbers += 1;
            }
            if let Some(known) = column.memo.region {
                self.region_cells.checked += 1;
                if known {
                    self.region_cells.known += 1;
                }
            }
            return;
        }
        let before = self.counters(c, findings);
        self.check_cell(c, row, findings);
        let after = self.counters(c, findings);
        let column = &mut self.columns[c];
        if column.seen.is_none() {
            column.memo.remember(value, name, before, after);
        }
    }

    fn counters(&self, c: usize, findings: &Findings) -> Counters {
        Counters {
            findings: findings.total,
            grouped: self.columns[c].grouped_numbers,
            region_checked: self.region_cells.checked,
            region_known: self.region_cells.known,
        }
    }

    fn check_cell(&mut self, c: usize, row: &Row, findings: &mut Findings) {
        let column = &mut self.columns[c];
        let Some(raw) = row.cells.get(column.index) else {
            return;
        };
        let value = trim(raw);
        let n = Some(row.number);
        let field = Some((column.name.as_str(), column.index));
        if self.missing.iter().any(|m| m == value) {
            if column.required {
                findings.add(
                    "constraint-error",
                    n,
                    field,
                    Some(raw),
                    format!("Kolom '{}' wajib diisi", column.name),
                    format!("Column '{}' requires a value", column.name),
                );
            }
            return;
        }
        let read = column.kind.read(value).or_else(|| {
            // Indonesian thousand separators in whole numbers (1.234.567) are clean-able, not wrong.
            // They must fit the same 64 bits as any other integer cell.
            let grouped = column.kind == FieldType::Integer && schema::is_grouped_integer(value);
            let n = grouped
                .then(|| value.replace('.', "").parse::<i64>().ok())
                .flatten()?;
            column.grouped_numbers += 1;
            Some(Typed::Number(n as f64))
        });
        let Some(typed) = read else {
            findings.add(
                "type-error",
                n,
                field,
                Some(raw),
                format!(
                    "Nilai '{value}' bukan {} (kolom '{}')",
                    type_id(column.kind),
                    column.name
                ),
                format!(
                    "'{value}' is not a valid {} (column '{}')",
                    column.kind.label(),
                    column.name
                ),
            );
            return;
        };
        let mut region_reported = false;
        if let (Some(name_column), Some(reference)) = (column.region, self.reference) {
            let name = name_column
                .and_then(|i| row.cells.get(i))
                .map(trim)
                .filter(|s| !s.is_empty());
            self.region_key.clear();
            self.region_key.push_str(value);
            self.region_key.push('\u{1}');
            self.region_key.push_str(name.unwrap_or_default());
            let outcome = match self.region_cache.get(self.region_key.as_str()) {
                Some(outcome) => outcome.clone(),
                None => {
                    let outcome = RegionOutcome::of(reference, value, name);
                    if self.region_cache.len() < REGION_CACHE {
                        self.region_cache
                            .insert(self.region_key.clone(), outcome.clone());
                    }
                    outcome
                }
            };
            self.region_cells.checked += 1;
            if outcome.known() {
                self.region_cells.known += 1;
            }
            let text = matches!(column.kind, FieldType::String | FieldType::Any);
            region_reported = outcome.report(value, name, n, field, text, findings);
        }
        let mut broken: Option<(String, String)> = None;
        if let Typed::Number(number) = typed {
            if column.minimum.is_some_and(|min| number < min) {
                let min = column.minimum.unwrap_or_default();
                broken = Some((
                    format!("kurang dari minimum {min}"),
                    format!("below the minimum {min}"),
                ));
            } else if column.maximum.is_some_and(|max| number > max) {
                let max = column.maximum.unwrap_or_default();
                broken = Some((
                    format!("lebih dari maksimum {max}"),
                    format!("above the maximum {max}"),
                ));
            }
        }
        let limited = column.min_length.is_some() || column.max_length.is_some();
        let chars = if limited { value.chars().count() } else { 0 };
        if limited
            && (column.min_length.is_some_and(|min| chars < min)
                || column.max_length.is_some_and(|max| chars > max))
        {
            broken = Some((
                "panjangnya di luar batas".into(),
                "has a length outside the limits".into(),
            ));
        }
        if column.pattern.as_ref().is_some_and(|p| !p.is_match(value)) {
            broken = Some((
                "tidak sesuai pola".into(),
                "does not match the pattern".into(),
            ));
        }
        if !region_reported && column.values.as_ref().is_some_and(|v| !v.contains(value)) {
            broken = Some((
                "tidak termasuk nilai yang diizinkan".into(),
                "is not one of the allowed values".into(),
            ));
        }
        if let Some((id, en)) = broken {
            findings.add(
                "constraint-error",
                n,
                field,
                Some(raw),
                format!("Nilai '{value}' {id} (kolom '{}')", column.name),
                format!("'{value}' {en} (column '{}')", column.name),
            );
        }
        if let Some(seen) = &mut column.seen {
            let earlier = match seen.insert([value], row.number) {
                Repeat::New => None,
                Repeat::Of(first) => Some((format!("baris {first}"), format!("row {first}"))),
                Repeat::Earlier => {
                    Some(("baris sebelumnya".to_owned(), "an earlier row".to_owned()))
                }
            };
            if let Some((earlier_id, earlier_en)) = earlier {
                findings.add(
                    "unique-error",
                    n,
                    field,
                    Some(raw),
                    format!(
                        "Nilai '{value}' di kolom '{}' sama dengan {earlier_id}",
                        column.name
                    ),
                    format!("'{value}' in column '{}' repeats {earlier_en}", column.name),
                );
            }
        }
        if Some(column.index) == self.tahun
            && let (Some((from, to)), Typed::Number(year)) = (self.coverage, typed)
            && (year < f64::from(from) || year > f64::from(to))
        {
            findings.add(
                "year-out-of-coverage",
                n,
                field,
                Some(raw),
                format!("Tahun {value} di luar cakupan waktu dataset ({from}-{to})"),
                format!("Year {value} is outside the dataset's temporal coverage ({from}-{to})"),
            );
        }
        if let Some((i, units)) = &mut self.satuan
            && *i == column.index
            && units.len() < 10
            && !units.contains(value)
        {
            units.insert(value.to_owned());
        }
    }

    pub(super) fn finish(&mut self, findings: &mut Findings) {
        Key::finish(&mut self.keys, findings);
        if let Some((i, units)) = &self.satuan
            && units.len() > 1
        {
            let list = units.iter().cloned().collect::<Vec<_>>().join(", ");
            findings.add(
                "mixed-units",
                None,
                Some(("satuan", *i)),
                None,
                format!(
                    "Satuan berbeda dalam satu tabel: {list}; satu tabel sebaiknya satu satuan"
                ),
                format!("Different units in one table: {list}; a table should use one unit"),
            );
        }
        for column in self.columns.iter().filter(|c| c.grouped_numbers > 0) {
            findings.add(
                "indonesian-number",
                None,
                Some((&column.name, column.index)),
                None,
                format!(
                    "{} angka di kolom '{}' memakai titik ribuan (1.234); pembersihan mengubahnya menjadi 1234",
                    column.grouped_numbers, column.name
                ),
                format!(
                    "{} numbers in column '{}' use thousand dots (1.234); cleaning turns them into 1234",
                    column.grouped_numbers, column.name
                ),
            );
        }
    }
}
