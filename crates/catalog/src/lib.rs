//! The Satu Data catalog, the domain: OPDs, accounts and roles, datasets and their versions,
//! the review lifecycle, Standar Data and code lists, the region list, search, and the data
//! API over published versions; stored in a relational database (SQLite or PostgreSQL) and an
//! object store.
//!
//! [`Catalog`] is the one handle the HTTP layer holds; its services live in one module per
//! aggregate (`organizations`, `accounts`, `datasets`, `versions`, `lifecycle`, `standards`,
//! `portal`) and take an [`Actor`] that says who is asking. Who sees which dataset is decided
//! in one place, [`visibility`].
//!
//! Depends on `satudata-storage`, `satudata-publish`, `satudata-dataquery` and
//! `satudata-validation`; must not depend on HTTP, on the harvest formats (CKAN, DCAT) or on
//! the web UI, which are built on top of it. It holds the few names CKAN clients know that
//! both of those show ([`names`]: licence ids, resource ids), not the formats themselves.

pub mod accounts;
pub mod actor;
pub mod backup;
pub mod cleaned;
pub mod data;
pub mod datasets;
pub mod db;
pub mod diff;
pub mod download_counts;
pub mod downloads;
pub mod entity;
pub mod error;
pub mod fields;
pub mod flights;
pub mod gc;
pub mod generation;
pub mod jobs;
pub mod lifecycle;
pub mod maintenance;
pub mod names;
pub mod national;
pub mod observe;
pub mod organizations;
pub mod pages;
pub mod paging;
pub mod portal;
pub mod regions;
mod score;
pub mod search;
pub mod standards;
pub mod versions;
pub mod visibility;
pub mod vocab;

use std::sync::{Arc, RwLock};

use sea_orm::DatabaseConnection;

pub use actor::{Actor, Principal, Role};
pub use error::{Error, Message, Result};
pub use satudata_dataquery as dataquery;
pub use satudata_publish::{FORMATS, FileFormat};
pub use satudata_storage::{self as storage, S3Options, Storage};
pub use satudata_validation as validation;
pub use satudata_validation::RegionReference;

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
    /// Bounds on queries: the data API, `datastore_search`, and CKAN's `q`/`fq`.
    pub query_limits: dataquery::Limits,
    /// Bounds on signing in and on tokens.
    pub sign_in: accounts::SignInLimits,
    /// What reading an uploaded file may cost (columns, cells, decompressed bytes ...).
    pub read_limits: satudata_validation::Limits,
    /// How this node runs background jobs.
    pub jobs: jobs::JobSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            max_upload_bytes: 2 * 1024 * 1024 * 1024,
            cache_dir: std::env::temp_dir().join("satudata-cache"),
            page_cache_entries: 1000,
            feed_cache_bytes: 64 * 1024 * 1024,
            query_limits: dataquery::Limits::default(),
            sign_in: accounts::SignInLimits::default(),
            read_limits: satudata_validation::Limits::default(),
            jobs: jobs::JobSettings::default(),
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
    /// Data API pages and totals, shared by all clones.
    data_caches: Arc<data::DataCaches>,
    /// Downloads counted and not yet written, shared by all clones.
    downloads: Arc<download_counts::Tally>,
    /// What the portal's pages read, per catalogue generation, shared by all clones.
    pages: Arc<pages::PageCaches>,
    /// Sign-in failures and password hashing slots, shared by all clones.
    sign_in_guard: Arc<accounts::Guard>,
    /// This node's job runtime (its name in leases, wake-ups), shared by all clones.
    jobs: Arc<jobs::Runtime>,
    /// Where the services report their work ([`observe`]).
    observer: Arc<dyn observe::Observer>,
}

impl Catalog {
    /// A catalog over an open (and migrated) database and a store.
    pub fn new(db: DatabaseConnection, storage: Storage, settings: Settings) -> Self {
        Self {
            db,
            storage,
            reference: Arc::default(),
            data_caches: Arc::new(data::DataCaches::new(
                settings.page_cache_entries,
                settings.query_limits.concurrency,
            )),
            downloads: Arc::default(),
            pages: Arc::default(),
            sign_in_guard: Arc::new(accounts::Guard::new(&settings.sign_in)),
            jobs: Arc::new(jobs::Runtime::new()),
            observer: Arc::new(observe::Unobserved),
            settings,
        }
    }

    /// The database connection.
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Begins a transaction that writes ([`db::begin_write`]: on SQLite it takes the write
    /// lock at once, so that concurrent writers wait their turn instead of failing).
    pub async fn begin_write(&self) -> Result<sea_orm::DatabaseTransaction> {
        db::begin_write(&self.db).await
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
