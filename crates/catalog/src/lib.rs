//! The Satu Data catalog: organisations, accounts, datasets and their versions, stored in a
//! relational database (SQLite or PostgreSQL) and an object store.
//!
//! [`Catalog`] is the one handle the API holds; its services live in one module per aggregate
//! (`organizations`, `accounts`, `datasets`, `versions`, `portal`) and take an [`Actor`] that
//! says who is asking.

pub mod accounts;
pub mod actor;
pub mod ckan;
pub mod cleaned;
mod counts;
pub mod datajson;
pub mod datapackage;
pub mod dataquery;
pub mod datasets;
pub mod db;
pub mod dcat;
pub mod diff;
pub mod downloads;
pub mod entity;
pub mod error;
pub mod fields;
pub mod flights;
mod formats;
pub mod gc;
pub mod generation;
pub mod lifecycle;
pub mod national;
pub mod organizations;
pub mod paging;
pub mod portal;
pub mod regions;
mod score;
pub mod search;
pub mod standards;
pub mod storage;
pub mod versions;
pub mod vocab;
mod xlsx;

use std::sync::{Arc, RwLock};

use sea_orm::DatabaseConnection;

pub use actor::{Actor, Principal, Role};
pub use error::{Error, Message, Result};
pub use satudata_validation as validation;
pub use satudata_validation::RegionReference;
pub use storage::{S3Options, Storage};

/// Limits and defaults the services apply.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Largest accepted upload in bytes.
    pub max_upload_bytes: u64,
    /// Where the data API keeps local copies of published Parquet files (polars scans local
    /// files; the store may be S3). Safe to empty at any time.
    pub cache_dir: std::path::PathBuf,
    /// Data API pages kept in memory for repeated queries (0 turns the cache off).
    pub page_cache_entries: usize,
    /// Bytes of harvest responses (CKAN actions, DCAT pages) kept in memory for anonymous
    /// callers, keyed by the catalogue generation (0 turns the cache off).
    pub feed_cache_bytes: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            max_upload_bytes: 2 * 1024 * 1024 * 1024,
            cache_dir: std::env::temp_dir().join("satudata-cache"),
            page_cache_entries: 1000,
            feed_cache_bytes: 64 * 1024 * 1024,
        }
    }
}

/// The catalog: database, object store and settings.
#[derive(Debug, Clone)]
pub struct Catalog {
    db: DatabaseConnection,
    storage: Storage,
    settings: Settings,
    /// The region list for validation, shared by all clones of the catalog.
    reference: Arc<RwLock<Option<Arc<RegionReference>>>>,
    /// Exact totals of data API queries, shared by all clones.
    totals: Arc<dataquery::QueryCache<u64>>,
    /// Data API pages of repeated queries, shared by all clones.
    pages: Arc<dataquery::QueryCache<dataquery::DataPage>>,
    /// Data API pages being computed (single flight).
    page_flights: Arc<flights::Flights>,
    /// Dataset counts per filter for the current catalogue generation.
    counts: Arc<generation::GenerationMap<counts::Kept>>,
}

impl Catalog {
    /// A catalog over an open (and migrated) database and a store.
    pub fn new(db: DatabaseConnection, storage: Storage, settings: Settings) -> Self {
        Self {
            db,
            storage,
            settings,
            reference: Arc::default(),
            totals: Arc::default(),
            pages: Arc::default(),
            page_flights: Arc::default(),
            counts: Arc::new(generation::GenerationMap::new(counts::BUDGET)),
        }
    }

    pub(crate) fn count_cache(&self) -> &generation::GenerationMap<counts::Kept> {
        &self.counts
    }

    pub(crate) fn pages(&self) -> &dataquery::QueryCache<dataquery::DataPage> {
        &self.pages
    }

    pub(crate) fn page_flights(&self) -> &flights::Flights {
        &self.page_flights
    }

    pub(crate) fn totals(&self) -> &dataquery::QueryCache<u64> {
        &self.totals
    }

    /// The database connection.
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// The object store.
    pub fn storage(&self) -> &Storage {
        &self.storage
    }

    /// The settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<()> {
        Ok(self.db.ping().await?)
    }
}
