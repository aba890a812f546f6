//! Bounds on what one upload may cost. A file may lie about its size (a workbook declaring
//! 17 billion cells, a zip bomb, a merged range over the whole sheet, JSON records that each add
//! a key, a CSV line of 100,000 fields): every reader checks these limits before it allocates
//! and while it reads, and refuses the file with [`LimitExceeded`], which names the limit.

use serde::Serialize;

/// What one file may cost to read. Every field is meant to become a configuration key of the
/// service; the defaults suit a Pemda portal on a small machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Limits {
    /// Columns in a table (header or any row). A CSV line wider than this is refused.
    pub max_columns: usize,
    /// Cells of a workbook, HTML or JSON table, which are read whole into memory (CSV streams
    /// and has no cell limit). Counted over the bounding box of the filled cells, so a lone far
    /// cell (`XFD1048576`) counts as the whole rectangle it stretches.
    pub max_cells: u64,
    /// Bytes of a workbook, HTML or JSON file, which are read whole (CSV streams without limit).
    pub max_file_bytes: u64,
    /// Decompressed bytes of all the parts of an XLSX workbook together, as its zip directory
    /// declares them (the zip reader refuses a part that grows past its declared size).
    pub max_decompressed_bytes: u64,
    /// Ratio of decompressed to compressed size of a workbook part larger than
    /// [`Limits::RATIO_FLOOR`] bytes: ordinary sheets compress 5-30×, zip bombs 1000× and more.
    pub max_compression_ratio: u64,
    /// Distinct keys of a JSON file (its columns).
    pub max_json_keys: usize,
}

impl Limits {
    /// Parts smaller than this are never refused for their compression ratio.
    pub const RATIO_FLOOR: u64 = 1024 * 1024;
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_columns: 1000,
            max_cells: 10_000_000,
            max_file_bytes: 256 * 1024 * 1024,
            max_decompressed_bytes: 512 * 1024 * 1024,
            max_compression_ratio: 200,
            max_json_keys: 1000,
        }
    }
}

/// A file refused because reading it would cost more than a [`Limits`] field allows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "berkas melampaui batas {limit} ({found_id}, batas {allowed}); {advice_id} / the file \
     exceeds the {limit} limit ({found_en}, limit {allowed}); {advice_en}"
)]
pub struct LimitExceeded {
    /// The [`Limits`] field (and configuration key) that was exceeded.
    pub limit: &'static str,
    /// What was found, in Bahasa Indonesia.
    pub found_id: String,
    /// What was found, in English.
    pub found_en: String,
    /// The limit's value.
    pub allowed: u64,
    /// What to do, in Bahasa Indonesia.
    pub advice_id: &'static str,
    /// What to do, in English.
    pub advice_en: &'static str,
}

/// Advice for a table too large to read whole.
const SAVE_AS_CSV: (&str, &str) = (
    "simpan tabel sebagai CSV atau bagi menjadi beberapa berkas",
    "save the table as CSV or split it into several files",
);

impl LimitExceeded {
    /// Too many columns.
    pub(crate) fn columns(found: u64, allowed: usize) -> Self {
        Self {
            limit: "max_columns",
            found_id: format!("{found} kolom"),
            found_en: format!("{found} columns"),
            allowed: allowed as u64,
            advice_id: "periksa pemisah kolom, atau ubah tabel ke tata letak panjang (satu \
                        baris per pengamatan)",
            advice_en: "check the delimiter, or turn the table into the long layout (one row \
                        per observation)",
        }
    }

    /// Too many cells in a table read whole.
    pub(crate) fn cells(rows: u64, columns: u64, allowed: u64) -> Self {
        Self {
            limit: "max_cells",
            found_id: format!("{rows} baris × {columns} kolom"),
            found_en: format!("{rows} rows × {columns} columns"),
            allowed,
            advice_id: SAVE_AS_CSV.0,
            advice_en: SAVE_AS_CSV.1,
        }
    }

    /// A file read whole is too large.
    pub(crate) fn file_bytes(format: &str, allowed: u64) -> Self {
        Self {
            limit: "max_file_bytes",
            found_id: format!("berkas {format} lebih besar"),
            found_en: format!("a larger {format} file"),
            allowed,
            advice_id: SAVE_AS_CSV.0,
            advice_en: SAVE_AS_CSV.1,
        }
    }

    /// Workbook parts decompress to too much.
    pub(crate) fn decompressed(found: u64, allowed: u64) -> Self {
        Self {
            limit: "max_decompressed_bytes",
            found_id: format!("{found} bita setelah dekompresi"),
            found_en: format!("{found} bytes decompressed"),
            allowed,
            advice_id: SAVE_AS_CSV.0,
            advice_en: SAVE_AS_CSV.1,
        }
    }

    /// A workbook part compresses suspiciously well.
    pub(crate) fn ratio(part: &str, found: u64, allowed: u64) -> Self {
        Self {
            limit: "max_compression_ratio",
            found_id: format!("bagian {part} mengembang {found}×"),
            found_en: format!("part {part} expands {found}×"),
            allowed,
            advice_id: "berkas tampak seperti bom zip; simpan ulang dari Excel atau unggah CSV",
            advice_en: "the file looks like a zip bomb; save it again from Excel or upload CSV",
        }
    }

    /// Too many distinct JSON keys.
    pub(crate) fn json_keys(found: u64, allowed: usize) -> Self {
        Self {
            limit: "max_json_keys",
            found_id: format!("{found} kunci berbeda"),
            found_en: format!("{found} distinct keys"),
            allowed: allowed as u64,
            advice_id: "setiap rekaman sebaiknya memakai kunci yang sama (satu kunci per kolom)",
            advice_en: "every record should use the same keys (one key per column)",
        }
    }
}

/// Whether a table of `rows` × `columns` fits, as [`LimitExceeded`] otherwise.
pub(crate) fn check_area(rows: u64, columns: u64, limits: &Limits) -> Result<(), LimitExceeded> {
    if columns > limits.max_columns as u64 {
        return Err(LimitExceeded::columns(columns, limits.max_columns));
    }
    if rows.saturating_mul(columns) > limits.max_cells {
        return Err(LimitExceeded::cells(rows, columns, limits.max_cells));
    }
    Ok(())
}
