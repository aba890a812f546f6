//! Finding the published file a download asks for. The HTTP layer streams it from the store.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::entity::{dataset, dataset_version, distribution};
use crate::error::{Error, Message, Result};
use crate::{Actor, Catalog};
use satudata_publish::{self as formats, XLSX_MAX_CELL_CHARS, XLSX_MAX_COLUMNS, XLSX_MAX_ROWS};

/// A published file, ready to stream.
#[derive(Debug, Clone)]
pub struct Download {
    /// The dataset.
    pub dataset: dataset::Model,
    /// The version's number.
    pub number: i32,
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
        let (version_id, number, published_at) =
            self.published_version_id(actor, &dataset, number).await?;
        let file = self.published_file(version_id, format.name).await?;
        Ok(Download {
            dataset,
            number,
            file,
            published_at,
        })
    }

    /// The id, number and publication time of a published version (`None`: the current one),
    /// read without the version's report and logs (the data API asks this for every page).
    /// Errors: not published (the dataset has no current version, or the actor may see the
    /// unpublished version asked for), else not found (a number that does not exist or that
    /// the actor may not see).
    pub(crate) async fn published_version_id(
        &self,
        actor: &Actor,
        dataset: &dataset::Model,
        number: Option<i32>,
    ) -> Result<(i32, i32, DateTime<Utc>)> {
        let found = dataset_version::Entity::find()
            .select_only()
            .columns([
                dataset_version::Column::Id,
                dataset_version::Column::Number,
                dataset_version::Column::PublishedAt,
            ])
            .filter(dataset_version::Column::DatasetId.eq(dataset.id));
        let found = match (number, dataset.current_version_id) {
            (Some(n), _) => found.filter(dataset_version::Column::Number.eq(n)),
            (None, Some(id)) => found.filter(dataset_version::Column::Id.eq(id)),
            (None, None) => return Err(not_published(&dataset.slug, None)),
        };
        let row: Option<(i32, i32, Option<DateTime<Utc>>)> =
            found.into_tuple().one(self.db()).await?;
        match (row, number) {
            (Some((id, n, Some(at))), _) => Ok((id, n, at)),
            (Some(_), None) => Err(not_published(&dataset.slug, None)),
            (Some(_), Some(n)) if actor.sees_drafts(dataset) => {
                Err(not_published(&dataset.slug, Some(n)))
            }
            (_, Some(n)) => Err(missing_version(dataset, n)),
            (None, None) => Err(Error::Invariant(format!(
                "version {} vanished",
                dataset.current_version_id.unwrap_or_default()
            ))),
        }
    }

    /// A published version's file in a format.
    pub(crate) async fn published_file(
        &self,
        version_id: i32,
        format: &str,
    ) -> Result<distribution::Model> {
        distribution::Entity::find()
            .filter(distribution::Column::VersionId.eq(version_id))
            .filter(distribution::Column::Format.eq(format))
            .one(self.db())
            .await?
            .ok_or_else(|| {
                Error::NotFound(Message::new(
                    format!(
                        "Versi ini tidak tersedia sebagai {format}: XLSX hanya dibuat untuk tabel \
                         sampai {XLSX_MAX_ROWS} baris dan {XLSX_MAX_COLUMNS} kolom, dengan paling \
                         banyak {XLSX_MAX_CELL_CHARS} karakter per sel"
                    ),
                    format!(
                        "This version is not available as {format}: XLSX is only written for \
                         tables of up to {XLSX_MAX_ROWS} rows and {XLSX_MAX_COLUMNS} columns, with \
                         at most {XLSX_MAX_CELL_CHARS} characters per cell"
                    ),
                ))
            })
    }

    /// A published version by number, or the current one (its whole row; the rules and
    /// errors are [`Catalog::published_version_id`]'s).
    pub async fn published_version(
        &self,
        actor: &Actor,
        dataset: &dataset::Model,
        number: Option<i32>,
    ) -> Result<dataset_version::Model> {
        let (id, _, _) = self.published_version_id(actor, dataset, number).await?;
        self.version_by_id(id).await
    }
}

/// The 404 of a version number the actor cannot see.
fn missing_version(dataset: &dataset::Model, number: i32) -> Error {
    Error::not_found("Versi", "version", &format!("{}/{number}", dataset.slug))
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
