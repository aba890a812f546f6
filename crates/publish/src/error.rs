//! The publish crate's error: each failure keeps its cause, so the log shows the whole chain.

/// What can go wrong while cleaning a table or writing the published files.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading the clean table or writing a file failed.
    #[error("reading or writing published files")]
    Io(#[from] std::io::Error),
    /// polars could not build or write the Parquet file.
    #[error("writing the Parquet file")]
    Parquet(#[from] polars::prelude::PolarsError),
    /// The zip container of the workbook could not be written.
    #[error("writing the XLSX workbook")]
    Zip(#[from] zip::result::ZipError),
    /// A JSON value could not be written.
    #[error("writing the JSON file")]
    Json(#[from] serde_json::Error),
    /// The source table could not be read while cleaning it.
    #[error("cleaning the table")]
    Clean(#[from] satudata_validation::ReadError),
    /// The clean table is not what its recorded columns say (a bug or a damaged blob).
    #[error("the clean table does not match its columns: {0}")]
    Mismatch(String),
    /// A writer thread panicked.
    #[error("a writer of published files panicked")]
    Panicked,
}

/// Result with the publish error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
