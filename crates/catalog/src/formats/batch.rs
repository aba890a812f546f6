//! Rows of the clean table in batches, read from the clean CSV ([`csv_batches`]) and shared by
//! the writers of the other formats.

use std::collections::VecDeque;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::sync::Arc;

use super::internal;
use crate::error::Result;

/// Rows in a batch.
pub(super) const BATCH: usize = 8192;

/// Rows of the clean table: their text in one buffer, and where each field starts and ends
/// (field `i` is `text[bounds[i]..bounds[i + 1]]`).
#[derive(Debug)]
pub(super) struct Batch {
    text: String,
    bounds: Vec<u32>,
    columns: usize,
    rows: usize,
}

impl Batch {
    fn new(columns: usize) -> Self {
        let mut bounds = Vec::with_capacity(BATCH * columns + 1);
        bounds.push(0);
        Self {
            text: String::with_capacity(BATCH * 16 * columns.max(1)),
            bounds,
            columns,
            rows: 0,
        }
    }

    /// Empties the batch, keeping its buffers.
    fn clear(&mut self) {
        self.text.clear();
        self.bounds.truncate(1);
        self.rows = 0;
    }

    /// Whether another row fits the 32-bit bounds (a batch's text stays far below 4 GiB
    /// unless its cells are huge).
    fn has_room(&self) -> bool {
        self.rows < BATCH && self.text.len() < (u32::MAX / 2) as usize
    }

    pub(super) fn rows(&self) -> usize {
        self.rows
    }

    /// The text of a cell ("" when null).
    #[cfg(test)]
    pub(super) fn cell(&self, row: usize, column: usize) -> &str {
        let i = row * self.columns + column;
        &self.text[self.bounds[i] as usize..self.bounds[i + 1] as usize]
    }

    /// Column `column` of every row.
    pub(super) fn column(&self, column: usize) -> impl Iterator<Item = &str> {
        let starts = self.bounds[column..].iter().step_by(self.columns.max(1));
        let ends = self.bounds[column + 1..]
            .iter()
            .step_by(self.columns.max(1));
        starts
            .zip(ends)
            .take(self.rows)
            .map(|(&start, &end)| &self.text[start as usize..end as usize])
    }

    /// A row's cells, in column order.
    pub(super) fn row(&self, row: usize) -> impl Iterator<Item = &str> {
        let first = row * self.columns;
        self.bounds[first..=first + self.columns]
            .windows(2)
            .map(|w| &self.text[w[0] as usize..w[1] as usize])
    }

    fn push_field(&mut self, value: &str) {
        self.text.push_str(value);
        self.bounds.push(self.end());
    }

    fn end(&self) -> u32 {
        // `has_room` keeps the text under 2 GiB before a row starts; a single row of more than
        // 2 GiB cannot come out of the cleaning pass, whose cells are bounded by its reader.
        u32::try_from(self.text.len()).unwrap_or(u32::MAX)
    }

    /// Ends a row, padding or cutting it to the column count.
    fn end_row(&mut self) {
        let want = (self.rows + 1) * self.columns + 1;
        if self.bounds.len() > want {
            self.bounds.truncate(want);
            self.text
                .truncate(self.bounds.last().map_or(0, |&b| b as usize));
        }
        while self.bounds.len() < want {
            self.bounds.push(self.end());
        }
        self.rows += 1;
    }
}

/// The clean CSV at `path` read in batches. A batch is reused once every holder has dropped it:
/// fresh buffers of a few MiB each would cost a page fault per page.
pub(super) fn csv_batches(
    path: &Path,
    columns: usize,
) -> Result<impl Iterator<Item = Result<Arc<Batch>>>> {
    let file = File::open(path).map_err(super::io)?;
    let reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(BufReader::with_capacity(1 << 20, file));
    Ok(CsvBatches {
        reader,
        record: csv::StringRecord::new(),
        columns,
        sent: VecDeque::new(),
        done: false,
    })
}

struct CsvBatches<R> {
    reader: csv::Reader<R>,
    record: csv::StringRecord,
    columns: usize,
    /// Batches handed out, oldest first; one only this queue holds can be filled again.
    sent: VecDeque<Arc<Batch>>,
    done: bool,
}

impl<R> CsvBatches<R> {
    fn empty_batch(&mut self) -> Batch {
        let reusable = self
            .sent
            .front()
            .is_some_and(|oldest| Arc::strong_count(oldest) == 1);
        let reused = if reusable {
            self.sent
                .pop_front()
                .and_then(|oldest| Arc::try_unwrap(oldest).ok())
        } else {
            None
        };
        reused.map_or_else(
            || Batch::new(self.columns),
            |mut batch| {
                batch.clear();
                batch
            },
        )
    }
}

impl<R: std::io::Read> Iterator for CsvBatches<R> {
    type Item = Result<Arc<Batch>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let mut batch = self.empty_batch();
        while batch.has_room() {
            match self.reader.read_record(&mut self.record) {
                Ok(true) => {
                    for field in &self.record {
                        batch.push_field(field);
                    }
                    batch.end_row();
                }
                Ok(false) => {
                    self.done = true;
                    break;
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(internal(e)));
                }
            }
        }
        if batch.rows == 0 {
            return None;
        }
        let batch = Arc::new(batch);
        self.sent.push_back(Arc::clone(&batch));
        Some(Ok(batch))
    }
}

#[cfg(test)]
mod tests {
    use super::{BATCH, csv_batches};

    #[test]
    fn rows_are_cut_or_padded_to_the_columns_and_batches_are_reused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("data.csv");
        let mut text = String::from("a,b\r\na,b,extra\r\n,é\r\nonly\r\n");
        for _ in 0..BATCH {
            text.push_str("x,y\r\n");
        }
        std::fs::write(&path, text).expect("write");
        let mut batches = csv_batches(&path, 2).expect("open");
        let first = batches.next().expect("a batch").expect("read");
        assert_eq!(first.rows(), BATCH);
        assert_eq!(first.row(0).collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(first.row(1).collect::<Vec<_>>(), ["", "é"]);
        assert_eq!(first.row(2).collect::<Vec<_>>(), ["only", ""]);
        assert_eq!(first.cell(1, 1), "é");
        assert_eq!(
            first.column(1).take(4).collect::<Vec<_>>(),
            ["b", "é", "", "y"]
        );
        let text_address = first.cell(0, 0).as_ptr() as usize;
        drop(first);
        let second = batches.next().expect("the rest").expect("read");
        assert_eq!(second.rows(), 3);
        assert_eq!(second.column(0).collect::<Vec<_>>(), ["x"; 3]);
        assert_eq!(second.row(2).collect::<Vec<_>>(), ["x", "y"]);
        // The first batch was held by nobody else: its buffers were filled again.
        assert_eq!(second.cell(0, 0).as_ptr() as usize, text_address);
        assert!(batches.next().is_none());
    }
}
