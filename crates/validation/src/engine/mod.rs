//! The validation engine: one pass over the rows, constant memory apart from the hashes that
//! uniqueness needs (8 bytes and a row number per distinct key).

mod checker;
mod header;
mod keys;
mod layout;
mod memo;
mod metadata;
mod prep;
mod region;
mod summary;

use std::io::Read;

use crate::checks;
use crate::limits::Limits;
use crate::read::{self, ReadError, Row};
use crate::reference::RegionReference;
use crate::report::{Findings, Report, Severity, Suggestions, TableInfo};
use crate::roles::ColumnRole;
use crate::schema::{self, FieldType, TableSchema};

use checker::Checker;
pub(crate) use layout::{month_in, wide_groups, year_in};
use prep::{Prep, Preparer};
pub(crate) use region::{RegionColumn, is_region_column, strip_float_zero};

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
    /// What reading one file may cost (each field a configuration key of the service).
    pub limits: Limits,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Self {
            schema: None,
            reference: None,
            coverage: None,
            max_findings_per_type: 100,
            sheet: None,
            limits: Limits::default(),
        }
    }
}

/// Validates a delimited text table.
pub fn validate<R: Read + Send>(input: R, options: &Options<'_>) -> Result<Report, ReadError> {
    run(input, options, Pass::Validate, &mut |_: &Row| {})
}

/// What a pass over the table is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pass {
    /// Every check.
    Validate,
    /// The cleaning pass after validation: rows are sorted into kept, title, blank, totals and
    /// footnote rows as before, but cells and keys are not checked again.
    Clean,
}

/// A pass that hands every data row it keeps (not title, blank, totals or footnote rows) to
/// `sink`, in order: the cleaning pass uses it.
pub(crate) fn run<R: Read + Send>(
    input: R,
    options: &Options<'_>,
    pass: Pass,
    sink: &mut dyn FnMut(&Row),
) -> Result<Report, ReadError> {
    let mut rows = read::open(input, options.sheet, &options.limits)?;
    let mut findings = Findings::new(options.max_findings_per_type.max(1));
    let mut head = Vec::new();
    while head.len() < HEAD_ROWS {
        match rows.next_row()? {
            Some(row) => head.push(row),
            None => break,
        }
    }
    let Some(block) = header::find(&head) else {
        return Err(ReadError::Empty);
    };
    for row in head.iter().take(block.first).filter(|r| r.filled() > 0) {
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
    for row in head.iter().take(block.last + 1) {
        report_strays(row, &block.labels, &mut findings);
    }
    let header_row = head[block.first].number;
    let header_rows = (block.last - block.first + 1) as u64;
    let labels = block.labels;
    checks::header(&labels, header_row, &mut findings);

    let titles: Vec<String> = head
        .iter()
        .take(block.first)
        .flat_map(|r| {
            r.cells
                .iter()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
        })
        .collect();
    let mut pending: Vec<Row> = head.split_off(block.last + 1);
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
    let mut roles: Vec<ColumnRole> = labels.iter().map(|l| ColumnRole::of(l)).collect();
    let regions = region::plan(&labels, &mut roles, &sample, options.reference);
    let index_columns = index_columns(&labels, &sample);
    let mut suggested_key = Vec::new();
    let (schema, inferred) = match options.schema {
        Some(schema) => (schema.clone(), false),
        None => {
            let inferred = schema::infer(&labels, &sample, &roles);
            suggested_key = schema::propose_key(&inferred, &labels, &sample);
            (inferred, true)
        }
    };
    let kinds: Vec<FieldType> = labels
        .iter()
        .map(|l| {
            schema
                .fields
                .iter()
                .find(|f| &f.name == l)
                .map_or(FieldType::String, |f| f.kind)
        })
        .collect();
    let table_unit = titles.iter().find_map(|t| layout::unit_in(t));
    layout::check(
        &labels,
        &kinds,
        &roles,
        table_unit.as_deref(),
        header_row,
        &mut findings,
    );
    let plan = TablePlan {
        roles,
        regions,
        index_columns,
    };
    let mut checker = Checker::new(
        &labels,
        &schema,
        !inferred,
        options,
        &plan,
        header_row,
        &mut findings,
    );
    if pass == Pass::Clean {
        checker.sort_only();
    }
    let preparer = checker.preparer();
    let mut data_rows = 0u64;
    let mut footnotes: Vec<(Row, Prep)> = Vec::new();
    let mut handle = |row: Row, prep: Prep, done: &mut Batch| {
        data_rows += 1;
        if !row.strays.is_empty() {
            report_strays(&row, &labels, &mut findings);
        }
        if checker.maybe_footnote(&row, &prep) && footnotes.len() < MAX_FOOTNOTES {
            footnotes.push((row, prep));
            return;
        }
        for (held, held_prep) in footnotes.drain(..) {
            checker.row(&held, &held_prep, &mut findings, sink);
            done.push((held, held_prep));
        }
        checker.row(&row, &prep, &mut findings, sink);
        done.push((row, prep));
    };
    let mut done = Vec::new();
    for row in pending {
        let prep = preparer.prep(&row);
        handle(row, prep, &mut done);
    }
    pipeline(&mut rows, &preparer, done, handle)?;
    for (row, _) in footnotes.iter().filter(|(_, p)| p.filled > 0) {
        findings.add(
            "footnote-row",
            Some(row.number),
            None,
            row.cells.iter().find(|c| !c.trim().is_empty()),
            "Catatan kaki di bawah tabel dilewati".into(),
            "Footnote below the table skipped".into(),
        );
    }
    checker.finish(header_row, &mut findings);
    let details = summary::summarise(&mut findings, &checker.filled, header_row);
    // Key repeats are found at the end (seen.rs): list everything in row order, table-wide
    // findings last. The sort is stable, so findings of one row keep their order.
    findings
        .items
        .sort_by_key(|f| (f.row_number.is_none(), f.row_number));
    // A table without data rows keeps its columns: a clean table always has a header.
    let empty: Vec<usize> = (0..labels.len())
        .filter(|&i| data_rows > 0 && checker.filled[i] == 0)
        .collect();
    let empty_columns = empty.iter().map(|&i| labels[i].clone()).collect();
    let mut drop_columns: Vec<u64> = empty
        .iter()
        .chain(&plan.index_columns)
        .map(|&i| i as u64 + 1)
        .collect();
    drop_columns.sort_unstable();
    drop_columns.dedup();
    let region_reference = options
        .reference
        .map(|_| RegionReference::ATTRIBUTION.to_owned());
    let error_count = findings.severity_count(Severity::Error);
    let region_columns = checker
        .code_columns
        .iter()
        .map(|&i| labels[i].clone())
        .collect();
    let proposed_metadata = metadata::propose(&metadata::Facts {
        labels: &labels,
        roles: &plan.roles,
        kinds: &kinds,
        seen: &checker.seen,
        satuan: checker.satuan_values(),
        column_units: checker.column_units(),
        table_unit: table_unit.as_deref(),
        reference: options.reference,
        sample: &sample,
    });
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
            header_rows,
            column_count: labels.len() as u64,
            header: labels,
            row_count: data_rows,
            empty_columns,
            index_columns: plan.index_columns.iter().map(|&i| i as u64 + 1).collect(),
            roles: plan.roles,
            drop_columns,
        },
        schema,
        schema_inferred: inferred,
        region_reference,
        region_cells: checker.region_cells,
        suggestions: Suggestions {
            key: suggested_key,
            region_columns,
        },
        details,
        proposed_metadata,
    })
}

/// What the engine decided about the columns before the rows are checked.
#[derive(Debug)]
pub(crate) struct TablePlan {
    /// Each column's role (labels refined by values).
    pub roles: Vec<ColumnRole>,
    /// The region code columns.
    pub regions: Vec<RegionColumn>,
    /// Columns without a label that number the rows (a pandas index).
    pub index_columns: Vec<usize>,
}

/// Columns without a label whose sample values count up by one from 0 or 1 (a pandas index).
fn index_columns(labels: &[String], sample: &[Vec<String>]) -> Vec<usize> {
    (0..labels.len())
        .filter(|&i| labels[i].is_empty())
        .filter(|&i| {
            let values: Vec<i64> = sample
                .iter()
                .filter_map(|r| r.get(i))
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
                .map_while(|v| v.parse::<i64>().ok())
                .collect();
            values.len() >= 2
                && matches!(values.first(), Some(0 | 1))
                && values.windows(2).all(|w| w[1] == w[0] + 1)
                && values.len()
                    == sample
                        .iter()
                        .filter(|r| r.get(i).is_some_and(|v| !v.trim().is_empty()))
                        .count()
        })
        .collect()
}

/// One `encoding-error` per byte that was not valid UTF-8 in a UTF-8 file (decode.rs).
fn report_strays(row: &Row, labels: &[String], findings: &mut Findings) {
    for stray in &row.strays {
        let label = labels.get(stray.column).map_or("", String::as_str);
        let (byte, read_as) = (stray.byte, stray.read_as);
        findings.add(
            "encoding-error",
            Some(row.number),
            Some((label, stray.column)),
            row.cells.get(stray.column),
            format!(
                "Bita 0x{byte:02X} bukan UTF-8 yang sah dan dibaca sebagai '{read_as}' \
                 (Windows-1252); periksa sel ini lalu simpan berkas sebagai UTF-8"
            ),
            format!(
                "Byte 0x{byte:02X} is not valid UTF-8 and was read as '{read_as}' (Windows-1252); \
                 check this cell and save the file as UTF-8"
            ),
        );
    }
}

/// Rows handed from the reader thread to the checker at a time.
const BATCH: usize = 1024;
/// Batches in flight.
const IN_FLIGHT: usize = 4;

/// Rows with what the reader worked out for them.
type Batch = Vec<(Row, Prep)>;

/// The rest of the rows through `handle`, in order. A second thread parses and prepares
/// (prep.rs) while this one checks; batches of rows go one way and come back empty for reuse,
/// so neither thread allocates per row. `handle` puts every row it is done with into the batch
/// it is given.
fn pipeline<R: Read + Send>(
    rows: &mut read::Rows<R>,
    preparer: &Preparer,
    first: Batch,
    mut handle: impl FnMut(Row, Prep, &mut Batch),
) -> Result<(), ReadError> {
    let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<Result<Batch, ReadError>>(IN_FLIGHT);
    let (empty_tx, empty_rx) = std::sync::mpsc::channel::<Batch>();
    let _ = empty_tx.send(first);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            loop {
                let mut batch = Vec::with_capacity(BATCH);
                while let Ok(mut used) = empty_rx.try_recv() {
                    for (row, _) in used.drain(..) {
                        rows.recycle(row);
                    }
                    batch = used;
                }
                let mut finished = false;
                while batch.len() < BATCH {
                    match rows.next_row() {
                        Ok(Some(row)) => {
                            let prep = preparer.prep(&row);
                            batch.push((row, prep));
                        }
                        Ok(None) => {
                            finished = true;
                            break;
                        }
                        Err(e) => {
                            let _ = full_tx.send(Err(e));
                            return;
                        }
                    }
                }
                // The checker stopped listening (it failed): stop reading.
                if full_tx.send(Ok(batch)).is_err() || finished {
                    return;
                }
            }
        });
        for batch in full_rx {
            let mut done = Vec::with_capacity(BATCH);
            for (row, prep) in batch? {
                handle(row, prep, &mut done);
            }
            let _ = empty_tx.send(done);
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::TOTAL_LABELS;

    #[test]
    fn totals_labels_fit_the_fast_test() {
        // Checker::is_totals skips cells shorter than five bytes or not starting with j, t, g.
        for label in TOTAL_LABELS {
            assert!((5..=18).contains(&label.len()), "{label}");
            assert!(matches!(label.as_bytes()[0], b'j' | b't' | b'g'), "{label}");
        }
    }
}
