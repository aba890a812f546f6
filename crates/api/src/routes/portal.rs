//! `GET/PATCH /api/v1/portal`.

use axum::Json;
use axum::extract::State;
use satudata_catalog::portal::PortalPatch;

use crate::error::ApiResult;
use crate::extract::{AppJson, Auth};
use crate::responses::{Invalid, JsonBody, SignedIn};
use crate::state::AppState;
use crate::views::PortalResponse;

/// The Pemda running this portal.
#[utoipa::path(
    get,
    path = "/api/v1/portal",
    tag = "portal",
    responses(
        (status = 200, description = "OK", body = PortalResponse),
    )
)]
pub async fn show_portal(State(state): State<AppState>) -> ApiResult<Json<PortalResponse>> {
    Ok(Json(state.catalog.portal().await?.into()))
}

/// Changes the portal's description (admin).
#[utoipa::path(
    patch,
    path = "/api/v1/portal",
    tag = "portal",
    request_body = PortalPatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "OK", body = PortalResponse),
        SignedIn,
        Invalid,
        JsonBody,
    )
)]
pub async fn update_portal(
    State(state): State<AppState>,
    Auth(actor): Auth,
    AppJson(change): AppJson<PortalPatch>,
) -> ApiResult<Json<PortalResponse>> {
    Ok(Json(
        state.catalog.update_portal(&actor, change).await?.into(),
    ))
}
