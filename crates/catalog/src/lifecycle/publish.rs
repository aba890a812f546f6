//! Publishing: the clean table is written in every format under content-addressed keys
//! (`blobs/sha256/<hex>`) *before* one transaction records the files and makes the version the
//! dataset's current one. A crash before the commit leaves only unreferenced blobs (removed by
//! `satudata gc`); after it, everything the database points at exists and matches its hash.

use chrono::Utc;
use satudata_validation::{TableInfo, TableSchema, clean_columns};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect,
};

use super::{EventInput, EventKind, Step, next, record_event};
use crate::cleaned::{CleanTable, blob_key};
use crate::entity::job;
use crate::entity::{dataset_version, distribution};
use crate::error::{Error, Message, Result};
use crate::jobs::JobKind;
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
    /// Who may and from which status are checked now; writing the files and making the version
    /// current is a job ([`Catalog::await_job`] waits for it), so a large table never holds
    /// the request and a crash or restart resumes the work.
    pub async fn publish_version(
        &self,
        actor: &Actor,
        key: &str,
        number: i32,
    ) -> Result<(dataset_version::Model, job::Model)> {
        actor.require_steward()?;
        let dataset = self.dataset_row(actor, key).await?;
        let version = self.version_of(actor, &dataset, number).await?;
        next(&version, Step::Publish, "ditayangkan", "published")?;
        if dataset.is_live() && dataset.current_version_id == Some(version.id) {
            return Err(Error::Conflict(Message::new(
                format!("Versi {number} sudah ditayangkan"),
                format!("Version {number} is already published"),
            )));
        }
        if self
            .pending_job(version.id, JobKind::Publish)
            .await?
            .is_some()
        {
            return Err(Error::Conflict(Message::new(
                format!("Versi {number} sedang ditayangkan; tunggu sampai selesai"),
                format!("Version {number} is being published; wait until it is done"),
            )));
        }
        let payload = serde_json::json!({ "actor_account_id": actor.account_id() });
        let job = self
            .enqueue(self.db(), JobKind::Publish, dataset.id, version.id, payload)
            .await?;
        self.wake_workers();
        Ok((version, job))
    }

    /// The publication job: checks the version may still be published (things may have
    /// changed since the request), writes its files, and makes it current in one transaction.
    pub(crate) async fn run_publish(&self, job: &job::Model) -> Result<()> {
        let Some(version) = self.job_version(job).await? else {
            return Ok(());
        };
        let dataset = crate::entity::dataset::Entity::find_by_id(version.dataset_id)
            .one(self.db())
            .await?
            .ok_or_else(|| Error::Invariant(format!("dataset {} vanished", version.dataset_id)))?;
        if dataset.is_live() && dataset.current_version_id == Some(version.id) {
            // Done before a crash that came between the commit and the job's end.
            return Ok(());
        }
        let actor = self
            .actor_of(job.payload["actor_account_id"].as_i64())
            .await?;
        let number = version.number;
        let status = next(&version, Step::Publish, "ditayangkan", "published")?;
        let started = std::time::Instant::now();
        let existing = self.distributions(version.id).await?;
        let written = if existing.is_empty() {
            self.progress(job, "writing", u64::try_from(version.byte_size).ok())
                .await;
            Some(self.write_files(&version).await?)
        } else {
            None
        };
        let now = Utc::now();
        let txn = self.begin_write().await?;
        // Another worker may have published it meanwhile (this one stalled past its lease and
        // the job was taken over): the version row, locked, decides.
        let mut fresh = dataset_version::Entity::find_by_id(version.id);
        if self.db().get_database_backend() == sea_orm::DbBackend::Postgres {
            fresh = fresh.lock_exclusive();
        }
        let fresh = fresh.one(&txn).await?;
        if fresh.as_ref().map(|v| v.status) != Some(version.status) {
            tracing::info!(version = %version.uuid, "published or changed by another worker meanwhile");
            return Ok(());
        }
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
        let filled = fill_from_table(&mut d, &dataset, version.report.as_ref());
        d.update(&txn).await?;
        record_event(
            &txn,
            &actor,
            EventInput {
                dataset_id: dataset.id,
                version_number: Some(number),
                action: EventKind::Publish,
                from_status: Some(version.status),
                to_status: Some(status),
                note: None,
                changes: filled,
            },
        )
        .await?;
        txn.commit().await?;
        self.observer().published(started.elapsed());
        tracing::debug!(version = %updated.uuid, "published");
        Ok(())
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
        // The clean table's own columns (a long layout has others than the upload's).
        let columns = match serde_json::from_value(clean.log["columns"].clone()) {
            Ok(columns) => columns,
            Err(_) => clean_columns(&table, &schema),
        };
        let dir = scratch.path().to_owned();
        let (rows, size) = (table.row_count, clean.size);
        let files =
            tokio::task::spawn_blocking(move || formats::build(&csv, &columns, rows, size, &dir))
                .await??;
        // Put even when the same blob exists (as in cleaned.rs): an old unreferenced copy must
        // not be collected between here and the transaction that references it. All at once:
        // each waits for the disk to sync it.
        let puts = futures_util::future::try_join_all(files.iter().map(|file| async move {
            self.pin_blob(&blob_key(&file.sha256)).await?;
            Ok::<_, Error>(
                self.storage()
                    .put_file(&blob_key(&file.sha256), &file.path)
                    .await?,
            )
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

/// Metadata the dataset lacks and its published table gives (the validation report's
/// `proposed_metadata`): the years it covers and its unit. Harvesters then get `dct:temporal`
/// for every table with a `tahun` column. Returns the changes for the history, as
/// `{field: {"from", "to"}}`.
fn fill_from_table(
    row: &mut crate::entity::dataset::ActiveModel,
    dataset: &crate::entity::dataset::Model,
    report: Option<&serde_json::Value>,
) -> Option<serde_json::Value> {
    let proposed = report.map(|r| &r["proposed_metadata"])?;
    let mut changes = serde_json::Map::new();
    let year = |key: &str| {
        proposed["temporal"][key]
            .as_i64()
            .and_then(|y| i32::try_from(y).ok())
    };
    if dataset.temporal_start.is_none() && dataset.temporal_end.is_none() {
        let start = year("start").and_then(|y| chrono::NaiveDate::from_ymd_opt(y, 1, 1));
        let end = year("end").and_then(|y| chrono::NaiveDate::from_ymd_opt(y, 12, 31));
        if let (Some(start), Some(end)) = (start, end) {
            row.temporal_start = Set(Some(start));
            row.temporal_end = Set(Some(end));
            changes.insert(
                "temporal_start".to_owned(),
                serde_json::json!({"from": null, "to": start}),
            );
            changes.insert(
                "temporal_end".to_owned(),
                serde_json::json!({"from": null, "to": end}),
            );
        }
    }
    if dataset.satuan.is_none()
        && let Some(satuan) = proposed["satuan"].as_str().filter(|s| !s.trim().is_empty())
    {
        row.satuan = Set(Some(satuan.to_owned()));
        changes.insert(
            "satuan".to_owned(),
            serde_json::json!({"from": null, "to": satuan}),
        );
    }
    (!changes.is_empty()).then_some(serde_json::Value::Object(changes))
}
