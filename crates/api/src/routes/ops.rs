//! Operational endpoints beside `/healthz`: `/livez` (the process answers), `/readyz` (the
//! database and the object store answer and the service is not shutting down) and `/metrics`
//! (Prometheus text format; not part of the OpenAPI document, see the README).

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use satudata_catalog::Message;

use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::state::AppState;
use crate::views::HealthResponse;

/// How long each readiness check may take.
const READY_TIMEOUT: Duration = Duration::from_secs(5);

/// Liveness: the process runs and answers; nothing else is checked (restart it when this
/// fails).
#[utoipa::path(
    get,
    path = "/livez",
    tag = "meta",
    responses((status = 200, description = "The process answers", body = HealthResponse))
)]
pub async fn livez() -> Json<HealthResponse> {
    Json(HealthResponse {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    })
}

/// Readiness: the database and the object store answer, and the service is not shutting
/// down (send it traffic only while this answers 200).
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "meta",
    responses(
        (status = 200, description = "Ready for traffic", body = HealthResponse),
        (status = 503, description = "Shutting down, or the database or object store does not answer",
         body = ErrorEnvelope),
    )
)]
pub async fn readyz(State(state): State<AppState>) -> ApiResult<Json<HealthResponse>> {
    if state.draining.is_draining() {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            Message::new(
                "Layanan sedang berhenti; kirim permintaan ke node lain",
                "The service is shutting down; send requests to another node",
            ),
        ));
    }
    state.catalog.check_ready(READY_TIMEOUT).await?;
    Ok(Json(HealthResponse {
        status: "ready",
        version: env!("CARGO_PKG_VERSION"),
    }))
}

/// `GET /metrics`: every metric in the Prometheus text format (version 0.0.4).
pub async fn metrics(State(state): State<AppState>) -> Response {
    let body = state
        .metrics
        .render(&state.catalog, state.draining.is_draining())
        .await;
    let mut response = body.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(crate::metrics::CONTENT_TYPE),
    );
    response
}
