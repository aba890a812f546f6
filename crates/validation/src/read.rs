//! Reading what OPDs upload: encoding and delimiter detection, then rows with their physical
//! row numbers (blank lines count, as in frictionless).

use std::io::{Cursor, Read};

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};
use encoding_rs_io::{DecodeReaderBytes, DecodeReaderBytesBuilder};

use crate::sniff::sniff_delimiter;

/// Bytes looked at before deciding on encoding and delimiter.
const SAMPLE: usize = 64 * 1024;

/// Why a file cannot be read as a table at all.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// No bytes.
    #[error("the file is empty")]
    Empty,
    /// NUL bytes without a UTF-16 byte-order mark: a spreadsheet, image, PDF ...
    #[error("the file is binary, not a delimited text table (for Excel files, save as CSV)")]
    Binary,
    /// Reading failed.
    #[error("cannot read the file: {0}")]
    Io(#[from] std::io::Error),
    /// The CSV parser failed (I/O underneath).
    #[error("cannot parse the file: {0}")]
    Csv(#[from] csv::Error),
    /// An Excel workbook that cannot be read, or a missing sheet.
    #[error("cannot read the workbook: {0}")]
    Workbook(String),
    /// JSON that is not an array of records.
    #[error("cannot read the JSON: {0}")]
    Json(String),
    /// A workbook or JSON file larger than can be read into memory.
    #[error("the {0} file is larger than {1} MB; save it as CSV")]
    TooLarge(&'static str, u64),
}

/// Largest XLSX or JSON file read (they are read whole; CSV streams without limit).
const WHOLE_FILE_LIMIT: u64 = 256 * 1024 * 1024;

/// One row as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Row {
    /// Physical row number, 1-based.
    pub number: u64,
    /// Cells as written (not trimmed), in one allocation.
    pub cells: csv::StringRecord,
}

/// `str::trim`, with a fast path for cells that start and end in ASCII (nearly all of them).
pub(crate) fn trim(cell: &str) -> &str {
    let ascii = cell.trim_ascii();
    let bytes = ascii.as_bytes();
    // Non-ASCII white space (NBSP, ...) and the vertical tab, which `trim_ascii` keeps.
    let unusual = |b: &u8| !b.is_ascii() || *b == 0x0b;
    if bytes.first().is_some_and(unusual) || bytes.last().is_some_and(unusual) {
        ascii.trim()
    } else {
        ascii
    }
}

impl Row {
    /// Cells holding something other than whitespace.
    pub fn filled(&self) -> usize {
        self.cells.iter().filter(|c| is_filled(c)).count()
    }
}

/// Whether a cell holds something other than ASCII white space (what [`Row::filled`] counts).
pub(crate) fn is_filled(cell: &str) -> bool {
    cell.bytes().any(|b| !b.is_ascii_whitespace())
}

/// Row buffers kept for reuse (enough for the batches in flight between reader and checker).
const MAX_SPARES: usize = 4096;

/// The input with its sample put back in front, decoded to UTF-8.
type Decoded<R> = DecodeReaderBytes<std::io::Chain<Cursor<Vec<u8>>, R>, Vec<u8>>;

/// A table being read row by row.
pub(crate) struct Rows<R: Read> {
    source: Source<R>,
    /// Label of the detected encoding.
    pub encoding: &'static str,
    /// Detected delimiter (CSV only).
    pub delimiter: Option<u8>,
    /// `csv`, `xlsx` or `json`.
    pub format: &'static str,
    /// The worksheet read (XLSX only).
    pub sheet: Option<String>,
}

enum Source<R: Read> {
    Text(Box<Text<R>>),
    Whole(std::vec::IntoIter<Row>),
}

/// CSV text being parsed.
struct Text<R: Read> {
    reader: csv::Reader<Decoded<R>>,
    record: csv::StringRecord,
    number: u64,
    pending_blank: u64,
    stash: Option<csv::StringRecord>,
    /// Row buffers given back by the engine, reused by the next reads.
    spares: Vec<csv::StringRecord>,
}

impl<R: Read> std::fmt::Debug for Rows<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rows")
            .field("format", &self.format)
            .field("encoding", &self.encoding)
            .finish_non_exhaustive()
    }
}

/// Opens a table: an XLSX workbook (by its zip signature), a JSON array of records (by its
/// leading `[`), or delimited text, whose encoding (BOM, UTF-8, else Windows-1252) and delimiter
/// are detected.
pub(crate) fn open<R: Read>(mut input: R, sheet: Option<&str>) -> Result<Rows<R>, ReadError> {
    let mut sample = Vec::with_capacity(SAMPLE);
    (&mut input).take(SAMPLE as u64).read_to_end(&mut sample)?;
    let complete = sample.len() < SAMPLE;
    if sample.is_empty() {
        return Err(ReadError::Empty);
    }
    let first = sample.iter().copied().find(|b| !b.is_ascii_whitespace());
    let whole = if sample.starts_with(b"PK\x03\x04") {
        Some("xlsx")
    } else if matches!(first, Some(b'[' | b'{')) || sample.starts_with(b"\xEF\xBB\xBF[") {
        Some("json")
    } else {
        None
    };
    if let Some(format) = whole {
        let mut bytes = sample;
        input.take(WHOLE_FILE_LIMIT + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > WHOLE_FILE_LIMIT {
            return Err(ReadError::TooLarge(format, WHOLE_FILE_LIMIT / 1024 / 1024));
        }
        let table = if format == "xlsx" {
            crate::sheets::xlsx(bytes, sheet)?
        } else {
            let body = bytes
                .strip_prefix(b"\xEF\xBB\xBF".as_slice())
                .unwrap_or(&bytes);
            crate::sheets::json(body)?
        };
        return Ok(Rows {
            source: Source::Whole(table.rows.into_iter()),
            encoding: "utf-8",
            delimiter: None,
            format,
            sheet: table.name,
        });
    }
    let (encoding, label, bom): (&'static Encoding, &'static str, usize) =
        if sample.starts_with(b"\xEF\xBB\xBF") {
            (UTF_8, "utf-8-bom", 3)
        } else if sample.starts_with(b"\xFF\xFE") {
            (UTF_16LE, "utf-16le", 2)
        } else if sample.starts_with(b"\xFE\xFF") {
            (UTF_16BE, "utf-16be", 2)
        } else if sample.contains(&0) {
            return Err(ReadError::Binary);
        } else if is_utf8(&sample, complete) {
            (UTF_8, "utf-8", 0)
        } else {
            // Older Excel "CSV" exports: Windows-1252, a superset of Latin-1 for printable text.
            (WINDOWS_1252, "windows-1252", 0)
        };
    let (text, _) = encoding.decode_without_bom_handling(&sample[bom..]);
    let delimiter = sniff_delimiter(text.as_bytes(), complete);
    let decoder = DecodeReaderBytesBuilder::new()
        .encoding(Some(encoding))
        .bom_override(true)
        .build(Cursor::new(sample).chain(input));
    let reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(decoder);
    let text = Text {
        reader,
        record: csv::StringRecord::new(),
        number: 0,
        pending_blank: 0,
        stash: None,
        spares: Vec::new(),
    };
    Ok(Rows {
        source: Source::Text(Box::new(text)),
        encoding: label,
        delimiter: Some(delimiter),
        format: "csv",
        sheet: None,
    })
}

fn is_utf8(sample: &[u8], complete: bool) -> bool {
    match std::str::from_utf8(sample) {
        Ok(_) => true,
        // A multi-byte character cut by the end of the sample is still UTF-8.
        Err(e) => !complete && e.error_len().is_none(),
    }
}

impl<R: Read> Rows<R> {
    /// The next row; empty lines come back as rows without cells.
    pub fn next_row(&mut self) -> Result<Option<Row>, ReadError> {
        match &mut self.source {
            Source::Text(text) => text.next_row(),
            Source::Whole(rows) => Ok(rows.next()),
        }
    }

    /// Gives a finished row back so that its buffer serves a later read (no allocation per row).
    pub fn recycle(&mut self, row: Row) {
        if let Source::Text(text) = &mut self.source
            && text.spares.len() < MAX_SPARES
        {
            text.spares.push(row.cells);
        }
    }
}

impl<R: Read> Text<R> {
    fn next_row(&mut self) -> Result<Option<Row>, ReadError> {
        if self.pending_blank > 0 {
            self.pending_blank -= 1;
            return Ok(Some(self.numbered(csv::StringRecord::new())));
        }
        if let Some(cells) = self.stash.take() {
            return Ok(Some(self.numbered(cells)));
        }
        if !self.reader.read_record(&mut self.record)? {
            return Ok(None);
        }
        // The parser folds empty lines into the next record's span: a record starting on line
        // `start` and ending before line `after` covers its own lines plus the empty ones.
        let start = self.record.position().map_or(0, csv::Position::line);
        let after = self.reader.position().line();
        // Only a record spanning several lines needs its embedded newlines counted.
        let skipped = if after.saturating_sub(start) <= 1 {
            0
        } else {
            let own_lines = 1 + self
                .record
                .iter()
                .map(|f| f.matches('\n').count() as u64)
                .sum::<u64>();
            after.saturating_sub(start).saturating_sub(own_lines)
        };
        // Hand the parsed record out and keep a recycled buffer for the next read.
        let mut cells = self.spares.pop().unwrap_or_default();
        std::mem::swap(&mut cells, &mut self.record);
        if skipped == 0 {
            return Ok(Some(self.numbered(cells)));
        }
        // Empty lines the parser stepped over come first, each as its own blank row.
        self.pending_blank = skipped - 1;
        self.stash = Some(cells);
        Ok(Some(self.numbered(csv::StringRecord::new())))
    }

    fn numbered(&mut self, cells: csv::StringRecord) -> Row {
        self.number += 1;
        Row {
            number: self.number,
            cells,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::trim;

    #[test]
    fn trim_agrees_with_str_trim() {
        for cell in [
            "",
            "  ",
            " 35.76 ",
            "\tJumlah\r",
            "\u{a0}Kranggan\u{a0}",
            "\u{b}x\u{b}",
            "Mojokertó ",
            " ó",
            "\u{2003}a b\u{3000}",
        ] {
            assert_eq!(trim(cell), cell.trim(), "{cell:?}");
        }
    }
}
