//! Streaming table probe: delimiter, encoding, header, row and column counts in constant memory.

use csv_core::{ReadFieldResult, Reader, ReaderBuilder};
use serde::Serialize;

use crate::sniff::sniff_delimiter;

/// Bytes held back to detect the delimiter and encoding before parsing starts.
const SNIFF_LEN: usize = 64 * 1024;
/// Longest header name kept; longer names are cut (the counts stay exact).
const MAX_HEADER_LEN: usize = 256;
/// Most header names kept.
const MAX_HEADER_FIELDS: usize = 1024;

/// Text encoding of an upload as far as the probe can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    /// Valid UTF-8 without a byte-order mark.
    Utf8,
    /// Valid UTF-8 after a byte-order mark (as Excel writes "CSV UTF-8").
    Utf8Bom,
    /// Not valid UTF-8: most likely Windows-1252 / Latin-1 from an older Excel export.
    Legacy,
}

impl Encoding {
    /// The label stored with a version.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Utf8 => "utf-8",
            Self::Utf8Bom => "utf-8-bom",
            Self::Legacy => "legacy-8bit",
        }
    }
}

/// Why a file is not a table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProbeError {
    /// The file has no bytes, or only whitespace.
    #[error("the file is empty")]
    Empty,
    /// The file holds NUL bytes, so it is binary (a spreadsheet, an image, a PDF ...).
    #[error("the file is binary, not a delimited text table")]
    Binary,
    /// UTF-16 text, which needs transcoding the probe does not do.
    #[error("UTF-16 text is not supported yet; save the file as UTF-8 CSV")]
    Utf16,
}

/// What the probe found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableShape {
    /// Field delimiter.
    pub delimiter: u8,
    /// Text encoding.
    pub encoding: Encoding,
    /// Header names (first record), cut to a sane length and count.
    pub header: Vec<String>,
    /// Number of columns: the width of the header record.
    pub column_count: u64,
    /// Number of data records after the header (blank lines are not records).
    pub row_count: u64,
    /// Data records whose width differs from the header's.
    pub ragged_rows: u64,
    /// Data records whose every field is empty.
    pub blank_rows: u64,
    /// Bytes seen, including any byte-order mark.
    pub byte_count: u64,
}

/// Streaming probe: [`feed`](Self::feed) it chunks as they arrive, then [`finish`](Self::finish).
#[derive(Debug)]
pub struct TableProbe {
    sniff: Vec<u8>,
    parser: Option<Parser>,
    utf8: Utf8Check,
    bytes: u64,
    binary: bool,
}

impl Default for TableProbe {
    fn default() -> Self {
        Self::new()
    }
}

impl TableProbe {
    /// A probe that has seen nothing yet.
    pub fn new() -> Self {
        Self {
            sniff: Vec::with_capacity(SNIFF_LEN),
            parser: None,
            utf8: Utf8Check::default(),
            bytes: 0,
            binary: false,
        }
    }

    /// Bytes fed so far.
    pub fn bytes_seen(&self) -> u64 {
        self.bytes
    }

    /// Feeds the next chunk of the file.
    pub fn feed(&mut self, chunk: &[u8]) {
        self.bytes += chunk.len() as u64;
        if self.binary {
            return;
        }
        match &mut self.parser {
            Some(parser) => {
                self.binary |= chunk.contains(&0);
                self.utf8.feed(chunk);
                parser.feed(chunk);
            }
            None => {
                self.sniff.extend_from_slice(chunk);
                if self.sniff.len() >= SNIFF_LEN {
                    self.start(false);
                }
            }
        }
    }

    /// Ends the file and returns its shape.
    pub fn finish(mut self) -> Result<TableShape, ProbeError> {
        if self.parser.is_none() {
            if self.sniff.starts_with(&[0xFF, 0xFE]) || self.sniff.starts_with(&[0xFE, 0xFF]) {
                return Err(ProbeError::Utf16);
            }
            self.start(true);
        }
        if self.binary {
            return Err(ProbeError::Binary);
        }
        let Some(mut parser) = self.parser.take() else {
            return Err(ProbeError::Empty);
        };
        parser.end();
        if parser.header.is_empty() && parser.rows == 0 {
            return Err(ProbeError::Empty);
        }
        let bom = self.utf8.bom;
        Ok(TableShape {
            delimiter: parser.delimiter,
            encoding: match (self.utf8.finish(), bom) {
                (false, _) => Encoding::Legacy,
                (true, true) => Encoding::Utf8Bom,
                (true, false) => Encoding::Utf8,
            },
            column_count: parser.header_width,
            header: parser.header,
            row_count: parser.rows,
            ragged_rows: parser.ragged,
            blank_rows: parser.blank,
            byte_count: self.bytes,
        })
    }

    fn start(&mut self, complete: bool) {
        let sample = std::mem::take(&mut self.sniff);
        if sample.starts_with(&[0xFF, 0xFE]) || sample.starts_with(&[0xFE, 0xFF]) {
            // Leave the parser unset: finish() reports UTF-16 before parsing.
            self.sniff = sample;
            self.binary = false;
            return;
        }
        self.binary = sample.contains(&0);
        let body = sample
            .strip_prefix(b"\xEF\xBB\xBF".as_slice())
            .unwrap_or(&sample);
        self.utf8.bom = body.len() != sample.len();
        if body.iter().all(u8::is_ascii_whitespace) && complete {
            return;
        }
        let mut parser = Parser::new(sniff_delimiter(body, complete));
        self.utf8.feed(body);
        parser.feed(body);
        self.parser = Some(parser);
    }
}

/// Incremental UTF-8 validity check that tolerates code points split across chunks.
#[derive(Debug, Default)]
struct Utf8Check {
    carry: Vec<u8>,
    invalid: bool,
    bom: bool,
}

impl Utf8Check {
    fn feed(&mut self, chunk: &[u8]) {
        if self.invalid {
            return;
        }
        let mut rest = chunk;
        if !self.carry.is_empty() {
            // At most three bytes are carried; complete the code point from the new chunk.
            let take = rest.len().min(4 - self.carry.len());
            self.carry.extend_from_slice(&rest[..take]);
            match std::str::from_utf8(&self.carry) {
                Ok(_) => rest = &rest[take..],
                Err(e) if e.valid_up_to() > 0 => {
                    let used = e.valid_up_to() - (self.carry.len() - take);
                    rest = &rest[used..];
                }
                Err(e) if e.error_len().is_none() && rest.len() == take => {
                    return; // still incomplete; keep carrying
                }
                Err(_) => {
                    self.invalid = true;
                    return;
                }
            }
            self.carry.clear();
        }
        match std::str::from_utf8(rest) {
            Ok(_) => {}
            Err(e) if e.error_len().is_none() => {
                self.carry.extend_from_slice(&rest[e.valid_up_to()..]);
            }
            Err(_) => self.invalid = true,
        }
    }

    fn finish(self) -> bool {
        !self.invalid && self.carry.is_empty()
    }
}

/// csv-core field reader that counts instead of storing.
#[derive(Debug)]
struct Parser {
    reader: Reader,
    delimiter: u8,
    field: Vec<u8>,
    out: Box<[u8]>,
    fields_in_record: u64,
    record_blank: bool,
    header: Vec<String>,
    header_width: u64,
    header_done: bool,
    rows: u64,
    ragged: u64,
    blank: u64,
}

impl Parser {
    fn new(delimiter: u8) -> Self {
        Self {
            reader: ReaderBuilder::new().delimiter(delimiter).build(),
            delimiter,
            field: Vec::new(),
            out: vec![0u8; 16 * 1024].into_boxed_slice(),
            fields_in_record: 0,
            record_blank: true,
            header: Vec::new(),
            header_width: 0,
            header_done: false,
            rows: 0,
            ragged: 0,
            blank: 0,
        }
    }

    fn feed(&mut self, mut input: &[u8]) {
        // csv-core reads an empty input as the end of the file, so never hand it one here:
        // a chunk that ends right after a field would otherwise close a phantom record.
        while !input.is_empty() {
            let (result, read, written) = self.reader.read_field(input, &mut self.out);
            input = &input[read..];
            self.take_output(written);
            match result {
                ReadFieldResult::InputEmpty
                | ReadFieldResult::End
                | ReadFieldResult::OutputFull => {}
                ReadFieldResult::Field { record_end } => self.end_field(record_end),
            }
        }
    }

    fn end(&mut self) {
        loop {
            let (result, _, written) = self.reader.read_field(&[], &mut self.out);
            self.take_output(written);
            match result {
                ReadFieldResult::Field { record_end } => self.end_field(record_end),
                ReadFieldResult::OutputFull => {}
                ReadFieldResult::InputEmpty | ReadFieldResult::End => return,
            }
        }
    }

    fn take_output(&mut self, written: usize) {
        if written == 0 {
            return;
        }
        if written > 0 && !self.out[..written].iter().all(u8::is_ascii_whitespace) {
            self.record_blank = false;
        }
        if !self.header_done && self.field.len() < MAX_HEADER_LEN * 4 {
            self.field.extend_from_slice(&self.out[..written]);
        }
    }

    fn end_field(&mut self, record_end: bool) {
        self.fields_in_record += 1;
        if !self.header_done && self.header.len() < MAX_HEADER_FIELDS {
            let text = String::from_utf8_lossy(&self.field);
            let text = text.trim_start_matches('\u{feff}').trim();
            self.header
                .push(text.chars().take(MAX_HEADER_LEN).collect());
        }
        self.field.clear();
        if !record_end {
            return;
        }
        if !self.header_done {
            self.header_done = true;
            self.header_width = self.fields_in_record;
        } else {
            self.rows += 1;
            if self.fields_in_record != self.header_width {
                self.ragged += 1;
            }
            if self.record_blank {
                self.blank += 1;
            }
        }
        self.fields_in_record = 0;
        self.record_blank = true;
    }
}

#[cfg(test)]
mod tests {
    use super::{Encoding, ProbeError, TableProbe, TableShape};

    fn probe_chunks(chunks: &[&[u8]]) -> Result<TableShape, ProbeError> {
        let mut probe = TableProbe::new();
        for chunk in chunks {
            probe.feed(chunk);
        }
        probe.finish()
    }

    fn probe(bytes: &[u8]) -> Result<TableShape, ProbeError> {
        probe_chunks(&[bytes])
    }

    #[test]
    fn counts_rows_and_columns() -> Result<(), ProbeError> {
        let shape = probe(b"kode,nama,jumlah\n35.76.01,Prajuritkulon,10\n35.76.02,Magersari,12")?;
        assert_eq!(shape.header, ["kode", "nama", "jumlah"]);
        assert_eq!(
            (shape.row_count, shape.column_count, shape.ragged_rows),
            (2, 3, 0)
        );
        assert_eq!(shape.encoding, Encoding::Utf8);
        Ok(())
    }

    #[test]
    fn quoted_newlines_stay_in_one_record() -> Result<(), ProbeError> {
        let shape = probe(b"nama,catatan\n\"Budi\",\"baris satu\nbaris dua\"\n")?;
        assert_eq!(shape.row_count, 1);
        Ok(())
    }

    #[test]
    fn ragged_and_blank_rows_are_counted() -> Result<(), ProbeError> {
        let shape = probe(b"a;b;c\n1;2;3\n;;\n4;5\n\n")?;
        assert_eq!(shape.delimiter, b';');
        assert_eq!(
            (shape.row_count, shape.blank_rows, shape.ragged_rows),
            (3, 1, 1)
        );
        Ok(())
    }

    #[test]
    fn bom_is_stripped_and_reported() -> Result<(), ProbeError> {
        let shape = probe(b"\xEF\xBB\xBFtahun,jumlah\n2024,5\n")?;
        assert_eq!(shape.header, ["tahun", "jumlah"]);
        assert_eq!(shape.encoding, Encoding::Utf8Bom);
        Ok(())
    }

    #[test]
    fn windows_1252_is_reported_as_legacy() -> Result<(), ProbeError> {
        let shape = probe(b"nama,jumlah\nKab. Mojokert\xF3,5\n")?;
        assert_eq!(shape.encoding, Encoding::Legacy);
        Ok(())
    }

    #[test]
    fn multibyte_characters_split_across_chunks_are_valid() -> Result<(), ProbeError> {
        let text = "nama,jumlah\nKab. Mojokertó,5\n".as_bytes();
        let cut = text.iter().position(|&b| b == 0xC3).map_or(0, |p| p + 1);
        let shape = probe_chunks(&[&text[..cut], &text[cut..]])?;
        assert_eq!(shape.encoding, Encoding::Utf8);
        Ok(())
    }

    #[test]
    fn large_files_stream_in_small_chunks() -> Result<(), ProbeError> {
        let mut probe = TableProbe::new();
        probe.feed(b"kode;nama;jumlah\n");
        for i in 0..100_000 {
            probe.feed(format!("35.76.01;\"Desa {i}\";{i}\n").as_bytes());
        }
        let shape = probe.finish()?;
        assert_eq!(shape.delimiter, b';');
        assert_eq!((shape.row_count, shape.column_count), (100_000, 3));
        Ok(())
    }

    #[test]
    fn every_chunk_split_gives_the_same_shape() -> Result<(), ProbeError> {
        let text: &[u8] =
            b"kode;nama;catatan\n35.76.01;\"Prajurit\nkulon\";a\n35.76.02;Magersari;\"b;c\"\n;;\n";
        let whole = probe(text)?;
        assert_eq!(
            (whole.row_count, whole.blank_rows, whole.ragged_rows),
            (3, 1, 0)
        );
        for cut in 0..=text.len() {
            for cut2 in cut..=text.len() {
                let split = probe_chunks(&[&text[..cut], &text[cut..cut2], &text[cut2..]])?;
                assert_eq!(split, whole, "split at {cut} and {cut2}");
            }
        }
        Ok(())
    }

    #[test]
    fn one_byte_chunks_past_the_sniff_window() -> Result<(), ProbeError> {
        let mut text = b"a,b\n".to_vec();
        while text.len() < 70 * 1024 {
            text.extend_from_slice(b"1,\"x\ny\"\n");
        }
        let rows = (text.len() as u64 - 4) / 8;
        let mut probe = TableProbe::new();
        for byte in &text {
            probe.feed(std::slice::from_ref(byte));
        }
        let shape = probe.finish()?;
        assert_eq!((shape.row_count, shape.ragged_rows), (rows, 0));
        Ok(())
    }

    #[test]
    fn empty_binary_and_utf16_are_rejected() {
        assert_eq!(probe(b""), Err(ProbeError::Empty));
        assert_eq!(probe(b"  \n\n"), Err(ProbeError::Empty));
        assert_eq!(probe(b"PK\x03\x04\x00\x00binary"), Err(ProbeError::Binary));
        assert_eq!(probe(b"\xFF\xFEa\x00,\x00b\x00"), Err(ProbeError::Utf16));
    }
}
