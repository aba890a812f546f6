//! Tables that arrive whole rather than as text lines: Excel workbooks (XLSX, via calamine) and
//! JSON arrays of records. Both become rows with their physical row numbers, so the engine checks
//! them exactly like CSV.

use std::io::Cursor;

use calamine::{Data, Dimensions, Reader, Xlsx};
use serde_json::Value;

use crate::read::{ReadError, Row};

/// What a whole-file source produced.
#[derive(Debug)]
pub(crate) struct Sheet {
    /// Rows in order, with physical numbers.
    pub rows: Vec<Row>,
    /// The worksheet read, for workbooks.
    pub name: Option<String>,
}

/// Reads one worksheet (the first unless `wanted` names one). Horizontal merged cells in a header
/// row that has a second header row below it are combined into one label per column
/// ("Jenis Kelamin" over "Laki-laki" → "Jenis Kelamin Laki-laki"); other merged cells are filled
/// with their value, except title cells merged across the whole width.
pub(crate) fn xlsx(bytes: Vec<u8>, wanted: Option<&str>) -> Result<Sheet, ReadError> {
    let bad = |e: &dyn std::fmt::Display| ReadError::Workbook(e.to_string());
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(|e| bad(&e))?;
    let names = book.sheet_names();
    let name = match wanted {
        Some(w) => names
            .iter()
            .find(|n| n.as_str() == w)
            .cloned()
            .ok_or_else(|| {
                ReadError::Workbook(format!(
                    "no sheet named '{w}' (sheets: {})",
                    names.join(", ")
                ))
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| ReadError::Workbook("the workbook has no sheet".into()))?,
    };
    let range = book.worksheet_range(&name).map_err(|e| bad(&e))?;
    let merges = book.merge_cells_by_sheet_name(&name).unwrap_or_default();
    let (top, left) = range.start().unwrap_or((0, 0));
    let width = range.width();
    let mut grid: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(render).collect())
        .collect();
    // Merged regions, relative to the used range.
    let local: Vec<Dimensions> = merges
        .iter()
        .filter(|m| m.start.0 >= top && m.start.1 >= left)
        .map(|m| Dimensions {
            start: (m.start.0 - top, m.start.1 - left),
            end: (m.end.0 - top, m.end.1 - left),
        })
        .collect();
    let full_width = |m: &Dimensions| m.start.1 == 0 && m.end.1 as usize + 1 >= width;
    for m in local.iter().filter(|m| !full_width(m)) {
        let value = grid
            .get(m.start.0 as usize)
            .and_then(|r| r.get(m.start.1 as usize))
            .cloned()
            .unwrap_or_default();
        for r in m.start.0..=m.end.0 {
            for c in m.start.1..=m.end.1 {
                if let Some(cell) = grid
                    .get_mut(r as usize)
                    .and_then(|row| row.get_mut(c as usize))
                {
                    cell.clone_from(&value);
                }
            }
        }
    }
    // A header split over two rows: a row with a horizontal merge confined to it.
    let split = local
        .iter()
        .filter(|m| !full_width(m) && m.start.0 == m.end.0 && m.end.1 > m.start.1)
        .map(|m| m.start.0 as usize)
        .min();
    if let Some(h) = split
        && h + 1 < grid.len()
    {
        let below = grid.remove(h + 1);
        for (cell, sub) in grid[h].iter_mut().zip(below) {
            if !sub.is_empty() && sub != *cell {
                *cell = if cell.is_empty() {
                    sub
                } else {
                    format!("{cell} {sub}")
                };
            }
        }
    }
    let mut rows = Vec::with_capacity(grid.len());
    let mut number = u64::from(top);
    for (i, cells) in grid.into_iter().enumerate() {
        number += 1;
        if split.is_some_and(|h| i == h + 1) {
            number += 1; // the folded sub-header row keeps its place in the numbering
        }
        rows.push(Row {
            number,
            cells: csv::StringRecord::from(cells),
        });
    }
    Ok(Sheet {
        rows,
        name: Some(name),
    })
}

fn render(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => match d.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => t.date().to_string(),
            Some(t) => t.format("%Y-%m-%dT%H:%M:%S").to_string(),
            None => d.as_f64().to_string(),
        },
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// A JSON object with its keys in document order.
struct Record(Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for Record {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Record;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a record (a JSON object)")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Record, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, Value>()? {
                    entries.push(entry);
                }
                Ok(Record(entries))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// Reads a JSON array of records: the header is every key in order of first appearance, row 1 is
/// that header and record `i` is row `i + 1`.
pub(crate) fn json(bytes: &[u8]) -> Result<Sheet, ReadError> {
    let records: Vec<Record> =
        serde_json::from_slice(bytes).map_err(|e| ReadError::Json(e.to_string()))?;
    let mut header: Vec<String> = Vec::new();
    for Record(entries) in &records {
        for (key, _) in entries {
            if !header.contains(key) {
                header.push(key.clone());
            }
        }
    }
    let mut rows = vec![Row {
        number: 1,
        cells: csv::StringRecord::from(header.clone()),
    }];
    for (i, Record(entries)) in records.iter().enumerate() {
        let cells: Vec<String> = header
            .iter()
            .map(
                |key| match entries.iter().find(|(k, _)| k == key).map(|(_, v)| v) {
                    None | Some(Value::Null) => String::new(),
                    Some(Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                },
            )
            .collect();
        rows.push(Row {
            number: i as u64 + 2,
            cells: csv::StringRecord::from(cells),
        });
    }
    Ok(Sheet { rows, name: None })
}
