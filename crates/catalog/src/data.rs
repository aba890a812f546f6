//! The data API over published versions: finds the version's Parquet file (with the same
//! visibility rule as downloads), keeps pages and exact totals of repeated queries, and runs
//! the `satudata-dataquery` engine on a blocking thread. Published files never change, so a
//! cached page is never stale; concurrent misses of one page or one total compute it once.

use std::path::PathBuf;

use satudata_dataquery::{DataPage, DataQuery, Export};

use crate::entity::distribution;
use crate::error::{Error, Result};
use crate::{Actor, Catalog};

/// Exact totals kept (they are small; pages follow `Settings::page_cache_entries`).
pub(crate) const TOTALS_KEPT: u64 = 10_000;

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
        let caches = &self.data_caches;
        if let Some(page) = caches.pages.get(&page_key) {
            return Ok(page);
        }
        // Single flight: concurrent misses of one page compute it once and the others find it
        // after their wait (only while pages are kept: without the cache they would just queue).
        let kept = self.settings().page_cache_entries > 0;
        let _page_turn = if kept {
            Some(caches.flights.turn(&format!("page|{page_key}")).await)
        } else {
            None
        };
        if let Some(page) = caches.pages.get(&page_key) {
            return Ok(page);
        }
        let path = self.local_copy(&file).await?;
        let total_key = format!("{}|{}", file.sha256, satudata_dataquery::total_key(query));
        // A new total is a scan of every matching row: counted once for all the pages and
        // clients that ask for it at the same time.
        let mut known = caches.totals.get(&total_key);
        let _total_turn = match known {
            Some(_) => None,
            None => {
                let turn = caches.flights.turn(&format!("total|{total_key}")).await;
                known = caches.totals.get(&total_key);
                Some(turn)
            }
        };
        let query = query.clone();
        let (page, total) =
            tokio::task::spawn_blocking(move || satudata_dataquery::page(&path, &query, known))
                .await??;
        if known.is_none() {
            caches.totals.insert(total_key, total);
        }
        let page = DataPage {
            version: number,
            total,
            ..page
        };
        if kept {
            caches.pages.insert(page_key, page.clone());
        }
        Ok(page)
    }

    /// Every row matching a query, streamed in the query's format without a row cap.
    pub async fn export_data(&self, actor: &Actor, key: &str, query: DataQuery) -> Result<Export> {
        let (number, file) = self.parquet_of(actor, key, query.version).await?;
        let path = self.local_copy(&file).await?;
        let body = satudata_dataquery::export(path, query).await?;
        Ok(Export {
            version: number,
            body,
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
                .map_err(|source| Error::Io {
                    context: format!("making the query cache folder {}", dir.display()),
                    source,
                })?;
        }
        let copy = dir.join(format!("{}.parquet", file.sha256));
        Ok(self.storage().local_path(&file.object_key, &copy).await?)
    }
}

/// The data API's caches, shared by all clones of the catalog.
#[derive(Debug)]
pub(crate) struct DataCaches {
    /// Pages of repeated queries, keyed by Parquet file and query.
    pages: moka::sync::Cache<String, DataPage>,
    /// Exact totals, keyed by Parquet file and filters.
    totals: moka::sync::Cache<String, u64>,
    /// Pages and totals being computed.
    flights: crate::flights::Flights,
}

impl DataCaches {
    /// Caches holding at most `pages` pages (0: none) and [`TOTALS_KEPT`] totals.
    pub(crate) fn new(pages: usize) -> Self {
        Self {
            pages: moka::sync::Cache::new(u64::try_from(pages).unwrap_or(u64::MAX)),
            totals: moka::sync::Cache::new(TOTALS_KEPT),
            flights: crate::flights::Flights::default(),
        }
    }
}
