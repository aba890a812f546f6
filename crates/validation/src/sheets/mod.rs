//! Tables that arrive whole rather than as text lines: Excel workbooks (XLSX, old binary XLS,
//! Excel 2003 XML), HTML tables saved as `.xls`, and JSON arrays of records. Each becomes rows
//! with their physical row numbers, so the engine checks them exactly like CSV; each is read
//! within the [`Limits`] before anything large is allocated.

mod html;
mod json;
mod xls;
mod xlsx;
mod xml2003;

pub(crate) use html::html;
pub(crate) use json::json;
pub(crate) use xls::xls;
pub(crate) use xlsx::xlsx;
pub(crate) use xml2003::xml2003;

use crate::limits::{LimitExceeded, Limits, check_area};
use crate::read::Row;

/// What a whole-file source produced.
#[derive(Debug)]
pub(crate) struct Sheet {
    /// Rows in order, with physical numbers.
    pub rows: Vec<Row>,
    /// The worksheet read, for workbooks.
    pub name: Option<String>,
}

/// A rectangle of cells, 0-based and inclusive, relative to a grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub top: usize,
    pub left: usize,
    pub bottom: usize,
    pub right: usize,
}

/// A dense grid of rendered cells, row 0 being physical row `first_row`.
#[derive(Debug, Default)]
pub(crate) struct Grid {
    pub cells: Vec<Vec<String>>,
    pub first_row: u64,
}

impl Grid {
    /// An empty grid of `rows` × `columns`, refused beyond the limits.
    pub(crate) fn new(
        rows: usize,
        columns: usize,
        first_row: u64,
        limits: &Limits,
    ) -> Result<Self, LimitExceeded> {
        check_area(rows as u64, columns as u64, limits)?;
        Ok(Self {
            cells: vec![vec![String::new(); columns]; rows],
            first_row,
        })
    }

    /// Copies each merged region's top-left value over the region. A single-row merge as wide
    /// as half the table or more is a title and stays a single cell. The regions are clipped to
    /// the grid, and their total area is bounded by `max_cells` (a merge over the whole sheet
    /// costs only the grid it covers).
    pub(crate) fn fill_merges(
        &mut self,
        merges: &[Span],
        limits: &Limits,
    ) -> Result<(), LimitExceeded> {
        let height = self.cells.len();
        let width = self.cells.first().map_or(0, Vec::len);
        if height == 0 || width == 0 {
            return Ok(());
        }
        let mut work = 0u64;
        for m in merges {
            if m.top >= height || m.left >= width || m.bottom < m.top || m.right < m.left {
                continue;
            }
            let (bottom, right) = (m.bottom.min(height - 1), m.right.min(width - 1));
            let span_width = right - m.left + 1;
            if m.top == bottom && span_width >= 3 && span_width * 2 >= width {
                continue;
            }
            work += ((bottom - m.top + 1) * span_width) as u64;
            if work > limits.max_cells {
                return Err(LimitExceeded::cells(
                    (bottom - m.top + 1) as u64,
                    span_width as u64,
                    limits.max_cells,
                ));
            }
            let value = self.cells[m.top][m.left].clone();
            for row in &mut self.cells[m.top..=bottom] {
                for cell in &mut row[m.left..=right] {
                    cell.clone_from(&value);
                }
            }
        }
        Ok(())
    }

    /// The rows, numbered from `first_row`; trailing empty rows are dropped.
    pub(crate) fn into_rows(self) -> Vec<Row> {
        let mut cells = self.cells;
        while cells
            .last()
            .is_some_and(|r| r.iter().all(|c| c.trim().is_empty()))
        {
            cells.pop();
        }
        cells
            .into_iter()
            .enumerate()
            .map(|(i, cells)| Row::new(self.first_row + i as u64, csv::StringRecord::from(cells)))
            .collect()
    }
}
