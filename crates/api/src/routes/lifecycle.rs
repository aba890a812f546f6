//! The review lifecycle: submit, review, publish, withdraw, and the history.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use satudata_catalog::entity::dataset_event;
use satudata_catalog::lifecycle::Decision;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::extract::{AppJson, AppPath, Auth};
use crate::responses::{BadRequest, Gone, JsonBody, NotFound, SignedIn, WriteErrors};
use crate::state::AppState;
use crate::views::jobs::JobResponse;
use crate::views::{DatasetResponse, VersionResponse};
use axum::http::{HeaderMap, StatusCode};
use satudata_catalog::jobs::JobState;

/// An optional note with a submission.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitRequest {
    /// A note for the walidata.
    pub note: Option<String>,
}

/// A reviewer's decision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    /// `approve` or `return`.
    pub decision: ReviewDecision,
    /// Required when returning: what the OPD must fix.
    pub note: Option<String>,
}

/// `approve` or `return`.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReviewDecision {
    /// Approve.
    Approve,
    /// Return to the OPD with a note.
    Return,
}

/// Why a dataset is withdrawn.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnpublishRequest {
    /// Shown to everyone who opens the dataset's URLs afterwards (410).
    pub reason: String,
}

/// One entry of a dataset's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventResponse {
    /// upload, submit, approve, return, cancel, publish, unpublish or metadata.
    pub action: String,
    /// The version concerned.
    pub version: Option<i32>,
    /// Status before.
    pub from: Option<String>,
    /// Status after.
    pub to: Option<String>,
    /// The note or reason given.
    pub note: Option<String>,
    /// For metadata edits: `{field: {"from", "to"}}`.
    #[schema(value_type = Option<Object>)]
    pub changes: Option<serde_json::Value>,
    /// Who.
    pub actor: String,
    /// When.
    pub at: DateTime<Utc>,
}

impl From<dataset_event::Model> for EventResponse {
    fn from(e: dataset_event::Model) -> Self {
        Self {
            action: e.action.as_str().to_owned(),
            version: e.version_number,
            from: e.from_status.map(|s| s.as_str().to_owned()),
            to: e.to_status.map(|s| s.as_str().to_owned()),
            note: e.note,
            changes: e.changes,
            actor: e.actor_name,
            at: e.at,
        }
    }
}

/// A dataset's history, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryResponse {
    /// The events.
    pub items: Vec<EventResponse>,
}

/// The OPD submits a version for review (DRAFT or DITOLAK → MENUNGGU_PERSETUJUAN). A version
/// whose validation report has errors cannot be submitted (409).
#[utoipa::path(
    post,
    path = "/api/v1/datasets/{slug}/versions/{number}/submit",
    tag = "lifecycle",
    params(
        ("slug" = String, Path, description = "Slug or id of the dataset"),
        ("number" = i32, Path, description = "Version number"),
    ),
    request_body(content = Option<SubmitRequest>, description = "An optional note"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Submitted", body = VersionResponse),
        (status = 409, description = "Not in a state to submit, or the report has errors", body = ErrorEnvelope),
        WriteErrors,
        NotFound,
    )
)]
pub async fn submit(
    State(state): State<AppState>,
    Auth(actor): Auth,
    AppPath((slug, number)): AppPath<(String, i32)>,
    body: axum::body::Bytes,
) -> ApiResult<Json<VersionResponse>> {
    let note = optional_note(&body)?;
    let version = state
        .catalog
        .submit_version(&actor, &slug, number, note)
        .await?;
    Ok(Json(version.into()))
}

/// The OPD (or the walidata) cancels a version that was never published: DRAFT,
/// MENUNGGU_PERSETUJUAN, DITOLAK or DISETUJUI → DIBATALKAN, which is final. The body (an
/// optional note) may be empty.
#[utoipa::path(
    post,
    path = "/api/v1/datasets/{slug}/versions/{number}/cancel",
    tag = "lifecycle",
    params(
        ("slug" = String, Path, description = "Slug or id of the dataset"),
        ("number" = i32, Path, description = "Version number"),
    ),
    request_body(content = Option<SubmitRequest>, description = "An optional note"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Cancelled", body = VersionResponse),
        (status = 409, description = "Published, withdrawn or already cancelled", body = ErrorEnvelope),
        WriteErrors,
        NotFound,
    )
)]
pub async fn cancel(
    State(state): State<AppState>,
    Auth(actor): Auth,
    AppPath((slug, number)): AppPath<(String, i32)>,
    body: axum::body::Bytes,
) -> ApiResult<Json<VersionResponse>> {
    let note = optional_note(&body)?;
    let version = state
        .catalog
        .cancel_version(&actor, &slug, number, note)
        .await?;
    Ok(Json(version.into()))
}

/// The note of an optional `{"note": ...}` body; an empty body means none.
fn optional_note(body: &[u8]) -> ApiResult<Option<String>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    Ok(serde_json::from_slice::<SubmitRequest>(body)
        .map_err(|e| {
            ApiError::bad_request(format!("JSON tidak sah: {e}"), format!("Invalid JSON: {e}"))
        })?
        .note)
}

/// The walidata approves or returns a submitted version; for Data Prioritas a pembina's
/// approval is needed as well before it is DISETUJUI. Returning needs a note.
#[utoipa::path(
    post,
    path = "/api/v1/datasets/{slug}/versions/{number}/review",
    tag = "lifecycle",
    params(
        ("slug" = String, Path, description = "Slug or id of the dataset"),
        ("number" = i32, Path, description = "Version number"),
    ),
    request_body = ReviewRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Reviewed", body = VersionResponse),
        (status = 409, description = "Not waiting for review", body = ErrorEnvelope),
        WriteErrors,
        NotFound,
        JsonBody,
    )
)]
pub async fn review(
    State(state): State<AppState>,
    Auth(actor): Auth,
    AppPath((slug, number)): AppPath<(String, i32)>,
    AppJson(body): AppJson<ReviewRequest>,
) -> ApiResult<Json<VersionResponse>> {
    let decision = match body.decision {
        ReviewDecision::Approve => Decision::Approve,
        ReviewDecision::Return => Decision::Return,
    };
    let version = state
        .catalog
        .review_version(&actor, &slug, number, decision, body.note)
        .await?;
    Ok(Json(version.into()))
}

/// The walidata publishes an approved version: the clean table is written as CSV, JSON,
/// Parquet and XLSX under content-addressed keys, then one transaction makes it current.
#[utoipa::path(
    post,
    path = "/api/v1/datasets/{slug}/versions/{number}/publish",
    tag = "lifecycle",
    params(
        ("slug" = String, Path, description = "Slug or id of the dataset"),
        ("number" = i32, Path, description = "Version number"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Published", body = VersionResponse),
        (status = 202, description = "Publishing runs as a job (see `job`): a large table, or `Prefer: respond-async`", body = VersionResponse),
        (status = 409, description = "Not approved, already published, or being published", body = ErrorEnvelope),
        SignedIn,
        BadRequest,
        NotFound,
    )
)]
pub async fn publish(
    State(state): State<AppState>,
    Auth(actor): Auth,
    headers: HeaderMap,
    AppPath((slug, number)): AppPath<(String, i32)>,
) -> ApiResult<(StatusCode, Json<VersionResponse>)> {
    let (version, job) = state.catalog.publish_version(&actor, &slug, number).await?;
    let size = version.clean_size.unwrap_or(version.byte_size);
    let large =
        u64::try_from(size).unwrap_or(u64::MAX) > state.catalog.settings().jobs.wait_max_bytes;
    let job = super::jobs::settle(&state, &headers, job, large).await?;
    let done = job.state == JobState::Done;
    let current = state.catalog.version(&actor, &slug, number).await?;
    let mut views = super::versions::with_files(&state, &slug, vec![current]).await?;
    let mut view = views
        .pop()
        .ok_or_else(|| crate::error::ApiError::invariant("the version vanished"))?;
    if done {
        return Ok((StatusCode::OK, Json(view)));
    }
    view.job = Some(JobResponse::new(job, &state));
    Ok((StatusCode::ACCEPTED, Json(view)))
}

/// The walidata withdraws a published dataset (TIDAK_DITAYANGKAN); its URLs then answer 410
/// with the reason. Publishing a version again brings it back.
#[utoipa::path(
    post,
    path = "/api/v1/datasets/{slug}/unpublish",
    tag = "lifecycle",
    params(("slug" = String, Path, description = "Slug or id of the dataset")),
    request_body = UnpublishRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Withdrawn", body = DatasetResponse),
        (status = 409, description = "Not published", body = ErrorEnvelope),
        WriteErrors,
        NotFound,
        JsonBody,
    )
)]
pub async fn unpublish(
    State(state): State<AppState>,
    Auth(actor): Auth,
    AppPath(slug): AppPath<String>,
    AppJson(body): AppJson<UnpublishRequest>,
) -> ApiResult<Json<DatasetResponse>> {
    state
        .catalog
        .unpublish_dataset(&actor, &slug, Some(body.reason))
        .await?;
    let record = state.catalog.dataset(&actor, &slug).await?;
    Ok(Json(DatasetResponse::new(record, &state)))
}

/// Every transition and metadata edit of a dataset, oldest first. The public sees publication
/// and metadata events only.
#[utoipa::path(
    get,
    path = "/api/v1/datasets/{slug}/history",
    tag = "lifecycle",
    params(("slug" = String, Path, description = "Slug or id of the dataset")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "OK", body = HistoryResponse),
        BadRequest,
        NotFound,
        Gone,
    )
)]
pub async fn history(
    State(state): State<AppState>,
    Auth(actor): Auth,
    AppPath(slug): AppPath<String>,
) -> ApiResult<Json<HistoryResponse>> {
    let items = state.catalog.history(&actor, &slug).await?;
    Ok(Json(HistoryResponse {
        items: items.into_iter().map(Into::into).collect(),
    }))
}
