//! What the first bytes of a file say: its kind (a workbook, an HTML page, a PDF ...) whatever
//! its name, and for delimited text, the delimiter.

use csv_core::{ReadFieldResult, Reader, ReaderBuilder};

/// What a file that is not a table is, by its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FileKind {
    /// A PDF document.
    #[error(
        "berkas ini PDF, bukan tabel yang terbaca mesin; unggah data aslinya sebagai CSV, XLSX \
         atau JSON / this file is a PDF, not a machine-readable table; upload the underlying \
         data as CSV, XLSX or JSON"
    )]
    Pdf,
    /// A picture (PNG, JPEG, GIF, TIFF, BMP, WebP).
    #[error(
        "berkas ini gambar, bukan tabel; unggah datanya sebagai CSV, XLSX atau JSON / this file \
         is an image, not a table; upload the data as CSV, XLSX or JSON"
    )]
    Image,
    /// An HTML page without a table holding data.
    #[error(
        "berkas ini halaman HTML tanpa tabel data; unduh ulang tabelnya sebagai CSV atau XLSX / \
         this file is an HTML page without a data table; download the table again as CSV or XLSX"
    )]
    HtmlWithoutTable,
    /// An XML document that is not an Excel 2003 workbook.
    #[error(
        "berkas ini XML, bukan buku kerja Excel; unggah CSV, XLSX atau JSON / this file is XML, \
         not an Excel workbook; upload CSV, XLSX or JSON"
    )]
    Xml,
    /// A Word document (DOCX).
    #[error(
        "berkas ini dokumen Word, bukan tabel; salin tabelnya ke Excel dan simpan sebagai XLSX \
         atau CSV / this file is a Word document, not a table; copy the table into Excel and \
         save it as XLSX or CSV"
    )]
    Word,
    /// A PowerPoint presentation.
    #[error(
        "berkas ini presentasi PowerPoint, bukan tabel / this file is a PowerPoint \
         presentation, not a table"
    )]
    Presentation,
    /// An OpenDocument file (ODS, ODT).
    #[error(
        "berkas ini OpenDocument (ODS/ODT); simpan sebagai XLSX atau CSV / this file is an \
         OpenDocument file (ODS/ODT); save it as XLSX or CSV"
    )]
    OpenDocument,
    /// A compound-file Office document that is not an Excel workbook (a `.doc`, `.ppt`).
    #[error(
        "berkas ini dokumen Office lama yang bukan buku kerja Excel / this file is an old \
         Office document that is not an Excel workbook"
    )]
    OtherOffice,
    /// A zip, gzip, 7-Zip or RAR archive.
    #[error(
        "berkas ini arsip terkompresi; ekstrak dan unggah tabelnya / this file is a compressed \
         archive; extract it and upload the table"
    )]
    Archive,
}

/// What the first bytes of a file say it is.
pub(crate) enum Sniffed {
    Zip,
    Compound,
    Json,
    Html,
    Xml2003,
    Text,
    Not(FileKind),
}

pub(crate) fn sniff(sample: &[u8]) -> Sniffed {
    const IMAGES: [&[u8]; 7] = [
        b"\x89PNG",
        b"\xFF\xD8\xFF",
        b"GIF87a",
        b"GIF89a",
        b"II*\x00",
        b"MM\x00*",
        b"BM",
    ];
    let body = sample
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(sample);
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    let head = &body[start..];
    if sample.starts_with(b"PK\x03\x04") || sample.starts_with(b"PK\x05\x06") {
        return Sniffed::Zip;
    }
    if sample.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Sniffed::Compound;
    }
    if head.starts_with(b"%PDF") {
        return Sniffed::Not(FileKind::Pdf);
    }
    let webp = sample.starts_with(b"RIFF") && sample.get(8..12) == Some(b"WEBP");
    // BMP needs its header size too ("BM" alone starts ordinary text).
    let bmp = sample.starts_with(b"BM") && sample.get(14..18).is_some_and(|h| h[1..] == [0, 0, 0]);
    if webp
        || bmp
        || IMAGES
            .iter()
            .filter(|m| **m != b"BM")
            .any(|m| sample.starts_with(m))
    {
        return Sniffed::Not(FileKind::Image);
    }
    if sample.starts_with(b"\x1F\x8B")
        || sample.starts_with(b"7z\xBC\xAF\x27\x1C")
        || sample.starts_with(b"Rar!")
    {
        return Sniffed::Not(FileKind::Archive);
    }
    if matches!(head.first(), Some(b'[' | b'{')) {
        return Sniffed::Json;
    }
    if head.first() == Some(&b'<') {
        let lower: Vec<u8> = head.iter().take(4096).map(u8::to_ascii_lowercase).collect();
        let has = |needle: &[u8]| lower.windows(needle.len()).any(|w| w == needle);
        if has(b"urn:schemas-microsoft-com:office:spreadsheet") {
            return Sniffed::Xml2003;
        }
        if has(b"<html") || has(b"<!doctype html") || has(b"<table") || has(b"<body") {
            return Sniffed::Html;
        }
        if lower.starts_with(b"<?xml") {
            return Sniffed::Not(FileKind::Xml);
        }
    }
    Sniffed::Text
}

/// Delimiters seen in files that OPDs export, in order of preference on a tie.
pub(crate) const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];

/// How many records of the sample are compared.
const SAMPLE_RECORDS: usize = 50;

/// Picks the delimiter under which the sample's records most consistently have the same number
/// (greater than one) of fields. `complete` says whether the sample is the whole file; if not, the
/// last, possibly cut, record is ignored. Falls back to a comma (a one-column table).
pub(crate) fn sniff_delimiter(sample: &[u8], complete: bool) -> u8 {
    let mut best = (CANDIDATES[0], 0usize);
    for &delimiter in &CANDIDATES {
        let mut counts = field_counts(sample, delimiter);
        if !complete && counts.len() > 1 {
            counts.pop();
        }
        let score = consistency(&counts);
        if score > best.1 {
            best = (delimiter, score);
        }
    }
    best.0
}

/// Number of records sharing the most common field count, when that count is above one.
fn consistency(counts: &[usize]) -> usize {
    let mut best = 0;
    for &candidate in counts {
        if candidate < 2 {
            continue;
        }
        let same = counts.iter().filter(|&&c| c == candidate).count();
        // Weigh wider tables slightly higher so that `a,b;c` prefers the split that agrees more often.
        best = best.max(same * 1000 + candidate);
    }
    best
}

fn field_counts(sample: &[u8], delimiter: u8) -> Vec<usize> {
    let mut reader: Reader = ReaderBuilder::new().delimiter(delimiter).build();
    let mut out = [0u8; 4096];
    let mut input = sample;
    let mut counts = Vec::new();
    let mut fields = 0usize;
    loop {
        let (result, read, _) = reader.read_field(input, &mut out);
        input = &input[read..];
        match result {
            ReadFieldResult::InputEmpty => {
                if input.is_empty() {
                    // Signal the end of the sample so that a last record without newline ends.
                    let (end, _, _) = reader.read_field(&[], &mut out);
                    if let ReadFieldResult::Field { .. } = end {
                        counts.push(fields + 1);
                    }
                    break;
                }
            }
            ReadFieldResult::OutputFull => {}
            ReadFieldResult::Field { record_end } => {
                fields += 1;
                if record_end {
                    counts.push(fields);
                    fields = 0;
                    if counts.len() >= SAMPLE_RECORDS {
                        break;
                    }
                }
            }
            ReadFieldResult::End => break,
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::sniff_delimiter;

    #[test]
    fn picks_the_consistent_delimiter() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1,2,3\n", true), b',');
        assert_eq!(sniff_delimiter(b"a;b;c\n1,5;2;3\n", true), b';');
        assert_eq!(sniff_delimiter(b"a\tb\n1\t2\n", true), b'\t');
        assert_eq!(sniff_delimiter(b"a|b\n1|2\n", true), b'|');
    }

    #[test]
    fn quoted_delimiters_do_not_count() {
        let sample = b"nama;keterangan\n\"Kab. Mojokerto, Jatim\";ok\n\"A, B, C\";ya\n";
        assert_eq!(sniff_delimiter(sample, true), b';');
    }

    #[test]
    fn a_single_column_falls_back_to_comma() {
        assert_eq!(sniff_delimiter(b"nama\nBudi\n", true), b',');
    }

    #[test]
    fn an_incomplete_sample_ignores_its_cut_last_record() {
        assert_eq!(sniff_delimiter(b"a;b\n1;2\n3;", false), b';');
    }
}
