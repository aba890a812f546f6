//! The validation report: findings per cell with exact counts, and what was read.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::schema::TableSchema;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The table breaks a rule; the version cannot be submitted.
    Error,
    /// Probably wrong or against Satu Data conventions; the walidata decides.
    Warning,
    /// Something the reader did or noticed (skipped title lines, footnotes).
    Info,
}

/// One problem, at the cell where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Finding type: frictionless names (`type-error`, `missing-cell` ...) where one exists,
    /// Satu Data names (`unknown-region-code`, `totals-row` ...) otherwise.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Severity.
    pub severity: Severity,
    /// Physical row as frictionless counts it: 1 is the file's first row; the header row counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row_number: Option<u64>,
    /// Column name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field_name: Option<String>,
    /// Column position, 1-based.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field_number: Option<u64>,
    /// The cell's value, cut to 100 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    /// For a finding that stands for many cells (or columns): how many.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// Bahasa Indonesia.
    pub message: String,
    /// English.
    pub message_en: String,
}

/// What the reader found out about the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct TableInfo {
    /// `csv`, `xlsx` or `json`.
    pub format: String,
    /// The worksheet read, for a workbook.
    pub sheet: Option<String>,
    /// Text encoding as detected (`utf-8`, `utf-8-bom`, `utf-16le`, `utf-16be`, `windows-1252`).
    pub encoding: String,
    /// Field delimiter (CSV only).
    pub delimiter: Option<String>,
    /// Physical row of the header (its first row when it spans several).
    pub header_row: u64,
    /// Rows the header spans (a label per column combined from them).
    #[serde(default = "one")]
    pub header_rows: u64,
    /// Header labels as written.
    pub header: Vec<String>,
    /// Data rows (after the header; skipped footnotes and totals rows included).
    pub row_count: u64,
    /// Columns in the header.
    pub column_count: u64,
    /// Columns without a single value in the data (cleaning drops them).
    pub empty_columns: Vec<String>,
    /// What each column holds (the labels' roles, refined by the values).
    #[serde(default)]
    pub roles: Vec<crate::roles::ColumnRole>,
    /// Columns cleaning drops, 1-based: empty columns and a pandas index.
    #[serde(default)]
    pub drop_columns: Vec<u64>,
    /// Columns without a label that number the rows (a pandas index), 1-based.
    #[serde(default)]
    pub index_columns: Vec<u64>,
}

fn one() -> u64 {
    1
}

/// The report of one validation.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// No error-severity finding.
    pub valid: bool,
    /// Error findings, all counted even when not all are listed.
    pub error_count: u64,
    /// Warning findings.
    pub warning_count: u64,
    /// Info findings.
    pub info_count: u64,
    /// Exact count per finding type.
    pub counts: BTreeMap<&'static str, u64>,
    /// Whether `findings` lists fewer than were found (capped per type).
    pub truncated: bool,
    /// The findings, in file order within each type, at most the cap per type.
    pub findings: Vec<Finding>,
    /// What was read.
    pub table: TableInfo,
    /// The Table Schema applied: the one given, or the one inferred for the steward to confirm.
    pub schema: TableSchema,
    /// Whether `schema` was inferred.
    pub schema_inferred: bool,
    /// The region reference used, or `null` when region codes were not checked.
    pub region_reference: Option<String>,
    /// Region code cells checked against the reference, and how many exist in it.
    pub region_cells: RegionCells,
    /// What the engine proposes for the steward to confirm when it inferred the schema.
    pub suggestions: Suggestions,
    /// The cell findings that column findings in `findings` stand for (a rule that fired on
    /// most cells of a column is listed once there), capped per type like `findings`.
    pub details: Vec<Finding>,
    /// Metadata the table itself gives, for the steward to confirm on the version.
    pub proposed_metadata: ProposedMetadata,
}

/// Metadata the table itself gives: coverage in time and space, the unit. The catalog offers it
/// to the steward, and DCAT's `dct:temporal` and `dct:spatial` can come from it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProposedMetadata {
    /// First and last year of the data (the `tahun` column, or years as column labels).
    pub temporal: Option<Temporal>,
    /// The smallest region that holds every region the table names.
    pub spatial: Option<Spatial>,
    /// The finest region level of the rows (tingkat penyajian).
    pub level: Option<crate::reference::RegionLevel>,
    /// The table's unit (the `satuan` column's one value, or a unit in the title or header).
    pub satuan: Option<String>,
    /// Units named per column (`Jumlah Penduduk (Ribu)` → `Ribu`, `87,5 %` → `persen`).
    pub column_units: BTreeMap<String, String>,
}

/// A span of years.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Temporal {
    /// First year.
    pub start: i32,
    /// Last year.
    pub end: i32,
}

/// A region of the Kemendagri list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Spatial {
    /// Dotted Kemendagri code (`32`, `32.04`); empty for Indonesia as a whole.
    pub code: String,
    /// Name in the list, when the list is loaded.
    pub name: Option<String>,
    /// Its level.
    pub level: Option<crate::reference::RegionLevel>,
}

/// Proposals made from the data, for the steward to confirm in the dataset's Table Schema.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Suggestions {
    /// A likely key: the smallest set of dimension columns unique over the sample (empty when
    /// none was found or a schema was given).
    pub key: Vec<String>,
    /// Columns recognised as Kemendagri region codes (`kode_kecamatan` ...).
    pub region_columns: Vec<String>,
}

/// Region code cells checked and found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RegionCells {
    /// Cells of `kode_*` columns checked against the Kemendagri list.
    pub checked: u64,
    /// Of those, codes that exist as written.
    pub known: u64,
}

/// Collects findings with a cap per type and exact counts.
#[derive(Debug)]
pub(crate) struct Findings {
    cap: usize,
    listed: BTreeMap<&'static str, usize>,
    pub(crate) counts: BTreeMap<&'static str, u64>,
    pub(crate) items: Vec<Finding>,
    pub(crate) truncated: bool,
    /// Findings of every type so far (listed or not).
    pub(crate) total: u64,
    /// Cell findings per type and column (0-based), listed or not, with their first few.
    pub(crate) by_column: BTreeMap<(&'static str, u64), (u64, Vec<Finding>)>,
}

/// Longest cell value kept in a finding.
const CELL_CHARS: usize = 100;

impl Findings {
    pub(crate) fn new(cap: usize) -> Self {
        Self {
            cap,
            listed: BTreeMap::new(),
            counts: BTreeMap::new(),
            items: Vec::new(),
            truncated: false,
            total: 0,
            by_column: BTreeMap::new(),
        }
    }

    pub(crate) fn push(&mut self, finding: Finding) {
        self.total += 1;
        if let (Some(_), Some(column), None) =
            (finding.row_number, finding.field_number, finding.count)
        {
            let entry = self.by_column.entry((finding.kind, column)).or_default();
            entry.0 += 1;
            if entry.1.len() < 3 {
                entry.1.push(finding.clone());
            }
        }
        *self.counts.entry(finding.kind).or_default() += 1;
        let listed = self.listed.entry(finding.kind).or_default();
        if *listed < self.cap {
            *listed += 1;
            self.items.push(finding);
        } else {
            self.truncated = true;
        }
    }

    /// Adds a finding from its parts; the severity follows from the type.
    pub(crate) fn add(
        &mut self,
        kind: &'static str,
        row: Option<u64>,
        field: Option<(&str, usize)>,
        cell: Option<&str>,
        message: String,
        message_en: String,
    ) {
        self.push(Finding {
            kind,
            severity: crate::checks::severity_of(kind),
            row_number: row,
            field_name: field.map(|(name, _)| name.to_owned()),
            field_number: field.map(|(_, index)| index as u64 + 1),
            cell: cell.map(|c| c.chars().take(CELL_CHARS).collect()),
            count: None,
            message,
            message_en,
        });
    }

    /// Adds a finding standing for `count` cells or columns (a column finding: `row` is the
    /// first of them, or the header row).
    pub(crate) fn add_counted_at(
        &mut self,
        kind: &'static str,
        row: Option<u64>,
        field: Option<(&str, usize)>,
        count: u64,
        message: String,
        message_en: String,
    ) {
        self.push(Finding {
            kind,
            severity: crate::checks::severity_of(kind),
            row_number: row,
            field_name: field.map(|(name, _)| name.to_owned()),
            field_number: field.map(|(_, index)| index as u64 + 1),
            cell: None,
            count: Some(count),
            message,
            message_en,
        });
    }

    pub(crate) fn severity_count(&self, severity: Severity) -> u64 {
        self.counts
            .iter()
            .filter(|(kind, _)| crate::checks::severity_of(kind) == severity)
            .map(|(_, n)| n)
            .sum()
    }
}
