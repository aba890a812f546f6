//! Housekeeping: objects no database row points at are leftovers of interrupted uploads or
//! publishes, and are removed once they are older than a grace period (so that an upload or a
//! publish still in flight on another process is never touched).
//!
//! Coordinated through the database, so that it is safe with several nodes on one store:
//! nothing is removed while a backup holds its lease, and a content-addressed blob (which a
//! writer may store again at any moment) is removed only under a lock on its `blob_pin` row,
//! which every writer renews before it stores the blob ([`Catalog::pin_blob`]). A blob pinned
//! after the cutoff is young; one pinned while gc holds the row waits for gc and is stored
//! again after it.

use std::collections::HashSet;

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect};

use crate::Catalog;
use crate::cleaned::blob_key;
use crate::entity::{blob_pin, dataset_version, distribution};
use crate::error::Result;
use crate::storage::Removal;

/// Prefixes the catalog writes to; nothing else in the store is touched.
const PREFIXES: &[&str] = &["datasets/", "blobs/"];

/// What a collection found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GcReport {
    /// Objects looked at.
    pub scanned: usize,
    /// Objects still referenced.
    pub referenced: usize,
    /// Unreferenced objects younger than the grace period, left alone.
    pub too_young: usize,
    /// Unreferenced objects left for the next collection because the store was busy storing
    /// a file (`file://`: a large upload syncing holds the store's lock); after the first such
    /// key the rest of the run's keys are left too, so that gc does not hold a database write
    /// lock for each of them in turn.
    pub busy: usize,
    /// Keys removed (or that would be, in a dry run).
    pub removed: Vec<String>,
}

impl Catalog {
    /// Records that a content-addressed blob is about to be stored (committed before the
    /// store is written). Waits while gc holds the blob's pin row.
    pub(crate) async fn pin_blob(&self, key: &str) -> Result<()> {
        blob_pin::Entity::insert(blob_pin::ActiveModel {
            object_key: Set(key.to_owned()),
            pinned_at: Set(Utc::now()),
        })
        .on_conflict(
            OnConflict::column(blob_pin::Column::ObjectKey)
                .update_column(blob_pin::Column::PinnedAt)
                .to_owned(),
        )
        .exec(self.db())
        .await?;
        Ok(())
    }

    /// Removes unreferenced objects older than `min_age`. With `dry_run`, only reports them.
    /// Removes nothing while a backup runs.
    pub async fn collect_garbage(
        &self,
        min_age: std::time::Duration,
        dry_run: bool,
    ) -> Result<GcReport> {
        if self.backup_running().await? {
            tracing::info!("a backup is running; garbage collection waits for the next time");
            return Ok(GcReport::default());
        }
        // Read the references first: an object written after this point is younger than any
        // sensible grace period, and one referenced after it was listed is young as well.
        let mut referenced: HashSet<String> = dataset_version::Entity::find()
            .select_only()
            .column(dataset_version::Column::ObjectKey)
            .into_tuple::<String>()
            .all(self.db())
            .await?
            .into_iter()
            .collect();
        referenced.extend(
            dataset_version::Entity::find()
                .select_only()
                .column(dataset_version::Column::CleanSha256)
                .into_tuple::<Option<String>>()
                .all(self.db())
                .await?
                .into_iter()
                .flatten()
                .map(|sha256| blob_key(&sha256)),
        );
        referenced.extend(
            distribution::Entity::find()
                .select_only()
                .column(distribution::Column::ObjectKey)
                .into_tuple::<String>()
                .all(self.db())
                .await?,
        );
        let cutoff =
            Utc::now() - chrono::Duration::from_std(min_age).unwrap_or(chrono::Duration::MAX);
        let mut report = GcReport::default();
        for prefix in PREFIXES {
            for (key, modified) in self.storage().list(prefix).await? {
                report.scanned += 1;
                if referenced.contains(&key) {
                    report.referenced += 1;
                } else if modified > cutoff {
                    report.too_young += 1;
                } else if report.busy > 0 {
                    report.busy += 1;
                } else {
                    match self.remove_leftover(&key, cutoff, dry_run).await? {
                        Removal::Removed => report.removed.push(key),
                        // Stored again since it was listed (an upload or publish of the same
                        // bytes), or gone.
                        Removal::Young => report.too_young += 1,
                        Removal::Busy => report.busy += 1,
                    }
                }
            }
        }
        if report.busy > 0 {
            tracing::info!(
                left = report.busy,
                "the store was busy storing a file; garbage collection left the rest for its next run"
            );
        }
        let staging_cutoff = std::time::SystemTime::now()
            .checked_sub(min_age)
            .unwrap_or(std::time::UNIX_EPOCH);
        report.removed.extend(
            self.storage()
                .sweep_staging(staging_cutoff, dry_run)
                .await?,
        );
        // Resumable uploads nobody finished: the session and its chunks, after a day.
        report
            .removed
            .extend(self.sweep_uploads(min_age, dry_run).await?);
        if !report.removed.is_empty() {
            tracing::info!(
                removed = report.removed.len(),
                dry_run,
                "removed objects left by interrupted uploads or publishes"
            );
        }
        Ok(report)
    }

    /// Removes one unreferenced object unless it was stored (or, for a blob, pinned) after
    /// `cutoff` (with `dry_run`, says whether it would).
    async fn remove_leftover(
        &self,
        key: &str,
        cutoff: chrono::DateTime<Utc>,
        dry_run: bool,
    ) -> Result<Removal> {
        if !key.starts_with("blobs/") {
            // Upload sources have keys of their own, never stored twice.
            return Ok(self.storage().remove_if_older(key, cutoff, dry_run).await?);
        }
        let txn = self.begin_write().await?;
        // A row to lock, even for a blob never pinned (stored before pins existed): a writer's
        // pin then waits for this transaction.
        blob_pin::Entity::insert(blob_pin::ActiveModel {
            object_key: Set(key.to_owned()),
            pinned_at: Set(chrono::DateTime::<Utc>::UNIX_EPOCH),
        })
        .on_conflict_do_nothing_on([blob_pin::Column::ObjectKey])
        .exec(&txn)
        .await?;
        let mut pin = blob_pin::Entity::find_by_id(key.to_owned());
        if self.db().get_database_backend() == DbBackend::Postgres {
            pin = pin.lock_exclusive();
        }
        let pinned_at = pin.one(&txn).await?.map(|p| p.pinned_at);
        if pinned_at.is_some_and(|at| at > cutoff) {
            txn.commit().await?;
            return Ok(Removal::Young);
        }
        let removed = self.storage().remove_if_older(key, cutoff, dry_run).await?;
        if removed == Removal::Removed && !dry_run {
            blob_pin::Entity::delete_many()
                .filter(blob_pin::Column::ObjectKey.eq(key))
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
        Ok(removed)
    }
}
