//! Old binary Excel workbooks (`.xls`, BIFF8 in a compound file), read by calamine. Calamine
//! parses every sheet when it opens the workbook and sizes each sheet by its declared and
//! actual cell positions, so the workbook stream is walked first (with the `cfb` crate) and
//! refused when its sheets together would exceed the limits or declare impossible dimensions.

use std::io::{Cursor, Read};

use calamine::{Reader, Xls};

use super::xlsx::{pick_sheet, render};
use super::{Grid, Sheet, Span};
use crate::limits::{LimitExceeded, Limits, check_area};
use crate::read::{FileKind, ReadError};

/// Reads one worksheet (the first unless `wanted` names one) of an old binary workbook.
pub(crate) fn xls(
    bytes: Vec<u8>,
    wanted: Option<&str>,
    limits: &Limits,
) -> Result<Sheet, ReadError> {
    prescan(&bytes, limits)?;
    let bad = |e: &dyn std::fmt::Display| ReadError::Workbook(e.to_string());
    // Calamine is a third-party parser of a hostile format: a panic in it is a refusal of the
    // file, not of the request (allocations are bounded by the scan above).
    let opened = std::panic::catch_unwind(move || -> Result<_, ReadError> {
        let mut book = Xls::new(Cursor::new(bytes)).map_err(|e| bad(&e))?;
        let name = pick_sheet(book.sheet_names(), wanted)?;
        let range = book.worksheet_range(&name).map_err(|e| bad(&e))?;
        let merges = book.merge_cells_by_sheet_name(&name).unwrap_or_default();
        Ok((name, range, merges))
    })
    .map_err(|_| ReadError::Workbook("the .xls workbook is damaged".into()))?;
    let (name, range, merges) = opened?;
    let Some((top, left)) = range.start() else {
        return Ok(Sheet {
            rows: Vec::new(),
            name: Some(name),
        });
    };
    let mut grid = Grid::new(range.height(), range.width(), u64::from(top) + 1, limits)?;
    for (r, row) in range.rows().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            grid.cells[r][c] = render(cell);
        }
    }
    let spans: Vec<Span> = merges
        .iter()
        .filter(|m| m.end.0 >= top && m.end.1 >= left)
        .map(|m| Span {
            top: m.start.0.saturating_sub(top) as usize,
            left: m.start.1.saturating_sub(left) as usize,
            bottom: (m.end.0 - top) as usize,
            right: (m.end.1 - left) as usize,
        })
        .collect();
    grid.fill_merges(&spans, limits)?;
    Ok(Sheet {
        rows: grid.into_rows(),
        name: Some(name),
    })
}

/// BIFF records that hold one cell, with the row and column as their first two words.
const CELL_RECORDS: [u16; 8] = [
    0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, 0x0006, 0x0201,
];
/// MULRK and MULBLANK: a row, a first column, ..., a last column as the last word.
const MULTI_RECORDS: [u16; 2] = [0x00BD, 0x00BE];

/// Walks the workbook stream: each worksheet's declared dimensions and the bounding box of its
/// cells must fit the limits, and all sheets together must fit `max_cells` (calamine
/// materialises them all).
fn prescan(bytes: &[u8], limits: &Limits) -> Result<(), ReadError> {
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes))
        .map_err(|e| ReadError::Workbook(format!("not a readable .xls workbook: {e}")))?;
    let stream_name = ["/Workbook", "/Book"]
        .into_iter()
        .find(|n| file.is_stream(n))
        .ok_or(ReadError::NotATable(FileKind::OtherOffice))?;
    let mut stream = Vec::new();
    file.open_stream(stream_name)
        .map_err(|e| ReadError::Workbook(e.to_string()))?
        .take(limits.max_decompressed_bytes + 1)
        .read_to_end(&mut stream)
        .map_err(|e| ReadError::Workbook(e.to_string()))?;
    if stream.len() as u64 > limits.max_decompressed_bytes {
        return Err(LimitExceeded::decompressed(
            stream.len() as u64,
            limits.max_decompressed_bytes,
        )
        .into());
    }
    let word = |data: &[u8], at: usize| {
        data.get(at..at + 2)
            .map_or(0, |b| u32::from(u16::from_le_bytes([b[0], b[1]])))
    };
    let mut total = 0u64;
    let mut depth = 0usize;
    let mut bounds: Option<(u32, u32, u32, u32)> = None;
    let mut rest = stream.as_slice();
    while rest.len() >= 4 {
        let kind = u16::from_le_bytes([rest[0], rest[1]]);
        let len = usize::from(u16::from_le_bytes([rest[2], rest[3]]));
        let data = rest.get(4..4 + len).unwrap_or(&rest[4..]);
        rest = rest.get(4 + len..).unwrap_or_default();
        match kind {
            0x0809 => depth += 1,
            0x000A => {
                depth = depth.saturating_sub(1);
                if let Some((top, left, bottom, right)) = bounds.take() {
                    let (rows, columns) =
                        (u64::from(bottom - top) + 1, u64::from(right - left) + 1);
                    check_area(rows, columns, limits)?;
                    total += rows * columns;
                    if total > limits.max_cells {
                        return Err(LimitExceeded::cells(rows, columns, limits.max_cells).into());
                    }
                }
            }
            0x0200 => {
                let (first_row, last_row, first_col, last_col) = if data.len() >= 14 {
                    let long = |at: usize| {
                        u64::from(u32::from_le_bytes([
                            data[at],
                            data[at + 1],
                            data[at + 2],
                            data[at + 3],
                        ]))
                    };
                    (
                        long(0),
                        long(4),
                        u64::from(word(data, 8)),
                        u64::from(word(data, 10)),
                    )
                } else {
                    let w = |at| u64::from(word(data, at));
                    (w(0), w(2), w(4), w(6))
                };
                if last_row < first_row || last_col < first_col {
                    if last_row != 0 || last_col != 0 {
                        return Err(ReadError::Workbook(
                            "the .xls sheet declares impossible dimensions".into(),
                        ));
                    }
                } else {
                    check_area(last_row - first_row, last_col - first_col, limits)?;
                }
            }
            k if depth == 1 && (CELL_RECORDS.contains(&k) || MULTI_RECORDS.contains(&k)) => {
                let row = word(data, 0);
                let first = word(data, 2);
                let last = if MULTI_RECORDS.contains(&k) && data.len() >= 2 {
                    word(data, data.len() - 2).max(first)
                } else {
                    first
                };
                let (top, left, bottom, right) = bounds.unwrap_or((row, first, row, last));
                let grown = (
                    top.min(row),
                    left.min(first),
                    bottom.max(row),
                    right.max(last),
                );
                check_area(
                    u64::from(grown.2 - grown.0) + 1,
                    u64::from(grown.3 - grown.1) + 1,
                    limits,
                )?;
                bounds = Some(grown);
            }
            _ => {}
        }
    }
    Ok(())
}
