//! Standar Data: `/api/v1/code-lists`, `/api/v1/standards` and a dataset's Table Schema.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use satudata_catalog::entity::{code_list, standard_variable};
use satudata_catalog::standards::{CodeItem, CodeListInput, StandardInput};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiResult;
use crate::extract::{AppJson, AppPath, Auth};
use crate::responses::{Conflict, Invalid, JsonBody, NotFound, SignedIn};
use crate::state::AppState;
use crate::views::json_document;

/// A code list (kode referensi).
#[derive(Debug, Serialize, ToSchema)]
pub struct CodeListResponse {
    /// URL name.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// The values in order.
    pub items: Vec<CodeItem>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<code_list::Model> for CodeListResponse {
    fn from(c: code_list::Model) -> Self {
        Self {
            items: serde_json::from_value(c.items).unwrap_or_default(),
            slug: c.slug,
            name: c.name,
            description: c.description,
            updated_at: c.updated_at,
        }
    }
}

/// A Standar Data variable.
#[derive(Debug, Serialize, ToSchema)]
pub struct StandardResponse {
    /// Kode.
    pub kode: String,
    /// Nama.
    pub nama: String,
    /// Konsep.
    pub konsep: Option<String>,
    /// Definisi.
    pub definisi: Option<String>,
    /// Tipe data.
    pub tipe_data: String,
    /// Klasifikasi: the code list's slug.
    pub code_list: Option<String>,
    /// Ukuran.
    pub ukuran: Option<String>,
    /// Satuan.
    pub satuan: Option<String>,
    /// Aturan validasi as Frictionless constraints.
    #[schema(value_type = Object)]
    pub aturan: serde_json::Value,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

async fn standard_response(
    state: &AppState,
    v: standard_variable::Model,
) -> ApiResult<StandardResponse> {
    let code_list = match v.code_list_id {
        Some(id) => state.catalog.code_list_slug(id).await?,
        None => None,
    };
    Ok(StandardResponse {
        kode: v.kode,
        nama: v.nama,
        konsep: v.konsep,
        definisi: v.definisi,
        tipe_data: v.tipe_data,
        code_list,
        ukuran: v.ukuran,
        satuan: v.satuan,
        aturan: v.aturan,
        updated_at: v.updated_at,
    })
}

/// All code lists.
#[utoipa::path(get, path = "/api/v1/code-lists", tag = "standards",
    responses((status = 200, description = "OK", body = Vec<CodeListResponse>)))]
pub async fn list_code_lists(
    State(state): State<AppState>,
) -> ApiResult<Json<Vec<CodeListResponse>>> {
    Ok(Json(
        state
            .catalog
            .list_code_lists()
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Creates a code list (walidata, pembina, admin).
#[utoipa::path(post, path = "/api/v1/code-lists", tag = "standards", request_body = CodeListInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = CodeListResponse),
        SignedIn,
        Conflict,
        Invalid,
        JsonBody,
    ))]
pub async fn create_code_list(
    State(state): State<AppState>,
    Auth(actor): Auth,
    AppJson(input): AppJson<CodeListInput>,
) -> ApiResult<(StatusCode, Json<CodeListResponse>)> {
    Ok((
        StatusCode::CREATED,
        Json(state.catalog.create_code_list(&actor, input).await?.into()),
    ))
}

/// One code list.
#[utoipa::path(get, path = "/api/v1/code-lists/{slug}", tag = "standards",
    params(("slug" = String, Path, description = "Slug of the code list")),
    responses(
        (status = 200, description = "OK", body = CodeListResponse),
        NotFound,
    ))]
pub async fn show_code_list(
    State(state): State<AppState>,
    AppPath(slug): AppPath<String>,
) -> ApiResult<Json<CodeListResponse>> {
    Ok(Json(state.catalog.code_list(&slug).await?.into()))
}

/// Replaces a code list (walidata, pembina, admin).
#[utoipa::path(put, path = "/api/v1/code-lists/{slug}", tag = "standards", request_body = CodeListInput,
    params(("slug" = String, Path, description = "Slug of the code list")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "OK", body = CodeListResponse),
        SignedIn,
        NotFound,
        Invalid,
        JsonBody,
    ))]
pub async fn replace_code_list(
    State(state): State<AppState>,
    Auth(actor): Auth,
    AppPath(slug): AppPath<String>,
    AppJson(input): AppJson<CodeListInput>,
) -> ApiResult<Json<CodeListResponse>> {
    Ok(Json(
        state
            .catalog
            .replace_code_list(&actor, &slug, input)
            .await?
            .into(),
    ))
}

/// All Standar Data variables.
#[utoipa::path(get, path = "/api/v1/standards", tag = "standards",
    responses((status = 200, description = "OK", body = Vec<StandardResponse>)))]
pub async fn list_standards(
    State(state): State<AppState>,
) -> ApiResult<Json<Vec<StandardResponse>>> {
    let mut out = Vec::new();
    for v in state.catalog.list_standards().await? {
        out.push(standard_response(&state, v).await?);
    }
    Ok(Json(out))
}

/// Creates a Standar Data variable (walidata, pembina, admin).
#[utoipa::path(post, path = "/api/v1/standards", tag = "standards", request_body = StandardInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = StandardResponse),
        SignedIn,
        Conflict,
        Invalid,
        JsonBody,
    ))]
pub async fn create_standard(
    State(state): State<AppState>,
    Auth(actor): Auth,
    AppJson(input): AppJson<StandardInput>,
) -> ApiResult<(StatusCode, Json<StandardResponse>)> {
    let created = state.catalog.create_standard(&actor, input).await?;
    Ok((
        StatusCode::CREATED,
        Json(standard_response(&state, created).await?),
    ))
}

/// One Standar Data variable.
#[utoipa::path(get, path = "/api/v1/standards/{kode}", tag = "standards",
    params(("kode" = String, Path, description = "Kode of the variable")),
    responses(
        (status = 200, description = "OK", body = StandardResponse),
        NotFound,
    ))]
pub async fn show_standard(
    State(state): State<AppState>,
    AppPath(kode): AppPath<String>,
) -> ApiResult<Json<StandardResponse>> {
    let variable = state.catalog.standard(&kode).await?;
    Ok(Json(standard_response(&state, variable).await?))
}

/// Replaces a Standar Data variable (walidata, pembina, admin).
#[utoipa::path(put, path = "/api/v1/standards/{kode}", tag = "standards", request_body = StandardInput,
    params(("kode" = String, Path, description = "Kode of the variable")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "OK", body = StandardResponse),
        SignedIn,
        NotFound,
        Invalid,
        JsonBody,
    ))]
pub async fn replace_standard(
    State(state): State<AppState>,
    Auth(actor): Auth,
    AppPath(kode): AppPath<String>,
    AppJson(input): AppJson<StandardInput>,
) -> ApiResult<Json<StandardResponse>> {
    let replaced = state.catalog.replace_standard(&actor, &kode, input).await?;
    Ok(Json(standard_response(&state, replaced).await?))
}

/// The dataset's Table Schema as Frictionless JSON, with each bound field's type, code list
/// (`enum`) and rules filled in from its Standar Data variable.
#[utoipa::path(get, path = "/api/v1/datasets/{slug}/schema", tag = "standards",
    params(("slug" = String, Path, description = "Slug or id of the dataset")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "OK", body = Object),
        NotFound,
    ))]
pub async fn show_dataset_schema(
    State(state): State<AppState>,
    Auth(actor): Auth,
    AppPath(slug): AppPath<String>,
) -> ApiResult<Json<serde_json::Value>> {
    let schema = state
        .catalog
        .dataset_schema(&actor, &slug)
        .await?
        .ok_or_else(|| {
            satudata_catalog::Error::NotFound(satudata_catalog::Message::new(
                "Dataset ini belum memiliki Table Schema",
                "This dataset has no Table Schema yet",
            ))
        })?;
    json_document(schema)
}

/// Sets the dataset's Table Schema (Frictionless; a field may name a Standar Data variable in
/// `standar_data`). Later uploads are validated against it. Returns the effective schema.
#[utoipa::path(put, path = "/api/v1/datasets/{slug}/schema", tag = "standards",
    params(("slug" = String, Path, description = "Slug or id of the dataset")),
    request_body(content = Object, description = "A Frictionless Table Schema"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "OK", body = Object),
        SignedIn,
        NotFound,
        Invalid,
        JsonBody,
    ))]
pub async fn set_dataset_schema(
    State(state): State<AppState>,
    Auth(actor): Auth,
    AppPath(slug): AppPath<String>,
    AppJson(schema): AppJson<serde_json::Value>,
) -> ApiResult<Json<serde_json::Value>> {
    let effective = state
        .catalog
        .set_dataset_schema(&actor, &slug, schema)
        .await?;
    json_document(effective)
}
