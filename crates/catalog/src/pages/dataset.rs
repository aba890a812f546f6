//! What a dataset's public page reads: the dataset, its published versions with their files,
//! the columns and the Standar Data variables they are bound to, the score of the published
//! version, the next expected update, downloads; and, for a withdrawn dataset, why.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use satudata_validation::{Facts, Score, TableSchema};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::schedule::{local_date, local_today, next_update};
use crate::datasets::DatasetRecord;
use crate::download_counts::DownloadSummary;
use crate::entity::{dataset, dataset_version, distribution, organization, standard_variable};
use crate::error::{Error, Message, Result};
use crate::{Actor, Catalog};

/// A published version and its files.
#[derive(Debug, Clone)]
pub struct PublishedVersion {
    /// Its number.
    pub number: i32,
    /// When it was published.
    pub published_at: DateTime<Utc>,
    /// Rows of its table.
    pub row_count: Option<i64>,
    /// Columns of its table.
    pub column_count: Option<i64>,
    /// Its published files.
    pub files: Vec<distribution::Model>,
}

/// Everything the dataset page shows.
#[derive(Debug, Clone)]
pub struct DatasetPage {
    /// The dataset, its OPD and tags.
    pub record: DatasetRecord,
    /// The current published version.
    pub current: PublishedVersion,
    /// Every published version, newest first (the current one among them).
    pub versions: Vec<PublishedVersion>,
    /// Downloads.
    pub downloads: DownloadSummary,
    /// Its columns: the declared Table Schema, else the one inferred for the current version.
    pub schema: Option<TableSchema>,
    /// The Standar Data variables its columns are bound to, by kode.
    pub standards: HashMap<String, standard_variable::Model>,
    /// What the score of the current version was made of.
    pub facts: Facts,
    /// The score of the current version.
    pub score: Score,
    /// When the next version is due, by frekuensi.
    pub next_update: Option<NaiveDate>,
    /// Whether that day has passed.
    pub overdue: bool,
    /// The region it covers (code and name), when the region list knows it.
    pub region: Option<(String, String)>,
    /// Whether the visitor may manage it in the workspace.
    pub can_edit: bool,
}

/// Why a dataset is no longer published.
#[derive(Debug, Clone)]
pub struct Withdrawal {
    /// Its title.
    pub title: String,
    /// Its OPD.
    pub organization: organization::Model,
    /// The walidata's reason, as written.
    pub reason: String,
    /// When.
    pub withdrawn_at: DateTime<Utc>,
}

impl Catalog {
    /// The public page of a published dataset `actor` may read. Not found before publication;
    /// [`Error::Gone`] once withdrawn (see [`Catalog::withdrawal`]).
    pub async fn dataset_page(&self, actor: &Actor, key: &str) -> Result<DatasetPage> {
        let record = self.dataset(actor, key).await?;
        let d = &record.dataset;
        if d.withdrawn_at.is_some() {
            return Err(Error::Gone(Message::new(
                format!("Dataset '{key}' tidak ditayangkan lagi"),
                format!("Dataset '{key}' has been withdrawn"),
            )));
        }
        let Some(current_id) = d.current_version_id else {
            return Err(Error::not_found("Dataset", "dataset", key));
        };
        let current_row = self.version_by_id(current_id).await?;
        let versions = self.published_versions(d.id).await?;
        let current = versions
            .iter()
            .find(|v| v.number == current_row.number)
            .cloned()
            .ok_or_else(|| Error::Invariant(format!("version {current_id} is not published")))?;
        let schema = match self.schema_of(d).await? {
            Some(schema) => Some(schema),
            None => current_row
                .report
                .as_ref()
                .and_then(|r| serde_json::from_value(r["schema"].clone()).ok()),
        };
        let kodes: Vec<String> = schema
            .iter()
            .flat_map(|s| s.fields.iter().filter_map(|f| f.standar_data.clone()))
            .collect();
        let standards = if kodes.is_empty() {
            HashMap::new()
        } else {
            standard_variable::Entity::find()
                .filter(standard_variable::Column::Kode.is_in(kodes))
                .all(self.db())
                .await?
                .into_iter()
                .map(|v| (v.kode.clone(), v))
                .collect()
        };
        let (facts, score) = self.score_of(&record, Some(&current_row)).await?;
        let downloads = self
            .download_summaries(&[d.id])
            .await?
            .remove(&d.id)
            .unwrap_or_default();
        let next = d
            .frekuensi
            .as_deref()
            .and_then(|f| next_update(f, local_date(current.published_at)));
        let region = d.cakupan_wilayah.as_ref().map(|code| {
            let name = self
                .regions()
                .and_then(|r| r.get(code).map(|region| region.name.clone()))
                .unwrap_or_else(|| code.clone());
            (code.clone(), name)
        });
        Ok(DatasetPage {
            can_edit: actor.require_dataset_writer(d.organization_id).is_ok(),
            next_update: next,
            overdue: next.is_some_and(|due| due < local_today()),
            region,
            current,
            versions,
            downloads,
            schema,
            standards,
            facts,
            score,
            record,
        })
    }

    /// Published versions of a dataset with their files, newest first.
    async fn published_versions(&self, dataset_id: i32) -> Result<Vec<PublishedVersion>> {
        type Row = (i32, i32, Option<DateTime<Utc>>, Option<i64>, Option<i64>);
        use dataset_version::Column as V;
        let rows: Vec<Row> = dataset_version::Entity::find()
            .select_only()
            .columns([
                V::Id,
                V::Number,
                V::PublishedAt,
                V::RowCount,
                V::ColumnCount,
            ])
            .filter(V::DatasetId.eq(dataset_id))
            .filter(V::PublishedAt.is_not_null())
            .order_by_desc(V::Number)
            .into_tuple()
            .all(self.db())
            .await?;
        let ids: Vec<i32> = rows.iter().map(|r| r.0).collect();
        let mut files = self.files_of(&ids).await?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, number, published_at, row_count, column_count)| {
                Some(PublishedVersion {
                    number,
                    published_at: published_at?,
                    row_count,
                    column_count,
                    files: files.remove(&id).unwrap_or_default(),
                })
            })
            .collect())
    }

    /// Why a dataset `actor` could read was withdrawn; not found otherwise.
    pub async fn withdrawal(&self, actor: &Actor, key: &str) -> Result<Withdrawal> {
        let by_key = match uuid::Uuid::parse_str(key) {
            Ok(uuid) => dataset::Column::Uuid.eq(uuid),
            Err(_) => dataset::Column::Slug.eq(key),
        };
        let row = dataset::Entity::find()
            .filter(by_key)
            .filter(dataset::Column::DeletedAt.is_null())
            .one(self.db())
            .await?
            .filter(|d| d.withdrawn_at.is_some())
            .filter(|d| actor.akses_allows(&d.akses) || actor.sees_drafts(d))
            .ok_or_else(|| Error::not_found("Dataset", "dataset", key))?;
        let organization = self.organization_by_id(row.organization_id).await?;
        Ok(Withdrawal {
            title: row.title,
            organization,
            reason: row.withdrawn_reason.unwrap_or_default(),
            withdrawn_at: row.withdrawn_at.unwrap_or_else(Utc::now),
        })
    }
}
