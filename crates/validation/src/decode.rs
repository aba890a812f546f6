//! Text encodings: which one a file uses, decided on the evidence of its bytes, and a UTF-8
//! reader that never changes text silently.
//!
//! A file that is UTF-8 apart from a few stray bytes stays UTF-8: each stray byte is read as the
//! Windows-1252 character it most likely is (`0xF3` → `ó`, what older Excel writes for text
//! pasted into a UTF-8 file) and remembered, so that the report and the cleaning log name every
//! such byte by row and column. Only a file with invalid bytes and no UTF-8 character beyond
//! ASCII is read as Windows-1252 throughout.

use std::io::{self, Read};

use encoding_rs::WINDOWS_1252;

/// The encoding a file's sample points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Evidence {
    /// UTF-8 (possibly with stray bytes, which are read as Windows-1252 and reported).
    Utf8,
    /// Windows-1252 throughout.
    Windows1252,
}

/// Weighs a sample: invalid UTF-8 sequences against valid characters beyond ASCII. A sequence
/// cut by the end of an incomplete sample is not evidence.
pub(crate) fn weigh(sample: &[u8], complete: bool) -> Evidence {
    let (mut valid, mut invalid) = (0usize, 0usize);
    let mut rest = sample;
    loop {
        match std::str::from_utf8(rest) {
            Ok(text) => {
                valid += text.bytes().filter(|b| *b >= 0xC0).count();
                break;
            }
            Err(e) => {
                let good = e.valid_up_to();
                valid += rest[..good].iter().filter(|b| **b >= 0xC0).count();
                match e.error_len() {
                    None if !complete => break,
                    None => {
                        invalid += 1;
                        break;
                    }
                    Some(n) => {
                        invalid += 1;
                        rest = &rest[good + n..];
                    }
                }
            }
        }
    }
    if invalid == 0 || valid >= invalid {
        Evidence::Utf8
    } else {
        Evidence::Windows1252
    }
}

/// Stray bytes are passed to the CSV parser as private-use characters U+F780-U+F7FF (the byte
/// added to U+F700), which [`take_markers`] turns into their Windows-1252 characters once the
/// record is parsed, noting the column.
const MARKER_BASE: u32 = 0xF700;

/// Bytes read from the inner reader at a time.
const CHUNK: usize = 64 * 1024;

/// Reads UTF-8, passing stray bytes through as markers (see [`MARKER_BASE`]).
#[derive(Debug)]
pub(crate) struct Utf8Fallback<R> {
    inner: R,
    /// Decoded bytes ready to hand out, from `at`.
    out: Vec<u8>,
    at: usize,
    /// Raw bytes read but not yet decoded (an incomplete character at the end of a chunk).
    carry: Vec<u8>,
    /// The buffer the next chunk is read into.
    spare: Vec<u8>,
    eof: bool,
    /// Stray bytes passed on so far.
    pub(crate) strays: u64,
}

impl<R: Read> Utf8Fallback<R> {
    pub(crate) fn new(inner: R) -> Self {
        Self {
            inner,
            out: Vec::with_capacity(CHUNK),
            at: 0,
            carry: Vec::new(),
            spare: Vec::with_capacity(CHUNK),
            eof: false,
            strays: 0,
        }
    }

    /// Decodes the next chunk into `out`; false at the end of the input.
    fn refill(&mut self) -> io::Result<bool> {
        // The chunk is read into the spare buffer; valid UTF-8 (nearly always) is handed out as
        // it is, the buffers swapped instead of copied.
        let mut raw = std::mem::take(&mut self.spare);
        raw.clear();
        raw.append(&mut self.carry);
        let before = raw.len();
        raw.resize(before + CHUNK, 0);
        let n = loop {
            match self.inner.read(&mut raw[before..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        };
        raw.truncate(before + n);
        if n == 0 {
            self.eof = true;
        }
        self.at = 0;
        if raw.is_empty() {
            self.out.clear();
            self.spare = raw;
            return Ok(false);
        }
        let valid_to = match std::str::from_utf8(&raw) {
            Ok(_) => raw.len(),
            Err(e) => e.valid_up_to(),
        };
        if valid_to == raw.len() {
            std::mem::swap(&mut self.out, &mut raw);
            self.spare = raw;
            return Ok(true);
        }
        self.out.clear();
        let mut rest = raw.as_slice();
        loop {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    self.out.extend_from_slice(text.as_bytes());
                    break;
                }
                Err(e) => {
                    let good = e.valid_up_to();
                    self.out.extend_from_slice(&rest[..good]);
                    let bad = match e.error_len() {
                        // A character cut by the chunk's end: finish it with the next chunk.
                        None if !self.eof => {
                            self.carry = rest[good..].to_vec();
                            break;
                        }
                        None => rest.len() - good,
                        Some(n) => n,
                    };
                    for &byte in &rest[good..good + bad] {
                        let marker = char::from_u32(MARKER_BASE + u32::from(byte))
                            .unwrap_or(char::REPLACEMENT_CHARACTER);
                        let mut utf8 = [0; 4];
                        self.out
                            .extend_from_slice(marker.encode_utf8(&mut utf8).as_bytes());
                        self.strays += 1;
                    }
                    rest = &rest[good + bad..];
                }
            }
        }
        self.spare = raw;
        Ok(true)
    }
}

impl<R: Read> Read for Utf8Fallback<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at >= self.out.len() {
            if self.eof && self.carry.is_empty() {
                return Ok(0);
            }
            if !self.refill()? && self.eof && self.carry.is_empty() {
                return Ok(0);
            }
        }
        let n = buf.len().min(self.out.len() - self.at);
        buf[..n].copy_from_slice(&self.out[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// A stray byte found in a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StrayByte {
    /// Column, 0-based.
    pub column: usize,
    /// The byte as it was in the file.
    pub byte: u8,
    /// The Windows-1252 character it was read as.
    pub read_as: char,
}

/// The Windows-1252 character of a byte.
pub(crate) fn windows_1252(byte: u8) -> char {
    let bytes = [byte];
    let (text, _) = WINDOWS_1252.decode_without_bom_handling(&bytes);
    text.chars().next().unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// The stray byte a marker character stands for.
fn marker_byte(c: char) -> Option<u8> {
    let offset = u32::from(c).checked_sub(MARKER_BASE)?;
    u8::try_from(offset).ok().filter(|b| *b >= 0x80)
}

/// Replaces the markers in a parsed record by their Windows-1252 characters; returns the stray
/// bytes found (none when the record holds no marker).
pub(crate) fn take_markers(record: &mut csv::StringRecord) -> Vec<StrayByte> {
    // A marker's UTF-8 form starts with 0xEF 0x9E or 0xEF 0x9F.
    let has_marker = |s: &str| {
        s.as_bytes()
            .windows(2)
            .any(|w| w[0] == 0xEF && matches!(w[1], 0x9E | 0x9F))
    };
    if !has_marker(record.as_slice()) {
        return Vec::new();
    }
    let mut strays = Vec::new();
    let mut fixed = csv::StringRecord::with_capacity(record.as_slice().len(), record.len());
    for (column, field) in record.iter().enumerate() {
        if !has_marker(field) {
            fixed.push_field(field);
            continue;
        }
        let mut text = String::with_capacity(field.len());
        for c in field.chars() {
            match marker_byte(c) {
                Some(byte) => {
                    let read_as = windows_1252(byte);
                    strays.push(StrayByte {
                        column,
                        byte,
                        read_as,
                    });
                    text.push(read_as);
                }
                None => text.push(c),
            }
        }
        fixed.push_field(&text);
    }
    fixed.set_position(record.position().cloned());
    *record = fixed;
    strays
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::{Evidence, Utf8Fallback, take_markers, weigh};

    #[test]
    fn evidence_across_the_sample() {
        assert_eq!(weigh(b"nama\nBudi\n", true), Evidence::Utf8);
        assert_eq!(weigh("Mojokertó\n".as_bytes(), true), Evidence::Utf8);
        assert_eq!(weigh(b"Mojokert\xF3\n", true), Evidence::Windows1252);
        // Mostly UTF-8 with one stray byte stays UTF-8.
        let mixed = "Mojokertó;Kranggan;Purwotengah é\n".to_owned();
        let mut bytes = mixed.into_bytes();
        bytes.extend_from_slice(b"Sur\xE9\n");
        assert_eq!(weigh(&bytes, true), Evidence::Utf8);
        // A character cut by the end of an incomplete sample is not evidence.
        assert_eq!(weigh(b"abc\xC3", false), Evidence::Utf8);
        assert_eq!(weigh(b"abc\xC3", true), Evidence::Windows1252);
    }

    #[test]
    fn stray_bytes_pass_as_markers_across_chunk_boundaries() {
        let mut input = vec![b'a'; super::CHUNK - 1];
        input.extend_from_slice("ó".as_bytes()); // cut by the first chunk's end
        input.extend_from_slice(b",x\xF3y,\xFF\n");
        let mut reader = Utf8Fallback::new(input.as_slice());
        let mut text = String::new();
        reader.read_to_string(&mut text).expect("valid UTF-8 out");
        assert_eq!(reader.strays, 2);
        let mut record = csv::StringRecord::from(text.trim_end().split(',').collect::<Vec<_>>());
        let strays = take_markers(&mut record);
        assert_eq!(record.get(1), Some("xóy"));
        assert_eq!(record.get(2), Some("ÿ"));
        assert!(record.get(0).is_some_and(|c| c.ends_with('ó')));
        let found: Vec<(usize, u8)> = strays.iter().map(|s| (s.column, s.byte)).collect();
        assert_eq!(found, [(1, 0xF3), (2, 0xFF)]);
    }
}
