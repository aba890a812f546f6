//! The walidata's per-OPD recap: every OPD's datasets by the status of their newest version,
//! those overdue for an update by frekuensi, and the mean MQA score (of 405).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::schedule::{local_date, local_today, next_update};
use crate::entity::{dataset, dataset_version, organization};
use crate::error::{Error, Result};
use crate::lifecycle::VersionStatus;
use crate::{Actor, Catalog, Role};

/// The status columns of the recap, in order. A dataset without any version counts as DRAFT.
pub const RECAP_STATUSES: [VersionStatus; 7] = [
    VersionStatus::Draft,
    VersionStatus::MenungguPersetujuan,
    VersionStatus::Ditolak,
    VersionStatus::Disetujui,
    VersionStatus::Ditayangkan,
    VersionStatus::TidakDitayangkan,
    VersionStatus::Dibatalkan,
];

/// One OPD's line.
#[derive(Debug, Clone)]
pub struct RecapRow {
    /// The OPD.
    pub organization: organization::Model,
    /// Datasets per [`RECAP_STATUSES`] entry.
    pub counts: [u64; 7],
    /// All its datasets.
    pub total: u64,
    /// Overdue datasets by frekuensi (frekuensi, count), in the vocabulary's order.
    pub overdue_by_frekuensi: Vec<(String, u64)>,
    /// The datasets' mean MQA score, rounded; `None` without datasets.
    pub mean_score: Option<u32>,
    /// The sum of the scores (for the portal's mean).
    pub score_sum: u64,
}

/// The recap.
#[derive(Debug, Clone)]
pub struct Recap {
    /// One row per OPD with datasets, by name.
    pub rows: Vec<RecapRow>,
    /// Data Prioritas years that occur (newest first).
    pub years: Vec<i32>,
    /// When it was computed.
    pub generated_at: DateTime<Utc>,
}

impl Catalog {
    /// The recap for the walidata, an admin or a pembina; `tahun` keeps only that year's
    /// Data Prioritas. A fixed number of queries per 500 datasets.
    pub async fn recap(&self, actor: &Actor, tahun: Option<i32>) -> Result<Recap> {
        let me = actor.principal()?;
        if !matches!(me.role, Role::Walidata | Role::Admin | Role::Pembina) {
            return Err(Error::forbidden(
                "Rekap hanya untuk Walidata, pembina dan admin",
                "The recap is for the walidata, a pembina and admins",
            ));
        }
        let all = dataset::Entity::find()
            .filter(dataset::Column::DeletedAt.is_null())
            .order_by_asc(dataset::Column::Id)
            .all(self.db())
            .await?;
        let mut years: Vec<i32> = all.iter().filter_map(|d| d.prioritas_tahun).collect();
        years.sort_unstable_by(|a, b| b.cmp(a));
        years.dedup();
        let rows: Vec<dataset::Model> = all
            .into_iter()
            .filter(|d| tahun.is_none() || d.prioritas_tahun == tahun)
            .collect();
        let mut newest: HashMap<i32, (i32, i32, VersionStatus)> = HashMap::new();
        let ids: Vec<i32> = rows.iter().map(|d| d.id).collect();
        for chunk in ids.chunks(500) {
            let versions: Vec<(i32, i32, i32, VersionStatus)> = dataset_version::Entity::find()
                .select_only()
                .columns([
                    dataset_version::Column::DatasetId,
                    dataset_version::Column::Id,
                    dataset_version::Column::Number,
                    dataset_version::Column::Status,
                ])
                .filter(dataset_version::Column::DatasetId.is_in(chunk.iter().copied()))
                .into_tuple()
                .all(self.db())
                .await?;
            for (dataset_id, id, number, status) in versions {
                if newest.get(&dataset_id).is_none_or(|v| v.1 < number) {
                    newest.insert(dataset_id, (id, number, status));
                }
            }
        }
        // The newest versions themselves (their reports carry the table's score), 500 a query.
        let newest_ids: Vec<i32> = newest.values().map(|v| v.0).collect();
        let mut latest_by_dataset: HashMap<i32, dataset_version::Model> = HashMap::new();
        for chunk in newest_ids.chunks(500) {
            for v in dataset_version::Entity::find()
                .filter(dataset_version::Column::Id.is_in(chunk.iter().copied()))
                .all(self.db())
                .await?
            {
                latest_by_dataset.insert(v.dataset_id, v);
            }
        }
        let today = local_today();
        let frekuensi_order = crate::vocab::FREKUENSI.values;
        let mut by_org: BTreeMap<i32, RecapRow> = BTreeMap::new();
        let organizations = self
            .organizations_by_id(rows.iter().map(|d| d.organization_id))
            .await?;
        let last_updates = self.last_updates(&rows).await?;
        let records = self.records(rows).await?;
        for record in records {
            let d = &record.dataset;
            let Some(org) = organizations.get(&d.organization_id) else {
                continue;
            };
            let row = by_org.entry(d.organization_id).or_insert_with(|| RecapRow {
                organization: org.clone(),
                counts: [0; 7],
                total: 0,
                overdue_by_frekuensi: Vec::new(),
                mean_score: None,
                score_sum: 0,
            });
            let version = newest.get(&d.id);
            let status = version.map_or(VersionStatus::Draft, |v| v.2);
            if let Some(i) = RECAP_STATUSES.iter().position(|s| *s == status) {
                row.counts[i] += 1;
            }
            row.total += 1;
            let due = last_updates
                .get(&d.id)
                .copied()
                .zip(d.frekuensi.as_deref())
                .and_then(|(at, f)| next_update(f, local_date(at)));
            if let (Some(at), Some(f)) = (due, d.frekuensi.as_deref())
                && at < today
            {
                match row.overdue_by_frekuensi.iter_mut().find(|(k, _)| k == f) {
                    Some((_, n)) => *n += 1,
                    None => row.overdue_by_frekuensi.push((f.to_owned(), 1)),
                }
            }
            let (_, score) = self.score_of(&record, latest_by_dataset.get(&d.id)).await?;
            row.score_sum += u64::from(score.mqa.total);
        }
        let mut rows: Vec<RecapRow> = by_org
            .into_values()
            .map(|mut r| {
                r.overdue_by_frekuensi.sort_by_key(|(f, _)| {
                    frekuensi_order
                        .iter()
                        .position(|x| x == f)
                        .unwrap_or(usize::MAX)
                });
                r.mean_score = (r.total > 0)
                    .then(|| u32::try_from((r.score_sum + r.total / 2) / r.total).unwrap_or(0));
                r
            })
            .collect();
        rows.sort_by(|a, b| a.organization.name.cmp(&b.organization.name));
        Ok(Recap {
            rows,
            years,
            generated_at: Utc::now(),
        })
    }
}
