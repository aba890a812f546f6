//! The workspace's "my datasets": the datasets an account manages (a produsen its OPD's, the
//! walidata and admins all) with the status of each one's newest version, and those overdue for
//! an update by their frekuensi.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::schedule::{local_date, local_today, next_update};
use crate::datasets::DatasetRecord;
use crate::entity::{dataset, dataset_version};
use crate::error::{Error, Result};
use crate::lifecycle::VersionStatus;
use crate::paging::Page;
use crate::{Actor, Catalog, Role};

/// Dataset id, number, status, note, upload time of a version.
type VersionRow = (i32, i32, VersionStatus, Option<String>, DateTime<Utc>);

/// What "my datasets" lists.
#[derive(Debug, Clone, Default)]
pub struct ManagedQuery {
    /// Only datasets whose newest version has this status.
    pub status: Option<VersionStatus>,
    /// Only this OPD (slug; ignored for a produsen, who sees their own).
    pub organization: Option<String>,
    /// Words the title must contain (case-insensitive).
    pub q: Option<String>,
    /// The page.
    pub page: Page,
}

/// A version's state as the listing shows it.
#[derive(Debug, Clone)]
pub struct VersionState {
    /// Version number.
    pub number: i32,
    /// Its status.
    pub status: VersionStatus,
    /// The walidata's (or OPD's) note with the status.
    pub status_note: Option<String>,
    /// When it was uploaded.
    pub created_at: DateTime<Utc>,
}

/// A managed dataset.
#[derive(Debug, Clone)]
pub struct ManagedDataset {
    /// The dataset and its OPD.
    pub record: DatasetRecord,
    /// Its newest version, if any.
    pub newest: Option<VersionState>,
    /// When the next version is due (published datasets with a periodic frekuensi).
    pub next_update: Option<NaiveDate>,
}

/// A dataset overdue for an update.
#[derive(Debug, Clone)]
pub struct DueDataset {
    /// Slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Frekuensi.
    pub frekuensi: String,
    /// The date the update was due.
    pub next_update: NaiveDate,
    /// Days since.
    pub days_late: i64,
}

/// One page of managed datasets, the total, and every overdue one (most late first).
#[derive(Debug, Clone)]
pub struct Managed {
    /// The page.
    pub items: Vec<ManagedDataset>,
    /// Matching datasets in all pages.
    pub total: u64,
    /// Overdue datasets among all the account manages (not only the filtered ones).
    pub due: Vec<DueDataset>,
}

impl Catalog {
    /// The datasets `actor` manages: a produsen its OPD's, the walidata and admins all
    /// (pembina: 403); most recently changed first.
    pub async fn managed_datasets(&self, actor: &Actor, query: ManagedQuery) -> Result<Managed> {
        let me = actor.principal()?;
        let mut scope = Condition::all().add(dataset::Column::DeletedAt.is_null());
        match me.role {
            Role::Produsen => {
                let own = me.organization_id.ok_or_else(|| {
                    Error::forbidden(
                        "Akun produsen ini belum terikat pada OPD",
                        "This produsen account has no OPD",
                    )
                })?;
                scope = scope.add(dataset::Column::OrganizationId.eq(own));
            }
            Role::Walidata | Role::Admin => {
                if let Some(key) = query.organization.as_deref().filter(|k| !k.is_empty()) {
                    let id = self.find_organization_row(key).await?.map_or(-1, |o| o.id);
                    scope = scope.add(dataset::Column::OrganizationId.eq(id));
                }
            }
            Role::Pembina => {
                return Err(Error::forbidden(
                    "Pembina tidak mengelola dataset",
                    "A pembina does not manage datasets",
                ));
            }
        }
        let rows = dataset::Entity::find()
            .filter(scope)
            .order_by_desc(dataset::Column::UpdatedAt)
            .order_by_desc(dataset::Column::Id)
            .all(self.db())
            .await?;
        let ids: Vec<i32> = rows.iter().map(|d| d.id).collect();
        let mut newest: HashMap<i32, VersionState> = HashMap::new();
        for chunk in ids.chunks(500) {
            let versions: Vec<VersionRow> = dataset_version::Entity::find()
                .select_only()
                .columns([
                    dataset_version::Column::DatasetId,
                    dataset_version::Column::Number,
                    dataset_version::Column::Status,
                    dataset_version::Column::StatusNote,
                    dataset_version::Column::CreatedAt,
                ])
                .filter(dataset_version::Column::DatasetId.is_in(chunk.iter().copied()))
                .into_tuple()
                .all(self.db())
                .await?;
            for (dataset_id, number, status, status_note, created_at) in versions {
                if newest.get(&dataset_id).is_none_or(|v| v.number < number) {
                    newest.insert(
                        dataset_id,
                        VersionState {
                            number,
                            status,
                            status_note,
                            created_at,
                        },
                    );
                }
            }
        }
        let today = local_today();
        // Due one period after the current version was published (the last update).
        let last_updates = self.last_updates(&rows).await?;
        let due_of = |d: &dataset::Model| {
            let published = *last_updates.get(&d.id)?;
            next_update(d.frekuensi.as_deref()?, local_date(published))
        };
        let mut due: Vec<DueDataset> = rows
            .iter()
            .filter_map(|d| {
                let at = due_of(d)?;
                (at < today).then(|| DueDataset {
                    slug: d.slug.clone(),
                    title: d.title.clone(),
                    frekuensi: d.frekuensi.clone().unwrap_or_default(),
                    next_update: at,
                    days_late: (today - at).num_days(),
                })
            })
            .collect();
        due.sort_by(|a, b| b.days_late.cmp(&a.days_late).then(a.title.cmp(&b.title)));
        let words: Vec<String> = query
            .q
            .as_deref()
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        let matching: Vec<dataset::Model> = rows
            .into_iter()
            .filter(|d| match query.status {
                Some(s) => newest.get(&d.id).is_some_and(|v| v.status == s),
                None => true,
            })
            .filter(|d| {
                let title = d.title.to_lowercase();
                words.iter().all(|w| title.contains(w.as_str()))
            })
            .collect();
        let total = matching.len() as u64;
        let offset = usize::try_from(query.page.offset).unwrap_or(usize::MAX);
        let limit = usize::try_from(query.page.limit).unwrap_or(usize::MAX);
        let page: Vec<dataset::Model> = matching.into_iter().skip(offset).take(limit).collect();
        let records = self.records(page).await?;
        let items = records
            .into_iter()
            .map(|record| ManagedDataset {
                next_update: due_of(&record.dataset),
                newest: newest.remove(&record.dataset.id),
                record,
            })
            .collect();
        Ok(Managed { items, total, due })
    }
}

/// The order of the review queue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum QueueSort {
    /// Waiting longest first.
    #[default]
    Oldest,
    /// Submitted most recently first.
    Newest,
    /// Lowest metadata score (MQA) first.
    Score,
}

/// What the review queue lists.
#[derive(Debug, Clone)]
pub struct ReviewQuery {
    /// Versions in this status (MENUNGGU_PERSETUJUAN by default on the page).
    pub status: VersionStatus,
    /// Only this OPD (slug).
    pub organization: Option<String>,
    /// Only Data Prioritas.
    pub prioritas: bool,
    /// Order.
    pub sort: QueueSort,
    /// The page.
    pub page: Page,
}

/// A version in the review queue.
#[derive(Debug, Clone)]
pub struct QueueEntry {
    /// The dataset and its OPD.
    pub record: DatasetRecord,
    /// Version number.
    pub number: i32,
    /// Its status.
    pub status: VersionStatus,
    /// Validation errors and warnings.
    pub errors: i64,
    /// Warnings.
    pub warnings: i64,
    /// When it was last submitted (its upload time if no submission is recorded).
    pub submitted_at: DateTime<Utc>,
    /// The dataset's score with this version (the MQA total and band are what the queue shows).
    pub score: satudata_validation::Score,
    /// Data Prioritas still waiting for the pembina's approval.
    pub pembina_needed: bool,
}

impl Catalog {
    /// The versions waiting for a decision (or in `query.status`) that `actor` reviews: the
    /// walidata and admins all, a pembina Data Prioritas only (produsen: 403).
    pub async fn review_queue(
        &self,
        actor: &Actor,
        query: ReviewQuery,
    ) -> Result<crate::paging::Paged<QueueEntry>> {
        use crate::entity::dataset_event;
        use crate::lifecycle::EventKind;
        let me = actor.principal()?;
        // The walidata and admins see every draft; a pembina every Data Prioritas one.
        let mut scope = Condition::all().add(dataset::Column::DeletedAt.is_null());
        match me.role {
            Role::Walidata | Role::Admin => {}
            Role::Pembina => scope = scope.add(dataset::Column::PrioritasTahun.is_not_null()),
            Role::Produsen => {
                return Err(Error::forbidden(
                    "Antrean pemeriksaan hanya untuk walidata dan pembina",
                    "The review queue is for the walidata and pembina",
                ));
            }
        }
        if let Some(key) = query.organization.as_deref().filter(|k| !k.is_empty()) {
            let id = self.find_organization_row(key).await?.map_or(-1, |o| o.id);
            scope = scope.add(dataset::Column::OrganizationId.eq(id));
        }
        if query.prioritas {
            scope = scope.add(dataset::Column::PrioritasTahun.is_not_null());
        }
        let datasets = dataset::Entity::find().filter(scope).all(self.db()).await?;
        let ids: Vec<i32> = datasets.iter().map(|d| d.id).collect();
        let mut versions = Vec::new();
        let mut submitted: HashMap<(i32, i32), DateTime<Utc>> = HashMap::new();
        for chunk in ids.chunks(500) {
            versions.extend(
                dataset_version::Entity::find()
                    .filter(dataset_version::Column::DatasetId.is_in(chunk.iter().copied()))
                    .filter(dataset_version::Column::Status.eq(query.status))
                    .all(self.db())
                    .await?,
            );
            let events: Vec<(i32, Option<i32>, DateTime<Utc>)> = dataset_event::Entity::find()
                .select_only()
                .columns([
                    dataset_event::Column::DatasetId,
                    dataset_event::Column::VersionNumber,
                    dataset_event::Column::At,
                ])
                .filter(dataset_event::Column::DatasetId.is_in(chunk.iter().copied()))
                .filter(dataset_event::Column::Action.eq(EventKind::Submit))
                .into_tuple()
                .all(self.db())
                .await?;
            for (dataset_id, number, at) in events {
                if let Some(number) = number {
                    let slot = submitted.entry((dataset_id, number)).or_insert(at);
                    if *slot < at {
                        *slot = at;
                    }
                }
            }
        }
        let records: HashMap<i32, DatasetRecord> = self
            .records(datasets)
            .await?
            .into_iter()
            .map(|r| (r.dataset.id, r))
            .collect();
        let mut entries = Vec::with_capacity(versions.len());
        for v in versions {
            let Some(record) = records.get(&v.dataset_id) else {
                continue;
            };
            let score = self.score_of(record, Some(&v)).await?.1;
            entries.push(QueueEntry {
                record: record.clone(),
                number: v.number,
                status: v.status,
                errors: v.error_count.unwrap_or_default(),
                warnings: v.warning_count.unwrap_or_default(),
                submitted_at: submitted
                    .get(&(v.dataset_id, v.number))
                    .copied()
                    .unwrap_or(v.created_at),
                score,
                pembina_needed: record.dataset.prioritas_tahun.is_some()
                    && v.pembina_approved_by.is_none()
                    && !v.status.approved(),
            });
        }
        match query.sort {
            QueueSort::Oldest => entries.sort_by_key(|e| (e.submitted_at, e.record.dataset.id)),
            QueueSort::Newest => entries.sort_by_key(|e| std::cmp::Reverse(e.submitted_at)),
            QueueSort::Score => entries.sort_by_key(|e| (e.score.mqa.total, e.submitted_at)),
        }
        let total = entries.len() as u64;
        let offset = usize::try_from(query.page.offset).unwrap_or(usize::MAX);
        let limit = usize::try_from(query.page.limit).unwrap_or(usize::MAX);
        Ok(crate::paging::Paged {
            items: entries.into_iter().skip(offset).take(limit).collect(),
            total,
            page: query.page,
        })
    }
}
