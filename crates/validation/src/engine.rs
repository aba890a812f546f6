//! The validation engine: one pass over the rows, constant memory apart from the hashes that
//! uniqueness needs (8 bytes and a row number per distinct key).

use std::collections::{BTreeSet, HashMap};
use std::io::Read;

use regex::Regex;

use crate::checks;
use crate::read::{self, ReadError, Row};
use crate::reference::{CodeClass, RegionReference};
use crate::report::{Findings, RegionCells, Report, Severity, Suggestions, TableInfo};
use crate::schema::{self, FieldType, TableSchema, Typed};
use crate::seen::{Repeat, Seen};

/// Rows looked at to find the header under title lines.
const HEAD_ROWS: usize = 25;
/// Data rows used to infer a schema when none is given.
const INFER_ROWS: usize = 1000;
/// Trailing one-cell rows held back as possible footnotes.
const MAX_FOOTNOTES: usize = 50;
/// Labels of a totals row.
const TOTAL_LABELS: &[&str] = &[
    "jumlah",
    "total",
    "jumlah total",
    "grand total",
    "total keseluruhan",
    "jumlah keseluruhan",
];
/// Columns where "Jumlah" is an ordinary value.
const MEASURE_COLUMNS: &[&str] = &["ukuran", "satuan", "keterangan", "catatan"];

/// What to validate against.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    /// The Table Schema; inferred from the data when `None`.
    pub schema: Option<&'a TableSchema>,
    /// The Kemendagri region list; region cells are reported as not checked without it.
    pub reference: Option<&'a RegionReference>,
    /// The dataset's temporal coverage in years, for `year-out-of-coverage`.
    pub coverage: Option<(i32, i32)>,
    /// Findings listed per type (all are counted).
    pub max_findings_per_type: usize,
    /// The worksheet of an XLSX workbook to read; the first when `None`.
    pub sheet: Option<&'a str>,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Self {
            schema: None,
            reference: None,
            coverage: None,
            max_findings_per_type: 100,
            sheet: None,
        }
    }
}

/// Validates a delimited text table.
pub fn validate<R: Read>(input: R, options: &Options<'_>) -> Result<Report, ReadError> {
    run(input, options, &mut |_: &Row| {})
}

/// A validation pass that hands every data row it keeps (not title, blank, totals or footnote
/// rows) to `sink`, in order: the cleaning pass uses it.
pub(crate) fn run<R: Read>(
    input: R,
    options: &Options<'_>,
    sink: &mut dyn FnMut(&Row),
) -> Result<Report, ReadError> {
    let mut rows = read::open(input, options.sheet)?;
    let mut findings = Findings::new(options.max_findings_per_type.max(1));
    let mut head = Vec::new();
    while head.len() < HEAD_ROWS {
        match rows.next_row()? {
            Some(row) => head.push(row),
            None => break,
        }
    }
    let Some(header_at) = find_header(&head) else {
        return Err(ReadError::Empty);
    };
    for row in head.iter().take(header_at).filter(|r| r.filled() > 0) {
        let text = row
            .cells
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        findings.add(
            "title-row",
            Some(row.number),
            None,
            Some(&text),
            "Baris judul di atas tabel dilewati".into(),
            "Title line above the table skipped".into(),
        );
    }
    let header_row = head[header_at].number;
    let labels: Vec<String> = head[header_at]
        .cells
        .iter()
        .map(|c| c.trim().trim_start_matches('\u{feff}').trim().to_owned())
        .collect();
    checks::header(&labels, header_row, &mut findings);

    let mut pending: Vec<Row> = head.split_off(header_at + 1);
    let mut suggested_key = Vec::new();
    let (schema, inferred) = match options.schema {
        Some(schema) => (schema.clone(), false),
        None => {
            while pending.len() < INFER_ROWS {
                match rows.next_row()? {
                    Some(row) => pending.push(row),
                    None => break,
                }
            }
            let sample: Vec<Vec<String>> = pending
                .iter()
                .map(|r| r.cells.iter().map(str::to_owned).collect())
                .collect();
            let inferred = schema::infer(&labels, &sample);
            suggested_key = schema::propose_key(&inferred, &labels, &sample);
            (inferred, true)
        }
    };
    let mut checker = Checker::new(
        &labels,
        &schema,
        !inferred,
        options,
        header_row,
        &mut findings,
    );
    let mut data_rows = 0u64;
    let mut footnotes: Vec<Row> = Vec::new();
    let mut next = pending.into_iter();
    loop {
        let row = match next.next() {
            Some(row) => row,
            None => match rows.next_row()? {
                Some(row) => row,
                None => break,
            },
        };
        data_rows += 1;
        if checker.maybe_footnote(&row) && footnotes.len() < MAX_FOOTNOTES {
            footnotes.push(row);
            continue;
        }
        for held in footnotes.drain(..) {
            checker.row(&held, &mut findings, sink);
        }
        checker.row(&row, &mut findings, sink);
        rows.recycle(row);
    }
    for row in footnotes.iter().filter(|r| r.filled() > 0) {
        findings.add(
            "footnote-row",
            Some(row.number),
            None,
            row.cells.iter().find(|c| !c.trim().is_empty()),
            "Catatan kaki di bawah tabel dilewati".into(),
            "Footnote below the table skipped".into(),
        );
    }
    checker.finish(&mut findings);
    let empty_columns = labels
        .iter()
        .zip(&checker.filled)
        .filter(|(_, n)| **n == 0)
        .map(|(l, _)| l.clone())
        .collect();
    let region_reference = options
        .reference
        .map(|_| RegionReference::ATTRIBUTION.to_owned());
    let error_count = findings.severity_count(Severity::Error);
    let region_columns = checker
        .code_columns
        .iter()
        .map(|&i| labels[i].clone())
        .collect();
    Ok(Report {
        valid: error_count == 0,
        error_count,
        warning_count: findings.severity_count(Severity::Warning),
        info_count: findings.severity_count(Severity::Info),
        counts: findings.counts,
        truncated: findings.truncated,
        findings: findings.items,
        table: TableInfo {
            format: rows.format.to_owned(),
            sheet: rows.sheet.clone(),
            encoding: rows.encoding.to_owned(),
            delimiter: rows.delimiter.map(|d| char::from(d).to_string()),
            header_row,
            column_count: labels.len() as u64,
            header: labels,
            row_count: data_rows,
            empty_columns,
        },
        schema,
        schema_inferred: inferred,
        region_reference,
        region_cells: checker.region_cells,
        suggestions: Suggestions {
            key: suggested_key,
            region_columns,
        },
    })
}

/// The header is the first row at least half as wide as the widest common row: title lines
/// above it have a single filled cell.
fn find_header(head: &[Row]) -> Option<usize> {
    let mut widths: HashMap<usize, usize> = HashMap::new();
    for row in head {
        let filled = row.filled();
        if filled >= 2 {
            *widths.entry(filled).or_default() += 1;
        }
    }
    let modal = widths
        .iter()
        .max_by_key(|&(w, n)| (*n, *w))
        .map(|(w, _)| *w);
    match modal {
        Some(width) => head
            .iter()
            .position(|r| r.filled() * 2 >= width && r.filled() >= 2),
        None => head.iter().position(|r| r.filled() > 0),
    }
}

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
    values: Option<Vec<String>>,
    /// For a region code column: the paired name column, if any.
    region: Option<Option<usize>>,
    seen: Option<Seen>,
    grouped_numbers: u64,
}

#[derive(Debug)]
struct Key {
    columns: Vec<usize>,
    label: String,
    kind: &'static str,
    seen: Seen,
}

struct Checker<'o> {
    width: usize,
    labels: Vec<String>,
    columns: Vec<Column>,
    keys: Vec<Key>,
    missing: Vec<String>,
    reference: Option<&'o RegionReference>,
    coverage: Option<(i32, i32)>,
    tahun: Option<usize>,
    satuan: Option<(usize, BTreeSet<String>)>,
    code_columns: Vec<usize>,
    /// Filled cells per column among kept data rows.
    filled: Vec<u64>,
    region_cells: RegionCells,
    region_cache: HashMap<String, RegionOutcome, foldhash::fast::FixedState>,
    region_key: String,
}

impl<'o> Checker<'o> {
    fn new(
        labels: &[String],
        schema: &TableSchema,
        declared: bool,
        options: &Options<'o>,
        header_row: u64,
        findings: &mut Findings,
    ) -> Self {
        let position = |name: &str| labels.iter().position(|l| l == name);
        let mut columns = Vec::new();
        for field in &schema.fields {
            let Some(index) = position(&field.name) else {
                findings.add(
                    "missing-label",
                    Some(header_row),
                    Some((&field.name, columns.len())),
                    None,
                    format!("Kolom '{}' dari skema tidak ada di tabel", field.name),
                    format!(
                        "Column '{}' of the schema is missing from the table",
                        field.name
                    ),
                );
                continue;
            };
            let c = &field.constraints;
            let region = is_region_column(&field.name)
                .then(|| position(&field.name.replacen("kode_", "nama_", 1)));
            columns.push(Column {
                index,
                name: field.name.clone(),
                kind: field.kind,
                required: c.required == Some(true),
                minimum: c.minimum.as_ref().and_then(schema::bound),
                maximum: c.maximum.as_ref().and_then(schema::bound),
                min_length: c.min_length,
                max_length: c.max_length,
                pattern: c.pattern.as_deref().and_then(schema::compile_pattern),
                values: c
                    .values
                    .as_ref()
                    .map(|v| v.iter().map(schema::enum_text).collect()),
                region,
                seen: (c.unique == Some(true)).then(Seen::default),
                grouped_numbers: 0,
            });
        }
        if declared {
            for (i, label) in labels.iter().enumerate() {
                if !label.is_empty() && !schema.fields.iter().any(|f| &f.name == label) {
                    findings.add(
                        "extra-label",
                        Some(header_row),
                        Some((label, i)),
                        Some(label),
                        format!("Kolom '{label}' tidak ada di skema"),
                        format!("Column '{label}' is not in the schema"),
                    );
                }
            }
        }
        let key = |names: &[String], kind, findings: &mut Findings| -> Option<Key> {
            let columns: Option<Vec<usize>> = names.iter().map(|n| position(n)).collect();
            let Some(columns) = columns.filter(|c| !c.is_empty()) else {
                findings.add(
                    "missing-label",
                    Some(header_row),
                    None,
                    None,
                    format!(
                        "Kunci {} memakai kolom yang tidak ada di tabel",
                        names.join(",")
                    ),
                    format!(
                        "Key {} uses columns missing from the table",
                        names.join(",")
                    ),
                );
                return None;
            };
            Some(Key {
                columns,
                label: names.join(","),
                kind,
                seen: Seen::default(),
            })
        };
        let mut keys = Vec::new();
        if !schema.primary_key.is_empty() {
            keys.extend(key(&schema.primary_key, "primary-key", findings));
        }
        for unique in &schema.unique_keys {
            keys.extend(key(unique, "unique-error", findings));
        }
        // A unique column that is also a one-column key is tracked once, by the key.
        for column in &mut columns {
            if keys.iter().any(|k| k.columns == [column.index]) {
                column.seen = None;
            }
        }
        let code_columns: Vec<usize> = columns
            .iter()
            .filter(|c| c.region.is_some())
            .map(|c| c.index)
            .collect();
        if options.reference.is_none() {
            for &index in &code_columns {
                findings.add(
                    "region-not-checked",
                    Some(header_row),
                    Some((&labels[index], index)),
                    None,
                    "Kode wilayah tidak diperiksa: daftar wilayah Kemendagri belum dimuat".into(),
                    "Region codes not checked: the Kemendagri region list is not loaded".into(),
                );
            }
        }
        let satuan = position("satuan").map(|i| (i, BTreeSet::new()));
        Self {
            width: labels.len(),
            labels: labels.to_vec(),
            columns,
            keys,
            missing: schema.missing_values.clone(),
            reference: options.reference,
            coverage: options.coverage,
            tahun: position("tahun"),
            satuan,
            code_columns,
            filled: vec![0; labels.len()],
            region_cells: RegionCells::default(),
            region_cache: HashMap::default(),
            region_key: String::new(),
        }
    }

    /// A row with a single filled, non-numeric cell in a table of three or more columns, or a
    /// blank row: a footnote if nothing but such rows follows.
    fn maybe_footnote(&self, row: &Row) -> bool {
        if self.width < 3 {
            return false;
        }
        match row.filled() {
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

    fn is_totals(&self, row: &Row) -> bool {
        let labelled = row.cells.iter().enumerate().any(|(i, cell)| {
            let column = self.labels.get(i).map_or("", String::as_str);
            let cell = cell.trim();
            // Cheap length test first: this runs on every cell of every row.
            (5..=18).contains(&cell.len())
                && !MEASURE_COLUMNS.contains(&column)
                && TOTAL_LABELS
                    .iter()
                    .any(|label| label.eq_ignore_ascii_case(cell))
        });
        let empty_codes = self
            .code_columns
            .iter()
            .any(|&i| row.cells.get(i).is_none_or(|c| c.trim().is_empty()));
        labelled && (empty_codes || row.filled() + 2 <= self.width)
    }

    fn row(&mut self, row: &Row, findings: &mut Findings, sink: &mut dyn FnMut(&Row)) {
        let n = Some(row.number);
        if row.filled() == 0 {
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
        if self.is_totals(row) {
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
        for (i, cell) in row.cells.iter().enumerate().take(self.width) {
            if !cell.trim().is_empty() {
                self.filled[i] += 1;
            }
        }
        sink(row);
        for c in 0..self.columns.len() {
            self.cell(c, row, findings);
        }
        for key in &mut self.keys {
            let parts: Option<Vec<&str>> = key
                .columns
                .iter()
                .map(|&i| row.cells.get(i).map(|v| v.trim()).filter(|v| !v.is_empty()))
                .collect();
            // A key with an empty part is the `required` check's business, not uniqueness'.
            let Some(parts) = parts else { continue };
            let (id, en) = if key.kind == "primary-key" {
                ("kunci utama", "primary key")
            } else {
                ("kunci unik", "unique key")
            };
            let (earlier_id, earlier_en) = match key.seen.insert(parts, row.number) {
                Repeat::New => continue,
                Repeat::Of(first) => (format!("baris {first}"), format!("row {first}")),
                Repeat::Earlier => ("baris sebelumnya".to_owned(), "an earlier row".to_owned()),
            };
            findings.add(
                key.kind,
                n,
                Some((&key.label, key.columns[0])),
                None,
                format!("Nilai {id} ({}) sama dengan {earlier_id}", key.label),
                format!("The {en} ({}) repeats {earlier_en}", key.label),
            );
        }
    }

    fn cell(&mut self, c: usize, row: &Row, findings: &mut Findings) {
        let column = &mut self.columns[c];
        let Some(raw) = row.cells.get(column.index) else {
            return;
        };
        let value = raw.trim();
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
            let grouped = column.kind == FieldType::Integer && schema::is_grouped_integer(value);
            grouped.then(|| {
                column.grouped_numbers += 1;
                Typed::Number(value.replace('.', "").parse::<f64>().unwrap_or_default())
            })
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
                .map(|s| s.trim())
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
            region_reported = outcome.report(value, name, n, field, findings);
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
        if !region_reported
            && column
                .values
                .as_ref()
                .is_some_and(|v| !v.iter().any(|e| e == value))
        {
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
        {
            units.insert(value.to_owned());
        }
    }

    fn finish(&self, findings: &mut Findings) {
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

/// What a region code cell is, given the reference (and its name cell).
#[derive(Debug, Clone)]
enum RegionOutcome {
    /// Known, and the name (if any) matches.
    Fine,
    /// Known, but the name cell names another region: the official name.
    Mismatch(String),
    /// Digits only; the dotted code exists.
    Undotted(String),
    /// Looks like a BPS code.
    Bps,
    /// Not in the list.
    Unknown,
}

impl RegionOutcome {
    fn of(reference: &RegionReference, value: &str, name: Option<&str>) -> Self {
        match reference.classify(value) {
            CodeClass::Known(_) => match name {
                Some(name) if reference.name_matches(value, name) == Some(false) => Self::Mismatch(
                    reference
                        .get(value)
                        .map(|r| r.name.clone())
                        .unwrap_or_default(),
                ),
                _ => Self::Fine,
            },
            CodeClass::UndottedKemendagri(dotted) => Self::Undotted(dotted),
            CodeClass::BpsLike => Self::Bps,
            CodeClass::Unknown | CodeClass::Malformed => Self::Unknown,
        }
    }

    fn known(&self) -> bool {
        matches!(self, Self::Fine | Self::Mismatch(_))
    }

    /// Reports the outcome; returns whether a finding was made.
    fn report(
        &self,
        value: &str,
        name: Option<&str>,
        n: Option<u64>,
        field: Option<(&str, usize)>,
        findings: &mut Findings,
    ) -> bool {
        let (kind, id, en) = match self {
            Self::Fine => return false,
            Self::Mismatch(official) => {
                let name = name.unwrap_or_default();
                (
                    "region-name-mismatch",
                    format!("Kode {value} adalah '{official}' menurut Kemendagri, bukan '{name}'"),
                    format!("Code {value} is '{official}' in the Kemendagri list, not '{name}'"),
                )
            }
            Self::Undotted(dotted) => (
                "undotted-region-code",
                format!("Kode wilayah '{value}' tanpa titik; tulis '{dotted}'"),
                format!("Region code '{value}' lacks its dots; write '{dotted}'"),
            ),
            Self::Bps => (
                "bps-region-code",
                format!(
                    "'{value}' tampak sebagai kode BPS; kolom ini memakai kode Kemendagri (mis. 35.76.01)"
                ),
                format!(
                    "'{value}' looks like a BPS code; this column uses Kemendagri codes (e.g. 35.76.01)"
                ),
            ),
            Self::Unknown => (
                "unknown-region-code",
                format!("Kode wilayah '{value}' tidak ada dalam daftar Kemendagri"),
                format!("Region code '{value}' is not in the Kemendagri list"),
            ),
        };
        findings.add(kind, n, field, Some(value), id, en);
        true
    }
}

/// Distinct (code, name) pairs remembered per table: region columns repeat a few values.
const REGION_CACHE: usize = 100_000;

fn is_region_column(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("kode_") else {
        return false;
    };
    matches!(
        rest,
        "wilayah"
            | "provinsi"
            | "kabupaten_kota"
            | "kab_kota"
            | "kabupaten"
            | "kota"
            | "kecamatan"
            | "kelurahan"
            | "desa"
            | "desa_kelurahan"
            | "kelurahan_desa"
    )
}

fn type_id(kind: FieldType) -> &'static str {
    match kind {
        FieldType::Integer => "bilangan bulat",
        FieldType::Number => "angka",
        FieldType::Year => "tahun empat digit",
        FieldType::Date => "tanggal (YYYY-MM-DD)",
        FieldType::Boolean => "nilai benar/salah",
        FieldType::String | FieldType::Any => "teks",
    }
}
