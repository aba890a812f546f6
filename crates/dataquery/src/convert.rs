//! Values out of polars (JSON cells, CSV text) and the streaming export.

use std::io::Write;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use polars::prelude::*;
use serde_json::Value;
use tokio::sync::mpsc::Sender;

use crate::Output;
use crate::plan::PreparedExport;

type Chunk = std::result::Result<Bytes, std::io::Error>;

/// A cell as JSON.
pub(super) fn cell_json(value: AnyValue<'_>) -> Value {
    match value {
        AnyValue::Null => Value::Null,
        AnyValue::Boolean(b) => Value::Bool(b),
        AnyValue::String(s) => Value::String(s.to_owned()),
        AnyValue::StringOwned(s) => Value::String(s.to_string()),
        AnyValue::Int8(n) => n.into(),
        AnyValue::Int16(n) => n.into(),
        AnyValue::Int32(n) => n.into(),
        AnyValue::Int64(n) => n.into(),
        AnyValue::UInt8(n) => n.into(),
        AnyValue::UInt16(n) => n.into(),
        AnyValue::UInt32(n) => n.into(),
        AnyValue::UInt64(n) => n.into(),
        AnyValue::Float32(n) => {
            serde_json::Number::from_f64(f64::from(n)).map_or(Value::Null, Value::Number)
        }
        AnyValue::Float64(n) => serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number),
        other => Value::String(other.to_string()),
    }
}

/// A JSON cursor value back as a literal of the column's type.
pub(super) fn json_to_lit(value: &Value, dtype: &DataType) -> Option<Expr> {
    match value {
        Value::Number(n) if dtype.is_float() => n.as_f64().map(lit),
        Value::Number(n) if dtype.is_unsigned_integer() => n.as_u64().map(lit),
        Value::Number(n) => n.as_i64().map(lit),
        Value::Bool(b) => Some(lit(*b)),
        Value::String(s) => Some(lit(s.clone())),
        _ => None,
    }
}

/// A cell as CSV text.
fn cell_text(value: AnyValue<'_>) -> String {
    json_text(cell_json(value))
}

/// A JSON cell as CSV text: empty for null, strings as they are.
fn json_text(value: Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s,
        other => other.to_string(),
    }
}

impl crate::DataPage {
    /// The page as CSV in the published dialect.
    pub fn to_csv(&self) -> crate::Result<Vec<u8>> {
        let mut out = Vec::new();
        let mut w = satudata_publish::csv_writer(&mut out);
        w.write_record(&self.columns)?;
        for row in &self.rows {
            w.write_record(row.iter().cloned().map(json_text))?;
        }
        w.flush()?;
        drop(w);
        Ok(out)
    }
}

/// Buffers bytes and sends them on in chunks (the Parquet writer writes small pieces).
struct ChannelWriter {
    tx: Sender<Chunk>,
    buf: Vec<u8>,
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= 1 << 20 {
            self.flush()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::take(&mut self.buf));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client went away"))
    }
}

impl Drop for ChannelWriter {
    fn drop(&mut self) {
        // The Parquet footer is written at `finish`; send whatever is still buffered.
        let _ = self.flush();
    }
}

enum Serializer {
    Csv,
    Json { rows: u64 },
    Parquet(Box<polars::io::parquet::write::BatchedWriter<ChannelWriter>>),
}

impl Serializer {
    fn batch(&mut self, frame: &DataFrame, tx: &Sender<Chunk>) -> std::io::Result<bool> {
        let columns = frame.columns();
        let mut out = Vec::with_capacity(64 * 1024);
        match self {
            Self::Parquet(writer) => {
                writer.write_batch(frame).map_err(std::io::Error::other)?;
                return Ok(true);
            }
            Self::Csv => {
                let mut w = satudata_publish::csv_writer(&mut out);
                for i in 0..frame.height() {
                    let record: Vec<String> = columns
                        .iter()
                        .map(|c| c.get(i).map(cell_text).unwrap_or_default())
                        .collect();
                    w.write_record(&record).map_err(std::io::Error::other)?;
                }
                w.flush()?;
            }
            Self::Json { rows } => {
                let names: Vec<String> = columns.iter().map(|c| c.name().to_string()).collect();
                for i in 0..frame.height() {
                    out.extend_from_slice(if *rows == 0 { b"\n" } else { b",\n" });
                    *rows += 1;
                    let mut record = serde_json::Map::new();
                    for (name, c) in names.iter().zip(columns) {
                        record.insert(name.clone(), c.get(i).map(cell_json).unwrap_or(Value::Null));
                    }
                    serde_json::to_writer(&mut out, &record).map_err(std::io::Error::other)?;
                }
            }
        }
        Ok(tx.blocking_send(Ok(Bytes::from(out))).is_ok())
    }
}

/// Runs an export on a blocking thread, sending bytes as batches come out of polars.
pub(super) fn run_export(prepared: PreparedExport, tx: Sender<Chunk>) {
    if let Err(e) = export(prepared, &tx) {
        let _ = tx.blocking_send(Err(e));
    }
}

fn export(prepared: PreparedExport, tx: &Sender<Chunk>) -> std::io::Result<()> {
    let serializer = match prepared.output {
        Output::Csv => {
            let mut header = Vec::new();
            let mut w = satudata_publish::csv_writer(&mut header);
            w.write_record(&prepared.columns)
                .map_err(std::io::Error::other)?;
            w.flush()?;
            drop(w);
            send(tx, header)?;
            Serializer::Csv
        }
        Output::Json => {
            send(tx, b"[".to_vec())?;
            Serializer::Json { rows: 0 }
        }
        Output::Parquet => {
            let writer = ChannelWriter {
                tx: tx.clone(),
                buf: Vec::new(),
            };
            Serializer::Parquet(Box::new(
                ParquetWriter::new(writer)
                    .with_compression(ParquetCompression::Snappy)
                    .batched(&prepared.schema)
                    .map_err(std::io::Error::other)?,
            ))
        }
    };
    let shared = Arc::new(Mutex::new(serializer));
    let in_sink = Arc::clone(&shared);
    let sink_tx = tx.clone();
    let callback = PlanCallback::new(move |frame: DataFrame| -> PolarsResult<bool> {
        let mut ser = in_sink
            .lock()
            .map_err(|_| polars_err!(ComputeError: "export serializer poisoned"))?;
        let go_on = ser
            .batch(&frame, &sink_tx)
            .map_err(|e| polars_err!(ComputeError: "{e}"))?;
        // `true` stops the query: the client went away.
        Ok(!go_on)
    });
    prepared
        .plan
        .sink_batches(callback, true, None)
        .and_then(|lf| lf.collect_with_engine(Engine::Streaming))
        .map_err(std::io::Error::other)?;
    let serializer = Arc::try_unwrap(shared)
        .map_err(|_| std::io::Error::other("export still running"))?
        .into_inner()
        .map_err(|_| std::io::Error::other("export serializer poisoned"))?;
    match serializer {
        Serializer::Csv => Ok(()),
        Serializer::Json { rows } => send(
            tx,
            if rows == 0 {
                b"]\n".to_vec()
            } else {
                b"\n]\n".to_vec()
            },
        ),
        Serializer::Parquet(writer) => {
            // The footer goes out when the writer (and its ChannelWriter) is dropped.
            writer.finish().map_err(std::io::Error::other)?;
            Ok(())
        }
    }
}

fn send(tx: &Sender<Chunk>, bytes: Vec<u8>) -> std::io::Result<()> {
    tx.blocking_send(Ok(Bytes::from(bytes)))
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client went away"))
}
