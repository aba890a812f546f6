//! Finding the published file a download asks for. The HTTP layer streams it from the store.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::entity::{dataset, dataset_version, distribution};
use crate::error::{Error, Message, Result};
use crate::{Actor, Catalog};
use satudata_publish::{self as formats, XLSX_MAX_CELL_CHARS, XLSX_MAX_COLUMNS, XLSX_MAX_ROWS};

/// A published file, ready to stream.
#[derive(Debug, Clone)]
pub struct Download {
    /// The dataset.
    pub dataset: dataset::Model,
    /// The version.
    pub version: dataset_version::Model,
    /// The file.
    pub file: distribution::Model,
    /// When the version was published (the file's Last-Modified).
    pub published_at: DateTime<Utc>,
}

impl Catalog {
    /// The published file of a version (`None`: the dataset's current version) in a format.
    pub async fn download(
        &self,
        actor: &Actor,
        key: &str,
        number: Option<i32>,
        format: &str,
    ) -> Result<Download> {
        let dataset = self.dataset_row(actor, key).await?;
        let Some(format) = formats::format(format) else {
            return Err(Error::NotFound(Message::new(
                format!("Format '{format}' tidak tersedia; pilih csv, json, parquet atau xlsx"),
                format!("Format '{format}' is not available; choose csv, json, parquet or xlsx"),
            )));
        };
        let version = self.published_version(actor, &dataset, number).await?;
        let published_at = version
            .published_at
            .ok_or_else(|| not_published(key, number))?;
        let file = distribution::Entity::find()
            .filter(distribution::Column::VersionId.eq(version.id))
            .filter(distribution::Column::Format.eq(format.name))
            .one(self.db())
            .await?
            .ok_or_else(|| {
                Error::NotFound(Message::new(
                    format!(
                        "Versi ini tidak tersedia sebagai {}: XLSX hanya dibuat untuk tabel sampai \
                         {XLSX_MAX_ROWS} baris dan {XLSX_MAX_COLUMNS} kolom, dengan paling banyak \
                         {XLSX_MAX_CELL_CHARS} karakter per sel",
                        format.name
                    ),
                    format!(
                        "This version is not available as {}: XLSX is only written for tables of \
                         up to {XLSX_MAX_ROWS} rows and {XLSX_MAX_COLUMNS} columns, with at most \
                         {XLSX_MAX_CELL_CHARS} characters per cell",
                        format.name
                    ),
                ))
            })?;
        Ok(Download {
            dataset,
            version,
            file,
            published_at,
        })
    }

    /// A published version by number, or the current one.
    pub async fn published_version(
        &self,
        actor: &Actor,
        dataset: &dataset::Model,
        number: Option<i32>,
    ) -> Result<dataset_version::Model> {
        let version = match number {
            Some(n) => self.version_of(actor, dataset, n).await?,
            None => match dataset.current_version_id {
                Some(id) => self.version_by_id(id).await?,
                None => return Err(not_published(&dataset.slug, None)),
            },
        };
        if version.published_at.is_none() {
            return Err(not_published(&dataset.slug, number));
        }
        Ok(version)
    }
}

fn not_published(key: &str, number: Option<i32>) -> Error {
    match number {
        Some(n) => Error::NotFound(Message::new(
            format!("Versi {n} dataset '{key}' belum ditayangkan"),
            format!("Version {n} of dataset '{key}' is not published"),
        )),
        None => Error::NotFound(Message::new(
            format!("Dataset '{key}' belum ditayangkan"),
            format!("Dataset '{key}' has not been published yet"),
        )),
    }
}
