//! `/api/v1/organizations`: the OPDs.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use satudata_catalog::organizations::{NewOrganization, OrganizationPatch};
use satudata_catalog::paging::Page;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::ApiResult;
use crate::extract::{AppJson, AppPath, AppQuery, Auth};
use crate::responses::{BadRequest, Conflict, JsonBody, NotFound, WriteErrors};
use crate::state::AppState;
use crate::views::{OrganizationListResponse, OrganizationResponse};

/// Paging of a listing.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page (1-1000, default 20).
    pub limit: Option<u64>,
    /// Items to skip.
    pub offset: Option<u64>,
}

/// All OPDs, by name.
#[utoipa::path(
    get,
    path = "/api/v1/organizations",
    tag = "organizations",
    params(PageParams),
    responses(
        (status = 200, description = "OK", body = OrganizationListResponse),
        BadRequest,
    )
)]
pub async fn list_organizations(
    State(state): State<AppState>,
    AppQuery(params): AppQuery<PageParams>,
) -> ApiResult<Json<OrganizationListResponse>> {
    let page = Page::new(params.limit, params.offset);
    Ok(Json(state.catalog.list_organizations(page).await?.into()))
}

/// Creates an OPD (admin, walidata).
#[utoipa::path(
    post,
    path = "/api/v1/organizations",
    tag = "organizations",
    request_body = NewOrganization,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = OrganizationResponse),
        WriteErrors,
        Conflict,
        JsonBody,
    )
)]
pub async fn create_organization(
    State(state): State<AppState>,
    Auth(actor): Auth,
    AppJson(new): AppJson<NewOrganization>,
) -> ApiResult<(
    StatusCode,
    [(header::HeaderName, String); 1],
    Json<OrganizationResponse>,
)> {
    let org = state.catalog.create_organization(&actor, new).await?;
    let location = state.url(&format!("/api/v1/organizations/{}", org.slug));
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(org.into()),
    ))
}

/// One OPD by slug or id.
#[utoipa::path(
    get,
    path = "/api/v1/organizations/{slug}",
    tag = "organizations",
    params(("slug" = String, Path, description = "Slug or id of the OPD")),
    responses(
        (status = 200, description = "OK", body = OrganizationResponse),
        NotFound,
    )
)]
pub async fn show_organization(
    State(state): State<AppState>,
    AppPath(slug): AppPath<String>,
) -> ApiResult<Json<OrganizationResponse>> {
    Ok(Json(state.catalog.organization(&slug).await?.into()))
}

/// Changes an OPD (admin, walidata).
#[utoipa::path(
    patch,
    path = "/api/v1/organizations/{slug}",
    tag = "organizations",
    params(("slug" = String, Path, description = "Slug or id of the OPD")),
    request_body = OrganizationPatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "OK", body = OrganizationResponse),
        WriteErrors,
        NotFound,
        JsonBody,
    )
)]
pub async fn update_organization(
    State(state): State<AppState>,
    Auth(actor): Auth,
    AppPath(slug): AppPath<String>,
    AppJson(change): AppJson<OrganizationPatch>,
) -> ApiResult<Json<OrganizationResponse>> {
    Ok(Json(
        state
            .catalog
            .update_organization(&actor, &slug, change)
            .await?
            .into(),
    ))
}
