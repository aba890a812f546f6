//! Writing a version's published files: the clean table as CSV (the cleaning engine's output),
//! then JSON, Parquet and XLSX from that CSV on three threads. Blocking code, run on a blocking
//! thread; memory stays bounded (Parquet row groups; the XLSX worksheet is streamed, xlsx.rs).

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use polars::prelude::{DataFrame, ParquetCompression, ParquetWriter, PlSmallStr};
use satudata_validation::{
    CleanColumn, CleanLog, FieldType, RegionReference, TableInfo, TableSchema, clean_table,
};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::xlsx::Xlsx;

/// Rows per Parquet row group.
const ROW_GROUP: usize = 128 * 1024;
/// Data rows an XLSX worksheet holds (1,048,576 rows minus the header).
pub const XLSX_MAX_ROWS: u64 = 1_048_575;
/// Columns an XLSX worksheet holds.
pub const XLSX_MAX_COLUMNS: usize = 16_384;

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
pub(crate) struct BuiltFile {
    pub format: FileFormat,
    pub path: PathBuf,
    pub sha256: String,
    pub size: u64,
}

/// Everything written for a version.
#[derive(Debug)]
pub(crate) struct Built {
    pub files: Vec<BuiltFile>,
    pub log: CleanLog,
}

/// Cleans `source` into `dir/data.csv` and derives the other formats from it, in parallel:
/// polars converts the CSV to Parquet on its own threads, one thread writes the XLSX workbook,
/// and this thread writes the JSON while it reads the CSV once for both.
pub(crate) fn build(
    source: impl Read + Send,
    table: &TableInfo,
    schema: &TableSchema,
    reference: Option<&RegionReference>,
    dir: &Path,
) -> Result<Built> {
    let started = std::time::Instant::now();
    let csv_path = dir.join("data.csv");
    let (log, csv_hash) = {
        let mut out = hashed_file(&csv_path)?;
        let log = clean_table(source, table, schema, reference, &mut out)
            .map_err(|e| Error::Internal(format!("cleaning for publication: {e}")))?;
        (log, finish_hashed(out)?)
    };
    let cleaned = started.elapsed();

    let parquet_path = dir.join("data.parquet");
    let parquet = {
        let (csv, out, columns) = (csv_path.clone(), parquet_path.clone(), log.columns.clone());
        std::thread::Builder::new()
            .name("publish-parquet".into())
            .spawn(move || timed(|| write_parquet(&csv, &out, &columns)))
            .map_err(io)?
    };
    let xlsx_path = dir.join("data.xlsx");
    let fits = log.rows_written <= XLSX_MAX_ROWS && log.columns.len() <= XLSX_MAX_COLUMNS;
    let (to_xlsx, xlsx) = if fits {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<csv::StringRecord>>(4);
        let (out, columns) = (xlsx_path.clone(), log.columns.clone());
        // Zip64 when the worksheet XML could pass 4 GiB: a cell takes at most ~32 bytes of
        // markup (`<c t="s"><v>1048575</v></c>`) plus its text, which the CSV bounds.
        let cells = log
            .rows_written
            .saturating_mul(log.columns.len() as u64 + 1);
        let large = cells.saturating_mul(32).saturating_add(csv_hash.1) > u64::from(u32::MAX);
        // Named threads: perf and the debugger tell the three formats apart.
        let writer = std::thread::Builder::new()
            .name("publish-xlsx".into())
            .spawn(move || timed(|| write_xlsx(&rx, &out, &columns, large)))
            .map_err(io)?;
        (Some(tx), Some(writer))
    } else {
        (None, None)
    };
    let json_path = dir.join("data.json");
    let (json_hash, json_took) = timed(|| write_json(&csv_path, &json_path, &log.columns, to_xlsx));
    let json_hash = json_hash?;

    let mut files = vec![
        built(FORMATS[0], csv_path, csv_hash),
        built(FORMATS[1], json_path, json_hash),
    ];
    let (parquet, parquet_took) = parquet
        .join()
        .map_err(|_| Error::Internal("the Parquet writer panicked".into()))?;
    parquet?;
    files.push(built(
        FORMATS[2],
        parquet_path.clone(),
        hash_file(&parquet_path)?,
    ));
    let mut xlsx_took = std::time::Duration::ZERO;
    if let Some(xlsx) = xlsx {
        let (written, took) = xlsx
            .join()
            .map_err(|_| Error::Internal("the XLSX writer panicked".into()))?;
        written?;
        xlsx_took = took;
        files.push(built(FORMATS[3], xlsx_path.clone(), hash_file(&xlsx_path)?));
    }
    tracing::info!(
        rows = log.rows_written,
        clean_ms = cleaned.as_millis(),
        formats_ms = (started.elapsed() - cleaned).as_millis(),
        json_ms = json_took.as_millis(),
        parquet_ms = parquet_took.as_millis(),
        xlsx_ms = xlsx_took.as_millis(),
        "published files written"
    );
    Ok(Built { files, log })
}

/// `work`'s result and how long it took.
fn timed<T>(work: impl FnOnce() -> T) -> (T, std::time::Duration) {
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

/// A new file, buffered, hashed as the buffer empties (the hash sees 1 MiB blocks, not every
/// small write).
fn hashed_file(path: &Path) -> Result<BufWriter<Hashing<File>>> {
    Ok(BufWriter::with_capacity(
        1 << 20,
        Hashing::new(File::create(path).map_err(io)?),
    ))
}

/// Flushes a [`hashed_file`]; its SHA-256 (hex) and size.
fn finish_hashed(out: BufWriter<Hashing<File>>) -> Result<(String, u64)> {
    out.into_inner().map_err(|e| io(e.into_error()))?.finish()
}

/// A writer that hashes and counts what passes through it.
struct Hashing<W: Write> {
    inner: W,
    hasher: Sha256,
    size: u64,
}

impl<W: Write> Hashing<W> {
    fn new(inner: W) -> Self {
        Self {
            inner,
            hasher: Sha256::new(),
            size: 0,
        }
    }

    fn finish(mut self) -> Result<(String, u64)> {
        self.inner.flush().map_err(io)?;
        Ok((hex::encode(self.hasher.finalize()), self.size))
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Rows handed to the XLSX writer at a time.
const BATCH: usize = 8192;

/// Writes the JSON array of records while reading the clean CSV, passing the rows on to the
/// XLSX writer. Returns the JSON file's hash and size.
fn write_json(
    csv_path: &Path,
    json_path: &Path,
    columns: &[CleanColumn],
    to_xlsx: Option<std::sync::mpsc::SyncSender<Vec<csv::StringRecord>>>,
) -> Result<(String, u64)> {
    let keys: Vec<Vec<u8>> = columns
        .iter()
        .map(|c| serde_json::to_vec(&c.name).map_err(internal))
        .collect::<Result<_>>()?;
    let kinds: Vec<FieldType> = columns.iter().map(|c| c.kind).collect();
    let mut json = hashed_file(json_path)?;
    json.write_all(b"[").map_err(io)?;
    let mut reader =
        csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(BufReader::with_capacity(
                1 << 20,
                File::open(csv_path).map_err(io)?,
            ));
    let mut rows = 0u64;
    let mut batch = Vec::with_capacity(BATCH);
    let mut record = csv::StringRecord::new();
    let mut xlsx = to_xlsx;
    while reader.read_record(&mut record).map_err(internal)? {
        json.write_all(if rows == 0 { b"\n{" } else { b",\n{" })
            .map_err(io)?;
        rows += 1;
        for (i, kind) in kinds.iter().enumerate() {
            if i > 0 {
                json.write_all(b",").map_err(io)?;
            }
            json.write_all(&keys[i]).map_err(io)?;
            json.write_all(b":").map_err(io)?;
            write_typed(&mut json, record.get(i).unwrap_or(""), *kind)?;
        }
        json.write_all(b"}").map_err(io)?;
        if xlsx.is_some() {
            batch.push(record.clone());
            if batch.len() == BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                // A closed channel means the XLSX writer failed; its error is reported at join.
                if xlsx.as_ref().is_some_and(|tx| tx.send(full).is_err()) {
                    xlsx = None;
                }
            }
        }
    }
    if let Some(tx) = xlsx
        && !batch.is_empty()
    {
        let _ = tx.send(batch);
    }
    json.write_all(if rows == 0 { b"]\n" } else { b"\n]\n" })
        .map_err(io)?;
    finish_hashed(json)
}

/// One cell as JSON, typed by its column.
fn write_typed(out: &mut impl Write, cell: &str, kind: FieldType) -> Result<()> {
    match Cell::parse(cell, kind) {
        Cell::Null => out.write_all(b"null").map_err(io),
        Cell::Int(n) => out
            .write_all(itoa::Buffer::new().format(n).as_bytes())
            .map_err(io),
        Cell::Float(n) => serde_json::to_writer(out, &n).map_err(internal),
        Cell::Bool(b) => out
            .write_all(if b { b"true" } else { b"false" })
            .map_err(io),
        Cell::Text(t) => serde_json::to_writer(out, t).map_err(internal),
    }
}

/// The clean CSV as Parquet, parsed by polars with the clean table's types, in row groups.
fn write_parquet(csv_path: &Path, out: &Path, columns: &[CleanColumn]) -> Result<()> {
    use polars::prelude::{
        DataType, LazyCsvReader, LazyFileListReader, PlRefPath, PlanCallback, Schema,
    };
    let schema: Schema = columns
        .iter()
        .map(|c| {
            let dtype = match c.kind {
                FieldType::Integer | FieldType::Year => DataType::Int64,
                FieldType::Number => DataType::Float64,
                FieldType::Boolean => DataType::Boolean,
                _ => DataType::String,
            };
            (PlSmallStr::from(c.name.as_str()), dtype)
        })
        .collect();
    let writer = ParquetWriter::new(BufWriter::with_capacity(
        1 << 20,
        File::create(out).map_err(io)?,
    ))
    .with_compression(ParquetCompression::Snappy)
    .with_row_group_size(Some(ROW_GROUP))
    .batched(&schema)
    .map_err(internal)?;
    let shared = std::sync::Arc::new(std::sync::Mutex::new(Some(writer)));
    let sink = std::sync::Arc::clone(&shared);
    let callback = PlanCallback::new(move |frame: DataFrame| {
        let mut guard = sink
            .lock()
            .map_err(|_| polars::prelude::polars_err!(ComputeError: "parquet writer poisoned"))?;
        if let Some(writer) = guard.as_mut() {
            writer.write_batch(&frame)?;
        }
        Ok(false)
    });
    let path = PlRefPath::new(csv_path.to_string_lossy().as_ref());
    LazyCsvReader::new(path)
        .with_has_header(true)
        .with_schema(Some(std::sync::Arc::new(schema)))
        .finish()
        .and_then(|lf| lf.sink_batches(callback, true, std::num::NonZeroUsize::new(ROW_GROUP)))
        .and_then(|lf| lf.collect_with_engine(polars::prelude::Engine::Streaming))
        .map_err(internal)?;
    let writer = shared
        .lock()
        .map_err(|_| Error::Internal("parquet writer poisoned".into()))?
        .take()
        .ok_or_else(|| Error::Internal("parquet writer gone".into()))?;
    writer.finish().map_err(internal)?;
    Ok(())
}

/// The workbook, from row batches (xlsx.rs).
fn write_xlsx(
    rows: &std::sync::mpsc::Receiver<Vec<csv::StringRecord>>,
    out: &Path,
    columns: &[CleanColumn],
    large: bool,
) -> Result<()> {
    let header: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
    let mut book = Xlsx::create(out, &header, large)?;
    let kinds: Vec<FieldType> = columns.iter().map(|c| c.kind).collect();
    for batch in rows {
        for record in batch {
            book.write_row(
                kinds
                    .iter()
                    .enumerate()
                    .map(|(i, kind)| Cell::parse(record.get(i).unwrap_or(""), *kind)),
            )?;
        }
    }
    book.finish()
}

/// A clean cell read by its column's type; a cell that does not parse stays text (a valid
/// report guarantees it does not happen, and no value is ever dropped).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cell<'a> {
    Null,
    Int(i64),
    Float(f64),
    Bool(bool),
    Text(&'a str),
}

impl<'a> Cell<'a> {
    fn parse(cell: &'a str, kind: FieldType) -> Self {
        if cell.is_empty() {
            return Self::Null;
        }
        let parsed = match kind {
            FieldType::Integer | FieldType::Year => cell.parse().ok().map(Self::Int),
            FieldType::Number => cell
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(Self::Float),
            FieldType::Boolean if cell.eq_ignore_ascii_case("true") => Some(Self::Bool(true)),
            FieldType::Boolean if cell.eq_ignore_ascii_case("false") => Some(Self::Bool(false)),
            _ => None,
        };
        parsed.unwrap_or(Self::Text(cell))
    }
}

/// A CSV writer in the published dialect: UTF-8, comma, RFC 4180 quoting, CRLF.
pub(crate) fn csv_writer<W: Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out)
}

/// SHA-256 (hex) and size of a file.
pub(crate) fn hash_file(path: &Path) -> Result<(String, u64)> {
    let mut file = File::open(path).map_err(io)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok((hex::encode(hasher.finalize()), size))
}

fn io(e: std::io::Error) -> Error {
    Error::Internal(format!("writing published files: {e}"))
}

fn internal(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("writing published files: {e}"))
}
