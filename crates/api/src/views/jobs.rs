//! Response types of background jobs.

use chrono::{DateTime, Utc};
use satudata_catalog::entity::job;
use satudata_catalog::jobs::JobFailure;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::state::AppState;

/// A background job: validating an upload or publishing a version.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobResponse {
    /// Stable id.
    pub id: Uuid,
    /// `validate` or `publish`.
    pub kind: String,
    /// `queued`, `running`, `done` or `failed`.
    pub state: String,
    /// How far it got: `{phase, rows?, bytes?}`; phase is `queued`, `validating`, `cleaning`,
    /// `writing` or `done`.
    #[schema(value_type = Object)]
    pub progress: serde_json::Value,
    /// Attempts so far (a failure that may pass is retried with back-off).
    pub attempts: i32,
    /// Why it failed (or why the last attempt did), in Bahasa Indonesia and English.
    pub error: Option<JobErrorResponse>,
    /// Queued at.
    pub created_at: DateTime<Utc>,
    /// Finished at.
    pub finished_at: Option<DateTime<Utc>>,
    /// This job's URL (poll it until `state` is `done` or `failed`).
    pub url: String,
}

/// Why a job failed.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobErrorResponse {
    /// `unreadable_table`, `conflict`, `internal` ...
    pub code: String,
    /// Bahasa Indonesia.
    pub message: String,
    /// English.
    pub message_en: String,
}

impl JobResponse {
    /// The view of a job.
    pub fn new(job: job::Model, state: &AppState) -> Self {
        let error = job
            .error
            .as_deref()
            .and_then(|e| serde_json::from_str::<JobFailure>(e).ok())
            .map(|f| JobErrorResponse {
                code: f.code,
                message: f.message,
                message_en: f.message_en,
            });
        let text = |v: serde_json::Value| v.as_str().unwrap_or_default().to_owned();
        Self {
            url: state.url(&format!("/api/v1/jobs/{}", job.uuid)),
            id: job.uuid,
            kind: text(serde_json::to_value(job.kind).unwrap_or_default()),
            state: text(serde_json::to_value(job.state).unwrap_or_default()),
            progress: job.progress,
            attempts: job.attempts,
            error,
            created_at: job.created_at,
            finished_at: job.finished_at,
        }
    }
}
