//! The writers of the derived formats, each fed the clean table's rows in batches: JSON (an
//! array of records, hashed as written around the page cache, direct.rs), Parquet (row groups built from the batches, no second
//! CSV parse) and the XLSX workbook (xlsx/).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Arc;

use polars::prelude::{
    BooleanChunkedBuilder, ChunkedBuilder, Column, DataFrame, DataType, Float64Type, Int64Type,
    IntoSeries, ParquetCompression, ParquetWriter, PlSmallStr, PrimitiveChunkedBuilder, Schema,
    StringChunkedBuilder,
};
use satudata_validation::{CleanColumn, FieldType};

use crate::batch::Batch;
use crate::cell::Cell;
use crate::cell::{boolean, json_number, short_integer};
use crate::copy::{Pieces, WORD, put, put_all, put_short};
use crate::direct::DirectFile;
use crate::error::{Error, Result};
use crate::xlsx::Xlsx;

/// Rows per Parquet row group. Small enough that a data API page (`limit=100` with filters)
/// decodes little past its rows: on 10 M rows, polars found such a page in 6 ms with 32 Ki-row
/// groups against 16 ms with 128 Ki (the file is 8 % larger).
const ROW_GROUP: usize = 32 * 1024;

/// Batches of the clean table, or the error that stopped them.
pub(super) trait Batches: Iterator<Item = Result<Arc<Batch>>> {}
impl<T: Iterator<Item = Result<Arc<Batch>>>> Batches for T {}

/// Writes the JSON array of records. Returns the file's hash and size.
pub(super) fn write_json(
    batches: impl Batches,
    path: &Path,
    columns: &[CleanColumn],
) -> Result<(String, u64)> {
    // Each key with what precedes and follows it: `{"a":`, `,"b":`.
    let mut keys = Pieces::default();
    for (i, c) in columns.iter().enumerate() {
        let mut key = vec![if i == 0 { b'{' } else { b',' }];
        serde_json::to_writer(&mut key, &c.name)?;
        key.push(b':');
        keys.push(&key);
    }
    let key_bytes = keys.total();
    let kinds: Vec<FieldType> = columns.iter().map(|c| c.kind).collect();
    let mut json = DirectFile::create(path, "publish-json")?;
    json.write_all(b"[")?;
    let mut first = true;
    let mut value = Vec::new();
    for batch in batches {
        let batch = batch?;
        let (plain, text) = (batch.json_plain(), batch.text());
        for row in 0..batch.rows() {
            let spans = batch.spans(row);
            // Each record is built in the file's buffer, no copy in between, so the room asked
            // for must hold it: the keys, the row's text (escaped, in a batch that has a byte
            // to escape), and per cell 32 bytes for quotes, `null` or a number's longest form
            // (24 bytes); then the separator, the braces and a word of room for the copies.
            let row_text = spans.first().map_or(0, |s| s[0] as usize)
                ..spans.last().map_or(0, |s| s[1] as usize);
            let text_bytes = if plain {
                row_text.len()
            } else {
                escaped_len(&text[row_text])
            };
            let need = key_bytes + text_bytes + 32 * spans.len() + 8 + WORD;
            let out = json.room(need);
            let mut at = put_all(out, 0, if first { b"\n" } else { b",\n" });
            first = false;
            for (i, (span, &kind)) in spans.iter().zip(&kinds).enumerate() {
                at = keys.put(i, out, at);
                let (from, len) = (span[0] as usize, (span[1] - span[0]) as usize);
                let cell = batch.field(span);
                at = match kind {
                    FieldType::Integer | FieldType::Year if short_integer(cell) => {
                        put(out, at, text, from, len)
                    }
                    FieldType::String | FieldType::Date | FieldType::Any if len > 0 && plain => {
                        out[at] = b'"';
                        let end = put(out, at + 1, text, from, len);
                        out[end] = b'"';
                        end + 1
                    }
                    _ => {
                        value.clear();
                        json_value(&mut value, cell, kind)?;
                        put_short(out, at, &value)
                    }
                };
            }
            if keys.len() == 0 {
                out[at] = b'{';
                at += 1;
            }
            out[at] = b'}';
            json.filled(at + 1)?;
        }
    }
    json.write_all(if first { b"]\n" } else { b"\n]\n" })?;
    json.finish()
}

/// Bytes `text` takes escaped as JSON at most (`\u001f` for a control byte, `\"` for a quote).
pub(super) fn escaped_len(text: &[u8]) -> usize {
    text.iter()
        .map(|&b| match b {
            0..0x20 => 6,
            b'"' | b'\\' => 2,
            _ => 1,
        })
        .sum()
}

/// A cell the record writer does not copy as it is: a number or boolean read by its column's
/// type, an empty cell (null), or text in a batch that has a byte to escape.
fn json_value(out: &mut Vec<u8>, cell: &str, kind: FieldType) -> Result<()> {
    match kind {
        FieldType::Integer | FieldType::Year | FieldType::Number | FieldType::Boolean => {}
        _ if !cell.is_empty() => return json_string(out, cell),
        _ => {}
    }
    match Cell::parse(cell, kind) {
        Cell::Null => out.extend_from_slice(b"null"),
        Cell::Int(n) => out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes()),
        Cell::Decimal(text) if json_number(text) => out.extend_from_slice(text.as_bytes()),
        Cell::Decimal(text) => {
            let n: f64 = text
                .parse()
                .map_err(|e| Error::Mismatch(format!("{text:?} is not a number: {e}")))?;
            serde_json::to_writer(out, &n)?;
        }
        Cell::Float(n) => serde_json::to_writer(out, &n)?,
        Cell::Bool(b) => out.extend_from_slice(if b { b"true" } else { b"false" }),
        Cell::Text(t) => json_string(out, t)?,
    }
    Ok(())
}

/// A JSON string; most text needs no escaping and is copied between quotes.
fn json_string(out: &mut Vec<u8>, text: &str) -> Result<()> {
    if text.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        return Ok(serde_json::to_writer(out, text)?);
    }
    out.push(b'"');
    out.extend_from_slice(text.as_bytes());
    out.push(b'"');
    Ok(())
}

/// The Parquet type of a clean column.
pub(super) fn parquet_type(kind: FieldType) -> DataType {
    match kind {
        FieldType::Integer | FieldType::Year => DataType::Int64,
        FieldType::Number => DataType::Float64,
        FieldType::Boolean => DataType::Boolean,
        _ => DataType::String,
    }
}

/// Writes the Parquet file (Snappy, row groups of [`ROW_GROUP`] rows) from the batches. Columns
/// are encoded on this thread, not fanned out to polars' pool: the other writers keep both cores
/// busy, and the hand-offs only cost (in turns: 0.90 s against 0.94 s per 1 M-row publish).
pub(super) fn write_parquet(
    batches: impl Batches,
    path: &Path,
    columns: &[CleanColumn],
) -> Result<()> {
    let schema: Schema = columns
        .iter()
        .map(|c| (PlSmallStr::from(c.name.as_str()), parquet_type(c.kind)))
        .collect();
    let mut writer = ParquetWriter::new(BufWriter::with_capacity(1 << 20, File::create(path)?))
        .with_compression(ParquetCompression::Snappy)
        .with_row_group_size(Some(ROW_GROUP))
        .set_parallel(false)
        .batched(&schema)?;
    let mut pending: Vec<Arc<Batch>> = Vec::new();
    let mut rows = 0;
    let mut written = false;
    for batch in batches {
        let batch = batch?;
        rows += batch.rows();
        pending.push(batch);
        if rows >= ROW_GROUP {
            writer.write_batch(&frame(&pending, rows, columns)?)?;
            (pending, rows, written) = (Vec::new(), 0, true);
        }
    }
    if rows > 0 || !written {
        writer.write_batch(&frame(&pending, rows, columns)?)?;
    }
    writer.finish()?;
    Ok(())
}

/// A row group's worth of batches as a typed frame. Empty cells are null; a cell that does not
/// parse as its column's type is an error (a valid report rules it out). Row after row: the
/// batch's text is then read in order (column after column missed the cache on every cell).
fn frame(batches: &[Arc<Batch>], height: usize, columns: &[CleanColumn]) -> Result<DataFrame> {
    let mut builders: Vec<Builder> = columns
        .iter()
        .map(|column| Builder::new(column, height))
        .collect();
    for batch in batches {
        for row in 0..batch.rows() {
            for ((builder, column), cell) in builders.iter_mut().zip(columns).zip(batch.row(row)) {
                builder.push(cell, column)?;
            }
        }
    }
    let out = builders
        .into_iter()
        .map(|b| Column::from(b.finish()))
        .collect();
    Ok(DataFrame::new(height, out)?)
}

/// A typed column being built.
enum Builder {
    Int(PrimitiveChunkedBuilder<Int64Type>),
    Float(PrimitiveChunkedBuilder<Float64Type>),
    Bool(BooleanChunkedBuilder),
    Text(StringChunkedBuilder),
}

impl Builder {
    fn new(column: &CleanColumn, height: usize) -> Self {
        let name = PlSmallStr::from(column.name.as_str());
        match parquet_type(column.kind) {
            DataType::Int64 => Self::Int(PrimitiveChunkedBuilder::new(name, height)),
            DataType::Float64 => Self::Float(PrimitiveChunkedBuilder::new(name, height)),
            DataType::Boolean => Self::Bool(BooleanChunkedBuilder::new(name, height)),
            _ => Self::Text(StringChunkedBuilder::new(name, height)),
        }
    }

    /// Appends a cell of `column`: empty is null, a cell that does not parse is an error.
    fn push(&mut self, cell: &str, column: &CleanColumn) -> Result<()> {
        if cell.is_empty() {
            match self {
                Self::Int(b) => b.append_null(),
                Self::Float(b) => b.append_null(),
                Self::Bool(b) => b.append_null(),
                Self::Text(b) => b.append_null(),
            }
            return Ok(());
        }
        let parsed = match self {
            Self::Int(b) => cell.parse().map(|v| b.append_value(v)).is_ok(),
            Self::Float(b) => cell.parse().map(|v| b.append_value(v)).is_ok(),
            Self::Bool(b) => boolean(cell).map(|v| b.append_value(v)).is_some(),
            Self::Text(b) => {
                b.append_value(cell);
                true
            }
        };
        if !parsed {
            return Err(Error::Mismatch(format!(
                "{cell:?} in column {} is not a {:?}",
                column.name, column.kind
            )));
        }
        Ok(())
    }

    fn finish(self) -> polars::prelude::Series {
        match self {
            Self::Int(b) => b.finish().into_series(),
            Self::Float(b) => b.finish().into_series(),
            Self::Bool(b) => b.finish().into_series(),
            Self::Text(b) => b.finish().into_series(),
        }
    }
}

/// Writes the workbook (xlsx/) around the page cache, as the JSON. `large` selects Zip64 for
/// the worksheet. Returns the file's hash and size when the table fitted; a table past the
/// worksheet's rows, or with a cell longer than Excel holds, leaves no workbook (every other
/// format has the whole table).
pub(super) fn write_xlsx(
    batches: impl Batches,
    path: &Path,
    columns: &[CleanColumn],
    large: bool,
) -> Result<Option<(String, u64)>> {
    let header: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
    let mut book = Xlsx::create(DirectFile::create(path, "publish-xlsx")?, &header, large)?;
    let kinds: Vec<FieldType> = columns.iter().map(|c| c.kind).collect();
    let mut rows = 0u64;
    let mut fits = true;
    'batches: for batch in batches {
        let batch = batch?;
        rows += batch.rows() as u64;
        if rows > crate::XLSX_MAX_ROWS {
            fits = false;
            break;
        }
        for row in 0..batch.rows() {
            let mut too_long = false;
            book.write_row(batch.row(row).zip(&kinds).map(|(cell, kind)| {
                too_long |= cell.len() > crate::XLSX_MAX_CELL_CHARS && !fits_a_cell(cell);
                Cell::parse(cell, *kind)
            }))?;
            if too_long {
                fits = false;
                break 'batches;
            }
        }
    }
    if !fits {
        drop(book);
        std::fs::remove_file(path)?;
        return Ok(None);
    }
    book.finish()?.finish().map(Some)
}

/// Whether `text` fits an Excel cell ([`crate::XLSX_MAX_CELL_CHARS`] UTF-16 code units).
fn fits_a_cell(text: &str) -> bool {
    text.encode_utf16().count() <= crate::XLSX_MAX_CELL_CHARS
}
