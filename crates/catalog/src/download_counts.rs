//! How often each dataset was downloaded. A download route calls [`Catalog::count_download`],
//! which only adds one to a tally in memory; `satudata serve` writes the tally to the database
//! every few seconds ([`Catalog::flush_download_counts`]) as increments, so several servers on
//! one database count correctly and a download never waits for a write. Readers see the
//! database plus what has not been written yet. A crash loses at most the last few seconds of
//! counts, which is acceptable for a popularity figure.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{Days, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::Catalog;
use crate::entity::{download_count, download_day};
use crate::error::Result;

/// Days CKAN's `tracking_summary.recent` covers.
pub const RECENT_DAYS: u64 = 14;

/// Counts not yet in the database, keyed by dataset and day.
type Counts = HashMap<(i32, NaiveDate), u64>;

/// All-time totals by dataset, with the write epoch they were read at.
type StoredTotals = Option<(u64, Arc<HashMap<i32, u64>>)>;

/// The in-memory side of the counts, shared by all clones of the catalog.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    state: Mutex<State>,
    /// Raised after every write, so that the cached totals are read again.
    epoch: AtomicU64,
    /// All-time totals as last read from the database, with the epoch they were read at.
    totals: Mutex<StoredTotals>,
}

#[derive(Debug, Default)]
struct State {
    /// Counted since the last write began.
    pending: Counts,
    /// Being written now (still counted by readers until the write commits).
    writing: Counts,
}

/// A dataset's downloads: all-time and in the last [`RECENT_DAYS`] days.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DownloadSummary {
    /// Since it was first published.
    pub total: u64,
    /// In the last 14 days (today included).
    pub recent: u64,
}

impl Tally {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// What is counted but not committed, per dataset (all-time) and recent.
    fn unwritten(&self, since: NaiveDate) -> HashMap<i32, DownloadSummary> {
        let state = self.lock();
        let mut out: HashMap<i32, DownloadSummary> = HashMap::new();
        for ((id, day), n) in state.pending.iter().chain(state.writing.iter()) {
            let entry = out.entry(*id).or_default();
            entry.total += n;
            if *day >= since {
                entry.recent += n;
            }
        }
        out
    }
}

impl Catalog {
    /// Counts one download of a dataset's published file (in memory; see the module comment).
    pub fn count_download(&self, dataset_id: i32) {
        let today = Utc::now().date_naive();
        *self
            .downloads
            .lock()
            .pending
            .entry((dataset_id, today))
            .or_default() += 1;
    }

    /// Adds the counted downloads to the database in one transaction; returns how many
    /// downloads were written. On failure they stay counted for the next attempt.
    pub async fn flush_download_counts(&self) -> Result<u64> {
        let batch = {
            let mut state = self.downloads.lock();
            if !state.writing.is_empty() {
                // Another flush is running; it will be followed by the next one.
                return Ok(0);
            }
            let batch = std::mem::take(&mut state.pending);
            state.writing.clone_from(&batch);
            batch
        };
        if batch.is_empty() {
            return Ok(0);
        }
        let written = self.write_counts(&batch).await;
        let mut state = self.downloads.lock();
        let writing = std::mem::take(&mut state.writing);
        match written {
            Ok(n) => {
                self.downloads.epoch.fetch_add(1, Ordering::AcqRel);
                Ok(n)
            }
            Err(error) => {
                for (key, n) in writing {
                    *state.pending.entry(key).or_default() += n;
                }
                Err(error)
            }
        }
    }

    async fn write_counts(&self, batch: &Counts) -> Result<u64> {
        let now = Utc::now();
        let mut per_dataset: HashMap<i32, u64> = HashMap::new();
        for ((id, _), n) in batch {
            *per_dataset.entry(*id).or_default() += n;
        }
        let txn = self.begin_write().await?;
        for ((id, day), n) in batch {
            let n = i64::try_from(*n).unwrap_or(i64::MAX);
            download_day::Entity::insert(download_day::ActiveModel {
                dataset_id: Set(*id),
                day: Set(*day),
                count: Set(n),
            })
            .on_conflict(
                OnConflict::columns([download_day::Column::DatasetId, download_day::Column::Day])
                    .value(download_day::Column::Count, added("download_day", "count"))
                    .to_owned(),
            )
            .exec(&txn)
            .await?;
        }
        for (id, n) in &per_dataset {
            download_count::Entity::insert(download_count::ActiveModel {
                dataset_id: Set(*id),
                total: Set(i64::try_from(*n).unwrap_or(i64::MAX)),
                updated_at: Set(now),
            })
            .on_conflict(
                OnConflict::column(download_count::Column::DatasetId)
                    .value(
                        download_count::Column::Total,
                        added("download_count", "total"),
                    )
                    .value(download_count::Column::UpdatedAt, now)
                    .to_owned(),
            )
            .exec(&txn)
            .await?;
        }
        txn.commit().await?;
        Ok(per_dataset.values().sum())
    }

    /// All-time downloads of every dataset that has any (committed and not yet written).
    pub async fn download_totals(&self) -> Result<HashMap<i32, u64>> {
        let epoch = self.downloads.epoch.load(Ordering::Acquire);
        let cached = self
            .downloads
            .totals
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .filter(|(at, _)| *at == epoch)
            .map(|(_, totals)| totals);
        let stored = match cached {
            Some(totals) => totals,
            None => {
                let rows: Vec<(i32, i64)> = download_count::Entity::find()
                    .select_only()
                    .columns([
                        download_count::Column::DatasetId,
                        download_count::Column::Total,
                    ])
                    .into_tuple()
                    .all(self.db())
                    .await?;
                let totals: Arc<HashMap<i32, u64>> = Arc::new(
                    rows.into_iter()
                        .map(|(id, n)| (id, u64::try_from(n).unwrap_or_default()))
                        .collect(),
                );
                *self
                    .downloads
                    .totals
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner) = Some((epoch, totals.clone()));
                totals
            }
        };
        let mut out = (*stored).clone();
        for (id, s) in self.downloads.unwritten(recent_since()) {
            *out.entry(id).or_default() += s.total;
        }
        Ok(out)
    }

    /// All-time and recent downloads of some datasets (those without any are left out).
    pub async fn download_summaries(&self, ids: &[i32]) -> Result<HashMap<i32, DownloadSummary>> {
        let since = recent_since();
        let mut out: HashMap<i32, DownloadSummary> = HashMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        let totals: Vec<(i32, i64)> = download_count::Entity::find()
            .select_only()
            .columns([
                download_count::Column::DatasetId,
                download_count::Column::Total,
            ])
            .filter(download_count::Column::DatasetId.is_in(ids.iter().copied()))
            .into_tuple()
            .all(self.db())
            .await?;
        for (id, n) in totals {
            out.entry(id).or_default().total = u64::try_from(n).unwrap_or_default();
        }
        let recent: Vec<(i32, Option<i64>)> = download_day::Entity::find()
            .select_only()
            .column(download_day::Column::DatasetId)
            .column_as(
                Expr::col(download_day::Column::Count)
                    .sum()
                    .cast_as(Alias::new("BIGINT")),
                "n",
            )
            .filter(download_day::Column::DatasetId.is_in(ids.iter().copied()))
            .filter(download_day::Column::Day.gte(since))
            .group_by(download_day::Column::DatasetId)
            .into_tuple()
            .all(self.db())
            .await?;
        for (id, n) in recent {
            out.entry(id).or_default().recent =
                u64::try_from(n.unwrap_or_default()).unwrap_or_default();
        }
        for (id, s) in self.downloads.unwritten(since) {
            if ids.contains(&id) {
                let entry = out.entry(id).or_default();
                entry.total += s.total;
                entry.recent += s.recent;
            }
        }
        Ok(out)
    }
}

/// The first day counted as recent.
fn recent_since() -> NaiveDate {
    let today = Utc::now().date_naive();
    today
        .checked_sub_days(Days::new(RECENT_DAYS - 1))
        .unwrap_or(today)
}

/// `table.column + excluded.column`: an upsert that adds instead of replacing.
fn added(table: &str, column: &str) -> Expr {
    Expr::col((Alias::new(table), Alias::new(column)))
        .add(Expr::col((Alias::new("excluded"), Alias::new(column))))
}
