//! XLSX workbooks, read by calamine within the limits: the zip directory is inspected first
//! (declared sizes and compression ratios; the zip reader then refuses a part that grows past
//! its declared size), the sheet's declared dimension is checked, and its cells are streamed
//! into a grid whose bounding box is checked as it grows, so a lone far cell is refused before
//! anything of its size is allocated. Merged regions are filled within the grid.

use std::io::Cursor;

use calamine::{Data, DataRef, Reader, Xlsx};

use super::{Grid, Sheet, Span};
use crate::limits::{LimitExceeded, Limits, check_area};
use crate::read::ReadError;

/// What a zip holds, by the names of its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ZipKind {
    /// An Excel workbook (`xl/workbook.xml`).
    Workbook,
    /// A Word document (`word/`).
    Word,
    /// A PowerPoint presentation (`ppt/`).
    Presentation,
    /// An OpenDocument file (`mimetype`).
    OpenDocument,
    /// Any other zip archive.
    Other,
}

/// Checks the zip directory against the limits and says what the zip holds.
fn inspect(bytes: &[u8], limits: &Limits) -> Result<ZipKind, ReadError> {
    let bad = |e: &dyn std::fmt::Display| ReadError::Workbook(e.to_string());
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| bad(&e))?;
    let mut total = 0u64;
    let mut kind = ZipKind::Other;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| bad(&e))?;
        let name = entry.name().map_err(|e| bad(&e))?;
        let name: &str = &name;
        if name == "xl/workbook.xml" {
            kind = ZipKind::Workbook;
        } else if kind == ZipKind::Other && name.starts_with("word/") {
            kind = ZipKind::Word;
        } else if kind == ZipKind::Other && name.starts_with("ppt/") {
            kind = ZipKind::Presentation;
        } else if kind == ZipKind::Other && name == "mimetype" {
            kind = ZipKind::OpenDocument;
        }
        let size = entry.size();
        total = total.saturating_add(size);
        if total > limits.max_decompressed_bytes {
            return Err(LimitExceeded::decompressed(total, limits.max_decompressed_bytes).into());
        }
        let ratio = size / entry.compressed_size().max(1);
        if size > Limits::RATIO_FLOOR && ratio > limits.max_compression_ratio {
            return Err(LimitExceeded::ratio(name, ratio, limits.max_compression_ratio).into());
        }
    }
    Ok(kind)
}

/// What the zip signature leads to: a workbook's sheet, or a clear refusal of another kind of
/// zip (a Word document, a presentation ...).
pub(crate) fn xlsx(
    bytes: Vec<u8>,
    wanted: Option<&str>,
    limits: &Limits,
) -> Result<Sheet, ReadError> {
    match inspect(&bytes, limits)? {
        ZipKind::Workbook => {}
        ZipKind::Word => return Err(ReadError::NotATable(crate::read::FileKind::Word)),
        ZipKind::Presentation => {
            return Err(ReadError::NotATable(crate::read::FileKind::Presentation));
        }
        ZipKind::OpenDocument => {
            return Err(ReadError::NotATable(crate::read::FileKind::OpenDocument));
        }
        ZipKind::Other => return Err(ReadError::NotATable(crate::read::FileKind::Archive)),
    }
    // Calamine parses a hostile format: a panic in it (an arithmetic overflow on a reversed
    // range, in a debug build) refuses the file, not the request.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read(bytes, wanted, limits)))
        .map_err(|_| ReadError::Workbook("the workbook is damaged".into()))?
}

fn read(bytes: Vec<u8>, wanted: Option<&str>, limits: &Limits) -> Result<Sheet, ReadError> {
    let bad = |e: &dyn std::fmt::Display| ReadError::Workbook(e.to_string());
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(|e| bad(&e))?;
    let name = pick_sheet(book.sheet_names(), wanted)?;
    let mut cells: Vec<(u32, u32, String)> = Vec::new();
    let (mut top, mut left, mut bottom, mut right) = (u32::MAX, u32::MAX, 0u32, 0u32);
    {
        let mut reader = book.worksheet_cells_reader(&name).map_err(|e| bad(&e))?;
        let declared = reader.dimensions();
        if declared.start != declared.end || declared.start != (0, 0) {
            let rows = u64::from(declared.end.0.saturating_sub(declared.start.0)) + 1;
            let columns = u64::from(declared.end.1.saturating_sub(declared.start.1)) + 1;
            check_area(rows, columns, limits)?;
        }
        while let Some(cell) = reader.next_cell().map_err(|e| bad(&e))? {
            let value = cell.get_value();
            if matches!(value, DataRef::Empty) {
                continue;
            }
            let (r, c) = cell.get_position();
            (top, left) = (top.min(r), left.min(c));
            (bottom, right) = (bottom.max(r), right.max(c));
            check_area(
                u64::from(bottom - top) + 1,
                u64::from(right - left) + 1,
                limits,
            )?;
            cells.push((r, c, render(&Data::from(value.clone()))));
        }
    }
    if cells.is_empty() {
        return Ok(Sheet {
            rows: Vec::new(),
            name: Some(name),
        });
    }
    let height = (bottom - top) as usize + 1;
    let width = (right - left) as usize + 1;
    let mut grid = Grid::new(height, width, u64::from(top) + 1, limits)?;
    for (r, c, text) in cells {
        grid.cells[(r - top) as usize][(c - left) as usize] = text;
    }
    let merges: Vec<Span> = book
        .merge_cells_by_sheet_name(&name)
        .unwrap_or_default()
        .iter()
        .filter(|m| m.end.0 >= top && m.end.1 >= left)
        .map(|m| Span {
            top: m.start.0.saturating_sub(top) as usize,
            left: m.start.1.saturating_sub(left) as usize,
            bottom: (m.end.0 - top) as usize,
            right: (m.end.1 - left) as usize,
        })
        .collect();
    grid.fill_merges(&merges, limits)?;
    Ok(Sheet {
        rows: grid.into_rows(),
        name: Some(name),
    })
}

/// The worksheet `wanted`, or the first one.
pub(super) fn pick_sheet(names: Vec<String>, wanted: Option<&str>) -> Result<String, ReadError> {
    match wanted {
        Some(w) => names
            .iter()
            .find(|n| n.as_str() == w)
            .cloned()
            .ok_or_else(|| {
                ReadError::Workbook(format!(
                    "no sheet named '{w}' (sheets: {})",
                    names.join(", ")
                ))
            }),
        None => names
            .into_iter()
            .next()
            .ok_or_else(|| ReadError::Workbook("the workbook has no sheet".into())),
    }
}

/// A cell as text: numbers as Rust prints them (`32`, not `32.0`), dates as ISO dates.
pub(super) fn render(cell: &Data) -> String {
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
