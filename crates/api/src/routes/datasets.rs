//! `/api/v1/datasets`: datasets and their metadata.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use satudata_catalog::datasets::DatasetInput;
use satudata_catalog::paging::Page;
use satudata_catalog::search::DatasetQuery;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::ApiResult;
use crate::extract::{AppJson, AppPath, AppQuery, Auth};
use crate::responses::{
    BadRequest, Conflict, Invalid, JsonBody, NotFound, SignedIn, Unauthenticated, WriteErrors,
};
use crate::state::AppState;
use crate::views::{DatasetListResponse, DatasetResponse, json_document};

/// Search and filters of the dataset listing.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DatasetListParams {
    /// Words to find in title, description, tags and OPD names; all must occur, prefixes match.
    pub q: Option<String>,
    /// Slug of the owning OPD.
    pub organization: Option<String>,
    /// Topic group, e.g. `Pendidikan dan Tenaga Kerja`.
    pub topik: Option<String>,
    /// Tag.
    pub tag: Option<String>,
    /// Year the temporal coverage includes.
    pub tahun: Option<i32>,
    /// Items per page (1-1000, default 20).
    pub limit: Option<u64>,
    /// Items to skip.
    pub offset: Option<u64>,
}

/// Datasets the caller may see, filtered and searched.
#[utoipa::path(
    get,
    path = "/api/v1/datasets",
    tag = "datasets",
    params(DatasetListParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "OK", body = DatasetListResponse),
        BadRequest,
        Unauthenticated,
        Invalid,
    )
)]
pub async fn list_datasets(
    State(state): State<AppState>,
    Auth(actor): Auth,
    AppQuery(params): AppQuery<DatasetListParams>,
) -> ApiResult<Json<DatasetListResponse>> {
    let query = DatasetQuery {
        q: params.q,
        organization: params.organization,
        topik: params.topik,
        tag: params.tag,
        tahun: params.tahun,
        page: Page::new(params.limit, params.offset),
    };
    let found = state.catalog.search_datasets(&actor, query).await?;
    Ok(Json(DatasetListResponse {
        total: found.total,
        limit: found.page.limit,
        offset: found.page.offset,
        items: found
            .items
            .into_iter()
            .map(|r| DatasetResponse::new(r, &state))
            .collect(),
    }))
}

/// Creates a dataset. Minimal body: `{"title": "...", "organization": "<opd slug>"}`.
#[utoipa::path(
    post,
    path = "/api/v1/datasets",
    tag = "datasets",
    request_body = DatasetInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = DatasetResponse),
        WriteErrors,
        Conflict,
        JsonBody,
    )
)]
pub async fn create_dataset(
    State(state): State<AppState>,
    Auth(actor): Auth,
    AppJson(input): AppJson<DatasetInput>,
) -> ApiResult<(
    StatusCode,
    [(header::HeaderName, String); 1],
    Json<DatasetResponse>,
)> {
    let record = state.catalog.create_dataset(&actor, input).await?;
    let body = DatasetResponse::new(record, &state);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, body.links.self_.clone())],
        Json(body),
    ))
}

/// One dataset by slug or id.
#[utoipa::path(
    get,
    path = "/api/v1/datasets/{slug}",
    tag = "datasets",
    params(("slug" = String, Path, description = "Slug or id of the dataset")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "OK", body = DatasetResponse),
        NotFound,
    )
)]
pub async fn show_dataset(
    State(state): State<AppState>,
    Auth(actor): Auth,
    AppPath(slug): AppPath<String>,
) -> ApiResult<Json<DatasetResponse>> {
    let record = state.catalog.dataset(&actor, &slug).await?;
    Ok(Json(DatasetResponse::new(record, &state)))
}

/// Changes a dataset's metadata (JSON merge-patch).
#[utoipa::path(
    patch,
    path = "/api/v1/datasets/{slug}",
    tag = "datasets",
    params(("slug" = String, Path, description = "Slug or id of the dataset")),
    request_body = DatasetInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "OK", body = DatasetResponse),
        WriteErrors,
        NotFound,
        JsonBody,
    )
)]
pub async fn update_dataset(
    State(state): State<AppState>,
    Auth(actor): Auth,
    AppPath(slug): AppPath<String>,
    AppJson(input): AppJson<DatasetInput>,
) -> ApiResult<Json<DatasetResponse>> {
    let record = state.catalog.update_dataset(&actor, &slug, input).await?;
    Ok(Json(DatasetResponse::new(record, &state)))
}

/// Deletes a dataset from the catalog (its stored files are kept).
#[utoipa::path(
    delete,
    path = "/api/v1/datasets/{slug}",
    tag = "datasets",
    params(("slug" = String, Path, description = "Slug or id of the dataset")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        SignedIn,
        NotFound,
    )
)]
pub async fn delete_dataset(
    State(state): State<AppState>,
    Auth(actor): Auth,
    AppPath(slug): AppPath<String>,
) -> ApiResult<StatusCode> {
    state.catalog.delete_dataset(&actor, &slug).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// How the dataset meets the four Satu Data principles (Standar Data, Metadata,
/// Interoperabilitas, Kode Referensi) and its metadata quality as the EU data portal scores it
/// (MQA, out of 405), from its metadata and its latest version's validation report.
#[utoipa::path(
    get,
    path = "/api/v1/datasets/{slug}/score",
    tag = "datasets",
    params(("slug" = String, Path, description = "Slug or id of the dataset")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "OK", body = Object),
        NotFound,
    )
)]
pub async fn show_score(
    State(state): State<AppState>,
    Auth(actor): Auth,
    AppPath(slug): AppPath<String>,
) -> ApiResult<Json<serde_json::Value>> {
    let score = state.catalog.dataset_score(&actor, &slug).await?;
    json_document(score)
}
