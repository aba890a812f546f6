//! The data API over published versions: finds the version's Parquet file (with the same
//! visibility rule as downloads), keeps pages and exact totals of repeated queries, and runs
//! the `satudata-dataquery` engine on a blocking thread. Published files never change, so a
//! cached page is never stale; concurrent misses of one page or one total compute it once.

use std::path::PathBuf;

use satudata_dataquery::{DataPage, DataQuery, Export};

use crate::entity::distribution;
use crate::error::{Error, Message, Result};
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
        let limits = &self.settings().query_limits;
        query.check(limits)?;
        let (number, file) = self.parquet_of(actor, key, query.version).await?;
        let page_key = format!("{}|{query:?}", file.sha256);
        let caches = &self.data_caches;
        if let Some(page) = caches.pages.get(&page_key) {
            self.observer().data_cache(true);
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
            self.observer().data_cache(true);
            return Ok(page);
        }
        self.observer().data_cache(false);
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
        let slot = self.query_slot().await?;
        let running = tokio::task::spawn_blocking(move || {
            let _slot = slot;
            satudata_dataquery::page(&path, &query, known)
        });
        let (page, total) = tokio::time::timeout(limits.timeout, running)
            .await
            .map_err(|_| too_slow(limits.timeout))???;
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
        let limits = &self.settings().query_limits;
        query.check(limits)?;
        let (number, file) = self.parquet_of(actor, key, query.version).await?;
        let path = self.local_copy(&file).await?;
        // An export holds a slot until its last byte is written.
        let slot = self.query_slot().await?;
        let body = tokio::time::timeout(
            limits.timeout,
            satudata_dataquery::export(path, query, slot),
        )
        .await
        .map_err(|_| too_slow(limits.timeout))??;
        Ok(Export {
            version: number,
            body,
        })
    }

    /// A slot to run a data query in: at most `query_limits.concurrency` run at once, and a
    /// query that waits longer than `query_limits.timeout` for one is refused (503).
    async fn query_slot(&self) -> Result<tokio::sync::OwnedSemaphorePermit> {
        let timeout = self.settings().query_limits.timeout;
        let slots = std::sync::Arc::clone(&self.data_caches.slots);
        match tokio::time::timeout(timeout, slots.acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(Error::Unavailable(Message::new(
                "Layanan data sedang sibuk; coba lagi sebentar lagi",
                "The data service is busy; try again shortly",
            ))),
        }
    }

    /// The Parquet file of a published version the actor may read.
    async fn parquet_of(
        &self,
        actor: &Actor,
        key: &str,
        number: Option<i32>,
    ) -> Result<(i32, distribution::Model)> {
        let dataset = self.dataset_row(actor, key).await?;
        let (id, number, _) = self.published_version_id(actor, &dataset, number).await?;
        Ok((number, self.published_file(id, "parquet").await?))
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
    /// Slots for queries running at once ([`satudata_dataquery::Limits::concurrency`]).
    slots: std::sync::Arc<tokio::sync::Semaphore>,
}

impl DataCaches {
    /// Caches holding at most `pages` pages (0: none) and [`TOTALS_KEPT`] totals, and
    /// `concurrency` query slots.
    pub(crate) fn new(pages: usize, concurrency: usize) -> Self {
        Self {
            pages: moka::sync::Cache::new(u64::try_from(pages).unwrap_or(u64::MAX)),
            totals: moka::sync::Cache::new(TOTALS_KEPT),
            flights: crate::flights::Flights::default(),
            slots: std::sync::Arc::new(tokio::sync::Semaphore::new(concurrency.max(1))),
        }
    }
}

/// The 503 of a query that ran longer than allowed.
fn too_slow(limit: std::time::Duration) -> Error {
    let secs = limit.as_secs();
    Error::Unavailable(Message::new(
        format!(
            "Kueri berjalan lebih dari {secs} detik dan dihentikan; persempit filter atau pakai \
             ekspor bertahap"
        ),
        format!("The query ran longer than {secs} seconds; narrow its filters"),
    ))
}
