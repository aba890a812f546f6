//! Reading what OPDs upload: encoding and delimiter detection, then rows with their physical
//! row numbers (blank lines count, as in frictionless).

use std::io::{Cursor, Read};

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};
use encoding_rs_io::{DecodeReaderBytes, DecodeReaderBytesBuilder};

use crate::decode::{Evidence, StrayByte, Utf8Fallback, take_markers, weigh};
use crate::limits::{LimitExceeded, Limits};
pub use crate::sniff::FileKind;
use crate::sniff::{Sniffed, sniff, sniff_delimiter};

/// Bytes looked at before deciding on encoding and delimiter.
const SAMPLE: usize = 64 * 1024;

/// Why a file cannot be read as a table at all.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// No bytes.
    #[error("berkas kosong / the file is empty")]
    Empty,
    /// NUL bytes without a UTF-16 byte-order mark, in a file of no kind recognised here.
    #[error(
        "berkas biner, bukan tabel teks; unggah CSV, XLSX atau JSON / the file is binary, not a \
         delimited text table; upload CSV, XLSX or JSON"
    )]
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
    /// A workbook or JSON file larger than can be read into memory (no longer returned: see
    /// [`ReadError::Limit`]).
    #[error("the {0} file is larger than {1} MB; save it as CSV")]
    TooLarge(&'static str, u64),
    /// Reading the file would exceed a [`Limits`] field; the error names it.
    #[error("{0}")]
    Limit(Box<LimitExceeded>),
    /// A file of another kind than a table: a PDF, an image, a Word document ...
    #[error("{0}")]
    NotATable(FileKind),
}

impl From<LimitExceeded> for ReadError {
    fn from(e: LimitExceeded) -> Self {
        Self::Limit(Box::new(e))
    }
}

/// One row as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Row {
    /// Physical row number, 1-based.
    pub number: u64,
    /// Cells as written (not trimmed), in one allocation.
    pub cells: csv::StringRecord,
    /// Bytes that were not valid UTF-8 in a UTF-8 file, read as Windows-1252 (decode.rs).
    pub strays: Vec<StrayByte>,
}

impl Row {
    pub(crate) fn new(number: u64, cells: csv::StringRecord) -> Self {
        Self {
            number,
            cells,
            strays: Vec::new(),
        }
    }

    /// Cells holding something other than whitespace.
    pub fn filled(&self) -> usize {
        self.cells.iter().filter(|c| is_filled(c)).count()
    }
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

/// Whether a cell holds something other than ASCII white space (what [`Row::filled`] counts).
pub(crate) fn is_filled(cell: &str) -> bool {
    cell.bytes().any(|b| !b.is_ascii_whitespace())
}

/// Row buffers kept for reuse (enough for the batches in flight between reader and checker).
const MAX_SPARES: usize = 4096;

/// The input with its sample put back in front.
type Replayed<R> = std::io::Chain<Cursor<Vec<u8>>, R>;

/// The input decoded to UTF-8.
enum Decoded<R: Read> {
    /// UTF-8 (with or without BOM), stray bytes passed as markers.
    Utf8(Utf8Fallback<Replayed<R>>),
    /// UTF-16 or Windows-1252 through encoding_rs.
    Other(DecodeReaderBytes<Replayed<R>, Vec<u8>>),
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Self::Utf8(r) => r.read(buf),
            Self::Other(r) => r.read(buf),
        }
    }
}

impl<R: Read> Decoded<R> {
    fn strays(&self) -> u64 {
        match self {
            Self::Utf8(r) => r.strays,
            Self::Other(_) => 0,
        }
    }
}

/// A table being read row by row.
pub(crate) struct Rows<R: Read> {
    source: Source<R>,
    /// Label of the detected encoding.
    pub encoding: &'static str,
    /// Detected delimiter (CSV only).
    pub delimiter: Option<u8>,
    /// `csv`, `xlsx`, `xls`, `xml`, `html` or `json`.
    pub format: &'static str,
    /// The worksheet read (workbooks only).
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
    /// Stray bytes already found in parsed records (the decoder reads ahead of the parser).
    strays_seen: u64,
    max_columns: usize,
}

impl<R: Read> std::fmt::Debug for Rows<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rows")
            .field("format", &self.format)
            .field("encoding", &self.encoding)
            .finish_non_exhaustive()
    }
}

/// A whole file as text: BOM stripped, UTF-8 if the evidence says so, else Windows-1252.
fn whole_text(bytes: &[u8]) -> (String, &'static str) {
    let body = bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(bytes);
    match weigh(body, true) {
        Evidence::Utf8 => (String::from_utf8_lossy(body).into_owned(), "utf-8"),
        Evidence::Windows1252 => {
            let (text, _) = WINDOWS_1252.decode_without_bom_handling(body);
            (text.into_owned(), "windows-1252")
        }
    }
}

/// Opens a table by its content, whatever its name: an XLSX workbook or old binary XLS, an
/// Excel 2003 XML workbook, an HTML table, a JSON array of records, or delimited text whose
/// encoding and delimiter are detected. A PDF, an image, a Word document ... is refused with a
/// message that says what it is.
pub(crate) fn open<R: Read>(
    mut input: R,
    sheet: Option<&str>,
    limits: &Limits,
) -> Result<Rows<R>, ReadError> {
    let mut sample = Vec::with_capacity(SAMPLE);
    (&mut input).take(SAMPLE as u64).read_to_end(&mut sample)?;
    let complete = sample.len() < SAMPLE;
    if sample.is_empty() {
        return Err(ReadError::Empty);
    }
    let sniffed = sniff(&sample);
    let format = match sniffed {
        Sniffed::Not(kind) => return Err(ReadError::NotATable(kind)),
        Sniffed::Text => None,
        Sniffed::Zip => Some("xlsx"),
        Sniffed::Compound => Some("xls"),
        Sniffed::Json => Some("json"),
        Sniffed::Html => Some("html"),
        Sniffed::Xml2003 => Some("xml"),
    };
    if let Some(format) = format {
        let mut bytes = sample;
        input
            .take(limits.max_file_bytes.saturating_sub(bytes.len() as u64) + 1)
            .read_to_end(&mut bytes)?;
        if bytes.len() as u64 > limits.max_file_bytes {
            return Err(LimitExceeded::file_bytes(format, limits.max_file_bytes).into());
        }
        let mut encoding = "utf-8";
        let table = match format {
            "xlsx" => crate::sheets::xlsx(bytes, sheet, limits)?,
            "xls" => crate::sheets::xls(bytes, sheet, limits)?,
            "json" => {
                let body = bytes
                    .strip_prefix(b"\xEF\xBB\xBF".as_slice())
                    .unwrap_or(&bytes);
                crate::sheets::json(body, limits)?
            }
            _ => {
                let (text, label) = whole_text(&bytes);
                drop(bytes);
                encoding = label;
                if format == "html" {
                    crate::sheets::html(&text, limits)?
                } else {
                    crate::sheets::xml2003(&text, sheet, limits)?
                }
            }
        };
        return Ok(Rows {
            source: Source::Whole(table.rows.into_iter()),
            encoding,
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
        } else if weigh(&sample, complete) == Evidence::Utf8 {
            (UTF_8, "utf-8", 0)
        } else {
            // Older Excel "CSV" exports: Windows-1252, a superset of Latin-1 for printable text.
            (WINDOWS_1252, "windows-1252", 0)
        };
    let (text, _) = encoding.decode_without_bom_handling(&sample[bom..]);
    let delimiter = sniff_delimiter(text.as_bytes(), complete);
    let decoder = if encoding == UTF_8 {
        let mut replay = Cursor::new(sample);
        replay.set_position(bom as u64);
        Decoded::Utf8(Utf8Fallback::new(replay.chain(input)))
    } else {
        Decoded::Other(
            DecodeReaderBytesBuilder::new()
                .encoding(Some(encoding))
                .bom_override(true)
                .build(Cursor::new(sample).chain(input)),
        )
    };
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
        strays_seen: 0,
        max_columns: limits.max_columns,
    };
    Ok(Rows {
        source: Source::Text(Box::new(text)),
        encoding: label,
        delimiter: Some(delimiter),
        format: "csv",
        sheet: None,
    })
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
            return Ok(Some(self.numbered(csv::StringRecord::new(), Vec::new())));
        }
        if let Some(cells) = self.stash.take() {
            let strays = self.strays(&mut Some(cells));
            return Ok(Some(self.numbered(strays.0, strays.1)));
        }
        if !self.reader.read_record(&mut self.record)? {
            return Ok(None);
        }
        if self.record.len() > self.max_columns {
            return Err(LimitExceeded::columns(self.record.len() as u64, self.max_columns).into());
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
            let (cells, strays) = self.strays(&mut Some(cells));
            return Ok(Some(self.numbered(cells, strays)));
        }
        // Empty lines the parser stepped over come first, each as its own blank row.
        self.pending_blank = skipped - 1;
        self.stash = Some(cells);
        Ok(Some(self.numbered(csv::StringRecord::new(), Vec::new())))
    }

    /// The record with its stray bytes taken out, while the decoder has passed some that no
    /// parsed record held yet (nothing to do for nearly every file).
    fn strays(
        &mut self,
        cells: &mut Option<csv::StringRecord>,
    ) -> (csv::StringRecord, Vec<StrayByte>) {
        let mut record = cells.take().unwrap_or_default();
        if self.reader.get_ref().strays() <= self.strays_seen {
            return (record, Vec::new());
        }
        let strays = take_markers(&mut record);
        self.strays_seen += strays.len() as u64;
        (record, strays)
    }

    fn numbered(&mut self, cells: csv::StringRecord, strays: Vec<StrayByte>) -> Row {
        self.number += 1;
        Row {
            number: self.number,
            cells,
            strays,
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

/// Physical rows `first .. first + count` of a table as written (the header row counts, as in
/// a report's `row_number`), for showing flagged cells in their context. Reads no further than
/// the last row asked for.
pub fn rows_window<R: Read>(
    input: R,
    sheet: Option<&str>,
    limits: &Limits,
    first: u64,
    count: usize,
) -> Result<Vec<(u64, Vec<String>)>, ReadError> {
    let mut rows = open(input, sheet, limits)?;
    let end = first.saturating_add(count as u64);
    let mut out = Vec::with_capacity(count);
    while let Some(row) = rows.next_row()? {
        if row.number >= end {
            break;
        }
        if row.number >= first {
            out.push((row.number, row.cells.iter().map(str::to_owned).collect()));
        }
        rows.recycle(row);
    }
    Ok(out)
}

#[cfg(test)]
mod window_tests {
    use super::rows_window;
    use crate::Limits;

    #[test]
    fn a_window_of_physical_rows() {
        let csv = b"Judul tabel\nkode,jumlah\n35.76.01,10\n35.76.02,x\n35.76.03,30\n";
        let rows = rows_window(&csv[..], None, &Limits::default(), 3, 2).expect("rows");
        assert_eq!(
            rows,
            vec![
                (3, vec!["35.76.01".to_owned(), "10".to_owned()]),
                (4, vec!["35.76.02".to_owned(), "x".to_owned()]),
            ]
        );
        assert!(
            rows_window(&csv[..], None, &Limits::default(), 9, 5)
                .expect("rows")
                .is_empty()
        );
    }
}
