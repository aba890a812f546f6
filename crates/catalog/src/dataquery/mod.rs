//! The data API engine: filters, sorts, pages (offset or keyset), aggregations and exports over
//! a published version, run by polars on the version's Parquet file (predicate and projection
//! pushdown; the table is never loaded whole). The CKAN-compatible `datastore_search` will call
//! the same engine.

mod convert;
mod params;
mod plan;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use bytes::Bytes;
use serde_json::Value;

use crate::entity::distribution;
use crate::error::{Error, Result};
use crate::{Actor, Catalog};

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
    pub body: tokio::sync::mpsc::Receiver<std::result::Result<Bytes, std::io::Error>>,
}

/// A small in-memory cache keyed by Parquet file and query. Published versions never change, so
/// nothing cached is ever stale; when full it is emptied (a crude bound on memory).
#[derive(Debug)]
pub(crate) struct QueryCache<V> {
    entries: Mutex<HashMap<String, V>>,
}

impl<V> Default for QueryCache<V> {
    fn default() -> Self {
        Self {
            entries: Mutex::default(),
        }
    }
}

impl<V: Clone> QueryCache<V> {
    fn get(&self, key: &str) -> Option<V> {
        self.entries.lock().ok()?.get(key).cloned()
    }

    fn put(&self, key: String, value: V, capacity: usize) {
        if capacity == 0 {
            return;
        }
        if let Ok(mut map) = self.entries.lock() {
            if map.len() >= capacity {
                map.clear();
            }
            map.insert(key, value);
        }
    }
}

/// Exact totals kept (they are small; pages follow `Settings::page_cache_entries`).
const TOTALS_KEPT: usize = 10_000;

impl Catalog {
    /// One page of a published version, filtered, sorted and paged, or aggregated.
    pub async fn query_data(
        &self,
        actor: &Actor,
        key: &str,
        query: &DataQuery,
    ) -> Result<DataPage> {
        let (number, file) = self.parquet_of(actor, key, query.version).await?;
        let page_key = format!("{}|{query:?}", file.sha256);
        if let Some(page) = self.pages().get(&page_key) {
            return Ok(page);
        }
        // Single flight: concurrent misses of one page compute it once and the others find it
        // after their wait (only while pages are kept: without the cache they would just queue).
        let flights = self.page_flights();
        let kept = self.settings().page_cache_entries > 0;
        let _page_turn = if kept {
            Some(flights.turn(&format!("page|{page_key}")).await)
        } else {
            None
        };
        if let Some(page) = self.pages().get(&page_key) {
            return Ok(page);
        }
        let path = self.local_copy(&file).await?;
        let cache_key = format!("{}|{}", file.sha256, plan::total_key(query));
        // A new total is a scan of every matching row: counted once for all the pages and
        // clients that ask for it at the same time.
        let mut known = self.totals().get(&cache_key);
        let _total_turn = match known {
            Some(_) => None,
            None => {
                let turn = flights.turn(&format!("total|{cache_key}")).await;
                known = self.totals().get(&cache_key);
                Some(turn)
            }
        };
        let query = query.clone();
        let (page, total) = tokio::task::spawn_blocking(move || plan::page(&path, &query, known))
            .await
            .map_err(|e| Error::Internal(format!("query panicked: {e}")))??;
        if known.is_none() {
            self.totals().put(cache_key, total, TOTALS_KEPT);
        }
        let page = DataPage {
            version: number,
            total,
            ..page
        };
        self.pages()
            .put(page_key, page.clone(), self.settings().page_cache_entries);
        Ok(page)
    }

    /// Every row matching a query, streamed in the query's format without a row cap.
    pub async fn export_data(&self, actor: &Actor, key: &str, query: DataQuery) -> Result<Export> {
        let (number, file) = self.parquet_of(actor, key, query.version).await?;
        let path = self.local_copy(&file).await?;
        // Plan errors (unknown columns, bad values) are found before the response starts.
        let prepared = tokio::task::spawn_blocking(move || plan::prepare_export(&path, &query))
            .await
            .map_err(|e| Error::Internal(format!("query panicked: {e}")))??;
        let (tx, rx) = tokio::sync::mpsc::channel(4);
        tokio::task::spawn_blocking(move || convert::run_export(prepared, tx));
        Ok(Export {
            version: number,
            body: rx,
        })
    }

    /// The Parquet file of a published version the actor may read.
    async fn parquet_of(
        &self,
        actor: &Actor,
        key: &str,
        number: Option<i32>,
    ) -> Result<(i32, distribution::Model)> {
        let download = self.download(actor, key, number, "parquet").await?;
        Ok((download.version.number, download.file))
    }

    /// A local file of a stored Parquet file (polars scans local files): the stored file in
    /// a `file://` store, otherwise a copy in the cache folder, made once per file.
    async fn local_copy(&self, file: &distribution::Model) -> Result<PathBuf> {
        let dir = self.settings().cache_dir.clone();
        if self.storage().local_file(&file.object_key).is_none() {
            tokio::fs::create_dir_all(&dir)
                .await
                .map_err(|e| Error::Internal(format!("query cache {}: {e}", dir.display())))?;
        }
        let copy = dir.join(format!("{}.parquet", file.sha256));
        self.storage().local_path(&file.object_key, &copy).await
    }
}
