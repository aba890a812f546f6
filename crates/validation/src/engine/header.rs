//! Finding the header among the first rows: title lines above it, and a header spread over
//! several rows (merged or not), combined into one label per column.
//!
//! The header's first row is the first row at least half as wide as the widest common row.
//! Group rows above it (labels over several columns, as BPS exports them: "Keberangkatan
//! Domestik" over twelve months) and sub-header rows below it (labels that tell apart the
//! columns a label above spans: "Laki-laki", "Perempuan" under "Jenis Kelamin") join the header.
//! A row whose one label spans every column is a title, not a header row. A column's label is its
//! cells in the header rows from top to bottom, a group's label carried over the columns it
//! spans; a column without one takes the nearest label above it (a table's stub label, written
//! above the header by BPS).

use std::collections::HashMap;

use crate::read::Row;

/// Header rows looked at above and below the first one.
const MAX_EXTRA_ROWS: usize = 4;

/// Where the header is in the first rows, and its labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct HeaderBlock {
    /// Index (in the rows given) of the header's first and last rows.
    pub first: usize,
    pub last: usize,
    /// One label per column, trimmed, pandas' `Unnamed: 3` placeholders left blank.
    pub labels: Vec<String>,
}

/// A cell as a header label: trimmed, without BOM, and blank for pandas' placeholders
/// (`Unnamed: 0`, `Unnamed: 310_level_0`).
pub(crate) fn label_of(cell: &str) -> &str {
    let cell = cell.trim().trim_start_matches('\u{feff}').trim();
    if is_pandas_placeholder(cell) {
        ""
    } else {
        cell
    }
}

/// `Unnamed: 12` or `Unnamed: 12_level_0`, what pandas writes for a column without a name.
pub(crate) fn is_pandas_placeholder(label: &str) -> bool {
    let Some(rest) = label.strip_prefix("Unnamed: ") else {
        return false;
    };
    let number = rest.split_once("_level_").map_or(rest, |(n, level)| {
        if level.bytes().all(|b| b.is_ascii_digit()) && !level.is_empty() {
            n
        } else {
            "x"
        }
    });
    !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit())
}

/// Cell `j`, empty past the row's end.
fn at<'a>(cells: &[&'a str], j: usize) -> &'a str {
    cells.get(j).copied().unwrap_or("")
}

fn cells(row: &Row) -> Vec<&str> {
    row.cells.iter().map(label_of).collect()
}

fn filled(cells: &[&str]) -> usize {
    cells.iter().filter(|c| !c.is_empty()).count()
}

/// Whether a label is a number (a data value), but not a year (a common header label).
fn is_number(cell: &str) -> bool {
    let year = cell.len() == 4
        && cell.bytes().all(|b| b.is_ascii_digit())
        && (1900..=2100).contains(&cell.parse::<u32>().unwrap_or(0));
    !year
        && cell.bytes().any(|b| b.is_ascii_digit())
        && cell
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b',' | b'-' | b'+' | b' ' | b'%'))
}

/// For each column, the first column of the run it belongs to, when the run spans two columns
/// or more: a filled cell followed by empty cells or copies of itself (a merged label).
fn runs(cells: &[&str], width: usize) -> Vec<Option<usize>> {
    let get = |j: usize| at(cells, j);
    let mut out = vec![None; width];
    let mut j = 0;
    while j < width {
        if get(j).is_empty() {
            j += 1;
            continue;
        }
        let mut end = j + 1;
        while end < width && (get(end).is_empty() || get(end) == get(j)) {
            end += 1;
        }
        if end - j >= 2 {
            for slot in &mut out[j..end] {
                *slot = Some(j);
            }
        }
        j = end;
    }
    out
}

/// Whether `below` is a sub-header of `above`: it only tells apart columns that a label of
/// `above` spans, repeating (or leaving empty) the other columns' labels.
fn is_sub_header(above: &[&str], below: &[&str], width: usize) -> bool {
    let spans = runs(above, width);
    if spans.iter().all(Option::is_none) {
        return false;
    }
    let mut by_run: HashMap<usize, Vec<&str>> = HashMap::new();
    for (j, span) in spans.iter().enumerate() {
        let cell = at(below, j);
        match span {
            None if !cell.is_empty() && cell != at(above, j) => return false,
            None => {}
            Some(_) if cell.is_empty() => {}
            Some(_) if is_number(cell) => return false,
            Some(start) => by_run.entry(*start).or_default().push(cell),
        }
    }
    let inside: usize = by_run.values().map(Vec::len).sum();
    inside >= 2
        && by_run.values().any(|cells| {
            let mut distinct = cells.clone();
            distinct.sort_unstable();
            distinct.dedup();
            distinct.len() >= 2
        })
}

/// Whether a row above the header groups its columns: labels (no numbers but years), each
/// spanning two columns or more, none over the first column (the row labels' column).
fn is_group_row(cells: &[&str], width: usize) -> bool {
    if filled(cells) < 2 || cells.first().is_some_and(|c| !c.is_empty()) {
        return false;
    }
    let spans = runs(cells, width);
    cells
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.is_empty())
        .all(|(j, c)| spans[j].is_some() && !is_number(c))
}

/// Whether a header row is a title: one label spanning every column from where it starts,
/// apart from the columns whose label the row below repeats (row labels merged down).
fn is_title(cells: &[&str], below: &[&str], width: usize) -> bool {
    let stub = |j: usize| !at(cells, j).is_empty() && at(cells, j) == at(below, j);
    let Some(start) = (0..width).find(|&j| !stub(j) && !at(cells, j).is_empty()) else {
        return false;
    };
    let label = at(cells, start);
    width - start >= 2
        && (start..width).all(|j| !stub(j) && (at(cells, j).is_empty() || at(cells, j) == label))
}

/// Finds the header in the first rows of a table.
pub(super) fn find(head: &[Row]) -> Option<HeaderBlock> {
    let rows: Vec<Vec<&str>> = head.iter().map(cells).collect();
    let mut widths: HashMap<usize, usize> = HashMap::new();
    for row in &rows {
        let n = filled(row);
        if n >= 2 {
            *widths.entry(n).or_default() += 1;
        }
    }
    let modal = widths
        .iter()
        .max_by_key(|&(w, n)| (*n, *w))
        .map(|(w, _)| *w);
    let start = match modal {
        Some(width) => rows
            .iter()
            .position(|r| filled(r) * 2 >= width && filled(r) >= 2)?,
        None => rows.iter().position(|r| filled(r) > 0)?,
    };
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut last = start;
    while last + 1 < rows.len()
        && last - start < MAX_EXTRA_ROWS
        && is_sub_header(&rows[last], &rows[last + 1], width)
    {
        last += 1;
    }
    let mut first = start;
    while first > 0 && start - first < MAX_EXTRA_ROWS && is_group_row(&rows[first - 1], width) {
        first -= 1;
    }
    while first < last && is_title(&rows[first], &rows[first + 1], width) {
        first += 1;
    }
    let mut labels = vec![String::new(); width];
    for (j, label) in labels.iter_mut().enumerate() {
        let mut parts: Vec<&str> = Vec::new();
        for (i, row) in rows[first..=last].iter().enumerate() {
            let is_last = first + i == last;
            let part = carried(row, j, width, !is_last);
            if !part.is_empty() && parts.last() != Some(&part) {
                parts.push(part);
            }
        }
        if parts.is_empty() {
            // The stub label: the nearest cell above the header in this column.
            if let Some(above) = rows[..first]
                .iter()
                .rev()
                .map(|r| r.get(j).copied().unwrap_or(""))
                .find(|c| !c.is_empty())
                && j == 0
                && above.chars().count() <= 40
            {
                parts.push(above);
            }
        }
        *label = parts.join(" ");
    }
    // A header row narrower than the widest row: columns past its end stay unlabelled.
    while labels.len()
        > head[first..=last]
            .iter()
            .map(|r| r.cells.len())
            .max()
            .unwrap_or(0)
    {
        labels.pop();
    }
    Some(HeaderBlock {
        first,
        last,
        labels,
    })
}

/// The label a header row gives column `j`: its own cell, or (for a group row) the label of the
/// run it falls in.
fn carried<'a>(row: &[&'a str], j: usize, width: usize, group: bool) -> &'a str {
    let own = row.get(j).copied().unwrap_or("");
    if !own.is_empty() || !group {
        return own;
    }
    match runs(row, width).get(j).copied().flatten() {
        Some(start) => row.get(start).copied().unwrap_or(""),
        None => "",
    }
}

#[cfg(test)]
mod tests {
    use super::{find, is_pandas_placeholder};
    use crate::read::Row;

    fn rows(lines: &[&str]) -> Vec<Row> {
        lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                Row::new(
                    i as u64 + 1,
                    csv::StringRecord::from(l.split(',').collect::<Vec<_>>()),
                )
            })
            .collect()
    }

    #[test]
    fn pandas_placeholders() {
        assert!(is_pandas_placeholder("Unnamed: 0"));
        assert!(is_pandas_placeholder("Unnamed: 310_level_0"));
        assert!(!is_pandas_placeholder("Unnamed: x"));
        assert!(!is_pandas_placeholder("Unnamed"));
    }

    #[test]
    fn a_plain_header_under_a_title() {
        let head = rows(&["Jumlah Penduduk 2024,,", "kode,nama,jumlah", "35.76,Kota,5"]);
        let block = find(&head).expect("header");
        assert_eq!((block.first, block.last), (1, 1));
        assert_eq!(block.labels, ["kode", "nama", "jumlah"]);
    }

    #[test]
    fn group_rows_above_and_a_stub_label() {
        let head = rows(&[
            "Bandara,,,,",
            ",Penumpang (Orang),,,",
            ",Domestik,,Internasional,",
            ",2019,,2019,",
            ",Jan,Feb,Jan,Feb",
            "Juanda,1,2,3,4",
            "Kualanamu,1,2,3,4",
        ]);
        let block = find(&head).expect("header");
        assert_eq!((block.first, block.last), (2, 4));
        assert_eq!(
            block.labels,
            [
                "Bandara",
                "Domestik 2019 Jan",
                "Domestik 2019 Feb",
                "Internasional 2019 Jan",
                "Internasional 2019 Feb"
            ]
        );
    }

    #[test]
    fn a_sub_header_below_and_a_title_merged_over_the_values() {
        let head = rows(&[
            "Nama Wilayah,Garis Kemiskinan (Rupiah),,",
            "Nama Wilayah,2020,2019,2018",
            "JAWA BARAT,410988,386198,367755",
        ]);
        let block = find(&head).expect("header");
        assert_eq!((block.first, block.last), (1, 1));
        assert_eq!(block.labels, ["Nama Wilayah", "2020", "2019", "2018"]);
        let merged = rows(&[
            "kode,kecamatan,Jenis Kelamin,Jenis Kelamin,satuan",
            "kode,kecamatan,Laki-laki,Perempuan,satuan",
            "35.76.01,Magersari,5,6,Jiwa",
        ]);
        let block = find(&merged).expect("header");
        assert_eq!((block.first, block.last), (0, 1));
        assert_eq!(
            block.labels,
            [
                "kode",
                "kecamatan",
                "Jenis Kelamin Laki-laki",
                "Jenis Kelamin Perempuan",
                "satuan"
            ]
        );
    }

    #[test]
    fn text_data_and_blank_columns_are_not_sub_headers() {
        let head = rows(&["nama,keterangan,,", "Magersari,baik,,", "Kranggan,baik,,"]);
        assert_eq!(find(&head).map(|b| (b.first, b.last)), Some((0, 0)));
        let head = rows(&["kecamatan,jumlah,,", "Magersari,5,,", "Kranggan,6,,"]);
        assert_eq!(find(&head).map(|b| (b.first, b.last)), Some((0, 0)));
    }
}
