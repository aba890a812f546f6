//! Satu Data Indonesia rules as pure functions over tables.
//!
//! This crate knows nothing of databases, HTTP or object stores: it is fed bytes and returns
//! facts about them. The first piece is [`TableProbe`], a streaming reader that tells whether an
//! upload is a delimited table and how big it is, using constant memory whatever the file size.
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

mod probe;
mod sniff;

pub use probe::{Encoding, ProbeError, TableProbe, TableShape};
