//! A version's files: the clean table as CSV ([`clean`], when a valid version is uploaded), and
//! from it the published JSON, Parquet and XLSX ([`build`]): the clean CSV is read once, in
//! batches, by three threads that write the formats at the same time. Blocking code, run on a
//! blocking thread; memory stays bounded (a few batches in flight, one Parquet row group, the
//! workbook streamed, `xlsx/`).
//!
//! This is the hand-tuned hot path of publishing (see BENCHMARKS.md): `batch.rs` splits the
//! clean CSV, `copy.rs` and `cell.rs` build records and cells with inlined short copies,
//! `direct.rs` writes around the page cache. A change here lands only with a benchmark and the
//! round-trip test (`tests.rs`) green.
//!
//! Must not depend on the database, the object store or HTTP: it turns local files into local
//! files.

mod batch;
mod cell;
mod copy;
mod direct;
mod error;
mod hashing;
mod writers;
mod xlsx;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, sync_channel};
use std::time::Duration;

use satudata_validation::{
    CleanColumn, CleanLog, CleanOptions, RegionReference, TableInfo, TableSchema, clean_table_with,
};

use batch::{Batch, csv_batches};
pub use error::{Error, Result};
use hashing::{finish_hashed, hash_file, hashed_file};
use writers::{write_json, write_parquet, write_xlsx};

/// Data rows an XLSX worksheet holds (1,048,576 rows minus the header).
pub const XLSX_MAX_ROWS: u64 = 1_048_575;
/// Columns an XLSX worksheet holds.
pub const XLSX_MAX_COLUMNS: usize = 16_384;
/// Characters (UTF-16 code units) an Excel cell holds.
pub const XLSX_MAX_CELL_CHARS: usize = 32_767;
/// Batches queued for each writer.
const QUEUE: usize = 8;

/// A published format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileFormat {
    /// File extension and name used in URLs.
    pub name: &'static str,
    /// IANA media type.
    pub media_type: &'static str,
}

/// The formats a version is published in, in the order they are listed.
pub const FORMATS: [FileFormat; 4] = [
    FileFormat {
        name: "csv",
        media_type: "text/csv",
    },
    FileFormat {
        name: "json",
        media_type: "application/json",
    },
    FileFormat {
        name: "parquet",
        media_type: "application/vnd.apache.parquet",
    },
    FileFormat {
        name: "xlsx",
        media_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    },
];

/// The format named `name`, if published.
pub fn format(name: &str) -> Option<FileFormat> {
    FORMATS.iter().copied().find(|f| f.name == name)
}

/// A file written for publication, with its hash.
#[derive(Debug)]
pub struct BuiltFile {
    /// Its format.
    pub format: FileFormat,
    /// Where it was written.
    pub path: PathBuf,
    /// SHA-256 of its bytes, hex.
    pub sha256: String,
    /// Its size in bytes.
    pub size: u64,
}

/// Cleans `source` (a stored upload, as its report read it) into a new file at `path`, in the
/// long layout when `options` asks for it. Returns the file's SHA-256 and size, and what
/// cleaning changed.
pub fn clean(
    source: impl Read + Send,
    table: &TableInfo,
    schema: &TableSchema,
    reference: Option<&RegionReference>,
    path: &Path,
    options: &CleanOptions,
) -> Result<(String, u64, CleanLog)> {
    let mut out = hashed_file(path)?;
    let log = clean_table_with(source, table, schema, reference, &mut out, options)?;
    let (sha256, size) = finish_hashed(out)?;
    Ok((sha256, size, log))
}

/// Writes `data.json`, `data.parquet` and `data.xlsx` (when the table fits a worksheet) into
/// `dir` from the clean CSV at `csv` (`csv_size` bytes, of `columns`, at most `rows` rows).
pub fn build(
    csv: &Path,
    columns: &[CleanColumn],
    rows: u64,
    csv_size: u64,
    dir: &Path,
) -> Result<Vec<BuiltFile>> {
    let started = std::time::Instant::now();
    let json_path = dir.join("data.json");
    let parquet_path = dir.join("data.parquet");
    let xlsx_path = dir.join("data.xlsx");
    let fits_columns = columns.len() <= XLSX_MAX_COLUMNS;
    // Zip64 is chosen before the first row, from a bound on the worksheet's size (a worksheet
    // that outgrows it is written again below).
    let large_guess = zip64(rows, columns.len(), csv_size);
    let (json, parquet, xlsx) = std::thread::scope(|scope| -> Result<_> {
        // Named threads: perf and the debugger tell the formats apart.
        let (json_tx, json_rx) = sync_channel(QUEUE);
        let json = spawn(scope, "publish-json", || {
            write_json(fed(json_rx), &json_path, columns)
        })?;
        let (parquet_tx, parquet_rx) = sync_channel(QUEUE);
        // Zip and Parquet writers seek, so those files are hashed when complete, still on
        // their own threads.
        let parquet = spawn(scope, "publish-parquet", || {
            write_parquet(fed(parquet_rx), &parquet_path, columns)
                .and_then(|()| hash_file(&parquet_path))
        })?;
        let mut writers = vec![json_tx, parquet_tx];
        let xlsx = if fits_columns {
            let (xlsx_tx, xlsx_rx) = sync_channel(QUEUE);
            writers.push(xlsx_tx);
            Some(spawn(scope, "publish-xlsx", || {
                write_xlsx(fed(xlsx_rx), &xlsx_path, columns, large_guess)
            })?)
        } else {
            None
        };
        let read = csv_batches(csv, columns).and_then(|batches| {
            for batch in batches {
                let batch = batch?;
                // A writer that stopped (its receiver is gone) reports its error when joined.
                writers.retain(|writer| writer.send(Arc::clone(&batch)).is_ok());
            }
            Ok(())
        });
        drop(writers);
        let json = joined(json)?;
        let parquet = joined(parquet)?;
        let xlsx = xlsx.map(joined).transpose()?;
        read?;
        Ok((json, parquet, xlsx))
    })?;
    let (json, json_took) = json;
    let (parquet, parquet_took) = parquet;
    let mut files = vec![
        built(FORMATS[1], json_path, json?),
        built(FORMATS[2], parquet_path, parquet?),
    ];
    let mut xlsx_took = Duration::ZERO;
    let written = match xlsx {
        Some((outcome, took)) => {
            xlsx_took = took;
            match outcome {
                Ok(hashed) => hashed,
                // Without Zip64 the zip writer refuses a worksheet past 4 GiB (text that escaping
                // inflates can get there under the bound): write it again with Zip64.
                Err(e) if !large_guess => {
                    tracing::warn!(error = %e, "workbook without Zip64 failed; writing it with Zip64");
                    let (again, took) = timed(|| {
                        let batches = csv_batches(csv, columns)?;
                        write_xlsx(batches, &xlsx_path, columns, true)
                    });
                    xlsx_took += took;
                    again?
                }
                Err(e) => return Err(e),
            }
        }
        None => None,
    };
    if let Some(hashed) = written {
        files.push(built(FORMATS[3], xlsx_path, hashed));
    }
    tracing::info!(
        total_ms = started.elapsed().as_millis(),
        json_ms = json_took.as_millis(),
        parquet_ms = parquet_took.as_millis(),
        xlsx_ms = xlsx_took.as_millis(),
        "published files written"
    );
    Ok(files)
}

/// Whether a worksheet of `rows` × `columns` cells holding `text` bytes may pass 4 GiB: a cell
/// takes at most ~60 bytes of markup (an inline string: `<c t="inlineStr"><is><t>…</t></is></c>`)
/// plus its text. Escaping can inflate text further (`&` → `&amp;`); a worksheet that outgrows
/// the guess is written again with Zip64.
fn zip64(rows: u64, columns: usize, text: u64) -> bool {
    let cells = rows.saturating_mul(columns as u64 + 1);
    cells.saturating_mul(64).saturating_add(text) > u64::from(u32::MAX)
}

/// Runs `work` on a named thread of `scope`, timed.
fn spawn<'scope, T: Send + 'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    name: &str,
    work: impl FnOnce() -> T + Send + 'scope,
) -> Result<std::thread::ScopedJoinHandle<'scope, (T, Duration)>> {
    std::thread::Builder::new()
        .name(name.into())
        .spawn_scoped(scope, move || timed(work))
        .map_err(Error::Io)
}

/// A writer thread's result and time.
fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, (T, Duration)>) -> Result<(T, Duration)> {
    handle.join().map_err(|_| Error::Panicked)
}

/// The batches a writer receives from the cleaning pass.
fn fed(rx: Receiver<Arc<Batch>>) -> impl Iterator<Item = Result<Arc<Batch>>> {
    rx.into_iter().map(Ok)
}

/// `work`'s result and how long it took.
fn timed<T>(work: impl FnOnce() -> T) -> (T, Duration) {
    let started = std::time::Instant::now();
    (work(), started.elapsed())
}

fn built(format: FileFormat, path: PathBuf, (sha256, size): (String, u64)) -> BuiltFile {
    BuiltFile {
        format,
        path,
        sha256,
        size,
    }
}

/// A cell of a small report workbook ([`small_workbook`]).
#[derive(Debug, Clone, PartialEq)]
pub enum ReportCell {
    /// Text, written as a string cell.
    Text(String),
    /// A whole number, written as a number cell.
    Int(i64),
    /// Nothing.
    Empty,
}

/// A one-sheet workbook in memory (a bold, frozen header row, then `rows`), with the
/// published files' writer: for small reports such as the walidata's recap.
pub fn small_workbook(header: &[String], rows: &[Vec<ReportCell>]) -> Result<Vec<u8>> {
    let mut book = xlsx::Xlsx::create(Vec::new(), header, false)?;
    for row in rows {
        book.write_row(row.iter().map(|c| match c {
            ReportCell::Text(t) => cell::Cell::Text(t),
            ReportCell::Int(n) => cell::Cell::Int(*n),
            ReportCell::Empty => cell::Cell::Null,
        }))?;
    }
    book.finish()
}

/// A CSV writer in the published dialect: UTF-8, comma, RFC 4180 quoting, CRLF.
pub fn csv_writer<W: Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out)
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod roundtrip_tests;
