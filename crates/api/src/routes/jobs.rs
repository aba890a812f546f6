//! Background jobs: their status, and the wait a request does for the job it queued.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use satudata_catalog::entity::job;
use satudata_catalog::jobs::{JobFailure, JobState};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::extract::{AppPath, Auth};
use crate::responses::{BadRequest, NotFound};
use crate::state::AppState;
use crate::views::jobs::JobResponse;

/// A background job (validating an upload, publishing a version): its state and progress.
/// Visible to the dataset's OPD, the walidata and the pembina.
#[utoipa::path(
    get,
    path = "/api/v1/jobs/{id}",
    tag = "versions",
    params(("id" = Uuid, Path, description = "Job id")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "OK", body = JobResponse),
        BadRequest,
        NotFound,
    )
)]
pub async fn show_job(
    State(state): State<AppState>,
    Auth(actor): Auth,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<Json<JobResponse>> {
    let job = state.catalog.job(&actor, id).await?;
    Ok(Json(JobResponse::new(job, &state)))
}

/// Waits for a job the request queued, unless the client asked for an immediate answer
/// (`Prefer: respond-async`) or the work is large (`large`): a finished job is returned, a
/// failed one becomes the error the work met, and an unfinished one is answered 202 by the
/// caller.
pub(crate) async fn settle(
    state: &AppState,
    headers: &HeaderMap,
    job: job::Model,
    large: bool,
) -> ApiResult<job::Model> {
    let prefer_async = headers
        .get_all("prefer")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').any(|p| p.trim() == "respond-async"));
    if prefer_async || large {
        return Ok(job);
    }
    let wait = state.catalog.settings().jobs.wait;
    let job = state.catalog.await_job(job.id, wait).await?;
    if job.state == JobState::Failed {
        let failure = job
            .error
            .as_deref()
            .and_then(|e| serde_json::from_str::<JobFailure>(e).ok())
            .ok_or_else(|| ApiError::invariant("a failed job without its error"))?;
        return Err(failure.into_error().into());
    }
    Ok(job)
}
