//! Rows of the clean table in batches, read from the clean CSV ([`csv_batches`]) and shared by
//! the writers of the other formats.

use std::collections::VecDeque;
use std::fs::File;
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
}

/// The clean CSV at `path` read in batches: csv-core parses each record straight into the
/// batch's text buffer. A batch is reused once every holder has dropped it: fresh buffers of a
/// few MiB each would cost a page fault per page.
pub(super) fn csv_batches(
    path: &Path,
    columns: usize,
) -> Result<impl Iterator<Item = Result<Arc<Batch>>>> {
    let file = File::open(path).map_err(super::io)?;
    Ok(CsvBatches {
        file,
        core: csv_core::Reader::new(),
        input: vec![0; INPUT],
        pos: 0,
        filled: 0,
        eof: false,
        ends: vec![0; columns.max(1) * 2],
        columns,
        header: true,
        sent: VecDeque::new(),
        done: false,
    })
}

/// Bytes read from the file at a time.
const INPUT: usize = 1 << 20;
/// Room kept ahead of a record being parsed.
const ROOM: usize = 64 << 10;

struct CsvBatches {
    file: File,
    core: csv_core::Reader,
    input: Vec<u8>,
    pos: usize,
    filled: usize,
    eof: bool,
    /// Field ends of the record being parsed.
    ends: Vec<usize>,
    columns: usize,
    /// The next record is the header (skipped).
    header: bool,
    /// Batches handed out, oldest first; one only this queue holds can be filled again.
    sent: VecDeque<Arc<Batch>>,
    done: bool,
}

impl CsvBatches {
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

    /// Parses the next record into `text` from `used` on; returns its field ends (relative to
    /// `used`) in `self.ends[..n]` and `Some(n)`, or None at the end of the file. `text` stays
    /// longer than what is used: the spare bytes are zeros for csv-core to write into.
    fn record(&mut self, text: &mut Vec<u8>, used: usize) -> std::io::Result<Option<usize>> {
        let (mut out, mut nends) = (0, 0);
        loop {
            if self.pos == self.filled && !self.eof {
                self.filled = std::io::Read::read(&mut self.file, &mut self.input)?;
                self.pos = 0;
                self.eof = self.filled == 0;
            }
            if text.len() - used - out < ROOM {
                text.resize(text.len() + ROOM.max(text.len() / 2), 0);
            }
            let (result, nin, nout, nend) = self.core.read_record(
                &self.input[self.pos..self.filled],
                &mut text[used + out..],
                &mut self.ends[nends..],
            );
            self.pos += nin;
            out += nout;
            nends += nend;
            match result {
                csv_core::ReadRecordResult::InputEmpty | csv_core::ReadRecordResult::OutputFull => {
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    let more = self.ends.len();
                    self.ends.resize(more * 2, 0);
                }
                csv_core::ReadRecordResult::Record => return Ok(Some(nends)),
                csv_core::ReadRecordResult::End => return Ok(None),
            }
        }
    }

    /// Fills `batch` with the next rows; false when the file has no more.
    fn fill(&mut self, batch: &mut Batch) -> Result<bool> {
        // The previous rows' bytes stay as they are (csv-core overwrites them); only the spare
        // capacity is zeroed.
        let mut text = std::mem::take(&mut batch.text).into_bytes();
        text.resize(text.capacity().max(ROOM), 0);
        let mut used = 0;
        let mut more = true;
        while batch.rows < BATCH && used < (u32::MAX / 2) as usize {
            let Some(fields) = self.record(&mut text, used).map_err(super::io)? else {
                more = false;
                break;
            };
            if std::mem::take(&mut self.header) {
                continue;
            }
            // Cut or pad the record to the columns.
            let kept = fields.min(self.columns);
            for &end in &self.ends[..kept] {
                batch.bounds.push(to_u32(used + end));
            }
            used = if kept > 0 {
                used + self.ends[kept - 1]
            } else {
                used
            };
            for _ in kept..self.columns {
                batch.bounds.push(to_u32(used));
            }
            batch.rows += 1;
        }
        text.truncate(used);
        batch.text = String::from_utf8(text).map_err(internal)?;
        Ok(more)
    }
}

/// A position in a batch's text: `fill` keeps the text under 2 GiB before a row starts, and a
/// row of more than 2 GiB does not come out of the cleaning pass.
fn to_u32(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(u32::MAX)
}

impl Iterator for CsvBatches {
    type Item = Result<Arc<Batch>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let mut batch = self.empty_batch();
        match self.fill(&mut batch) {
            Ok(more) => self.done = !more,
            Err(e) => {
                self.done = true;
                return Some(Err(e));
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

    #[test]
    fn quoted_and_long_fields_across_read_blocks_come_back_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("data.csv");
        let long = "ab\"c,\r\nd ".repeat(40_000);
        let mut rows = vec![vec!["kode".to_owned(), "teks".to_owned()]];
        for i in 0..3_000 {
            let text = if i % 1000 == 7 {
                long.clone()
            } else {
                format!("x, \"{i}\"")
            };
            rows.push(vec![i.to_string(), text]);
        }
        let mut w = csv::Writer::from_path(&path).expect("csv");
        for row in &rows {
            w.write_record(row).expect("row");
        }
        w.flush().expect("flush");
        drop(w);
        let read: Vec<Vec<String>> = csv_batches(&path, 2)
            .expect("open")
            .flat_map(|b| {
                let b = b.expect("batch");
                (0..b.rows())
                    .map(|r| b.row(r).map(str::to_owned).collect())
                    .collect::<Vec<_>>()
            })
            .collect();
        assert_eq!(read.len(), rows.len() - 1);
        assert!(read == rows[1..], "rows differ");
    }
}
