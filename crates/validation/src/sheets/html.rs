//! HTML tables, as BPS and SIMDA-style systems export them under an `.xls` name. The page is
//! parsed by html5ever (through `scraper`); the first table with data becomes the grid, with
//! `rowspan`/`colspan` filled like merged cells. Tables nested in a cell are laid out where the
//! cell is: the cell's tables stack vertically, and the k-th table of each cell in a row sits
//! beside the k-th of the others. That is how BPS draws its frozen-pane tables (header and body
//! of the row labels on the left, of the values on the right), which thus come out as one table.

use scraper::{ElementRef, Html};

use super::{Grid, Sheet};
use crate::limits::{LimitExceeded, Limits, check_area};
use crate::read::{FileKind, ReadError, Row};

/// Tables nested deeper than this are read as text.
const MAX_DEPTH: usize = 8;
/// Rows a `rowspan` may cover.
const MAX_ROWSPAN: usize = 1000;

/// Reads the first HTML table with data.
pub(crate) fn html(text: &str, limits: &Limits) -> Result<Sheet, ReadError> {
    let document = Html::parse_document(text);
    let mut budget = Budget { limits, cells: 0 };
    for table in outer_tables(document.root_element()) {
        let grid = table_grid(table, 0, &mut budget)?;
        let filled = |row: &Vec<String>| row.iter().filter(|c| !c.trim().is_empty()).count();
        let rows_with_data = grid.iter().filter(|r| filled(r) > 0).count();
        if rows_with_data >= 2 && grid.iter().any(|r| filled(r) >= 2) {
            let width = grid.iter().map(Vec::len).max().unwrap_or(0);
            let mut dense = Grid::new(grid.len(), width, 1, limits)?;
            for (row, cells) in dense.cells.iter_mut().zip(grid) {
                for (cell, text) in row.iter_mut().zip(cells) {
                    *cell = text;
                }
            }
            let rows: Vec<Row> = dense.into_rows();
            return Ok(Sheet { rows, name: None });
        }
    }
    Err(ReadError::NotATable(FileKind::HtmlWithoutTable))
}

/// Cells allocated so far, against `max_cells`.
struct Budget<'l> {
    limits: &'l Limits,
    cells: u64,
}

impl Budget<'_> {
    fn spend(&mut self, rows: usize, columns: usize) -> Result<(), LimitExceeded> {
        check_area(rows as u64, columns as u64, self.limits)?;
        self.cells += (rows * columns) as u64;
        if self.cells > self.limits.max_cells {
            return Err(LimitExceeded::cells(
                rows as u64,
                columns as u64,
                self.limits.max_cells,
            ));
        }
        Ok(())
    }
}

/// Tables under `root` that are not inside another table, in document order.
fn outer_tables(root: ElementRef<'_>) -> Vec<ElementRef<'_>> {
    let mut found = Vec::new();
    let mut stack: Vec<ElementRef<'_>> = children(root).collect();
    stack.reverse();
    while let Some(element) = stack.pop() {
        if element.value().name() == "table" {
            found.push(element);
            continue;
        }
        let mut inner: Vec<_> = children(element).collect();
        inner.reverse();
        stack.extend(inner);
    }
    found
}

fn children<'a>(element: ElementRef<'a>) -> impl Iterator<Item = ElementRef<'a>> {
    element.children().filter_map(ElementRef::wrap)
}

/// The rows of a table: its own `tr`s, directly or in `thead`/`tbody`/`tfoot`.
fn rows(table: ElementRef<'_>) -> Vec<ElementRef<'_>> {
    let mut out = Vec::new();
    for child in children(table) {
        match child.value().name() {
            "tr" => out.push(child),
            "thead" | "tbody" | "tfoot" => {
                out.extend(children(child).filter(|e| e.value().name() == "tr"));
            }
            _ => {}
        }
    }
    out
}

/// A cell's text with white space collapsed.
fn text(cell: ElementRef<'_>) -> String {
    let mut out = String::new();
    for piece in cell.text() {
        for word in piece.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
    out
}

fn span(cell: ElementRef<'_>, name: &str, max: usize) -> usize {
    cell.value()
        .attr(name)
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, max.max(1))
}

/// A table as rows of cells (ragged: rows may be shorter than the widest).
fn table_grid(
    table: ElementRef<'_>,
    depth: usize,
    budget: &mut Budget<'_>,
) -> Result<Vec<Vec<String>>, ReadError> {
    // `None` is a free slot; spans fill the slots they cover.
    let mut out: Vec<Vec<Option<String>>> = Vec::new();
    let mut at = 0usize;
    let max_columns = budget.limits.max_columns;
    for tr in rows(table) {
        let cells: Vec<ElementRef<'_>> = children(tr)
            .filter(|e| matches!(e.value().name(), "td" | "th"))
            .collect();
        let nested: Vec<Vec<ElementRef<'_>>> = cells.iter().map(|c| outer_tables(*c)).collect();
        if depth < MAX_DEPTH && nested.iter().any(|n| !n.is_empty()) {
            at = place_nested(&mut out, at, &cells, &nested, depth, budget)?;
            continue;
        }
        let own = cells.len();
        let mut column = 0usize;
        for cell in cells {
            while out
                .get(at)
                .and_then(|r| r.get(column))
                .is_some_and(Option::is_some)
            {
                column += 1;
            }
            let wide = span(cell, "colspan", max_columns);
            let tall = span(cell, "rowspan", MAX_ROWSPAN);
            let value = text(cell);
            ensure(&mut out, at + tall, column + wide, budget)?;
            for (r, row) in out[at..at + tall].iter_mut().enumerate() {
                for (c, slot) in row[column..column + wide].iter_mut().enumerate() {
                    // A lone cell spanning several columns is a title: written once.
                    let copy = r == 0 && c == 0 || !(own == 1 && wide > 1);
                    *slot = Some(if copy { value.clone() } else { String::new() });
                }
            }
            column += wide;
        }
        at += 1;
    }
    Ok(out
        .into_iter()
        .map(|r| r.into_iter().map(Option::unwrap_or_default).collect())
        .collect())
}

/// Lays out a row whose cells hold tables (see the module comment); returns the next row.
fn place_nested(
    out: &mut Vec<Vec<Option<String>>>,
    at: usize,
    cells: &[ElementRef<'_>],
    nested: &[Vec<ElementRef<'_>>],
    depth: usize,
    budget: &mut Budget<'_>,
) -> Result<usize, ReadError> {
    let mut stacks: Vec<Vec<Vec<Vec<String>>>> = Vec::with_capacity(cells.len());
    for (cell, tables) in cells.iter().zip(nested) {
        if tables.is_empty() {
            stacks.push(vec![vec![vec![text(*cell)]]]);
            continue;
        }
        let mut grids = Vec::with_capacity(tables.len());
        for table in tables {
            grids.push(table_grid(*table, depth + 1, budget)?);
        }
        stacks.push(grids);
    }
    let bands = stacks.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = stacks
        .iter()
        .map(|grids| {
            grids
                .iter()
                .flat_map(|g| g.iter().map(Vec::len))
                .max()
                .unwrap_or(1)
        })
        .collect();
    let mut row = at;
    for band in 0..bands {
        let height = stacks
            .iter()
            .filter_map(|grids| grids.get(band).map(Vec::len))
            .max()
            .unwrap_or(0);
        let total: usize = widths.iter().sum();
        ensure(out, row + height, total, budget)?;
        let mut column = 0;
        for (grids, width) in stacks.iter().zip(&widths) {
            if let Some(grid) = grids.get(band) {
                for (r, cells) in grid.iter().enumerate() {
                    for (c, value) in cells.iter().enumerate() {
                        out[row + r][column + c] = Some(value.clone());
                    }
                }
            }
            column += width;
        }
        row += height;
    }
    Ok(row)
}

/// Grows `out` to at least `rows` × `columns`, within the budget.
fn ensure(
    out: &mut Vec<Vec<Option<String>>>,
    rows: usize,
    columns: usize,
    budget: &mut Budget<'_>,
) -> Result<(), LimitExceeded> {
    let old_width = out.first().map_or(0, Vec::len);
    let width = old_width.max(columns);
    let height = out.len().max(rows);
    if width == old_width && height == out.len() {
        return Ok(());
    }
    let before = out.len() * old_width;
    budget.spend(height, width)?;
    budget.cells = budget.cells.saturating_sub(before as u64);
    if width > old_width {
        for row in out.iter_mut() {
            row.resize(width, None);
        }
    }
    out.resize(height, vec![None; width]);
    Ok(())
}
