//! What the catalog tells about its work, for monitoring: the services report events to an
//! [`Observer`] (the HTTP layer's implementation turns them into Prometheus metrics), and the
//! gauges a scrape reads are answered here (database pool use, the job queue). The catalog
//! knows nothing of the exposition format.

use std::time::Duration;

use sea_orm::DatabaseConnection;
use sea_orm::DatabaseConnectionType as Pool;

use crate::Catalog;
use crate::error::{Error, Message, Result};

/// Receives the catalog's events. Every method has a no-op default; calls are cheap and must
/// not block (they run on the request's task).
pub trait Observer: Send + Sync + std::fmt::Debug {
    /// An upload's bytes were received and stored.
    fn upload_received(&self, _bytes: u64) {}
    /// A stored table was validated: its data rows and how long the validation took.
    fn validated(&self, _rows: u64, _took: Duration) {}
    /// A version was published (files written and the transaction committed).
    fn published(&self, _took: Duration) {}
    /// The data API's page cache answered (`hit`) or a page was computed.
    fn data_cache(&self, _hit: bool) {}
}

/// The observer of a catalog nobody watches.
#[derive(Debug, Default, Clone, Copy)]
pub struct Unobserved;

impl Observer for Unobserved {}

/// The database connection pool at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolStatus {
    /// Connections open (idle or in use).
    pub open: u32,
    /// Open connections not in use.
    pub idle: u32,
    /// Most connections the pool opens.
    pub max: u32,
}

impl PoolStatus {
    /// Connections in use.
    pub fn in_use(&self) -> u32 {
        self.open.saturating_sub(self.idle)
    }
}

/// The background job queue at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct JobQueueStatus {
    /// Jobs waiting to run or running.
    pub depth: u64,
    /// How long the oldest waiting job has waited (zero when none waits).
    pub oldest_age: Duration,
}

impl Catalog {
    /// The observer the services report to.
    pub fn observer(&self) -> &dyn Observer {
        self.observer.as_ref()
    }

    /// The same catalog, reporting to `observer`.
    pub fn observed_by(mut self, observer: std::sync::Arc<dyn Observer>) -> Self {
        self.observer = observer;
        self
    }

    /// Checks that the database and the object store both answer within `limit`. The error
    /// (503) names which does not; the cause is logged.
    pub async fn check_ready(&self, limit: Duration) -> Result<()> {
        let (database, storage) = tokio::join!(
            tokio::time::timeout(limit, self.ping()),
            tokio::time::timeout(limit, self.storage().check()),
        );
        let database = match database {
            Ok(Ok(())) => true,
            Ok(Err(error)) => {
                let error = crate::error::Chain(&error).to_string();
                tracing::warn!(%error, "readiness: the database does not answer");
                false
            }
            Err(_) => {
                tracing::warn!(?limit, "readiness: the database did not answer in time");
                false
            }
        };
        let storage = match storage {
            Ok(Ok(())) => true,
            Ok(Err(error)) => {
                let error = crate::error::Chain(&error).to_string();
                tracing::warn!(%error, "readiness: the object store does not answer");
                false
            }
            Err(_) => {
                tracing::warn!(?limit, "readiness: the object store did not answer in time");
                false
            }
        };
        match (database, storage) {
            (true, true) => Ok(()),
            (false, true) => Err(not_ready("basis data", "the database")),
            (true, false) => Err(not_ready("penyimpanan objek", "the object store")),
            (false, false) => Err(not_ready(
                "basis data dan penyimpanan objek",
                "the database and the object store",
            )),
        }
    }

    /// The database connection pool now.
    pub fn pool_status(&self) -> PoolStatus {
        pool_status(self.db())
    }

    /// The background job queue now (read by `/metrics` at every scrape).
    pub async fn job_queue_status(&self) -> Result<JobQueueStatus> {
        let stats = self.queue_stats().await?;
        Ok(JobQueueStatus {
            depth: stats.queued + stats.running,
            oldest_age: Duration::from_secs(stats.oldest_queued_secs),
        })
    }
}

fn not_ready(id: &str, en: &str) -> Error {
    Error::Unavailable(Message::new(
        format!("Layanan belum siap: {id} tidak menjawab"),
        format!("Not ready: {en} does not answer"),
    ))
}

fn pool_status(db: &DatabaseConnection) -> PoolStatus {
    let (open, idle, max) = match &db.inner {
        Pool::SqlxSqlitePoolConnection(_) => {
            let pool = db.get_sqlite_connection_pool();
            (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            )
        }
        Pool::SqlxPostgresPoolConnection(_) => {
            let pool = db.get_postgres_connection_pool();
            (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            )
        }
        _ => return PoolStatus::default(),
    };
    PoolStatus {
        open,
        idle: u32::try_from(idle).unwrap_or(u32::MAX),
        max,
    }
}
