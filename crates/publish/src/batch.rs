//! Rows of the clean table in batches, read from the clean CSV ([`csv_batches`]) and shared by
//! the writers of the other formats.

use std::collections::VecDeque;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use satudata_validation::CleanColumn;

use crate::error::{Error, Result};

/// Rows in a batch.
pub(super) const BATCH: usize = 8192;

/// Rows of the clean table: their text in one buffer, and where each field starts and ends
/// (field `i` is `text[spans[i][0]..spans[i][1]]`; separators may lie between fields).
#[derive(Debug)]
pub(super) struct Batch {
    text: String,
    spans: Vec<[u32; 2]>,
    columns: usize,
    rows: usize,
    /// No cell holds a byte a JSON string must escape (a quote, a backslash, a control).
    json_plain: bool,
}

impl Batch {
    fn new(columns: usize, text: usize) -> Self {
        Self {
            text: String::with_capacity(text),
            spans: Vec::with_capacity(BATCH * columns),
            columns,
            rows: 0,
            json_plain: false,
        }
    }

    /// Empties the batch, keeping its buffers. The text keeps its bytes: the next fill writes
    /// over them, and zeroing a MiB per batch showed in profiles.
    fn clear(&mut self) {
        self.spans.clear();
        self.rows = 0;
    }

    pub(super) fn rows(&self) -> usize {
        self.rows
    }

    /// Whether every cell can be written as a JSON string as it is, between quotes.
    pub(super) fn json_plain(&self) -> bool {
        self.json_plain
    }

    /// The text of the cell at `span` (one of [`spans`](Self::spans)).
    pub(super) fn field(&self, &[start, end]: &[u32; 2]) -> &str {
        &self.text[start as usize..end as usize]
    }

    /// The text of a cell ("" when null).
    #[cfg(test)]
    pub(super) fn cell(&self, row: usize, column: usize) -> &str {
        self.field(&self.spans[row * self.columns + column])
    }

    /// Column `column` of every row.
    #[cfg(test)]
    pub(super) fn column(&self, column: usize) -> impl Iterator<Item = &str> {
        self.spans[column..]
            .iter()
            .step_by(self.columns.max(1))
            .take(self.rows)
            .map(|span| self.field(span))
    }

    /// The text every cell is a span of.
    pub(super) fn text(&self) -> &[u8] {
        self.text.as_bytes()
    }

    /// Where a row's cells are in [`text`](Self::text), in column order.
    pub(super) fn spans(&self, row: usize) -> &[[u32; 2]] {
        let first = row * self.columns;
        &self.spans[first..first + self.columns]
    }

    /// A row's cells, in column order.
    pub(super) fn row(&self, row: usize) -> impl Iterator<Item = &str> {
        let first = row * self.columns;
        self.spans[first..first + self.columns]
            .iter()
            .map(|span| self.field(span))
    }
}

/// The clean CSV at `path` read in batches: csv-core parses each record straight into the
/// batch's text buffer. A batch is reused once every holder has dropped it: fresh buffers of a
/// few MiB each would cost a page fault per page.
/// The file must be what cleaning writes for `columns`: their labels as its header, and every
/// row as many fields; anything else is an error, never a silent shift of columns.
pub(super) fn csv_batches(
    path: &Path,
    columns: &[CleanColumn],
) -> Result<impl Iterator<Item = Result<Arc<Batch>>> + use<>> {
    let names: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
    let columns = names.len();
    let file = File::open(path)?;
    Ok(CsvBatches {
        file,
        core: csv_core::Reader::new(),
        input: vec![0; INPUT],
        pos: 0,
        filled: 0,
        eof: false,
        quote_at: None,
        ends: vec![0; columns.max(1) * 2],
        columns,
        names,
        rows_read: 0,
        widest: 0,
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
    /// Field ends of the record csv-core is parsing.
    ends: Vec<usize>,
    columns: usize,
    /// The clean table's labels, which the header must repeat.
    names: Vec<String>,
    /// Where the next `"` at or after `pos` is in the input (`filled` when none), once looked
    /// for since the last read.
    quote_at: Option<usize>,
    /// Data rows read so far (for error messages).
    rows_read: u64,
    /// The most text a batch has held.
    widest: usize,
    /// The next record is the header (checked, then skipped).
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
        // A new batch is sized after the largest text so far: `fill` zeroes a reused batch's
        // spare bytes, and a generous guess (16 bytes a cell) made that half a MiB a batch.
        let text = match self.widest {
            0 => BATCH * 16 * self.columns.max(1),
            widest => widest + widest / 8 + ROOM,
        };
        reused.map_or_else(
            || Batch::new(self.columns, text),
            |mut batch| {
                batch.clear();
                batch
            },
        )
    }

    /// Parses the next record into `text` from `used` on: its fields' places are pushed onto
    /// `spans`, and it returns how many bytes of `text` the record took, or None at the end of
    /// the file. `text` stays longer than what is used: the spare bytes are there for the
    /// parser to write into.
    fn record(
        &mut self,
        text: &mut Vec<u8>,
        used: usize,
        spans: &mut Vec<[u32; 2]>,
    ) -> std::io::Result<Option<usize>> {
        if let Some(len) = self.plain_line(text, used, spans) {
            return Ok(Some(len));
        }
        let (mut out, mut nends) = (0, 0);
        loop {
            if self.pos == self.filled && !self.eof {
                self.filled = std::io::Read::read(&mut self.file, &mut self.input)?;
                self.pos = 0;
                self.quote_at = None;
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
                csv_core::ReadRecordResult::Record => {
                    let mut start = used;
                    for &end in &self.ends[..nends] {
                        spans.push([to_u32(start), to_u32(used + end)]);
                        start = used + end;
                    }
                    return Ok(Some(out));
                }
                csv_core::ReadRecordResult::End => return Ok(None),
            }
        }
    }

    /// The fast path of [`record`](Self::record): a whole line in the input without a quote
    /// (nearly every line of a clean CSV) is copied at once, commas and all, and its fields are
    /// found with memchr. Anything else is left to csv-core.
    fn plain_line(
        &mut self,
        text: &mut Vec<u8>,
        used: usize,
        spans: &mut Vec<[u32; 2]>,
    ) -> Option<usize> {
        // csv-core ends a record at its `\r` and leaves the `\n`; line ends before a record
        // are skipped, as csv-core skips blank lines.
        while self.pos < self.filled && matches!(self.input[self.pos], b'\r' | b'\n') {
            self.pos += 1;
        }
        let rest = &self.input[self.pos..self.filled];
        let newline = memchr::memchr(b'\n', rest)?;
        // One search for quotes serves every line up to the next quote.
        let quote = match self.quote_at {
            Some(at) if at >= self.pos => at,
            _ => {
                let at = memchr::memchr(b'"', rest).map_or(self.filled, |i| self.pos + i);
                self.quote_at = Some(at);
                at
            }
        };
        let line = rest[..newline]
            .strip_suffix(b"\r")
            .unwrap_or(&rest[..newline]);
        if line.is_empty() || quote < self.pos + newline {
            return None;
        }
        if text.len() - used < line.len() {
            text.resize(used + line.len() + ROOM, 0);
        }
        text[used..used + line.len()].copy_from_slice(line);
        let mut start = used;
        for end in memchr::memchr_iter(b',', line).chain(std::iter::once(line.len())) {
            spans.push([to_u32(start), to_u32(used + end)]);
            start = used + end + 1;
        }
        let len = line.len();
        self.pos += newline + 1;
        Some(len)
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
            let before = batch.spans.len();
            let Some(len) = self.record(&mut text, used, &mut batch.spans)? else {
                more = false;
                break;
            };
            let fields = &batch.spans[before..];
            if std::mem::take(&mut self.header) {
                let header = fields.iter().map(|&[a, b]| &text[a as usize..b as usize]);
                if !header.eq(self.names.iter().map(String::as_bytes)) {
                    return Err(Error::Mismatch(format!(
                        "the clean table's header is not {:?}",
                        self.names
                    )));
                }
                batch.spans.truncate(before);
                continue;
            }
            self.rows_read += 1;
            if fields.len() != self.columns {
                return Err(Error::Mismatch(format!(
                    "row {} of the clean table has {} fields, not {}",
                    self.rows_read,
                    fields.len(),
                    self.columns
                )));
            }
            used += len;
            batch.rows += 1;
        }
        text.truncate(used);
        self.widest = self.widest.max(used);
        batch.json_plain = json_plain(&text);
        batch.text = String::from_utf8(text)
            .map_err(|e| Error::Mismatch(format!("the clean table is not UTF-8: {e}")))?;
        Ok(more)
    }
}

/// Whether `text` has no byte a JSON string must escape. One pass over the batch, in chunks the
/// compiler vectorises, instead of a check per cell.
fn json_plain(text: &[u8]) -> bool {
    text.chunks(64).all(|chunk| {
        !chunk.iter().fold(false, |seen, &b| {
            seen | (b < 0x20) | (b == b'"') | (b == b'\\')
        })
    })
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
    use satudata_validation::{CleanColumn, FieldType};

    use super::{BATCH, csv_batches};

    fn columns(names: &[&str]) -> Vec<CleanColumn> {
        names
            .iter()
            .map(|n| CleanColumn {
                name: (*n).to_owned(),
                kind: FieldType::String,
            })
            .collect()
    }

    #[test]
    fn rows_come_back_in_full_batches_and_batches_are_reused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("data.csv");
        let mut text = String::from("a,b\r\na,b\r\n,é\r\nonly,\r\n");
        for _ in 0..BATCH {
            text.push_str("x,y\r\n");
        }
        std::fs::write(&path, text).expect("write");
        let mut batches = csv_batches(&path, &columns(&["a", "b"])).expect("open");
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
    fn a_file_that_is_not_the_clean_table_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("data.csv");
        let read = |text: &str, names: &[&str]| {
            std::fs::write(&path, text).expect("write");
            csv_batches(&path, &columns(names))
                .expect("open")
                .collect::<crate::error::Result<Vec<_>>>()
                .map(|b| b.len())
        };
        assert_eq!(read("a,b\r\n1,2\r\n", &["a", "b"]).ok(), Some(1));
        assert!(
            read("a,c\r\n1,2\r\n", &["a", "b"]).is_err(),
            "another header"
        );
        assert!(
            read("a,b\r\n1,2,3\r\n", &["a", "b"]).is_err(),
            "a longer row"
        );
        assert!(read("a,b\r\n1\r\n", &["a", "b"]).is_err(), "a shorter row");
        assert!(
            read("a,b\r\n\"1\",2\r\n\"x\"\r\n", &["a", "b"]).is_err(),
            "quoted, short"
        );
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
        let read: Vec<Vec<String>> = csv_batches(&path, &columns(&["kode", "teks"]))
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
