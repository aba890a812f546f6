//! The data API engine's error: a parameter at fault (a 400 naming it, in Bahasa Indonesia and
//! English), or a failure that keeps its cause.

use std::borrow::Cow;

/// What can go wrong with a data query.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A query parameter is malformed or names something that does not exist.
    #[error("bad parameter {param}: {en}")]
    BadParameter {
        /// The parameter, as written in the query string.
        param: String,
        /// What is wrong with it, in Bahasa Indonesia.
        id: Cow<'static, str>,
        /// What is wrong with it, in English.
        en: Cow<'static, str>,
    },
    /// polars failed to plan or run the query.
    #[error("running the data query")]
    Polars(#[from] polars::prelude::PolarsError),
    /// A result could not be written as CSV or JSON.
    #[error("writing the query result")]
    Write(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The Parquet file could not be read.
    #[error("reading {}", path.display())]
    Read {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The plan broke an assumption of the engine (a bug).
    #[error("data query: {0}")]
    Unexpected(&'static str),
}

impl From<csv::Error> for Error {
    fn from(e: csv::Error) -> Self {
        Self::Write(Box::new(e))
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Self::Write(Box::new(e))
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Self::Write(Box::new(e))
    }
}

/// Result with the data query error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
