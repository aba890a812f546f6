//! The per-row checks: one plan per column, the keys, and what the rows teach about the table.
//! The plan is made in plan.rs, cells are checked in cell.rs, totals rows and series in
//! totals.rs, and the column findings are made at the end in finish.rs.

mod cell;
mod finish;
mod pairs;
mod plan;
mod plausible;
mod totals;

use std::collections::{BTreeSet, HashMap};

use regex::Regex;

use super::keys::Key;
use super::memo::{Counters, Memo, NOTES};
use super::prep::{KEYS, Prep, Preparer};
use super::region::{RegionColumn, RegionOutcome};
use super::{MEASURE_COLUMNS, TOTAL_LABELS};
use crate::cells::is_formula;
use crate::read::{Row, trim};
use crate::reference::{RegionLevel, RegionReference};
use crate::report::{Findings, RegionCells};
use crate::roles::ColumnRole;
use crate::schema::FieldType;
use crate::seen::Seen;

pub(super) use totals::Series;

/// One column's plan: its field, and the checks that apply.
#[derive(Debug)]
struct Column {
    index: usize,
    name: String,
    kind: FieldType,
    role: ColumnRole,
    required: bool,
    minimum: Option<f64>,
    maximum: Option<f64>,
    min_length: Option<usize>,
    max_length: Option<usize>,
    pattern: Option<Regex>,
    values: Option<foldhash::HashSet<String>>,
    /// For a region code column: its system, level and name column.
    region: Option<RegionColumn>,
    seen: Option<Seen>,
    /// Cells counted per note (memo.rs), and the first of each.
    notes: [u64; NOTES],
    examples: [Option<(u64, String)>; NOTES],
    /// The unit a notation named (`%` → persen, `Rp` → Rupiah).
    unit: Option<&'static str>,
    /// A measure: its values are summed (totals rows) and followed per region (series).
    measure: bool,
    /// This row's value, for a numeric column.
    number: Option<f64>,
    /// This row's region code raised no finding (codes that did are not compared).
    region_ok: bool,
    /// Sum of the values since the table's start or the last totals row.
    sum: f64,
    sum_rows: u32,
    sum_first_row: u64,
    /// Most decimals seen in a value (the rounding a total may carry).
    decimals: u8,
    memo: Memo,
}

/// What the rows say about the table's metadata (metadata.rs).
#[derive(Debug, Default, Clone)]
pub(crate) struct Seen2 {
    /// First and last year of the `tahun` column.
    pub years: Option<(i32, i32)>,
    /// The longest code every region code shares (digits of a Kemendagri code), and the finest
    /// level seen.
    pub common_code: Option<String>,
    pub finest: Option<RegionLevel>,
}

pub(super) struct Checker<'o> {
    width: usize,
    labels: Vec<String>,
    columns: Vec<Column>,
    keys: Vec<Key>,
    missing: Vec<String>,
    /// Placeholders (`-`, `tidak ada data`) are missing values (the schema was inferred).
    placeholders: bool,
    reference: Option<&'o RegionReference>,
    coverage: Option<(i32, i32)>,
    tahun: Option<usize>,
    satuan: Option<(usize, BTreeSet<String>)>,
    regions: Vec<RegionColumn>,
    /// Columns of row numbers (a pandas index): a row filled only there is blank.
    index_columns: Vec<usize>,
    /// Text columns that label a row (for totals rows without a Jumlah label).
    label_columns: Vec<usize>,
    pub(super) code_columns: Vec<usize>,
    /// Filled cells per column among kept data rows.
    pub(super) filled: Vec<u64>,
    pub(super) region_cells: RegionCells,
    region_cache: HashMap<String, RegionOutcome, foldhash::fast::FixedState>,
    region_key: String,
    /// A region cell of this row was checked afresh (not repeated from the row above).
    region_changed: bool,
    /// The last row's region-code disagreements, replayed while the codes repeat.
    disagreements: Vec<totals::Disagreement>,
    /// Province and kabupaten/kota names (loose) with their level, for totals labels.
    region_names: HashMap<String, RegionLevel>,
    /// The previous data row's first label, and its number.
    last_label: String,
    last_row: u64,
    series: Option<Series>,
    /// Measure columns labelled in male/female pairs, and the rows whose values are shifted.
    pairs: Vec<usize>,
    shifted: Vec<(u64, String)>,
    /// Measure columns, rows repeating a value across them, and (in a table without codes)
    /// the region name column and its names by loose form (plausible.rs).
    measures: usize,
    runs: Vec<(u64, f64, String)>,
    name_column: Option<usize>,
    names: plausible::Names,
    pub(super) seen: Seen2,
    /// Data rows kept so far.
    kept: u64,
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

    /// A row labelled `Jumlah`, `Total` ... in a cell that is not a measure's companion.
    fn is_labelled_totals(&self, row: &Row, filled: usize) -> bool {
        // The shape first (cheap): a totals row leaves its codes empty or two cells blank;
        // otherwise only its first two cells may hold the label.
        let empty_codes = self
            .code_columns
            .iter()
            .any(|&i| row.cells.get(i).is_none_or(|c| trim(c).is_empty()));
        let cells = if !empty_codes && filled + 2 > self.width {
            2
        } else {
            self.width
        };
        row.cells.iter().take(cells).enumerate().any(|(i, cell)| {
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
        // Only the measures stay: their sums find totals rows without a label.
        self.columns.retain(|c| c.measure);
        for column in &mut self.columns {
            *column = Column {
                pattern: None,
                values: None,
                seen: None,
                minimum: None,
                maximum: None,
                min_length: None,
                max_length: None,
                required: false,
                region: None,
                ..std::mem::replace(column, Column::placeholder())
            };
        }
        self.keys.clear();
        self.reference = None;
        self.series = None;
        self.pairs.clear();
        self.regions.clear();
        self.measures = 0;
        self.name_column = None;
    }

    /// What the reader thread can work out for a row ahead of [`Checker::row`].
    pub(super) fn preparer(&self) -> Preparer {
        Preparer {
            width: self.width,
            keys: self.keys.iter().map(|k| k.columns.clone()).collect(),
        }
    }

    /// Filled cells outside the index columns.
    fn filled_outside_index(&self, row: &Row, prep: &Prep) -> usize {
        if self.index_columns.is_empty() {
            return prep.filled;
        }
        let inside = self
            .index_columns
            .iter()
            .filter(|&&i| row.cells.get(i).is_some_and(|c| !trim(c).is_empty()))
            .count();
        prep.filled.saturating_sub(inside)
    }

    pub(super) fn row(
        &mut self,
        row: &Row,
        prep: &Prep,
        findings: &mut Findings,
        sink: &mut dyn FnMut(&Row),
    ) {
        let n = Some(row.number);
        let filled = self.filled_outside_index(row, prep);
        if filled == 0 {
            findings.add(
                "blank-row",
                n,
                None,
                None,
                "Baris kosong; hapus baris ini".into(),
                "Blank row; remove it".into(),
            );
            return;
        }
        if self.is_labelled_totals(row, filled) {
            findings.add(
                "totals-row",
                n,
                None,
                None,
                "Baris 'Jumlah'/'Total' di dalam data: hapus, jumlah dihitung dari data".into(),
                "A 'Jumlah'/'Total' row inside the data: remove it, totals are computed from the data".into(),
            );
            self.reset_sums(row.number);
            return;
        }
        if self.is_unlabelled_totals(row, findings) {
            self.reset_sums(row.number);
            return;
        }
        self.kept += 1;
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
        if self.regions.len() > 1 {
            self.region_agreement(row, findings);
        }
        self.after_cells(row);
        self.check_triples(row.number);
        self.check_runs(row.number);
        self.note_names(row);
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
        let column = &mut self.columns[c];
        column.number = None;
        column.region_ok = true;
        let Some(raw) = row.cells.get(column.index) else {
            return;
        };
        let value = trim(raw);
        let name = match column.region.and_then(|r| r.name) {
            Some(i) => row.cells.get(i).map_or("", trim),
            None => "",
        };
        if column.memo.repeats(value, name) {
            if column.memo.notes != 0 {
                for (i, count) in column.notes.iter_mut().enumerate() {
                    if column.memo.notes & (1 << i) != 0 {
                        *count += 1;
                    }
                }
            }
            column.number = column.memo.number;
            if let Some(known) = column.memo.region {
                self.region_cells.checked += 1;
                if known {
                    self.region_cells.known += 1;
                }
            }
            return;
        }
        if column.region.is_some() {
            self.region_changed = true;
        }
        let before = self.counters(c, findings);
        self.check_cell(c, row, findings);
        let after = self.counters(c, findings);
        if after.findings > before.findings {
            self.columns[c].region_ok = false;
        }
        let column = &mut self.columns[c];
        if column.seen.is_none() {
            column
                .memo
                .remember(value, name, before, after, column.number);
        }
    }

    fn counters(&self, c: usize, findings: &Findings) -> Counters {
        Counters {
            findings: findings.total,
            notes: self.columns[c].notes,
            region_checked: self.region_cells.checked,
            region_known: self.region_cells.known,
        }
    }
}

impl Checker<'_> {
    /// The values of the `satuan` column (up to ten).
    pub(super) fn satuan_values(&self) -> Vec<String> {
        self.satuan
            .as_ref()
            .map(|(_, units)| units.iter().filter(|u| !u.is_empty()).cloned().collect())
            .unwrap_or_default()
    }

    /// The units notations named per column (`%` → persen).
    pub(super) fn column_units(&self) -> Vec<(String, &'static str)> {
        self.columns
            .iter()
            .filter_map(|c| c.unit.map(|u| (c.name.clone(), u)))
            .collect()
    }
}

impl Column {
    /// A column with nothing to check (what `sort_only` leaves behind).
    fn placeholder() -> Self {
        Self {
            index: 0,
            name: String::new(),
            kind: FieldType::String,
            role: ColumnRole::Other,
            required: false,
            minimum: None,
            maximum: None,
            min_length: None,
            max_length: None,
            pattern: None,
            values: None,
            region: None,
            seen: None,
            notes: [0; NOTES],
            examples: Default::default(),
            unit: None,
            measure: false,
            number: None,
            region_ok: false,
            sum: 0.0,
            sum_rows: 0,
            sum_first_row: 0,
            decimals: 0,
            memo: Memo::default(),
        }
    }

    /// Counts a note, remembering the first cell it was made on.
    fn note(&mut self, note: usize, row: u64, value: &str) {
        self.notes[note] += 1;
        if self.examples[note].is_none() {
            self.examples[note] = Some((row, value.chars().take(40).collect()));
        }
    }
}
