//! The read model every feed is built from (CKAN dictionaries, DCAT graphs, data.json,
//! schema.org): a dataset with its OPD, tags, current published version and that version's
//! files, loaded for a page of datasets in a few queries, plus where the feeds are served.
//! Which datasets a caller may see is the catalog's one visibility rule
//! ([`satudata_catalog::visibility`]).

use std::collections::HashMap;

use satudata_catalog::datasets::DatasetRecord;
use satudata_catalog::download_counts::DownloadSummary;
use satudata_catalog::entity::{dataset, dataset_version, distribution, portal};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::Harvest;
use crate::error::Result;

/// What every dictionary needs to know about where it is served.
#[derive(Debug, Clone, Copy)]
pub struct Site<'a> {
    /// Public base URL without a trailing slash.
    pub base_url: &'a str,
    /// The portal (its region code gives the produsen's province and city codes).
    pub portal: &'a portal::Model,
}

/// What the feeds need of a dataset's current version (not its stored report and logs).
#[derive(Debug, Clone, Copy)]
pub(crate) struct CurrentVersion {
    /// Its number.
    pub number: i32,
    /// When it was published.
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A dataset with its current published version and that version's files.
#[derive(Debug, Clone)]
pub(crate) struct PackageRow {
    /// The dataset with its OPD and tags.
    pub record: DatasetRecord,
    /// Its current published version.
    pub version: Option<CurrentVersion>,
    /// That version's files.
    pub files: Vec<distribution::Model>,
    /// Its downloads (CKAN's `tracking_summary`).
    pub downloads: DownloadSummary,
}

/// The landing page of a dataset: its page on the portal.
pub(crate) fn landing_page(site: Site<'_>, slug: &str) -> String {
    format!("{}/dataset/{slug}", site.base_url)
}

/// CKAN's format labels.
pub(crate) fn format_label(format: &str) -> &'static str {
    match format {
        "csv" => "CSV",
        "json" => "JSON",
        "parquet" => "Parquet",
        "xlsx" => "XLSX",
        _ => "Data",
    }
}

impl Harvest {
    /// Joins the current version and its files onto dataset rows, keeping their order.
    pub(crate) async fn package_rows(&self, rows: Vec<dataset::Model>) -> Result<Vec<PackageRow>> {
        let version_ids: Vec<i32> = rows.iter().filter_map(|d| d.current_version_id).collect();
        // Only the columns the dictionaries use: a version row also holds its whole report.
        let current: Vec<(i32, i32, Option<chrono::DateTime<chrono::Utc>>)> =
            dataset_version::Entity::find()
                .select_only()
                .columns([
                    dataset_version::Column::Id,
                    dataset_version::Column::Number,
                    dataset_version::Column::PublishedAt,
                ])
                .filter(dataset_version::Column::Id.is_in(version_ids.iter().copied()))
                .into_tuple()
                .all(self.catalog.db())
                .await?;
        let mut versions: HashMap<i32, CurrentVersion> = current
            .into_iter()
            .map(|(id, number, published_at)| {
                (
                    id,
                    CurrentVersion {
                        number,
                        published_at,
                    },
                )
            })
            .collect();
        let mut files = self.catalog.files_of(&version_ids).await?;
        let ids: Vec<i32> = rows.iter().map(|d| d.id).collect();
        let mut downloads = self.catalog.download_summaries(&ids).await?;
        Ok(self
            .catalog
            .records(rows)
            .await?
            .into_iter()
            .map(|record| {
                let current = record.dataset.current_version_id;
                PackageRow {
                    downloads: downloads.remove(&record.dataset.id).unwrap_or_default(),
                    version: current.and_then(|id| versions.remove(&id)),
                    files: current.and_then(|id| files.remove(&id)).unwrap_or_default(),
                    record,
                }
            })
            .collect())
    }
}
