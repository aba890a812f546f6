//! Publishing: the clean table is written in every format under content-addressed keys
//! (`blobs/sha256/<hex>`) *before* one transaction records the files and makes the version the
//! dataset's current one. A crash before the commit leaves only unreferenced blobs (removed by
//! `satudata gc`); after it, everything the database points at exists and matches its hash.

use chrono::Utc;
use satudata_validation::{TableInfo, TableSchema, clean_columns};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
    TransactionTrait,
};

use super::{EventInput, EventKind, Step, next, record_event};
use crate::cleaned::{CleanTable, blob_key};
use crate::entity::{dataset_version, distribution};
use crate::error::{Error, Message, Result};
use crate::{Actor, Catalog};
use satudata_publish::{self as formats, BuiltFile, FORMATS};

/// What a first publication wrote: the clean table (made now only for a version uploaded
/// before tables were cleaned at upload) and the other formats.
struct Written {
    clean: CleanTable,
    cleaned_now: bool,
    files: Vec<BuiltFile>,
}

impl Catalog {
    /// The walidata publishes an approved version (or re-publishes a withdrawn or earlier one).
    pub async fn publish_version(
        &self,
        actor: &Actor,
        key: &str,
        number: i32,
    ) -> Result<dataset_version::Model> {
        actor.require_steward()?;
        let dataset = self.dataset_row(actor, key).await?;
        let version = self.version_of(actor, &dataset, number).await?;
        let status = next(&version, Step::Publish, "ditayangkan", "published")?;
        if dataset.is_live() && dataset.current_version_id == Some(version.id) {
            return Err(Error::Conflict(Message::new(
                format!("Versi {number} sudah ditayangkan"),
                format!("Version {number} is already published"),
            )));
        }
        let existing = self.distributions(version.id).await?;
        let written = if existing.is_empty() {
            Some(self.write_files(&version).await?)
        } else {
            None
        };

        let now = Utc::now();
        let txn = self.db().begin().await?;
        let mut row = version.clone().into_active_model();
        if let Some(written) = &written {
            let csv = (
                FORMATS[0],
                written.clean.sha256.as_str(),
                written.clean.size,
            );
            let others = written
                .files
                .iter()
                .map(|f| (f.format, f.sha256.as_str(), f.size));
            for (format, sha256, size) in std::iter::once(csv).chain(others) {
                distribution::ActiveModel {
                    version_id: Set(version.id),
                    format: Set(format.name.to_owned()),
                    media_type: Set(format.media_type.to_owned()),
                    object_key: Set(blob_key(sha256)),
                    sha256: Set(sha256.to_owned()),
                    byte_size: Set(i64::try_from(size).unwrap_or(i64::MAX)),
                    created_at: Set(now),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
            }
            if written.cleaned_now {
                row.clean_sha256 = Set(Some(written.clean.sha256.clone()));
                row.clean_size = Set(i64::try_from(written.clean.size).ok());
                row.clean_log = Set(Some(written.clean.log.clone()));
            }
        }
        row.status = Set(status);
        row.published_at = Set(Some(version.published_at.unwrap_or(now)));
        let updated = row.update(&txn).await?;
        let mut d = dataset.clone().into_active_model();
        d.current_version_id = Set(Some(version.id));
        d.published_at = Set(Some(dataset.published_at.unwrap_or(now)));
        d.withdrawn_at = Set(None);
        d.withdrawn_reason = Set(None);
        d.updated_at = Set(now);
        d.update(&txn).await?;
        record_event(
            &txn,
            actor,
            EventInput {
                dataset_id: dataset.id,
                version_number: Some(number),
                action: EventKind::Publish,
                from_status: Some(version.status),
                to_status: Some(status),
                note: None,
                changes: None,
            },
        )
        .await?;
        txn.commit().await?;
        Ok(updated)
    }

    /// The published files of a version.
    pub async fn distributions(&self, version_id: i32) -> Result<Vec<distribution::Model>> {
        Ok(distribution::Entity::find()
            .filter(distribution::Column::VersionId.eq(version_id))
            .all(self.db())
            .await?)
    }

    /// The published files of several versions at once, by version id.
    pub async fn files_of(
        &self,
        version_ids: &[i32],
    ) -> Result<std::collections::HashMap<i32, Vec<distribution::Model>>> {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        let rows = distribution::Entity::find()
            .filter(distribution::Column::VersionId.is_in(version_ids.iter().copied()))
            .order_by_asc(distribution::Column::Id)
            .all(self.db())
            .await?;
        let mut out: std::collections::HashMap<i32, Vec<distribution::Model>> = Default::default();
        for row in rows {
            out.entry(row.version_id).or_default().push(row);
        }
        Ok(out)
    }

    /// Writes the version's published files from its clean table (cleaning the source first
    /// if the upload did not) in a scratch folder, then stores each under its hash. Nothing in
    /// the database changes here.
    async fn write_files(&self, version: &dataset_version::Model) -> Result<Written> {
        let report = version.report.as_ref().ok_or_else(|| {
            Error::Conflict(Message::new(
                "Versi ini tidak memiliki laporan validasi",
                "This version has no validation report",
            ))
        })?;
        let table: TableInfo = serde_json::from_value(report["table"].clone())
            .map_err(Error::json("the stored report's table"))?;
        let schema: TableSchema = serde_json::from_value(report["schema"].clone())
            .map_err(Error::json("the stored report's schema"))?;
        let stored = match (
            &version.clean_sha256,
            version.clean_size,
            &version.clean_log,
        ) {
            (Some(sha256), Some(size), Some(log)) => Some(CleanTable {
                sha256: sha256.clone(),
                size: u64::try_from(size).unwrap_or(0),
                log: log.clone(),
            }),
            _ => None,
        };
        // A recorded clean table whose blob is gone (a restore that missed it, a hand-made
        // deletion) is made again from the source, as for a version that never had one.
        let stored = match stored {
            Some(clean) if !self.storage().exists(&blob_key(&clean.sha256)).await? => {
                tracing::warn!(
                    version = %version.uuid,
                    sha256 = %clean.sha256,
                    "the clean table is missing from the store; cleaning the source again"
                );
                None
            }
            other => other,
        };
        let cleaned_now = stored.is_none();
        let clean = match stored {
            Some(clean) => clean,
            None => {
                self.store_clean_table(&version.object_key, &table, &schema, false)
                    .await?
            }
        };
        let scratch = self.storage().scratch_dir("publish-")?;
        let csv = self.clean_table_file(&clean.sha256, scratch.path()).await?;
        let columns = clean_columns(&table, &schema);
        let dir = scratch.path().to_owned();
        let (rows, size) = (table.row_count, clean.size);
        let files =
            tokio::task::spawn_blocking(move || formats::build(&csv, &columns, rows, size, &dir))
                .await??;
        // Put even when the same blob exists (as in cleaned.rs): an old unreferenced copy must
        // not be collected between here and the transaction that references it. All at once:
        // each waits for the disk to sync it.
        let puts = futures_util::future::try_join_all(files.iter().map(|file| async move {
            self.storage()
                .put_file(&blob_key(&file.sha256), &file.path)
                .await
        }))
        .await?;
        self.storage().drop_scratch(scratch, &puts);
        Ok(Written {
            clean,
            cleaned_now,
            files,
        })
    }
}
