//! Housekeeping: objects no database row points at are leftovers of interrupted uploads or
//! publishes, and are removed once they are older than a grace period (so that an upload or a
//! publish still in flight on another process is never touched).

use std::collections::HashSet;

use chrono::Utc;
use sea_orm::{EntityTrait, QuerySelect};

use crate::Catalog;
use crate::cleaned::blob_key;
use crate::entity::{dataset_version, distribution};
use crate::error::Result;

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
    /// Keys removed (or that would be, in a dry run).
    pub removed: Vec<String>,
}

impl Catalog {
    /// Removes unreferenced objects older than `min_age`. With `dry_run`, only reports them.
    pub async fn collect_garbage(
        &self,
        min_age: std::time::Duration,
        dry_run: bool,
    ) -> Result<GcReport> {
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
                } else if modified > cutoff
                    || !self
                        .storage()
                        .remove_if_older(&key, cutoff, dry_run)
                        .await?
                {
                    // Stored again since it was listed (an upload or publish of the same
                    // bytes), or gone.
                    report.too_young += 1;
                } else {
                    report.removed.push(key);
                }
            }
        }
        let staging_cutoff = std::time::SystemTime::now()
            .checked_sub(min_age)
            .unwrap_or(std::time::UNIX_EPOCH);
        report.removed.extend(
            self.storage()
                .sweep_staging(staging_cutoff, dry_run)
                .await?,
        );
        if !report.removed.is_empty() {
            tracing::info!(
                removed = report.removed.len(),
                dry_run,
                "removed objects left by interrupted uploads or publishes"
            );
        }
        Ok(report)
    }
}
