//! The index of the datasets a visitor may see: what search, facets and listings need of each
//! (not its description or metadata), read in three queries and kept per catalogue generation
//! for anonymous visitors.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Datelike, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect};

use super::FORMAT_BITS;
use crate::entity::{dataset, dataset_version, distribution};
use crate::error::Result;
use crate::{Actor, Catalog, visibility};

/// One visible, published dataset.
#[derive(Debug, Clone)]
pub struct IndexEntry {
    /// Database id.
    pub id: i32,
    /// Owning OPD.
    pub organization_id: i32,
    /// Topik.
    pub topik: Option<String>,
    /// Frekuensi.
    pub frekuensi: Option<String>,
    /// Akses.
    pub akses: String,
    /// Title in lower case, for sorting.
    pub title_key: String,
    /// When the dataset was first published.
    pub published_at: Option<DateTime<Utc>>,
    /// When its current version was published.
    pub data_updated_at: Option<DateTime<Utc>>,
    /// Years of its temporal coverage (an open end stays open).
    pub years: (Option<i32>, Option<i32>),
    /// Formats of its current version ([`FORMAT_BITS`]).
    pub formats: u8,
    /// Rows of its current version.
    pub row_count: Option<i64>,
}

impl IndexEntry {
    /// Whether the coverage includes some day of `year` (as `search::covers_year`).
    pub fn covers(&self, year: i32) -> bool {
        match self.years {
            (None, None) => false,
            (start, end) => start.is_none_or(|s| s <= year) && end.is_none_or(|e| e >= year),
        }
    }

    /// The labels of its formats, in download order.
    pub fn format_labels(&self) -> Vec<&'static str> {
        FORMAT_BITS
            .iter()
            .filter(|(_, _, bit)| self.formats & bit != 0)
            .map(|(_, label, _)| *label)
            .collect()
    }
}

/// The visible, published datasets.
#[derive(Debug, Clone, Default)]
pub struct PublicIndex {
    /// In no particular order.
    pub entries: Vec<IndexEntry>,
    by_id: HashMap<i32, usize>,
}

impl PublicIndex {
    /// The entry of a dataset, if visible.
    pub fn get(&self, id: i32) -> Option<&IndexEntry> {
        self.by_id.get(&id).map(|&i| &self.entries[i])
    }
}

impl Catalog {
    /// The index of what `actor` may see on the portal: published, not withdrawn, readable;
    /// for anonymous visitors Terbuka only (kept per catalogue generation).
    pub async fn portal_index(&self, actor: &Actor) -> Result<Arc<PublicIndex>> {
        if !matches!(actor, Actor::Anonymous) {
            return Ok(Arc::new(self.build_index(&portal_visible(actor)).await?));
        }
        let generation = self.generation().await?;
        if let Some(index) = self.pages.index.get(generation, "anonymous") {
            return Ok(index);
        }
        let index = Arc::new(self.build_index(&portal_visible(actor)).await?);
        self.pages
            .index
            .put(generation, "anonymous".into(), index.clone(), 1);
        Ok(index)
    }

    async fn build_index(&self, visible: &Condition) -> Result<PublicIndex> {
        type Row = (
            i32,
            i32,
            Option<String>,
            Option<String>,
            String,
            String,
            Option<DateTime<Utc>>,
            Option<chrono::NaiveDate>,
            Option<chrono::NaiveDate>,
            Option<i32>,
        );
        use dataset::Column as D;
        let rows: Vec<Row> = dataset::Entity::find()
            .select_only()
            .columns([
                D::Id,
                D::OrganizationId,
                D::Topik,
                D::Frekuensi,
                D::Akses,
                D::Title,
                D::PublishedAt,
                D::TemporalStart,
                D::TemporalEnd,
                D::CurrentVersionId,
            ])
            .filter(visible.clone())
            .into_tuple()
            .all(self.db())
            .await?;
        let current = Query::select()
            .column(D::CurrentVersionId)
            .from(dataset::Entity)
            .cond_where(visible.clone())
            .to_owned();
        let versions: Vec<(i32, Option<DateTime<Utc>>, Option<i64>)> =
            dataset_version::Entity::find()
                .select_only()
                .columns([
                    dataset_version::Column::Id,
                    dataset_version::Column::PublishedAt,
                    dataset_version::Column::RowCount,
                ])
                .filter(dataset_version::Column::Id.in_subquery(current.clone()))
                .into_tuple()
                .all(self.db())
                .await?;
        let versions: HashMap<i32, (Option<DateTime<Utc>>, Option<i64>)> = versions
            .into_iter()
            .map(|(id, at, rows)| (id, (at, rows)))
            .collect();
        let files: Vec<(i32, String)> = distribution::Entity::find()
            .select_only()
            .columns([
                distribution::Column::VersionId,
                distribution::Column::Format,
            ])
            .filter(distribution::Column::VersionId.in_subquery(current))
            .into_tuple()
            .all(self.db())
            .await?;
        let mut formats: HashMap<i32, u8> = HashMap::new();
        for (version, format) in files {
            if let Some((_, _, bit)) = FORMAT_BITS.iter().find(|(f, _, _)| *f == format) {
                *formats.entry(version).or_default() |= bit;
            }
        }
        let entries: Vec<IndexEntry> = rows
            .into_iter()
            .map(
                |(id, org, topik, frekuensi, akses, title, published_at, start, end, version)| {
                    let (data_updated_at, row_count) = version
                        .and_then(|v| versions.get(&v).copied())
                        .unwrap_or_default();
                    IndexEntry {
                        id,
                        organization_id: org,
                        topik,
                        frekuensi,
                        akses,
                        title_key: title.to_lowercase(),
                        published_at,
                        data_updated_at,
                        years: (start.map(|d| d.year()), end.map(|d| d.year())),
                        formats: version
                            .and_then(|v| formats.get(&v).copied())
                            .unwrap_or_default(),
                        row_count,
                    }
                },
            )
            .collect();
        let by_id = entries.iter().enumerate().map(|(i, e)| (e.id, i)).collect();
        Ok(PublicIndex { entries, by_id })
    }
}

/// What the portal lists for `actor`: published and not withdrawn; Terbuka for anonymous
/// visitors, every akses the actor may read otherwise.
pub(crate) fn portal_visible(actor: &Actor) -> Condition {
    let signed_in = !matches!(actor, Actor::Anonymous);
    visibility::visible(actor, signed_in, false)
}
