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

use crate::cell::Cell;
use crate::copy::{Line, WORD, same};
use crate::error::Result;
use markup::{
    MAIN_NS, REL_NS, XML_DECL, content_types, root_rels, styles, text_element, workbook,
    workbook_rels,
};

mod markup;

/// Distinct strings kept in the shared string table; later new strings are written inline.
const MAX_SHARED: usize = 1 << 20;
/// Bytes of text kept in the shared string table.
const MAX_SHARED_BYTES: usize = 64 << 20;
/// Deflate level of the worksheet. Measured with zlib-rs on the 476 MB worksheet of a million
/// rows of 14 columns (an earlier layout): level 2 took 1.0 s and gave 57 MB; level 1 took
/// 0.7 s but its static Huffman codes gave 83 MB; level 6 took 5.2 s for 46 MB.
const LEVEL: i64 = 2;
/// Bytes of rows gathered before they go to the zip writer: its layers (CRC-32, deflate's
/// window) cost per call, and a call per row showed in profiles.
const WRITE_AT: usize = 64 << 10;

/// A column's last shared text: its index, and its data cell as written
/// (`<c t="s"><v>7</v></c>`, at most 27 bytes), so the same text in the next row is one copy.
#[derive(Debug)]
struct LastShared {
    text: String,
    index: u32,
    cell: [u8; WORD],
    /// Bytes of `cell`; 0 until a data row wrote it.
    len: usize,
}

/// A workbook with one worksheet named `data`, written to `W` as rows arrive.
pub(crate) struct Xlsx<W: Write> {
    zip: ZipWriter<StreamWriter<W>>,
    /// Columns of the header: longer rows are cut there.
    width: usize,
    row: u32,
    /// Rows not yet handed to the zip writer.
    line: Line,
    /// An inline string's element, escaped.
    inline: Vec<u8>,
    /// The shared string table: each text once, with its index.
    shared: HashMap<Box<str>, u32, foldhash::fast::FixedState>,
    shared_bytes: usize,
    shared_uses: u64,
    /// Per column, the last text shared, its index and its cell as written.
    last_shared: Vec<Option<LastShared>>,
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
            zip.start_file(name, small)?;
            zip.write_all(body.as_bytes())?;
        }
        zip.start_file("xl/worksheets/sheet1.xml", options(large))?;
        let mut start = String::from(XML_DECL);
        start.push_str(&format!(
            "<worksheet xmlns=\"{MAIN_NS}\" xmlns:r=\"{REL_NS}\"><sheetViews><sheetView \
             workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" \
             state=\"frozen\"/></sheetView></sheetViews><sheetData>"
        ));
        zip.write_all(start.as_bytes())?;
        let mut book = Self {
            zip,
            width: header.len(),
            row: 0,
            line: Line::with_capacity(WRITE_AT + 4096),
            inline: Vec::new(),
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
        self.line.push(b"<row r=\"");
        self.line.push_int(i64::from(self.row));
        self.line.push(b"\">");
        for (i, cell) in cells.enumerate() {
            if i >= self.width {
                break;
            }
            // Cells carry no `r` reference: they follow each other column by column (ECMA-376
            // makes `r` optional; it would be a third of the worksheet's bytes). An empty cell
            // is written as `<c/>` to keep the next one in its column.
            match cell {
                Cell::Null => {
                    self.line.push(b"<c/>");
                    continue;
                }
                Cell::Int(n) => {
                    open_cell(&mut self.line, bold);
                    self.line.push(b"><v>");
                    self.line.push_int(n);
                }
                Cell::Decimal(text) => {
                    open_cell(&mut self.line, bold);
                    self.line.push(b"><v>");
                    self.line.push_text(text.as_bytes());
                }
                Cell::Float(n) => {
                    open_cell(&mut self.line, bold);
                    self.line.push(b"><v>");
                    write!(self.line, "{n}")?;
                }
                Cell::Bool(b) => {
                    open_cell(&mut self.line, bold);
                    self.line.push(if b {
                        b" t=\"b\"><v>1"
                    } else {
                        b" t=\"b\"><v>0"
                    });
                }
                Cell::Text(text) if !bold && self.repeat_cell(i, text) => continue,
                Cell::Text(text) => match self.share_in(i, text) {
                    Some(index) => {
                        let start = self.line.len();
                        open_cell(&mut self.line, bold);
                        self.line.push(b" t=\"s\"><v>");
                        self.line.push_int(i64::from(index));
                        self.line.push(b"</v></c>");
                        if !bold {
                            self.remember_cell(i, start);
                        }
                        continue;
                    }
                    None => {
                        open_cell(&mut self.line, bold);
                        self.line.push(b" t=\"inlineStr\"><is>");
                        self.inline.clear();
                        text_element(&mut self.inline, text);
                        self.line.push_text(&self.inline);
                        self.line.push(b"</is></c>");
                        continue;
                    }
                },
            }
            self.line.push(b"</v></c>");
        }
        self.line.push(b"</row>");
        if self.line.len() >= WRITE_AT {
            self.write_rows()?;
        }
        Ok(())
    }

    /// Hands the rows gathered in `line` to the zip writer.
    fn write_rows(&mut self) -> Result<()> {
        self.zip.write_all(self.line.as_bytes())?;
        self.line.clear();
        Ok(())
    }

    /// The shared string index of `text`, if it is (or can still be) in the table.
    /// [`share`](Self::share) for column `column`, remembering the column's last shared text:
    /// tables are usually grouped (a region, a year), so a cell often repeats the one above it.
    fn share_in(&mut self, column: usize, text: &str) -> Option<u32> {
        if let Some(Some(last)) = self.last_shared.get(column)
            && same(last.text.as_bytes(), text.as_bytes())
        {
            self.shared_uses += 1;
            return Some(last.index);
        }
        let index = self.share(text)?;
        if self.last_shared.len() <= column {
            self.last_shared.resize_with(column + 1, || None);
        }
        match &mut self.last_shared[column] {
            Some(last) => {
                last.text.clear();
                last.text.push_str(text);
                last.index = index;
                last.len = 0;
            }
            slot => {
                *slot = Some(LastShared {
                    text: text.to_owned(),
                    index,
                    cell: [0; WORD],
                    len: 0,
                });
            }
        }
        Some(index)
    }

    /// Appends the data cell of column `column` when it repeats the column's last shared text
    /// and that cell was written before; false otherwise.
    fn repeat_cell(&mut self, column: usize, text: &str) -> bool {
        let Some(Some(last)) = self.last_shared.get(column) else {
            return false;
        };
        if last.len == 0 || !same(last.text.as_bytes(), text.as_bytes()) {
            return false;
        }
        self.line.push_word(&last.cell, last.len);
        self.shared_uses += 1;
        true
    }

    /// Remembers the data cell just written from `start` in `line` as column `column`'s.
    fn remember_cell(&mut self, column: usize, start: usize) {
        let written = &self.line.as_bytes()[start..];
        if let Some(Some(last)) = self.last_shared.get_mut(column)
            && written.len() <= WORD
        {
            last.cell[..written.len()].copy_from_slice(written);
            last.len = written.len();
        }
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
        self.write_rows()?;
        self.zip.write_all(b"</sheetData></worksheet>")?;
        // At most MAX_SHARED_BYTES of text: never Zip64.
        self.zip
            .start_file("xl/sharedStrings.xml", options(false))?;
        let mut out = Vec::with_capacity(1 << 16);
        write!(
            out,
            "{XML_DECL}<sst xmlns=\"{MAIN_NS}\" count=\"{}\" uniqueCount=\"{}\">",
            self.shared_uses,
            self.shared.len()
        )?;
        let mut texts: Vec<(&str, u32)> =
            self.shared.iter().map(|(t, &i)| (t.as_ref(), i)).collect();
        texts.sort_unstable_by_key(|&(_, i)| i);
        for (text, _) in texts {
            out.extend_from_slice(b"<si>");
            text_element(&mut out, text);
            out.extend_from_slice(b"</si>");
            if out.len() > 1 << 16 {
                self.zip.write_all(&out)?;
                out.clear();
            }
        }
        out.extend_from_slice(b"</sst>");
        self.zip.write_all(&out)?;
        let mut out = self.zip.finish()?.into_inner();
        out.flush()?;
        Ok(out)
    }
}

/// A cell's start tag up to its attributes: bold (style 1) in the header.
#[inline]
fn open_cell(line: &mut Line, bold: bool) {
    line.push(b"<c");
    if bold {
        line.push(b" s=\"1\"");
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

#[cfg(test)]
mod tests;
