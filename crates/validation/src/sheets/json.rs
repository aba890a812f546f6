//! JSON arrays of records, read record by record: each key becomes a column in order of first
//! appearance, checked against the limits as it appears (a file whose records each add a key
//! is refused after `max_json_keys`, not after allocating every row × every key).

use std::collections::HashMap;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::Sheet;
use crate::limits::{LimitExceeded, Limits};
use crate::read::{ReadError, Row};

/// The table built while the array is read.
struct Table<'l> {
    limits: &'l Limits,
    header: Vec<String>,
    index: HashMap<String, usize>,
    /// Each record's cells, as wide as the header was when it was read.
    records: Vec<Vec<String>>,
    /// Cells held so far (a record holds as many cells as the header had then).
    cells: u64,
    /// Why reading stopped, when a limit did.
    refused: Option<LimitExceeded>,
}

/// Reads a JSON array of records: the header is every key in order of first appearance, row 1
/// is that header and record `i` is row `i + 1`.
pub(crate) fn json(bytes: &[u8], limits: &Limits) -> Result<Sheet, ReadError> {
    let mut table = Table {
        limits,
        header: Vec::new(),
        index: HashMap::new(),
        records: Vec::new(),
        cells: 0,
        refused: None,
    };
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let read = Records(&mut table)
        .deserialize(&mut deserializer)
        .and_then(|()| deserializer.end());
    if let Some(refused) = table.refused.take() {
        return Err(refused.into());
    }
    read.map_err(|e| ReadError::Json(e.to_string()))?;
    let width = table.header.len();
    let mut rows = Vec::with_capacity(table.records.len() + 1);
    rows.push(Row::new(1, csv::StringRecord::from(table.header)));
    for (i, mut cells) in table.records.into_iter().enumerate() {
        cells.resize(width, String::new());
        rows.push(Row::new(i as u64 + 2, csv::StringRecord::from(cells)));
    }
    Ok(Sheet { rows, name: None })
}

/// The top-level array.
struct Records<'t, 'l>(&'t mut Table<'l>);

impl<'de> DeserializeSeed<'de> for Records<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Records<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of records (JSON objects)")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Record(&mut *self.0))?.is_some() {}
        Ok(())
    }
}

/// One record, written straight into the table.
struct Record<'t, 'l>(&'t mut Table<'l>);

impl<'de> DeserializeSeed<'de> for Record<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Record<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a record (a JSON object)")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let table = self.0;
        let mut cells = vec![String::new(); table.header.len()];
        while let Some((key, value)) = map.next_entry::<String, Value>()? {
            let column = match table.index.get(&key) {
                Some(&column) => column,
                None => {
                    let column = table.header.len();
                    if column >= table.limits.max_json_keys.min(table.limits.max_columns) {
                        let allowed = table.limits.max_json_keys.min(table.limits.max_columns);
                        table.refused = Some(LimitExceeded::json_keys(column as u64 + 1, allowed));
                        return Err(A::Error::custom("limit"));
                    }
                    table.index.insert(key.clone(), column);
                    table.header.push(key);
                    column
                }
            };
            if column >= cells.len() {
                cells.resize(column + 1, String::new());
            }
            cells[column] = match value {
                Value::Null => String::new(),
                Value::String(s) => s,
                other => other.to_string(),
            };
        }
        // Every record is as wide as the header in the end: count that now.
        table.cells += table.header.len() as u64;
        let rows = table.records.len() as u64 + 1;
        let total = rows
            .saturating_mul(table.header.len() as u64)
            .max(table.cells);
        if total > table.limits.max_cells {
            table.refused = Some(LimitExceeded::cells(
                rows,
                table.header.len() as u64,
                table.limits.max_cells,
            ));
            return Err(A::Error::custom("limit"));
        }
        table.records.push(cells);
        Ok(())
    }
}
