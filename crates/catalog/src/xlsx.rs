//! The published XLSX workbook: one worksheet, streamed row by row into the zip container.
//!
//! rust_xlsxwriter took ~8 s for a million rows of 14 columns (its constant-memory mode writes
//! every cell to a temporary file, then zips it at deflate level 6, which it does not let us
//! change). This writer emits the few SpreadsheetML parts a workbook of plain values needs,
//! deflates the worksheet at level 2 while it is written, and puts repeated text in the shared
//! string table (bounded: past the bound, text is written inline). The zip is written as a
//! stream (sizes in data descriptors, as Apache POI writes them), so any writer will do: the
//! publish writes it around the page cache and hashes it on the way. Output is deterministic:
//! the same table gives the same bytes, so the content-addressed key does not change.

use std::collections::HashMap;
use std::io::Write;

use zip::write::{SimpleFileOptions, StreamWriter};
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::error::{Error, Result};
use crate::formats::Cell;

/// Distinct strings kept in the shared string table; later new strings are written inline.
const MAX_SHARED: usize = 1 << 20;
/// Bytes of text kept in the shared string table.
const MAX_SHARED_BYTES: usize = 64 << 20;
/// Deflate level of the worksheet. Measured with zlib-rs on the 476 MB worksheet of a million
/// rows of 14 columns (an earlier layout): level 2 took 1.0 s and gave 57 MB; level 1 took
/// 0.7 s but its static Huffman codes gave 83 MB; level 6 took 5.2 s for 46 MB.
const LEVEL: i64 = 2;

const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG_REL_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

/// A workbook with one worksheet named `data`, written to `W` as rows arrive.
pub(crate) struct Xlsx<W: Write> {
    zip: ZipWriter<StreamWriter<W>>,
    /// Columns of the header: longer rows are cut there.
    width: usize,
    row: u32,
    line: Vec<u8>,
    /// The shared string table: each text once, with its index.
    shared: HashMap<Box<str>, u32, foldhash::fast::FixedState>,
    shared_bytes: usize,
    shared_uses: u64,
    /// Per column, the last text shared and its index.
    last_shared: Vec<Option<(String, u32)>>,
    /// Bounds of the table ([`MAX_SHARED`], [`MAX_SHARED_BYTES`]).
    max_shared: (usize, usize),
}

impl<W: Write> std::fmt::Debug for Xlsx<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Xlsx")
            .field("row", &self.row)
            .field("shared", &self.shared.len())
            .finish_non_exhaustive()
    }
}

impl<W: Write> Xlsx<W> {
    /// Starts the workbook in `out` with a bold header row of `header`. `large` selects Zip64
    /// for a worksheet that may pass 4 GiB uncompressed.
    pub(crate) fn create(out: W, header: &[String], large: bool) -> Result<Self> {
        let mut zip = ZipWriter::new_stream(out);
        let small = options(false);
        for (name, body) in [
            ("[Content_Types].xml", content_types()),
            ("_rels/.rels", root_rels()),
            ("xl/workbook.xml", workbook()),
            ("xl/_rels/workbook.xml.rels", workbook_rels()),
            ("xl/styles.xml", styles()),
        ] {
            zip.start_file(name, small).map_err(failed)?;
            zip.write_all(body.as_bytes()).map_err(failed)?;
        }
        zip.start_file("xl/worksheets/sheet1.xml", options(large))
            .map_err(failed)?;
        let mut start = String::from(XML_DECL);
        start.push_str(&format!(
            "<worksheet xmlns=\"{MAIN_NS}\" xmlns:r=\"{REL_NS}\"><sheetViews><sheetView \
             workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" \
             state=\"frozen\"/></sheetView></sheetViews><sheetData>"
        ));
        zip.write_all(start.as_bytes()).map_err(failed)?;
        let mut book = Self {
            zip,
            width: header.len(),
            row: 0,
            line: Vec::with_capacity(4096),
            shared: HashMap::default(),
            shared_bytes: 0,
            shared_uses: 0,
            last_shared: Vec::new(),
            max_shared: (MAX_SHARED, MAX_SHARED_BYTES),
        };
        book.row(header.iter().map(|h| Cell::Text(h)), true)?;
        Ok(book)
    }

    /// Lowers the shared string table's bounds (tests reach the inline fallback with them).
    #[cfg(test)]
    fn with_shared_bounds(mut self, count: usize, bytes: usize) -> Self {
        self.max_shared = (count, bytes);
        self
    }

    /// Appends a data row.
    pub(crate) fn write_row<'a>(&mut self, cells: impl Iterator<Item = Cell<'a>>) -> Result<()> {
        self.row(cells, false)
    }

    fn row<'a>(&mut self, cells: impl Iterator<Item = Cell<'a>>, bold: bool) -> Result<()> {
        self.row += 1;
        let mut digits = itoa::Buffer::new();
        let row = digits.format(self.row);
        let mut line = std::mem::take(&mut self.line);
        line.clear();
        line.extend_from_slice(b"<row r=\"");
        line.extend_from_slice(row.as_bytes());
        line.extend_from_slice(b"\">");
        let mut number = itoa::Buffer::new();
        for (i, cell) in cells.enumerate() {
            if i >= self.width {
                break;
            }
            let shared = match cell {
                Cell::Text(text) => self.share_in(i, text),
                _ => None,
            };
            // Cells carry no `r` reference: they follow each other column by column (ECMA-376
            // makes `r` optional; it would be a third of the worksheet's bytes). An empty cell
            // is written as `<c/>` to keep the next one in its column.
            let open = |line: &mut Vec<u8>, kind: &[u8]| {
                line.extend_from_slice(if bold { b"<c s=\"1\"" } else { b"<c" });
                line.extend_from_slice(kind);
            };
            match cell {
                Cell::Null => {
                    line.extend_from_slice(b"<c/>");
                    continue;
                }
                Cell::Int(n) => {
                    open(&mut line, b"><v>");
                    line.extend_from_slice(number.format(n).as_bytes());
                }
                Cell::Decimal(text) => {
                    open(&mut line, b"><v>");
                    line.extend_from_slice(text.as_bytes());
                }
                Cell::Float(n) => {
                    open(&mut line, b"><v>");
                    write!(line, "{n}").map_err(failed)?;
                }
                Cell::Bool(b) => {
                    open(&mut line, b" t=\"b\"><v>");
                    line.push(if b { b'1' } else { b'0' });
                }
                Cell::Text(text) => match shared {
                    Some(index) => {
                        open(&mut line, b" t=\"s\"><v>");
                        line.extend_from_slice(number.format(index).as_bytes());
                    }
                    None => {
                        open(&mut line, b" t=\"inlineStr\"><is>");
                        text_element(&mut line, text);
                        line.extend_from_slice(b"</is></c>");
                        continue;
                    }
                },
            }
            line.extend_from_slice(b"</v></c>");
        }
        line.extend_from_slice(b"</row>");
        let written = self.zip.write_all(&line).map_err(failed);
        self.line = line;
        written
    }

    /// The shared string index of `text`, if it is (or can still be) in the table.
    /// [`share`](Self::share) for column `column`, remembering the column's last shared text:
    /// tables are usually grouped (a region, a year), so a cell often repeats the one above it.
    fn share_in(&mut self, column: usize, text: &str) -> Option<u32> {
        if let Some(Some((last, index))) = self.last_shared.get(column)
            && last == text
        {
            self.shared_uses += 1;
            return Some(*index);
        }
        let index = self.share(text)?;
        if self.last_shared.len() <= column {
            self.last_shared.resize_with(column + 1, || None);
        }
        match &mut self.last_shared[column] {
            Some((last, at)) => {
                last.clear();
                last.push_str(text);
                *at = index;
            }
            slot => *slot = Some((text.to_owned(), index)),
        }
        Some(index)
    }

    fn share(&mut self, text: &str) -> Option<u32> {
        if let Some(&index) = self.shared.get(text) {
            self.shared_uses += 1;
            return Some(index);
        }
        let (max_count, max_bytes) = self.max_shared;
        if self.shared.len() >= max_count || self.shared_bytes + text.len() > max_bytes {
            return None;
        }
        let index = u32::try_from(self.shared.len()).ok()?;
        self.shared.insert(text.into(), index);
        self.shared_bytes += text.len();
        self.shared_uses += 1;
        Some(index)
    }

    /// Closes the worksheet, writes the shared string table and the zip directory; returns
    /// the writer.
    pub(crate) fn finish(mut self) -> Result<W> {
        self.zip
            .write_all(b"</sheetData></worksheet>")
            .map_err(failed)?;
        // At most MAX_SHARED_BYTES of text: never Zip64.
        self.zip
            .start_file("xl/sharedStrings.xml", options(false))
            .map_err(failed)?;
        let mut out = Vec::with_capacity(1 << 16);
        write!(
            out,
            "{XML_DECL}<sst xmlns=\"{MAIN_NS}\" count=\"{}\" uniqueCount=\"{}\">",
            self.shared_uses,
            self.shared.len()
        )
        .map_err(failed)?;
        let mut texts: Vec<(&str, u32)> =
            self.shared.iter().map(|(t, &i)| (t.as_ref(), i)).collect();
        texts.sort_unstable_by_key(|&(_, i)| i);
        for (text, _) in texts {
            out.extend_from_slice(b"<si>");
            text_element(&mut out, text);
            out.extend_from_slice(b"</si>");
            if out.len() > 1 << 16 {
                self.zip.write_all(&out).map_err(failed)?;
                out.clear();
            }
        }
        out.extend_from_slice(b"</sst>");
        self.zip.write_all(&out).map_err(failed)?;
        let mut out = self.zip.finish().map_err(failed)?.into_inner();
        out.flush().map_err(failed)?;
        Ok(out)
    }
}

/// Fixed timestamps (1980-01-01) and deflate at [`LEVEL`]: the same table gives the same bytes.
fn options(large: bool) -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(LEVEL))
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644)
        .large_file(large)
}

/// `<t>text</t>`, escaped for XML; leading or trailing spaces are kept with `xml:space`.
/// Characters XML 1.0 cannot hold or would change (C0 controls other than tab and LF, CR, which
/// parsers turn into LF, U+FFFE and U+FFFF) are written in the `_xHHHH_` form Excel reads, and
/// a literal `_xHHHH_` in the text has its underscore escaped the same way, as Excel does.
fn text_element(out: &mut Vec<u8>, text: &str) {
    let spaced = text.starts_with(char::is_whitespace) || text.ends_with(char::is_whitespace);
    out.extend_from_slice(if spaced {
        b"<t xml:space=\"preserve\">"
    } else {
        b"<t>"
    });
    // 0xEF starts U+FFFE and U+FFFF (and other characters, which the slow path keeps).
    let special = |b: u8| matches!(b, b'&' | b'<' | b'>' | b'_' | 0..=0x08 | 0x0b..=0x1f | 0xef);
    if !text.bytes().any(special) {
        out.extend_from_slice(text.as_bytes());
    } else {
        let mut buf = [0u8; 4];
        for (i, c) in text.char_indices() {
            match c {
                '&' => out.extend_from_slice(b"&amp;"),
                '<' => out.extend_from_slice(b"&lt;"),
                '>' => out.extend_from_slice(b"&gt;"),
                '_' if looks_escaped(&text[i..]) => out.extend_from_slice(b"_x005F_"),
                '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => {
                    let _ = write!(out, "_x{:04X}_", u32::from(c));
                }
                _ => out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes()),
            }
        }
    }
    out.extend_from_slice(b"</t>");
}

/// Whether `text` starts with `_xHHHH_`, which a reader would take for an escape.
fn looks_escaped(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 7 && b[1] == b'x' && b[2..6].iter().all(u8::is_ascii_hexdigit) && b[6] == b'_'
}

fn content_types() -> String {
    let ct = "application/vnd.openxmlformats-officedocument.spreadsheetml";
    format!(
        "{XML_DECL}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
         <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
         <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
         <Override PartName=\"/xl/workbook.xml\" ContentType=\"{ct}.sheet.main+xml\"/>\
         <Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"{ct}.worksheet+xml\"/>\
         <Override PartName=\"/xl/styles.xml\" ContentType=\"{ct}.styles+xml\"/>\
         <Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"{ct}.sharedStrings+xml\"/>\
         </Types>"
    )
}

fn root_rels() -> String {
    format!(
        "{XML_DECL}<Relationships xmlns=\"{PKG_REL_NS}\"><Relationship Id=\"rId1\" \
         Type=\"{REL_NS}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"
    )
}

fn workbook() -> String {
    format!(
        "{XML_DECL}<workbook xmlns=\"{MAIN_NS}\" xmlns:r=\"{REL_NS}\"><bookViews><workbookView/>\
         </bookViews><sheets><sheet name=\"data\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
    )
}

fn workbook_rels() -> String {
    format!(
        "{XML_DECL}<Relationships xmlns=\"{PKG_REL_NS}\">\
         <Relationship Id=\"rId1\" Type=\"{REL_NS}/worksheet\" Target=\"worksheets/sheet1.xml\"/>\
         <Relationship Id=\"rId2\" Type=\"{REL_NS}/styles\" Target=\"styles.xml\"/>\
         <Relationship Id=\"rId3\" Type=\"{REL_NS}/sharedStrings\" Target=\"sharedStrings.xml\"/>\
         </Relationships>"
    )
}

/// Calibri 11 and its bold variant (style 1, the header row).
fn styles() -> String {
    format!(
        "{XML_DECL}<styleSheet xmlns=\"{MAIN_NS}\">\
         <fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>\
         <font><b/><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font></fonts>\
         <fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill>\
         <fill><patternFill patternType=\"gray125\"/></fill></fills>\
         <borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
         <cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>\
         <cellXfs count=\"2\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>\
         <xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/></cellXfs>\
         <cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>\
         </styleSheet>"
    )
}

fn failed(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("writing the XLSX workbook: {e}"))
}

#[cfg(test)]
mod tests {
    use super::{Xlsx, text_element};
    use crate::formats::Cell;
    use calamine::{Data, Reader, Xlsx as Read, open_workbook};

    fn file(path: &std::path::Path) -> std::io::BufWriter<std::fs::File> {
        std::io::BufWriter::new(std::fs::File::create(path).expect("create"))
    }

    #[test]
    fn text_is_escaped_for_xml_and_excel() {
        let mut out = Vec::new();
        text_element(&mut out, " a<b & c>_x1_x00e9_\u{1}\r\n\u{fffe}é_ ");
        assert_eq!(
            String::from_utf8(out).expect("utf-8"),
            "<t xml:space=\"preserve\"> a&lt;b &amp; c&gt;_x1_x005F_x00e9__x0001__x000D_\n_xFFFE_é_ </t>"
        );
    }

    #[test]
    fn a_workbook_reads_back_with_every_value_and_type() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.xlsx");
        let header = ["kode", "nama", "jumlah", "rasio", "aktif"].map(String::from);
        let mut book = Xlsx::create(file(&path), &header, false).expect("create");
        book.write_row(
            [
                Cell::Text("35.76"),
                Cell::Text("Kab. Mojokertó"),
                Cell::Int(1_234_567),
                Cell::Decimal("12.50"),
                Cell::Bool(true),
            ]
            .into_iter(),
        )
        .expect("row");
        book.write_row(
            [
                Cell::Text("35.76"),
                Cell::Null,
                Cell::Int(-3),
                Cell::Float(1e-1),
                Cell::Bool(false),
            ]
            .into_iter(),
        )
        .expect("row");
        book.finish().expect("finish");
        let again = Xlsx::create(file(&dir.path().join("u.xlsx")), &header, false).expect("create");
        again.finish().expect("finish");

        let mut read: Read<_> = open_workbook(&path).expect("open");
        assert_eq!(read.sheet_names(), ["data"]);
        let range = read.worksheet_range("data").expect("sheet");
        let rows: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0][1], Data::String("nama".into()));
        assert_eq!(rows[1][0], Data::String("35.76".into()));
        assert_eq!(rows[1][1], Data::String("Kab. Mojokertó".into()));
        assert_eq!(rows[1][2], Data::Float(1_234_567.0));
        assert_eq!(rows[1][3], Data::Float(12.5));
        assert_eq!(rows[1][4], Data::Bool(true));
        assert_eq!(rows[2][0], Data::String("35.76".into()));
        assert_eq!(rows[2][1], Data::Empty);
        assert_eq!(rows[2][2], Data::Float(-3.0));
        assert_eq!(rows[2][3], Data::Float(0.1));
        assert_eq!(rows[2][4], Data::Bool(false));
    }

    #[test]
    fn repeated_and_alternating_text_reads_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("memo.xlsx");
        let header = ["a", "b"].map(String::from);
        let rows = [
            ["Kauman", "Kauman"],
            ["Kauman", "Mentikan"],
            ["Mentikan", "Mentikan"],
            ["Kauman", "Kauman"],
            ["Mentikan", "a"],
            ["Mentikan", "Kauman"],
        ];
        let mut book = Xlsx::create(file(&path), &header, false).expect("create");
        for row in rows {
            book.write_row(row.into_iter().map(Cell::Text))
                .expect("row");
        }
        book.finish().expect("finish");
        let mut read: Read<_> = open_workbook(&path).expect("open");
        let range = read.worksheet_range("data").expect("sheet");
        let got: Vec<Vec<Data>> = range.rows().skip(1).map(<[Data]>::to_vec).collect();
        let want: Vec<Vec<Data>> = rows
            .iter()
            .map(|r| r.iter().map(|t| Data::String((*t).into())).collect())
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn text_past_the_shared_table_bounds_is_written_inline() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("inline.xlsx");
        let header = ["kode", "nama"].map(String::from);
        // The header fills the table; every later string goes inline.
        let mut book = Xlsx::create(file(&path), &header, false)
            .expect("create")
            .with_shared_bounds(2, 1 << 20);
        for name in ["Mentikan", "Kauman", "Mentikan", "nama"] {
            book.write_row([Cell::Text("35.76"), Cell::Text(name)].into_iter())
                .expect("row");
        }
        book.finish().expect("finish");
        let mut read: Read<_> = open_workbook(&path).expect("open");
        let range = read.worksheet_range("data").expect("sheet");
        let names: Vec<Data> = range.rows().map(|r| r[1].clone()).collect();
        assert_eq!(
            names,
            ["nama", "Mentikan", "Kauman", "Mentikan", "nama"].map(|n| Data::String(n.into()))
        );
        let sheet = {
            use std::io::Read as _;
            let mut zip =
                zip::ZipArchive::new(std::fs::File::open(&path).expect("open")).expect("zip");
            let mut xml = String::new();
            zip.by_name("xl/worksheets/sheet1.xml")
                .expect("sheet")
                .read_to_string(&mut xml)
                .expect("read");
            xml
        };
        // Every data cell but "nama", which the header put in the table.
        assert_eq!(sheet.matches("t=\"inlineStr\"").count(), 7);
    }

    #[test]
    fn a_zip64_workbook_reads_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("large.xlsx");
        let mut book = Xlsx::create(file(&path), &["nama".to_owned()], true).expect("create");
        book.write_row([Cell::Text("Kranggan")].into_iter())
            .expect("row");
        book.finish().expect("finish");
        let mut read: Read<_> = open_workbook(&path).expect("open");
        let range = read.worksheet_range("data").expect("sheet");
        assert_eq!(range.get((1, 0)), Some(&Data::String("Kranggan".into())));
    }

    #[test]
    fn the_same_table_gives_the_same_bytes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let write = |name: &str| {
            let path = dir.path().join(name);
            let mut book = Xlsx::create(file(&path), &["a".to_owned()], false).expect("create");
            book.write_row([Cell::Text("x")].into_iter()).expect("row");
            book.finish().expect("finish");
            std::fs::read(path).expect("read")
        };
        assert_eq!(write("1.xlsx"), write("2.xlsx"));
    }
}
