//! Dataset versions: every upload is streamed to the object store and hashed on the way, and
//! recorded as an immutable, numbered version whose validation runs as a job (`upload.rs`,
//! `jobs/validate.rs`); the workspace's resumable uploads arrive in chunks first (`chunked.rs`).

mod chunked;
mod upload;

pub use chunked::{
    CHUNK_SIZE, Chunk, OpenUpload, UPLOAD_EXPIRY, UploadState, UploadStatus, media_type_for,
};

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entity::{dataset, dataset_version};
use crate::error::{Error, Message, Result};
use crate::{Actor, Catalog};

/// Media types accepted as delimited text tables.
pub const TEXT_MEDIA_TYPES: &[&str] = &[
    "text/csv",
    "application/csv",
    "text/plain",
    "text/tab-separated-values",
    "application/vnd.ms-excel",
];

/// Media types of tables read whole: XLSX workbooks and JSON arrays of records.
pub const WHOLE_MEDIA_TYPES: &[&str] = &[
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/json",
];

/// An upload as it arrives: metadata and a stream of chunks.
#[derive(Debug)]
pub struct Upload<S> {
    /// The media type the client declared (`Content-Type`), parameters stripped.
    pub media_type: String,
    /// The file name the client gave, kept for display only (never used in storage keys).
    pub filename: Option<String>,
    /// The declared length, when known; rejected early when above the limit.
    pub declared_len: Option<u64>,
    /// Clean a wide table (years or months as columns) into the Satu Data long layout.
    pub long: bool,
    /// The bytes.
    pub body: S,
}

impl Catalog {
    /// The validation report of a version.
    pub async fn version_report(
        &self,
        actor: &Actor,
        key: &str,
        number: i32,
    ) -> Result<serde_json::Value> {
        let version = self.version(actor, key, number).await?;
        version.report.ok_or_else(|| {
            Error::NotFound(Message::new(
                format!("Versi {number} belum memiliki laporan validasi"),
                format!("Version {number} has no validation report"),
            ))
        })
    }

    /// A dataset's versions, newest first. Readers who may not see drafts see published
    /// versions only.
    pub async fn list_versions(
        &self,
        actor: &Actor,
        key: &str,
    ) -> Result<Vec<dataset_version::Model>> {
        let dataset = self.dataset_row(actor, key).await?;
        let mut query = dataset_version::Entity::find()
            .filter(dataset_version::Column::DatasetId.eq(dataset.id));
        if !actor.sees_drafts(&dataset) {
            query = query.filter(dataset_version::Column::PublishedAt.is_not_null());
        }
        Ok(query
            .order_by_desc(dataset_version::Column::Number)
            .all(self.db())
            .await?)
    }

    /// One version of a dataset by number.
    pub async fn version(
        &self,
        actor: &Actor,
        key: &str,
        number: i32,
    ) -> Result<dataset_version::Model> {
        let dataset = self.dataset_row(actor, key).await?;
        self.version_of(actor, &dataset, number).await
    }

    /// One version of a dataset the actor may read, by number.
    pub(crate) async fn version_of(
        &self,
        actor: &Actor,
        dataset: &dataset::Model,
        number: i32,
    ) -> Result<dataset_version::Model> {
        dataset_version::Entity::find()
            .filter(dataset_version::Column::DatasetId.eq(dataset.id))
            .filter(dataset_version::Column::Number.eq(number))
            .one(self.db())
            .await?
            .filter(|v| v.published_at.is_some() || actor.sees_drafts(dataset))
            .ok_or_else(|| {
                Error::not_found("Versi", "version", &format!("{}/{number}", dataset.slug))
            })
    }

    /// Physical rows `first .. first + count` of a version's file as uploaded (the numbers a
    /// report's findings carry), for showing flagged cells in their context.
    pub async fn version_rows(
        &self,
        actor: &Actor,
        key: &str,
        number: i32,
        first: u64,
        count: usize,
    ) -> Result<Vec<(u64, Vec<String>)>> {
        let version = self.version(actor, key, number).await?;
        let sheet = version
            .report
            .as_ref()
            .and_then(|r| r["table"]["sheet"].as_str().map(str::to_owned));
        let cache_key = format!(
            "{}\n{}\n{first}\n{count}",
            version.object_key,
            sheet.as_deref().unwrap_or_default()
        );
        if let Some(rows) = self.pages.windows.get(&cache_key) {
            return Ok(Vec::clone(&rows));
        }
        let reader = self.storage().blocking_reader(&version.object_key).await?;
        let limits = self.settings().read_limits;
        let rows = tokio::task::spawn_blocking(move || {
            satudata_validation::rows_window(reader, sheet.as_deref(), &limits, first, count)
        })
        .await?
        .map_err(|e| crate::jobs::unreadable(&e))?;
        self.pages
            .windows
            .insert(cache_key, std::sync::Arc::new(rows.clone()));
        Ok(rows)
    }

    /// A version by database id.
    pub(crate) async fn version_by_id(&self, id: i32) -> Result<dataset_version::Model> {
        dataset_version::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .ok_or_else(|| Error::Invariant(format!("version {id} vanished")))
    }
}
