//! Satu Data Indonesia rules as pure functions over tables.
//!
//! This crate knows nothing of databases, HTTP or object stores: it is fed bytes and returns
//! facts about them. [`validate`] reads a table by its content, whatever its name (CSV in any
//! encoding and delimiter OPDs use, XLSX, old binary XLS, Excel 2003 XML, an HTML table saved as
//! `.xls`, or JSON records; a PDF or an image is refused with a message that says so), within
//! the [`Limits`] of [`Options`]; it finds the header (over several rows if need be), learns what
//! each column holds ([`ColumnRole`]: region codes of either code system, names, years, units,
//! measures), checks the table against a Table Schema and the Satu Data conventions, and returns
//! a [`Report`] of findings in Bahasa Indonesia and English (a rule that fires on most of a
//! column is one finding), with the metadata the table gives ([`ProposedMetadata`]); [`clean`]
//! rewrites it as a clean CSV with a change log (in the long layout on request,
//! [`CleanOptions`]); [`score`] judges the four Satu Data principles.
//!
//! ```
//! use satudata_validation::{Options, validate};
//!
//! let csv = "kode_kecamatan;nama_kecamatan;jumlah;satuan;tahun\n35.76.01;Prajuritkulon;1.234;Jiwa;2024\n";
//! let report = validate(csv.as_bytes(), &Options::default()).unwrap();
//! assert!(report.valid);
//! assert_eq!(report.table.delimiter.as_deref(), Some(";"));
//! assert_eq!(report.table.row_count, 1);
//! ```

mod cells;
pub mod checks;
mod clean;
mod decode;
mod engine;
mod limits;
mod names;
mod read;
pub mod reference;
mod report;
mod roles;
pub mod schema;
mod score;
mod seen;
mod sheets;
mod sniff;

pub use checks::snake_case;
pub use clean::{
    Change, CleanColumn, CleanLog, CleanOptions, clean, clean_columns, clean_columns_with,
    clean_table, clean_table_with, clean_with,
};
pub use engine::{Options, validate};
pub use limits::{LimitExceeded, Limits};
pub use read::{FileKind, ReadError, rows_window};
pub use reference::{CodeClass, ReferenceError, Region, RegionLevel, RegionReference};
pub use report::{
    Finding, ProposedMetadata, RegionCells, Report, Severity, Spatial, Suggestions, TableInfo,
    Temporal,
};
pub use roles::{CodeSystem, ColumnRole};
pub use schema::{FieldType, TableSchema};
pub use score::{Facts, Mqa, Principle, Score, TableFacts, UNTIDY, Verdict, score};

#[cfg(test)]
mod engine_tests;
