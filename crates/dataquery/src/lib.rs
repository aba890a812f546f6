//! The data API engine: filters, sorts, pages (offset or keyset), aggregations and exports over
//! one published Parquet file, run by polars (predicate and projection pushdown, streaming
//! engine; the table is never loaded whole). The data API and CKAN's `datastore_search` both
//! call it.
//!
//! - `params.rs` parses the query string into a [`DataQuery`] (errors name the parameter);
//! - `plan.rs` turns it into a polars lazy plan (row number as the last sort key, for keyset
//!   cursors);
//! - `convert.rs` turns frames into JSON values and streams exports (CSV, JSON, Parquet).
//!
//! Must not depend on the database, the object store or HTTP: it reads a local Parquet file.
//! Caching pages and totals is the caller's business (the catalog keeps them per file).

mod convert;
mod error;
mod filter;
mod limits;
mod params;
mod plan;

use bytes::Bytes;
use serde_json::Value;

pub use error::{Error, Result};
pub use limits::Limits;
pub use params::{DEFAULT_LIMIT, MAX_LIMIT};

/// Comparison operators of `filter[col][op]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `>`
    Gt,
    /// `>=`
    Gte,
    /// `<`
    Lt,
    /// `<=`
    Lte,
    /// One of a comma-separated list.
    In,
    /// Contains the text, ignoring case (any column, compared as text).
    Contains,
}

/// One filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// The parameter as written (for errors).
    pub param: String,
    /// Column.
    pub column: String,
    /// Operator.
    pub op: Op,
    /// The value as written; parsed by the column's type.
    pub value: String,
}

/// A boolean combination of filters and text search (CKAN's `$or` / `$and` and `q`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Where {
    /// One filter.
    Filter(Filter),
    /// Every part holds.
    All(Vec<Where>),
    /// Some part holds.
    Any(Vec<Where>),
    /// The column equals one of the values (one set-membership test, however long the list).
    OneOf {
        /// The parameter as written (for errors).
        param: String,
        /// Column.
        column: String,
        /// The values as written; parsed by the column's type.
        values: Vec<String>,
    },
    /// Every word occurs, ignoring case, in one of the columns (every text column when empty).
    Text {
        /// The parameter as written (for errors).
        param: String,
        /// Columns to search.
        columns: Vec<String>,
        /// The words.
        text: String,
    },
}

/// Aggregations of `agg=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agg {
    /// Sum.
    Sum,
    /// Rows (or non-empty cells of a column).
    Count,
    /// Mean.
    Mean,
    /// Minimum.
    Min,
    /// Maximum.
    Max,
}

/// Response formats.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Output {
    /// Records (default).
    #[default]
    Json,
    /// CSV.
    Csv,
    /// Parquet (exports only).
    Parquet,
}

/// A query over a published version.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DataQuery {
    /// Columns to return; all when empty.
    pub select: Vec<String>,
    /// Filters, all of which must hold.
    pub filters: Vec<Filter>,
    /// A further condition that must hold.
    pub condition: Option<Where>,
    /// Sort keys, `true` = descending.
    pub sort: Vec<(String, bool)>,
    /// Page size; `None` exports every matching row.
    pub limit: Option<usize>,
    /// Rows to skip.
    pub offset: usize,
    /// Keyset cursor from a previous page's `next`.
    pub after: Option<String>,
    /// Group columns.
    pub group_by: Vec<String>,
    /// Aggregations (with their column, optional for `count`).
    pub aggs: Vec<(Agg, Option<String>)>,
    /// Response format.
    pub output: Output,
    /// A version number; the current published version when `None`.
    pub version: Option<i32>,
}

/// One page of results.
#[derive(Debug, Clone)]
pub struct DataPage {
    /// The version queried.
    pub version: i32,
    /// Column names, in order.
    pub columns: Vec<String>,
    /// Their types: `int`, `numeric`, `text`, `bool` or `date` (CKAN's datastore names).
    pub types: Vec<&'static str>,
    /// 1-based row numbers in the version's table (empty for aggregations).
    pub ids: Vec<u64>,
    /// Rows, as JSON values in column order.
    pub rows: Vec<Vec<Value>>,
    /// Matching rows (or groups) in all pages; exact, cached per version and query.
    pub total: u64,
    /// Cursor for the next page (keyset paging), when there may be one.
    pub next: Option<String>,
}

/// An export: bytes arrive as polars produces batches.
#[derive(Debug)]
pub struct Export {
    /// The version exported.
    pub version: i32,
    /// The bytes.
    pub body: ExportBody,
}

/// The bytes of an export, as polars produces them.
pub type ExportBody = tokio::sync::mpsc::Receiver<std::result::Result<Bytes, std::io::Error>>;

/// One page of `query` over the Parquet file at `path`: its rows and the number of all
/// matching rows (`known_total` when the caller has it, else counted). Blocking: run it on a
/// blocking thread.
pub fn page(
    path: &std::path::Path,
    query: &DataQuery,
    known_total: Option<u64>,
) -> Result<(DataPage, u64)> {
    plan::page(path, query, known_total)
}

/// What identifies a query's total: its filters and grouping, not its paging or sorting.
pub fn total_key(query: &DataQuery) -> String {
    plan::total_key(query)
}

/// Every row matching `query` over the Parquet file at `path`, streamed in the query's format.
/// Plan errors (unknown columns, bad values) are found before anything is streamed; the bytes
/// then arrive on the returned channel as polars produces batches. Call it inside the runtime.
/// `guard` is held until the export has been written (a slot of the caller's, say).
pub async fn export(
    path: std::path::PathBuf,
    query: DataQuery,
    guard: impl Send + 'static,
) -> Result<ExportBody> {
    let prepared = tokio::task::spawn_blocking(move || plan::prepare_export(&path, &query))
        .await
        .map_err(|_| Error::Unexpected("planning an export panicked"))??;
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    tokio::task::spawn_blocking(move || {
        convert::run_export(prepared, tx);
        drop(guard);
    });
    Ok(rx)
}
