//! Background jobs in the database: validating an upload and publishing a version run as
//! `job` rows that any node's workers claim (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite has
//! one writer, so the claiming UPDATE is atomic already). A claimed job holds a lease its
//! worker renews; a job whose node died is taken over when the lease expires; a failure that
//! may pass (the database, the store) is retried with back-off, one that will not (the file is
//! no table) fails at once. A restart resumes whatever was queued or running.
//!
//! - `queue.rs`: enqueue, claim, renew, finish, the API's view of a job;
//! - `worker.rs`: the worker pool of a node;
//! - `validate.rs`: the validation work (publication's is `lifecycle/publish.rs`).

mod queue;
mod validate;
mod worker;

use std::time::Duration;

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

pub use queue::{JobFailure, QueueStats};
pub(crate) use validate::unreadable;
pub(crate) use worker::Runtime;
pub use worker::Workers;

/// What a job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// Validate an uploaded version and, when valid, write its clean table.
    #[sea_orm(string_value = "validate")]
    Validate,
    /// Write a version's published files and make it the dataset's current version.
    #[sea_orm(string_value = "publish")]
    Publish,
}

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Waiting for a worker (also after a failure that will be retried).
    #[sea_orm(string_value = "queued")]
    Queued,
    /// A worker holds its lease.
    #[sea_orm(string_value = "running")]
    Running,
    /// Finished.
    #[sea_orm(string_value = "done")]
    Done,
    /// Given up: the error says why.
    #[sea_orm(string_value = "failed")]
    Failed,
}

impl JobState {
    /// Whether the job will not change any more.
    pub fn finished(self) -> bool {
        matches!(self, Self::Done | Self::Failed)
    }
}

/// How far a job got, for a progress bar.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// `queued`, `validating`, `cleaning`, `writing`, `done`.
    pub phase: String,
    /// Rows handled so far, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<u64>,
    /// Bytes of the input, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
}

/// How a node runs jobs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobSettings {
    /// Workers of this node (0: the node runs no jobs, another must).
    pub workers: usize,
    /// How long a claimed job is this node's without a heartbeat.
    pub lease: Duration,
    /// Attempts before a job that keeps failing is given up.
    pub max_attempts: i32,
    /// How often an idle worker looks for work (it is also woken when this node queues a job).
    pub poll: Duration,
    /// How long a request waits for its job before answering 202.
    pub wait: Duration,
    /// Uploads larger than this answer 202 as soon as they are stored.
    pub wait_max_bytes: u64,
}

impl Default for JobSettings {
    fn default() -> Self {
        Self {
            workers: 2,
            lease: Duration::from_secs(60),
            max_attempts: 5,
            poll: Duration::from_secs(1),
            wait: Duration::from_secs(10),
            wait_max_bytes: 64 * 1024 * 1024,
        }
    }
}
