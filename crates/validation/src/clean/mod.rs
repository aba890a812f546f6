//! Cleaning: a deterministic, logged rewrite of an OPD table into a clean UTF-8, comma-separated,
//! RFC 4180 table. Only changes that cannot alter meaning are made; everything else stays a
//! finding for the steward.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use serde::Serialize;

mod cell;
mod melt;

use crate::checks::snake_case;
use crate::engine::{Options, Pass, is_region_column, run};
use crate::limits::Limits;
use crate::read::{ReadError, Row};
use crate::reference::RegionReference;
use crate::report::{Report, TableInfo};
use crate::roles::ColumnRole;
use crate::schema::{FieldType, TableSchema};
use cell::{Source, clean_cell};
use melt::Melt;

/// Examples kept per change.
const EXAMPLES: usize = 3;

/// One kind of change, how often it was made, and a few examples.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Rule name, e.g. `indonesian-number`.
    pub rule: &'static str,
    /// What the rule does, in Bahasa Indonesia.
    pub description: &'static str,
    /// The same in English.
    pub description_en: &'static str,
    /// Cells, rows or columns changed.
    pub count: u64,
    /// Up to three (before, after) pairs.
    pub examples: Vec<(String, String)>,
}

/// The change log of a cleaning run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CleanLog {
    /// Changes, in a fixed order; rules that changed nothing are left out.
    pub changes: Vec<Change>,
    /// Data rows written.
    pub rows_written: u64,
    /// The clean table's columns and their types, in order.
    pub columns: Vec<CleanColumn>,
}

/// A column of the clean table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct CleanColumn {
    /// The snake_case label written.
    pub name: String,
    /// The type the applied schema gives it.
    #[serde(rename = "type")]
    pub kind: FieldType,
}

#[derive(Default)]
pub(crate) struct Tally {
    changes: BTreeMap<&'static str, Change>,
}

impl Tally {
    pub(crate) fn note(&mut self, rule: &'static str, count: u64, before: &str, after: &str) {
        let (description, description_en) = describe(rule);
        let change = self.changes.entry(rule).or_insert_with(|| Change {
            rule,
            description,
            description_en,
            count: 0,
            examples: Vec::new(),
        });
        change.count += count;
        if change.examples.len() < EXAMPLES && (!before.is_empty() || !after.is_empty()) {
            change.examples.push((before.to_owned(), after.to_owned()));
        }
    }
}

fn describe(rule: &str) -> (&'static str, &'static str) {
    match rule {
        "utf-8" => ("Teks diubah ke UTF-8", "Text converted to UTF-8"),
        "to-csv" => ("Berkas diubah ke CSV", "File converted to CSV"),
        "comma" => ("Pemisah diubah ke koma", "Delimiter changed to a comma"),
        "snake-case-header" => (
            "Judul kolom diubah ke snake_case",
            "Labels changed to snake_case",
        ),
        "title-rows" => (
            "Baris judul di atas tabel dihapus",
            "Title lines above the table removed",
        ),
        "footnote-rows" => (
            "Catatan kaki di bawah tabel dihapus",
            "Footnotes below the table removed",
        ),
        "totals-rows" => ("Baris Jumlah/Total dihapus", "Jumlah/Total rows removed"),
        "blank-rows" => ("Baris kosong dihapus", "Blank rows removed"),
        "empty-columns" => ("Kolom tanpa isi dihapus", "Columns without values removed"),
        "invalid-bytes" => (
            "Bita yang bukan UTF-8 dibaca sebagai Windows-1252 (periksa sel yang disebut)",
            "Bytes that were not UTF-8 read as Windows-1252 (check the cells named)",
        ),
        "trim" => (
            "Spasi di awal/akhir sel dihapus",
            "Leading/trailing spaces removed",
        ),
        "control-characters" => (
            "Karakter kendali (mis. NUL) dihapus dari sel",
            "Control characters (such as NUL) removed from cells",
        ),
        "missing-value" => (
            "Penanda nilai kosong dari skema (missingValues) dikosongkan",
            "Missing-value markers of the schema (missingValues) emptied",
        ),
        "indonesian-number" => (
            "Angka format Indonesia (1.234; 12,5; Rp; %) diubah ke bentuk baku",
            "Indonesian-format numbers (1.234; 12,5; Rp; %) made canonical",
        ),
        "placeholder-value" => (
            "Penanda nilai kosong (-, .., N/A, tidak ada data) di kolom angka/satuan dikosongkan",
            "Missing-value markers (-, .., N/A, tidak ada data) in number/unit columns emptied",
        ),
        "float-formatted" => (
            "Bilangan bulat dan kode yang diekspor sebagai desimal (32.0) dipulihkan",
            "Integers and codes exported as decimals (32.0) restored",
        ),
        "index-column" => (
            "Kolom indeks pandas tanpa judul dihapus",
            "Unlabelled pandas index columns removed",
        ),
        "wide-to-long" => (
            "Tata letak lebar diubah ke tata letak panjang (kolom yang dilebur disebut)",
            "Wide layout turned into the long layout (melted columns named)",
        ),
        _ => (
            "Kode wilayah Kemendagri diberi titik",
            "Kemendagri region codes given their dots",
        ),
    }
}

/// Choices for a cleaning run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CleanOptions {
    /// Turn a wide table (years, months or groups as columns) into the Satu Data long layout:
    /// one row per observation, with `kategori`, `tahun`, `bulan`, `satuan` and `nilai` columns
    /// as the melted labels call for. A table that is not wide is cleaned as usual.
    pub long: bool,
    /// What reading the file may cost (the limits the validation used).
    pub limits: Limits,
}

/// Cleans `input` (read again after [`validate`](crate::validate) produced `report`) into
/// `output`. Title lines, footnotes, totals rows (labelled or confirmed by their sums), blank
/// rows, empty columns and a pandas index are dropped; labels become snake_case; cells are
/// trimmed (a tab defusing a formula stays); placeholders in number and unit columns are
/// emptied; Indonesian numbers and integers exported as decimals become canonical; undotted
/// Kemendagri codes are dotted when the dotted code exists.
pub fn clean<R: Read + Send, W: Write>(
    input: R,
    report: &Report,
    reference: Option<&RegionReference>,
    output: W,
) -> Result<CleanLog, ReadError> {
    clean_table(input, &report.table, &report.schema, reference, output)
}

/// [`clean`] with choices (the long layout, the limits).
pub fn clean_with<R: Read + Send, W: Write>(
    input: R,
    report: &Report,
    reference: Option<&RegionReference>,
    output: W,
    options: &CleanOptions,
) -> Result<CleanLog, ReadError> {
    clean_table_with(
        input,
        &report.table,
        &report.schema,
        reference,
        output,
        options,
    )
}

/// The columns the clean table of `table` will have (labels in snake_case, empty columns
/// dropped), with the type `schema` gives each; known before cleaning starts.
pub fn clean_columns(table: &TableInfo, schema: &TableSchema) -> Vec<CleanColumn> {
    clean_columns_with(table, schema, &CleanOptions::default())
}

/// [`clean_columns`] for a cleaning run with `options` (the long layout has other columns).
pub fn clean_columns_with(
    table: &TableInfo,
    schema: &TableSchema,
    options: &CleanOptions,
) -> Vec<CleanColumn> {
    let plan = ColumnPlan::new(table, schema);
    if options.long
        && let Some(melt) = Melt::plan(table, &plan)
    {
        return melt.columns(&plan);
    }
    plan.header
        .into_iter()
        .zip(plan.keep.iter().map(|&i| plan.sources[i].kind))
        .map(|(name, kind)| CleanColumn { name, kind })
        .collect()
}

/// Which source columns are kept, their clean labels and what cleaning knows of every source
/// column.
struct ColumnPlan {
    keep: Vec<usize>,
    header: Vec<String>,
    sources: Vec<Source>,
    /// Source columns dropped as a pandas index.
    index: usize,
}

impl ColumnPlan {
    fn new(table: &TableInfo, schema: &TableSchema) -> Self {
        let labels = &table.header;
        let dropped = |i: usize| {
            if table.drop_columns.is_empty() {
                table.empty_columns.contains(&labels[i])
            } else {
                table.drop_columns.contains(&(i as u64 + 1))
            }
        };
        let keep: Vec<usize> = (0..labels.len()).filter(|&i| !dropped(i)).collect();
        let sources = labels
            .iter()
            .enumerate()
            .map(|(i, l)| Source {
                kind: schema
                    .fields
                    .iter()
                    .find(|f| &f.name == l)
                    .map_or(FieldType::String, |f| f.kind),
                role: table.roles.get(i).copied().unwrap_or_else(|| {
                    if is_region_column(l) {
                        ColumnRole::of(l)
                    } else {
                        ColumnRole::Other
                    }
                }),
            })
            .collect();
        let mut header: Vec<String> = Vec::new();
        for &i in &keep {
            let mut name = snake_case(&labels[i]);
            if name.is_empty() {
                name = format!("kolom_{}", i + 1);
            }
            while header.contains(&name) {
                name.push_str("_2");
            }
            header.push(name);
        }
        Self {
            index: table.index_columns.len(),
            keep,
            header,
            sources,
        }
    }
}

/// [`clean`] from the parts of a report that cleaning needs (what was read and the schema
/// applied), so that a stored report can drive it without validating again.
pub fn clean_table<R: Read + Send, W: Write>(
    input: R,
    table: &TableInfo,
    schema: &TableSchema,
    reference: Option<&RegionReference>,
    output: W,
) -> Result<CleanLog, ReadError> {
    clean_table_with(
        input,
        table,
        schema,
        reference,
        output,
        &CleanOptions::default(),
    )
}

/// [`clean_table`] with choices (the long layout, the limits).
pub fn clean_table_with<R: Read + Send, W: Write>(
    input: R,
    table: &TableInfo,
    schema: &TableSchema,
    reference: Option<&RegionReference>,
    output: W,
    clean_options: &CleanOptions,
) -> Result<CleanLog, ReadError> {
    let mut tally = Tally::default();
    let labels = &table.header;
    let plan = ColumnPlan::new(table, schema);
    let melt = clean_options
        .long
        .then(|| Melt::plan(table, &plan))
        .flatten();
    let columns = match &melt {
        Some(melt) => melt.columns(&plan),
        None => clean_columns_with(table, schema, &CleanOptions::default()),
    };
    let missing = &schema.missing_values;
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(output);
    for (&i, name) in plan.keep.iter().zip(&plan.header) {
        if *name != labels[i] {
            tally.note("snake-case-header", 1, &labels[i], name);
        }
    }
    let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    writer.write_record(&names).map_err(ReadError::from)?;
    let mut rows_written = 0u64;
    let mut failure: Option<csv::Error> = None;
    // Read the same worksheet the report describes.
    let options = Options {
        schema: Some(schema),
        reference,
        sheet: table.sheet.as_deref(),
        limits: clean_options.limits,
        ..Options::default()
    };
    let mut values: Vec<String> = vec![String::new(); labels.len()];
    let mut sink = |row: &Row| {
        if failure.is_some() {
            return;
        }
        for stray in &row.strays {
            let place = format!(
                "0x{:02X} (baris/row {}, kolom/column {})",
                stray.byte,
                row.number,
                stray.column + 1
            );
            tally.note("invalid-bytes", 1, &place, &stray.read_as.to_string());
        }
        for &i in &plan.keep {
            let raw = row.cells.get(i).unwrap_or("");
            let value = clean_cell(raw, plan.sources[i], missing, reference, &mut tally);
            values[i].clear();
            values[i].push_str(&value);
        }
        let written = match &melt {
            Some(melt) => melt.write(&values, &mut writer),
            None => plan
                .keep
                .iter()
                .try_for_each(|&i| writer.write_field(&values[i]))
                // An empty record ends the one whose fields were written above.
                .and_then(|()| writer.write_record(None::<&[u8]>))
                .map(|()| 1),
        };
        match written {
            Ok(n) => rows_written += n,
            Err(e) => failure = Some(e),
        }
    };
    // The rows were checked when the report was made: this pass only sorts them.
    let second = run(input, &options, Pass::Clean, &mut sink)?;
    if let Some(e) = failure {
        return Err(e.into());
    }
    writer.flush()?;
    for (rule, kind) in [
        ("title-rows", "title-row"),
        ("footnote-rows", "footnote-row"),
        ("totals-rows", "totals-row"),
        ("blank-rows", "blank-row"),
    ] {
        if let Some(n) = second.counts.get(kind) {
            tally.note(rule, *n, "", "");
        }
    }
    let dropped = labels.len() - plan.keep.len();
    if dropped > plan.index {
        tally.note(
            "empty-columns",
            (dropped - plan.index) as u64,
            &table.empty_columns.join(", "),
            "",
        );
    }
    if plan.index > 0 {
        tally.note("index-column", plan.index as u64, "", "");
    }
    if let Some(melt) = &melt {
        tally.note(
            "wide-to-long",
            melt.melted.len() as u64,
            &melt.describe(labels),
            "",
        );
    }
    if table.encoding != "utf-8" {
        tally.note("utf-8", 1, &table.encoding, "utf-8");
    }
    if let Some(delimiter) = table.delimiter.as_deref().filter(|d| *d != ",") {
        tally.note("comma", 1, delimiter, ",");
    }
    if table.format != "csv" {
        tally.note("to-csv", 1, &table.format, "csv");
    }
    let order = [
        "to-csv",
        "utf-8",
        "invalid-bytes",
        "comma",
        "title-rows",
        "footnote-rows",
        "totals-rows",
        "blank-rows",
        "empty-columns",
        "index-column",
        "snake-case-header",
        "wide-to-long",
        "trim",
        "control-characters",
        "missing-value",
        "placeholder-value",
        "float-formatted",
        "indonesian-number",
        "dotted-region-code",
    ];
    let changes = order
        .iter()
        .filter_map(|rule| tally.changes.remove(rule))
        .collect();
    Ok(CleanLog {
        changes,
        rows_written,
        columns,
    })
}

#[cfg(test)]
mod tests;
