//! Cleaning: a deterministic, logged rewrite of an OPD table into a clean UTF-8, comma-separated,
//! RFC 4180 table. Only changes that cannot alter meaning are made; everything else stays a
//! finding for the steward.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use serde::Serialize;

use crate::cells::is_formula;
use crate::checks::snake_case;
use crate::engine::{Options, Pass, is_region_column, run};
use crate::read::{ReadError, Row, trim};
use crate::reference::{CodeClass, RegionReference};
use crate::report::{Report, TableInfo};
use crate::schema::{FieldType, TableSchema, is_grouped_integer};

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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CleanColumn {
    /// The snake_case label written.
    pub name: String,
    /// The type the applied schema gives it.
    #[serde(rename = "type")]
    pub kind: FieldType,
}

#[derive(Default)]
struct Tally {
    changes: BTreeMap<&'static str, Change>,
}

impl Tally {
    fn note(&mut self, rule: &'static str, count: u64, before: &str, after: &str) {
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
        _ => (
            "Kode wilayah Kemendagri diberi titik",
            "Kemendagri region codes given their dots",
        ),
    }
}

/// Cleans `input` (read again after [`validate`](crate::validate) produced `report`) into
/// `output`. Title lines, footnotes, totals rows, blank rows and empty columns are dropped;
/// labels become snake_case; cells are trimmed; Indonesian numbers in integer and number columns
/// become canonical; undotted Kemendagri codes are dotted when the dotted code exists.
pub fn clean<R: Read + Send, W: Write>(
    input: R,
    report: &Report,
    reference: Option<&RegionReference>,
    output: W,
) -> Result<CleanLog, ReadError> {
    clean_table(input, &report.table, &report.schema, reference, output)
}

/// The columns the clean table of `table` will have (labels in snake_case, empty columns
/// dropped), with the type `schema` gives each; known before cleaning starts.
pub fn clean_columns(table: &TableInfo, schema: &TableSchema) -> Vec<CleanColumn> {
    let plan = ColumnPlan::new(table, schema);
    plan.header
        .into_iter()
        .zip(plan.keep.iter().map(|&i| plan.kinds[i]))
        .map(|(name, kind)| CleanColumn { name, kind })
        .collect()
}

/// Which source columns are kept, their clean labels and every source column's type.
struct ColumnPlan {
    keep: Vec<usize>,
    header: Vec<String>,
    kinds: Vec<FieldType>,
}

impl ColumnPlan {
    fn new(table: &TableInfo, schema: &TableSchema) -> Self {
        let labels = &table.header;
        let keep: Vec<usize> = (0..labels.len())
            .filter(|i| !table.empty_columns.contains(&labels[*i]))
            .collect();
        let kinds = labels
            .iter()
            .map(|l| {
                schema
                    .fields
                    .iter()
                    .find(|f| &f.name == l)
                    .map_or(FieldType::String, |f| f.kind)
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
            keep,
            header,
            kinds,
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
    let mut tally = Tally::default();
    let labels = &table.header;
    let ColumnPlan {
        keep,
        header,
        kinds,
    } = ColumnPlan::new(table, schema);
    let region: Vec<bool> = labels.iter().map(|l| is_region_column(l)).collect();
    let missing = &schema.missing_values;
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(output);
    for (&i, name) in keep.iter().zip(&header) {
        if *name != labels[i] {
            tally.note("snake-case-header", 1, &labels[i], name);
        }
    }
    writer.write_record(&header).map_err(ReadError::from)?;
    let mut rows_written = 0u64;
    let mut failure: Option<csv::Error> = None;
    // Read the same worksheet the report describes.
    let options = Options {
        schema: Some(schema),
        reference,
        sheet: table.sheet.as_deref(),
        ..Options::default()
    };
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
        for &i in &keep {
            let raw = row.cells.get(i).unwrap_or("");
            let mut trimmed = trim(raw);
            // A tab or apostrophe that keeps a spreadsheet from running the cell as a formula
            // stays (trimming would arm it).
            if is_formula(trimmed) && raw.starts_with(['\t', '\r']) {
                let start = raw.len() - raw.trim_start().len();
                trimmed = raw[start - 1..].trim_end();
            }
            if trimmed.len() != raw.len() {
                tally.note("trim", 1, raw, trimmed);
            }
            let changed = if !trimmed.is_empty() && missing.iter().any(|m| m == trimmed) {
                // The schema declares this marker a missing value: every format writes null.
                tally.note("missing-value", 1, trimmed, "");
                Some(String::new())
            } else if let Some(number) = canonical_number(trimmed, kinds[i]) {
                tally.note("indonesian-number", 1, trimmed, &number);
                Some(number)
            } else if region[i]
                && matches!(kinds[i], FieldType::String | FieldType::Any)
                && !trimmed.is_empty()
                && trimmed.bytes().all(|b| b.is_ascii_digit())
                && let Some(CodeClass::UndottedKemendagri(dotted)) =
                    reference.map(|r| r.classify(trimmed))
            {
                tally.note("dotted-region-code", 1, trimmed, &dotted);
                Some(dotted)
            } else {
                None
            };
            let mut value = changed.as_deref().unwrap_or(trimmed);
            // Control characters (a NUL from a workbook or JSON) have no place in a CSV cell.
            let controls;
            if value
                .bytes()
                .any(|b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
            {
                controls = value
                    .chars()
                    .filter(|c| !c.is_ascii_control() || matches!(c, '\t' | '\n' | '\r'))
                    .collect::<String>();
                tally.note("control-characters", 1, value, &controls);
                value = &controls;
            }
            if let Err(e) = writer.write_field(value) {
                failure = Some(e);
                return;
            }
        }
        // An empty record ends the one whose fields were written above.
        if let Err(e) = writer.write_record(None::<&[u8]>) {
            failure = Some(e);
        }
        rows_written += 1;
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
    let dropped = labels.len() - keep.len();
    if dropped > 0 {
        tally.note(
            "empty-columns",
            dropped as u64,
            &table.empty_columns.join(", "),
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
        "snake-case-header",
        "trim",
        "control-characters",
        "missing-value",
        "indonesian-number",
        "dotted-region-code",
    ];
    let changes = order
        .iter()
        .filter_map(|rule| tally.changes.remove(rule))
        .collect();
    let columns = header
        .into_iter()
        .zip(keep.iter().map(|&i| kinds[i]))
        .map(|(name, kind)| CleanColumn { name, kind })
        .collect();
    Ok(CleanLog {
        changes,
        rows_written,
        columns,
    })
}

/// The canonical form of an Indonesian-formatted number in a numeric column, when it differs.
fn canonical_number(value: &str, kind: FieldType) -> Option<String> {
    if !matches!(kind, FieldType::Integer | FieldType::Number) || value.is_empty() {
        return None;
    }
    let mut v = value.trim();
    for prefix in ["Rp.", "Rp", "rp.", "rp", "IDR"] {
        if let Some(rest) = v.strip_prefix(prefix) {
            v = rest.trim_start();
        }
    }
    let v = v.strip_suffix('%').map_or(v, str::trim_end);
    // A Number column reads `2.500` as 2.5 (as the validator did): only Integer columns group.
    let grouped = kind == FieldType::Integer && is_grouped_integer(v);
    // Nearly every cell: nothing stripped, no thousand dots, no decimal comma.
    if !grouped && v.len() == value.len() && !v.contains(',') {
        return None;
    }
    let out = if grouped {
        v.replace('.', "")
    } else if let Some((whole, fraction)) = v.rsplit_once(',') {
        // 12,5 or 1.234,5: the comma is the decimal mark, dots group thousands.
        let whole = if is_grouped_integer(whole) {
            whole.replace('.', "")
        } else {
            whole.to_owned()
        };
        format!("{whole}.{fraction}")
    } else {
        v.to_owned()
    };
    let valid = match kind {
        FieldType::Integer => out.parse::<i64>().is_ok(),
        _ => out.parse::<f64>().is_ok_and(f64::is_finite),
    };
    (valid && out != value).then_some(out)
}

#[cfg(test)]
#[path = "clean_tests.rs"]
mod tests;
