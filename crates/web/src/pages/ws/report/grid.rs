//! The report's table grid: 25 physical rows of the file as uploaded, each flagged cell marked
//! with an icon and words (severity and finding), starting at the first flagged row or at
//! `baris`.

use serde::Serialize;

use super::rank;
use serde_json::Value;

/// Rows a grid page shows.
pub(super) const GRID_ROWS: u64 = 25;
/// Longest cell text shown (a grid is for finding a cell, not reading a paragraph).
const MAX_CELL: usize = 60;

#[derive(Debug, Serialize)]
struct Flag {
    severity: String,
    #[serde(rename = "type")]
    kind: String,
    message: String,
}

#[derive(Debug, Serialize)]
struct GridCell {
    value: String,
    flag: Option<Flag>,
}

#[derive(Debug, Serialize)]
struct GridRow {
    number: u64,
    cells: Vec<GridCell>,
}

/// `grid` of workspace/report.html.
#[derive(Debug, Serialize)]
pub(super) struct Grid {
    columns: Vec<String>,
    first_row: u64,
    last_row: u64,
    rows: Vec<GridRow>,
    prev_url: Option<String>,
    next_url: Option<String>,
}

/// The first row a grid shows: `baris` when asked, else two rows before the first flagged one.
pub(super) fn first_row(findings: &[&Value], asked: Option<u64>) -> Option<u64> {
    if let Some(row) = asked {
        return Some(row.max(1));
    }
    findings
        .iter()
        .filter(|f| rank(f["severity"].as_str().unwrap_or("info")) < 2)
        .filter_map(|f| f["row_number"].as_u64())
        .min()
        .map(|row| row.saturating_sub(2).max(1))
}

/// The grid of `rows` (read from the file, one more than a page when there are more), which
/// start at `first` (the page's URL for another start is `url(row)`).
pub(super) fn build(
    rows: Vec<(u64, Vec<String>)>,
    report: &Value,
    findings: &[&Value],
    first: u64,
    message_of: impl Fn(&Value) -> String,
    url: impl Fn(u64) -> String,
) -> Option<Grid> {
    let count = usize::try_from(GRID_ROWS).unwrap_or(25);
    if rows.is_empty() {
        return None;
    }
    let header: Vec<String> = report["table"]["header"]
        .as_array()
        .map(|h| {
            h.iter()
                .map(|c| c.as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default();
    let width = rows
        .iter()
        .map(|(_, cells)| cells.len())
        .max()
        .unwrap_or(0)
        .max(header.len());
    let columns = (0..width)
        .map(|i| {
            header
                .get(i)
                .cloned()
                .unwrap_or_else(|| format!("#{}", i + 1))
        })
        .collect::<Vec<_>>();
    // The worst finding of each cell shown.
    let flag_of = |row: u64, column: usize| {
        findings
            .iter()
            .filter(|f| f["row_number"].as_u64() == Some(row))
            .filter(|f| match f["field_number"].as_u64() {
                Some(n) => usize::try_from(n).is_ok_and(|n| n == column + 1),
                None => f["field_name"].as_str() == columns.get(column).map(String::as_str),
            })
            .min_by_key(|f| rank(f["severity"].as_str().unwrap_or("info")))
            .map(|f| Flag {
                severity: f["severity"].as_str().unwrap_or("info").to_owned(),
                kind: f["type"].as_str().unwrap_or_default().to_owned(),
                message: message_of(f),
            })
    };
    let more = rows.len() > count;
    let grid_rows: Vec<GridRow> = rows
        .into_iter()
        .take(count)
        .map(|(number, cells)| GridRow {
            cells: (0..width)
                .map(|i| {
                    let text = cells.get(i).map(String::as_str).unwrap_or_default();
                    let value = if text.chars().count() > MAX_CELL {
                        let cut: String = text.chars().take(MAX_CELL - 1).collect();
                        format!("{cut}…")
                    } else {
                        text.to_owned()
                    };
                    GridCell {
                        value,
                        flag: flag_of(number, i),
                    }
                })
                .collect(),
            number,
        })
        .collect();
    let last = grid_rows.last().map_or(first, |r| r.number);
    Some(Grid {
        columns,
        first_row: grid_rows.first().map_or(first, |r| r.number),
        last_row: last,
        prev_url: (first > 1).then(|| url(first.saturating_sub(GRID_ROWS).max(1))),
        next_url: more.then(|| url(last + 1)),
        rows: grid_rows,
    })
}
