//! The job queue's operations on the `job` table.

use std::time::Duration;

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Statement,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{JobKind, JobState, Progress};
use crate::entity::{dataset, job};
use crate::error::{Error, Message, Result};
use crate::{Actor, Catalog};

/// Why a job failed, as stored in `job.error`: enough to answer the request that waited for it
/// exactly as if it had done the work itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobFailure {
    /// The error's kind: `unreadable_table`, `conflict`, `internal` ...
    pub code: String,
    /// Bahasa Indonesia.
    pub message: String,
    /// English.
    pub message_en: String,
}

impl JobFailure {
    /// The failure recorded for `error`; internal causes are logged, not stored.
    pub(crate) fn of(error: &Error) -> Self {
        let (code, message) = match error {
            Error::Unreadable(m) => ("unreadable_table", m.clone()),
            Error::Conflict(m) => ("conflict", m.clone()),
            Error::NotFound(m) => ("not_found", m.clone()),
            Error::Gone(m) => ("gone", m.clone()),
            Error::Forbidden(m) => ("forbidden", m.clone()),
            Error::Invalid { message, .. } => ("validation_failed", message.clone()),
            _ => (
                "internal",
                Message::new(
                    "Terjadi kesalahan di server; pekerjaan akan dicoba lagi",
                    "Something went wrong on the server; the job will be tried again",
                ),
            ),
        };
        Self {
            code: code.to_owned(),
            message: message.id.into_owned(),
            message_en: message.en.into_owned(),
        }
    }

    /// The error a request that waited for the job answers with.
    pub fn into_error(self) -> Error {
        let message = Message::new(self.message, self.message_en);
        match self.code.as_str() {
            "unreadable_table" => Error::Unreadable(message),
            "conflict" => Error::Conflict(message),
            "not_found" => Error::NotFound(message),
            "gone" => Error::Gone(message),
            "forbidden" => Error::Forbidden(message),
            "validation_failed" => Error::Invalid {
                field: "file".into(),
                message,
            },
            _ => Error::Invariant(format!("job failed: {}", message.en)),
        }
    }
}

/// The queue as `/metrics` shows it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueStats {
    /// Jobs waiting for a worker.
    pub queued: u64,
    /// Jobs a worker holds.
    pub running: u64,
    /// Seconds the oldest waiting job has waited.
    pub oldest_queued_secs: u64,
}

impl Catalog {
    /// Queues a job (inside the caller's transaction, so that it exists exactly when what it
    /// works on does). Call [`Catalog::wake_workers`] after the commit.
    pub(crate) async fn enqueue<C: ConnectionTrait>(
        &self,
        db: &C,
        kind: JobKind,
        dataset_id: i32,
        version_id: i32,
        payload: serde_json::Value,
    ) -> Result<job::Model> {
        let now = Utc::now();
        let progress = Progress {
            phase: "queued".into(),
            ..Progress::default()
        };
        Ok(job::ActiveModel {
            uuid: Set(Uuid::now_v7()),
            kind: Set(kind),
            state: Set(JobState::Queued),
            dataset_id: Set(Some(dataset_id)),
            version_id: Set(Some(version_id)),
            payload: Set(payload),
            progress: Set(serde_json::to_value(progress).map_err(Error::json("job progress"))?),
            attempts: Set(0),
            max_attempts: Set(self.settings().jobs.max_attempts),
            run_after: Set(now),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?)
    }

    /// Claims the oldest job that is due, or one whose lease ran out, for `node`.
    pub(crate) async fn claim_job(&self, node: &str) -> Result<Option<job::Model>> {
        let db = self.db();
        let backend = db.get_database_backend();
        let now = Utc::now();
        let lease = chrono::Duration::from_std(self.settings().jobs.lease)
            .unwrap_or(chrono::Duration::seconds(60));
        // PostgreSQL: workers of every node skip the rows others are claiming at this moment.
        let lock = if backend == DbBackend::Postgres {
            " FOR UPDATE SKIP LOCKED"
        } else {
            ""
        };
        let sql = format!(
            "UPDATE job SET state = 'running', lease_owner = $1, lease_expires_at = $2, \
             attempts = attempts + 1, updated_at = $3 \
             WHERE id = (SELECT id FROM job \
               WHERE (state = 'queued' AND run_after <= $3) \
                  OR (state = 'running' AND lease_expires_at < $3) \
               ORDER BY id LIMIT 1{lock}) \
             RETURNING id"
        );
        let sql = if backend == DbBackend::Sqlite {
            sql.replace('$', "?")
                .replace("?1", "?")
                .replace("?2", "?")
                .replace("?3", "?")
        } else {
            sql
        };
        let values: Vec<sea_orm::Value> = if backend == DbBackend::Sqlite {
            vec![
                node.into(),
                (now + lease).into(),
                now.into(),
                now.into(),
                now.into(),
            ]
        } else {
            vec![node.into(), (now + lease).into(), now.into()]
        };
        let row = db
            .query_one_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
        let Some(row) = row else { return Ok(None) };
        let id: i32 = row.try_get("", "id")?;
        Ok(job::Entity::find_by_id(id).one(db).await?)
    }

    /// Renews `node`'s lease on a running job; false when the job is no longer its own (it
    /// was taken over after the lease ran out).
    pub(crate) async fn renew_lease(&self, job_id: i32, node: &str) -> Result<bool> {
        let lease = chrono::Duration::from_std(self.settings().jobs.lease)
            .unwrap_or(chrono::Duration::seconds(60));
        let now = Utc::now();
        let updated = job::Entity::update_many()
            .col_expr(job::Column::LeaseExpiresAt, Expr::value(now + lease))
            .col_expr(job::Column::UpdatedAt, Expr::value(now))
            .filter(job::Column::Id.eq(job_id))
            .filter(job::Column::LeaseOwner.eq(node))
            .filter(job::Column::State.eq(JobState::Running))
            .exec(self.db())
            .await?;
        Ok(updated.rows_affected == 1)
    }

    /// Records how far a job got.
    pub(crate) async fn record_progress(&self, job_id: i32, progress: &Progress) -> Result<()> {
        let value = serde_json::to_value(progress).map_err(Error::json("job progress"))?;
        job::Entity::update_many()
            .col_expr(job::Column::Progress, Expr::value(value))
            .col_expr(job::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(job::Column::Id.eq(job_id))
            .exec(self.db())
            .await?;
        Ok(())
    }

    /// Ends a job `node` ran: done, failed for good, or queued again after a back-off.
    pub(crate) async fn end_job(
        &self,
        job: &job::Model,
        node: &str,
        outcome: std::result::Result<(), (JobFailure, bool)>,
    ) -> Result<()> {
        let now = Utc::now();
        let mut update = job::Entity::update_many()
            .col_expr(job::Column::UpdatedAt, Expr::value(now))
            .col_expr(job::Column::LeaseOwner, Expr::value(Option::<String>::None))
            .col_expr(
                job::Column::LeaseExpiresAt,
                Expr::value(Option::<chrono::DateTime<Utc>>::None),
            );
        update = match outcome {
            Ok(()) => update
                .col_expr(job::Column::State, Expr::value(JobState::Done))
                .col_expr(job::Column::FinishedAt, Expr::value(now))
                .col_expr(job::Column::Error, Expr::value(Option::<String>::None))
                .col_expr(
                    job::Column::Progress,
                    Expr::value(serde_json::json!({"phase": "done"})),
                ),
            Err((failure, retry)) => {
                let error = serde_json::to_string(&failure).ok();
                if retry && job.attempts < job.max_attempts {
                    // 2, 4, 8 ... seconds, at most ten minutes.
                    let wait = 2_i64.saturating_pow(job.attempts.clamp(1, 9).unsigned_abs());
                    update
                        .col_expr(job::Column::State, Expr::value(JobState::Queued))
                        .col_expr(
                            job::Column::RunAfter,
                            Expr::value(now + chrono::Duration::seconds(std::cmp::min(wait, 600))),
                        )
                        .col_expr(job::Column::Error, Expr::value(error))
                } else {
                    update
                        .col_expr(job::Column::State, Expr::value(JobState::Failed))
                        .col_expr(job::Column::FinishedAt, Expr::value(now))
                        .col_expr(job::Column::Error, Expr::value(error))
                }
            }
        };
        update
            .filter(job::Column::Id.eq(job.id))
            .filter(job::Column::LeaseOwner.eq(node))
            .exec(self.db())
            .await?;
        Ok(())
    }

    /// Puts the jobs `node` is running back in the queue (a graceful stop): another node, or
    /// this one after a restart, takes them up at once instead of after the lease.
    pub async fn release_leases(&self, node: &str) -> Result<u64> {
        let released = job::Entity::update_many()
            .col_expr(job::Column::State, Expr::value(JobState::Queued))
            .col_expr(job::Column::LeaseOwner, Expr::value(Option::<String>::None))
            .col_expr(
                job::Column::LeaseExpiresAt,
                Expr::value(Option::<chrono::DateTime<Utc>>::None),
            )
            .col_expr(
                job::Column::Attempts,
                Expr::col(job::Column::Attempts).sub(1),
            )
            .col_expr(job::Column::RunAfter, Expr::value(Utc::now()))
            .filter(job::Column::LeaseOwner.eq(node))
            .filter(job::Column::State.eq(JobState::Running))
            .exec(self.db())
            .await?;
        Ok(released.rows_affected)
    }

    /// A job by id, for its dataset's OPD, the walidata and the pembina (whoever sees the
    /// dataset's drafts).
    pub async fn job(&self, actor: &Actor, uuid: Uuid) -> Result<job::Model> {
        let not_found = || Error::not_found("Pekerjaan", "job", &uuid.to_string());
        let found = job::Entity::find()
            .filter(job::Column::Uuid.eq(uuid))
            .one(self.db())
            .await?
            .ok_or_else(not_found)?;
        let dataset = match found.dataset_id {
            Some(id) => dataset::Entity::find_by_id(id).one(self.db()).await?,
            None => None,
        };
        match dataset {
            Some(d) if actor.sees_drafts(&d) => Ok(found),
            None if actor.sees_everything() => Ok(found),
            _ => Err(not_found()),
        }
    }

    /// Waits up to `wait` for a job to finish (whichever node runs it); returns it as it is
    /// then.
    pub async fn await_job(&self, id: i32, wait: Duration) -> Result<job::Model> {
        let deadline = tokio::time::Instant::now() + wait;
        let mut pause = Duration::from_millis(20);
        loop {
            let current = job::Entity::find_by_id(id)
                .one(self.db())
                .await?
                .ok_or_else(|| Error::Invariant(format!("job {id} vanished")))?;
            if current.state.finished() || tokio::time::Instant::now() >= deadline {
                return Ok(current);
            }
            tokio::select! {
                () = self.job_runtime().finished.notified() => {}
                () = tokio::time::sleep(pause) => {}
            }
            pause = (pause * 2).min(Duration::from_millis(250));
        }
    }

    /// The unfinished job of `kind` for a version, if any.
    pub(crate) async fn pending_job(
        &self,
        version_id: i32,
        kind: JobKind,
    ) -> Result<Option<job::Model>> {
        Ok(job::Entity::find()
            .filter(job::Column::VersionId.eq(version_id))
            .filter(job::Column::Kind.eq(kind))
            .filter(job::Column::State.is_in([JobState::Queued, JobState::Running]))
            .order_by_desc(job::Column::Id)
            .one(self.db())
            .await?)
    }

    /// The latest job of a version, any state.
    pub async fn latest_job(&self, version_id: i32) -> Result<Option<job::Model>> {
        Ok(job::Entity::find()
            .filter(job::Column::VersionId.eq(version_id))
            .order_by_desc(job::Column::Id)
            .one(self.db())
            .await?)
    }

    /// How many jobs wait and run, and how long the oldest has waited.
    pub async fn queue_stats(&self) -> Result<QueueStats> {
        let db = self.db();
        let queued = job::Entity::find()
            .filter(job::Column::State.eq(JobState::Queued))
            .count(db)
            .await?;
        let running = job::Entity::find()
            .filter(job::Column::State.eq(JobState::Running))
            .count(db)
            .await?;
        let oldest = job::Entity::find()
            .filter(job::Column::State.eq(JobState::Queued))
            .order_by_asc(job::Column::Id)
            .one(db)
            .await?;
        let oldest_queued_secs = oldest.map_or(0, |j| {
            u64::try_from((Utc::now() - j.created_at).num_seconds()).unwrap_or(0)
        });
        Ok(QueueStats {
            queued,
            running,
            oldest_queued_secs,
        })
    }
}
