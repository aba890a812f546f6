//! `GET /healthz`.

use axum::Json;
use axum::extract::State;

use crate::error::{ApiResult, ErrorEnvelope};
use crate::state::AppState;
use crate::views::HealthResponse;

/// Liveness and readiness: answers 200 when the database does.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "meta",
    responses(
        (status = 200, description = "Service and database are up", body = HealthResponse),
        (status = 500, description = "Database unreachable", body = ErrorEnvelope),
    )
)]
pub async fn healthz(State(state): State<AppState>) -> ApiResult<Json<HealthResponse>> {
    state.catalog.ping().await?;
    Ok(Json(HealthResponse {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    }))
}
