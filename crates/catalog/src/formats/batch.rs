//! Rows of the clean table in batches, shared by the writers of the other formats: the cleaning
//! pass fills them ([`Batcher`]), or the clean CSV is read back into them ([`csv_batches`]).

use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::SyncSender;

use satudata_validation::CleanRows;

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

/// Collects the rows of the cleaning pass into batches and hands each full batch to every
/// writer. A writer that has stopped (its receiver is gone) is dropped; it reports its own
/// error when joined.
/// Batches whose every writer is done are reused: fresh buffers of a few MiB each would cost
/// a page fault per page.
pub(super) struct Batcher {
    columns: usize,
    current: Batch,
    writers: Vec<SyncSender<Arc<Batch>>>,
    sent: std::collections::VecDeque<Arc<Batch>>,
}

impl Batcher {
    pub(super) fn new(columns: usize, writers: Vec<SyncSender<Arc<Batch>>>) -> Self {
        Self {
            columns,
            current: Batch::new(columns),
            writers,
            sent: std::collections::VecDeque::new(),
        }
    }

    fn send(&mut self) {
        let next = match self.sent.front() {
            Some(oldest) if Arc::strong_count(oldest) == 1 => self
                .sent
                .pop_front()
                .and_then(|oldest| Arc::try_unwrap(oldest).ok()),
            _ => None,
        };
        let next = next.map_or_else(
            || Batch::new(self.columns),
            |mut batch| {
                batch.clear();
                batch
            },
        );
        let full = Arc::new(std::mem::replace(&mut self.current, next));
        self.writers
            .retain(|writer| writer.send(Arc::clone(&full)).is_ok());
        self.sent.push_back(full);
    }

    /// Sends the last, partial batch; the writers see their channels close.
    pub(super) fn finish(mut self) {
        if self.current.rows > 0 {
            self.send();
        }
    }
}

impl CleanRows for Batcher {
    fn field(&mut self, value: &str) {
        self.current.push_field(value);
    }

    fn end_row(&mut self) {
        self.current.end_row();
        if !self.current.has_room() {
            self.send();
        }
    }
}

/// The clean CSV at `path` read back in batches (for a writer that could not be fed by the
/// cleaning pass).
pub(super) fn csv_batches(
    path: &Path,
    columns: usize,
) -> Result<impl Iterator<Item = Result<Arc<Batch>>>> {
    let file = File::open(path).map_err(super::io)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(BufReader::with_capacity(1 << 20, file));
    let mut record = csv::StringRecord::new();
    let mut done = false;
    Ok(std::iter::from_fn(move || {
        if done {
            return None;
        }
        let mut batch = Batch::new(columns);
        while batch.has_room() {
            match reader.read_record(&mut record) {
                Ok(true) => {
                    for field in &record {
                        batch.push_field(field);
                    }
                    batch.end_row();
                }
                Ok(false) => {
                    done = true;
                    break;
                }
                Err(e) => {
                    done = true;
                    return Some(Err(internal(e)));
                }
            }
        }
        (batch.rows > 0).then(|| Ok(Arc::new(batch)))
    }))
}

#[cfg(test)]
mod tests {
    use super::{BATCH, Batch, Batcher};
    use satudata_validation::CleanRows;

    #[test]
    fn rows_are_cut_or_padded_to_the_columns_and_sent_in_full_batches() {
        let (tx, rx) = std::sync::mpsc::sync_channel(4);
        let mut batcher = Batcher::new(2, vec![tx]);
        for row in [&["a", "b", "extra"][..], &["", "é"], &["only"]] {
            for field in row {
                batcher.field(field);
            }
            batcher.end_row();
        }
        for _ in 0..BATCH {
            batcher.field("x");
            batcher.field("y");
            batcher.end_row();
        }
        batcher.finish();
        let batches: Vec<_> = rx.iter().collect();
        assert_eq!(
            batches.iter().map(|b| b.rows()).collect::<Vec<_>>(),
            [BATCH, 3]
        );
        let first: &Batch = &batches[0];
        assert_eq!(first.row(0).collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(first.row(1).collect::<Vec<_>>(), ["", "é"]);
        assert_eq!(first.row(2).collect::<Vec<_>>(), ["only", ""]);
        assert_eq!(first.cell(1, 1), "é");
        assert_eq!(
            first.column(1).take(4).collect::<Vec<_>>(),
            ["b", "é", "", "y"]
        );
        assert_eq!(batches[1].column(0).collect::<Vec<_>>(), ["x"; 3]);
        assert_eq!(batches[1].row(2).collect::<Vec<_>>(), ["x", "y"]);
    }
}
