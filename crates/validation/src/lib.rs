//! Satu Data Indonesia rules as pure functions over tables.
//!
//! This crate knows nothing of databases, HTTP or object stores: it is fed bytes and returns
//! facts about them. [`TableProbe`] tells, while an upload streams in, whether it is a delimited
//! table and how big it is. [`validate`] reads a table (any encoding and delimiter OPDs use),
//! checks it against a Table Schema and the Satu Data conventions, and returns a [`Report`] of
//! findings per cell in Bahasa Indonesia and English.
//!
//! ```
//! use satudata_validation::TableProbe;
//!
//! let mut probe = TableProbe::new();
//! probe.feed(b"kode_wilayah;nama;jumlah\n35.76.01;Prajuritkulon;10\n");
//! probe.feed(b"35.76.02;Magersari;12\n");
//! let shape = probe.finish().unwrap();
//! assert_eq!(shape.delimiter, b';');
//! assert_eq!((shape.row_count, shape.column_count), (2, 3));
//! ```

pub mod checks;
mod clean;
mod engine;
mod probe;
mod read;
pub mod reference;
mod report;
pub mod schema;
mod score;
mod seen;
mod sheets;
mod sniff;

pub use clean::{Change, CleanLog, clean};
pub use engine::{Options, validate};
pub use probe::{Encoding, ProbeError, TableProbe, TableShape};
pub use read::ReadError;
pub use reference::{CodeClass, ReferenceError, Region, RegionLevel, RegionReference};
pub use report::{Finding, RegionCells, Report, Severity, TableInfo};
pub use schema::TableSchema;
pub use score::{Facts, Mqa, Principle, Score, TableFacts, UNTIDY, Verdict, score};

#[cfg(test)]
mod engine_tests;
