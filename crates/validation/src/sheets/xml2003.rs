//! Excel 2003 XML workbooks (SpreadsheetML: `<Workbook xmlns="urn:schemas-microsoft-com:
//! office:spreadsheet">`), which older systems save with an `.xls` name. Read with quick-xml:
//! `Row`/`Cell` with their `ss:Index` jumps and `ss:MergeAcross`/`ss:MergeDown` spans, within
//! the limits (a jump to column 16,384 is refused, not allocated).

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::{Grid, Sheet, Span};
use crate::limits::{Limits, check_area};
use crate::read::ReadError;

/// The value of an attribute by its local name (`ss:Index` → `Index`).
fn attribute(element: &BytesStart<'_>, name: &str) -> Option<String> {
    element
        .attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| {
            a.normalized_value(XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

fn number(element: &BytesStart<'_>, name: &str) -> Option<usize> {
    attribute(element, name).and_then(|v| v.trim().parse().ok())
}

/// Reads one worksheet (the first unless `wanted` names one).
pub(crate) fn xml2003(
    text: &str,
    wanted: Option<&str>,
    limits: &Limits,
) -> Result<Sheet, ReadError> {
    let bad = |e: &dyn std::fmt::Display| ReadError::Workbook(format!("Excel 2003 XML: {e}"));
    let mut reader = Reader::from_str(text);
    let mut names: Vec<String> = Vec::new();
    let mut chosen: Option<String> = None;
    let mut inside = false;
    let mut cells: Vec<(usize, usize, String)> = Vec::new();
    let mut merges: Vec<Span> = Vec::new();
    let (mut row, mut column) = (0usize, 0usize);
    let (mut height, mut width) = (0usize, 0usize);
    let mut value: Option<String> = None;
    loop {
        let event = reader.read_event().map_err(|e| bad(&e))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                match e.local_name().as_ref() {
                    "Worksheet" => {
                        let name = attribute(e, "Name").unwrap_or_default();
                        inside = chosen.is_none() && wanted.is_none_or(|w| w == name);
                        if inside {
                            chosen = Some(name.clone());
                        }
                        names.push(name);
                        row = 0;
                    }
                    "Row" if inside => {
                        row = number(e, "Index").map_or(row + 1, |i| i.max(row + 1));
                        column = 0;
                    }
                    "Cell" if inside => {
                        row = row.max(1);
                        column = number(e, "Index").map_or(column + 1, |i| i.max(column + 1));
                        let across = number(e, "MergeAcross").unwrap_or(0);
                        let down = number(e, "MergeDown").unwrap_or(0);
                        let right = column.saturating_add(across);
                        let bottom = row.saturating_add(down);
                        (height, width) = (height.max(bottom), width.max(right));
                        check_area(height as u64, width as u64, limits)?;
                        if across > 0 || down > 0 {
                            merges.push(Span {
                                top: row - 1,
                                left: column - 1,
                                bottom: bottom - 1,
                                right: right - 1,
                            });
                        }
                        cells.push((row, column, String::new()));
                        column = right;
                    }
                    "Data" if inside && !empty => value = Some(String::new()),
                    _ => {}
                }
            }
            Event::Text(t) => {
                if let Some(v) = value.as_mut() {
                    v.push_str(&t.into_inner());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(v) = value.as_mut() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => v.push(c),
                        _ => v.push_str(match r.as_ref() {
                            "amp" => "&",
                            "lt" => "<",
                            "gt" => ">",
                            "quot" => "\"",
                            "apos" => "'",
                            _ => "",
                        }),
                    }
                }
            }
            Event::End(ref e) => match e.local_name().as_ref() {
                "Data" => {
                    if let (Some(v), Some(cell)) = (value.take(), cells.last_mut()) {
                        cell.2 = render(v);
                    }
                }
                "Worksheet" => inside = false,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    let Some(name) = chosen else {
        return Err(match wanted {
            Some(w) => ReadError::Workbook(format!(
                "no sheet named '{w}' (sheets: {})",
                names.join(", ")
            )),
            None => ReadError::Workbook("the workbook has no sheet".into()),
        });
    };
    let mut grid = Grid::new(height, width, 1, limits)?;
    for (r, c, text) in cells {
        grid.cells[r - 1][c - 1] = text;
    }
    grid.fill_merges(&merges, limits)?;
    Ok(Sheet {
        rows: grid.into_rows(),
        name: Some(name),
    })
}

/// A `DateTime` value at midnight is a date.
fn render(value: String) -> String {
    match value.strip_suffix("T00:00:00.000") {
        Some(date) if date.len() == 10 => date.to_owned(),
        _ => value,
    }
}
