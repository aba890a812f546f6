//! Writing a version's published files: the clean table as CSV (the cleaning engine's output),
//! then JSON, Parquet and XLSX from one pass over that CSV. Blocking code, run on a blocking
//! thread; memory stays bounded (Parquet row groups and the XLSX writer's constant-memory mode).

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use polars::prelude::{Column, DataFrame, ParquetCompression, ParquetWriter, PlSmallStr};
use rust_xlsxwriter::{Format, Workbook, Worksheet};
use satudata_validation::{
    CleanColumn, CleanLog, FieldType, RegionReference, TableInfo, TableSchema, clean_table,
};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Rows per Parquet row group.
const ROW_GROUP: usize = 128 * 1024;
/// Data rows an XLSX worksheet holds (1,048,576 rows minus the header).
pub const XLSX_MAX_ROWS: u64 = 1_048_575;

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

/// Cleans `source` into `dir/data.csv` and derives the other formats from it.
pub(crate) fn build(
    source: impl Read,
    table: &TableInfo,
    schema: &TableSchema,
    reference: Option<&RegionReference>,
    dir: &Path,
) -> Result<Built> {
    let csv_path = dir.join("data.csv");
    let log = {
        let out = BufWriter::with_capacity(1 << 20, File::create(&csv_path).map_err(io)?);
        clean_table(source, table, schema, reference, out)
            .map_err(|e| Error::Internal(format!("cleaning for publication: {e}")))?
    };
    let mut writers = Writers::new(dir, &log)?;
    let mut reader =
        csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(BufReader::with_capacity(
                1 << 20,
                File::open(&csv_path).map_err(io)?,
            ));
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).map_err(internal)? {
        writers.row(&record)?;
    }
    let mut paths = vec![(FORMATS[0], csv_path)];
    paths.extend(writers.finish()?);
    let files = paths
        .into_iter()
        .map(|(format, path)| {
            let (sha256, size) = hash_file(&path)?;
            Ok(BuiltFile {
                format,
                path,
                sha256,
                size,
            })
        })
        .collect::<Result<_>>()?;
    Ok(Built { files, log })
}

/// The JSON, Parquet and XLSX writers fed row by row.
struct Writers {
    columns: Vec<CleanColumn>,
    keys: Vec<String>,
    json: BufWriter<File>,
    json_path: PathBuf,
    rows: u64,
    parquet: polars::io::parquet::write::BatchedWriter<BufWriter<File>>,
    parquet_path: PathBuf,
    buffers: Vec<Buffer>,
    workbook: Option<Workbook>,
    xlsx_path: PathBuf,
}

/// A Parquet column being filled.
enum Buffer {
    Int(Vec<Option<i64>>),
    Float(Vec<Option<f64>>),
    Bool(Vec<Option<bool>>),
    Text(Vec<Option<String>>),
}

impl Writers {
    fn new(dir: &Path, log: &CleanLog) -> Result<Self> {
        let columns = log.columns.clone();
        let keys = columns
            .iter()
            .map(|c| serde_json::to_string(&c.name).map_err(internal))
            .collect::<Result<_>>()?;
        let json_path = dir.join("data.json");
        let mut json = BufWriter::with_capacity(1 << 20, File::create(&json_path).map_err(io)?);
        json.write_all(b"[").map_err(io)?;
        let buffers: Vec<Buffer> = columns.iter().map(|c| Buffer::new(c.kind)).collect();
        let parquet_path = dir.join("data.parquet");
        let empty = to_frame(
            &columns,
            &mut buffers.iter().map(|b| b.empty()).collect::<Vec<_>>(),
        )?;
        let parquet = ParquetWriter::new(BufWriter::new(File::create(&parquet_path).map_err(io)?))
            .with_compression(ParquetCompression::Snappy)
            .batched(empty.schema())
            .map_err(internal)?;
        let workbook = (log.rows_written <= XLSX_MAX_ROWS)
            .then(|| start_workbook(&columns))
            .transpose()?;
        Ok(Self {
            columns,
            keys,
            json,
            json_path,
            rows: 0,
            parquet,
            parquet_path,
            buffers,
            workbook,
            xlsx_path: dir.join("data.xlsx"),
        })
    }

    fn row(&mut self, record: &csv::StringRecord) -> Result<()> {
        let json = &mut self.json;
        json.write_all(if self.rows == 0 { b"\n{" } else { b",\n{" })
            .map_err(io)?;
        self.rows += 1;
        let mut sheet = match self.workbook.as_mut() {
            Some(book) => Some(book.worksheet_from_index(0).map_err(internal)?),
            None => None,
        };
        let excel_row = u32::try_from(self.rows).unwrap_or(u32::MAX);
        for (i, column) in self.columns.iter().enumerate() {
            let cell = record.get(i).unwrap_or("");
            if i > 0 {
                json.write_all(b",").map_err(io)?;
            }
            json.write_all(self.keys[i].as_bytes()).map_err(io)?;
            json.write_all(b":").map_err(io)?;
            let value = typed(cell, column.kind);
            serde_json::to_writer(&mut *json, &value).map_err(internal)?;
            self.buffers[i].push(&value);
            if let Some(sheet) = sheet.as_deref_mut() {
                write_cell(sheet, excel_row, i, cell, &value)?;
            }
        }
        json.write_all(b"}").map_err(io)?;
        if self.buffers[0].len() >= ROW_GROUP {
            self.flush_parquet()?;
        }
        Ok(())
    }

    fn flush_parquet(&mut self) -> Result<()> {
        let frame = to_frame(&self.columns, &mut self.buffers)?;
        self.parquet.write_batch(&frame).map_err(internal)
    }

    fn finish(mut self) -> Result<Vec<(FileFormat, PathBuf)>> {
        let tail: &[u8] = if self.rows == 0 { b"]\n" } else { b"\n]\n" };
        self.json.write_all(tail).map_err(io)?;
        self.json.flush().map_err(io)?;
        if self.buffers.first().is_some_and(|b| b.len() > 0) {
            self.flush_parquet()?;
        }
        self.parquet.finish().map_err(internal)?;
        let mut out = vec![
            (FORMATS[1], self.json_path),
            (FORMATS[2], self.parquet_path),
        ];
        if let Some(mut book) = self.workbook.take() {
            book.save(&self.xlsx_path).map_err(internal)?;
            out.push((FORMATS[3], self.xlsx_path));
        }
        Ok(out)
    }
}

impl Buffer {
    fn new(kind: FieldType) -> Self {
        match kind {
            FieldType::Integer | FieldType::Year => Self::Int(Vec::new()),
            FieldType::Number => Self::Float(Vec::new()),
            FieldType::Boolean => Self::Bool(Vec::new()),
            _ => Self::Text(Vec::new()),
        }
    }

    fn empty(&self) -> Self {
        match self {
            Self::Int(_) => Self::Int(Vec::new()),
            Self::Float(_) => Self::Float(Vec::new()),
            Self::Bool(_) => Self::Bool(Vec::new()),
            Self::Text(_) => Self::Text(Vec::new()),
        }
    }

    fn len(&self) -> usize {
        match self {
            Self::Int(v) => v.len(),
            Self::Float(v) => v.len(),
            Self::Bool(v) => v.len(),
            Self::Text(v) => v.len(),
        }
    }

    fn push(&mut self, value: &serde_json::Value) {
        use serde_json::Value;
        match (self, value) {
            (Self::Int(v), Value::Number(n)) => v.push(n.as_i64()),
            (Self::Float(v), Value::Number(n)) => v.push(n.as_f64()),
            (Self::Bool(v), Value::Bool(b)) => v.push(Some(*b)),
            (Self::Text(v), Value::String(s)) => v.push(Some(s.clone())),
            (Self::Text(v), Value::Null) => v.push(None),
            (Self::Text(v), other) => v.push(Some(other.to_string())),
            (Self::Int(v), _) => v.push(None),
            (Self::Float(v), _) => v.push(None),
            (Self::Bool(v), _) => v.push(None),
        }
    }

    fn take(&mut self, name: &str) -> Column {
        let name = PlSmallStr::from(name);
        match self {
            Self::Int(v) => Column::new(name, std::mem::take(v)),
            Self::Float(v) => Column::new(name, std::mem::take(v)),
            Self::Bool(v) => Column::new(name, std::mem::take(v)),
            Self::Text(v) => Column::new(name, std::mem::take(v)),
        }
    }
}

/// Empties the buffers into a frame.
fn to_frame(columns: &[CleanColumn], buffers: &mut [Buffer]) -> Result<DataFrame> {
    let height = buffers.first().map_or(0, Buffer::len);
    let cols = columns
        .iter()
        .zip(buffers.iter_mut())
        .map(|(c, b)| b.take(&c.name))
        .collect();
    DataFrame::new(height, cols).map_err(internal)
}

/// A cell as a JSON value of its column's type; a cell that does not parse stays text (a valid
/// report guarantees it does not happen, and no value is ever dropped).
pub(crate) fn typed(cell: &str, kind: FieldType) -> serde_json::Value {
    use serde_json::Value;
    if cell.is_empty() {
        return Value::Null;
    }
    let parsed = match kind {
        FieldType::Integer | FieldType::Year => cell.parse::<i64>().ok().map(Value::from),
        FieldType::Number => cell
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number),
        FieldType::Boolean => match cell.to_ascii_lowercase().as_str() {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        _ => None,
    };
    parsed.unwrap_or_else(|| Value::String(cell.to_owned()))
}

fn start_workbook(columns: &[CleanColumn]) -> Result<Workbook> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet_with_constant_memory();
    sheet.set_name("data").map_err(internal)?;
    let bold = Format::new().set_bold();
    for (i, c) in columns.iter().enumerate() {
        let col = u16::try_from(i).map_err(internal)?;
        sheet
            .write_string_with_format(0, col, &c.name, &bold)
            .map_err(internal)?;
    }
    Ok(book)
}

fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: usize,
    cell: &str,
    value: &serde_json::Value,
) -> Result<()> {
    let col = u16::try_from(col).map_err(internal)?;
    match value {
        serde_json::Value::Null => Ok(()),
        serde_json::Value::Number(n) => sheet
            .write_number(row, col, n.as_f64().unwrap_or_default())
            .map(|_| ())
            .map_err(internal),
        serde_json::Value::Bool(b) => sheet
            .write_boolean(row, col, *b)
            .map(|_| ())
            .map_err(internal),
        _ => sheet
            .write_string(row, col, cell)
            .map(|_| ())
            .map_err(internal),
    }
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
