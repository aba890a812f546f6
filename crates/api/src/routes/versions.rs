//! `/api/v1/datasets/{slug}/versions`: uploads and their records.

use axum::Json;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use futures_util::StreamExt;
use satudata_catalog::versions::Upload;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::extract::{AppPath, Auth};
use crate::responses::{BadRequest, NotFound, PublishedOnly, WriteErrors};
use crate::state::AppState;
use crate::views::jobs::JobResponse;
use crate::views::{VersionListResponse, VersionResponse};
use satudata_catalog::jobs::JobState;

/// The multipart form of an upload.
#[derive(Debug, Serialize, ToSchema)]
pub struct UploadForm {
    /// The table file (CSV). The part's own Content-Type and file name are used.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// Uploads a new version of a dataset's table: the file as the raw request body with its
/// `Content-Type` (CSV as `text/csv`, an Excel workbook as XLSX, or a JSON array of records), or
/// as the `file` part of a `multipart/form-data` form. The body streams to storage; it is never
/// held in memory. The stored file is then validated and the report kept with the version.
#[utoipa::path(
    post,
    path = "/api/v1/datasets/{slug}/versions",
    tag = "versions",
    params(
        ("slug" = String, Path, description = "Slug or id of the dataset"),
        ("X-Filename" = Option<String>, Header, description = "Original file name for a raw upload"),
        ("layout" = Option<String>, Query, description = "`long`: clean a wide table (years or months as columns) into the Satu Data long layout, one row per observation"),
    ),
    request_body(
        description = "The table",
        content(
            (String = "text/csv"),
            (UploadForm = "multipart/form-data"),
            ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("application/json")
        )
    ),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created and validated", body = VersionResponse),
        (status = 202, description = "Stored; validation runs as a job (see `job`): a large file, or `Prefer: respond-async`", body = VersionResponse),
        (status = 413, description = "Upload larger than the limit", body = ErrorEnvelope),
        (status = 415, description = "Unsupported media type", body = ErrorEnvelope),
        WriteErrors,
        NotFound,
    )
)]
pub async fn create_version(
    State(state): State<AppState>,
    Auth(actor): Auth,
    AppPath(slug): AppPath<String>,
    request: Request,
) -> ApiResult<(
    StatusCode,
    [(header::HeaderName, String); 1],
    Json<VersionResponse>,
)> {
    let headers = request.headers().clone();
    let content_type = media_type(&headers)?;
    let long = wants_long_layout(request.uri().query())?;
    let version = if content_type == "multipart/form-data" {
        let mut form = Multipart::from_request(request, &state)
            .await
            .map_err(|e| {
                ApiError::bad_request(format!("Formulir tidak sah: {e}"), e.to_string())
            })?;
        let field = loop {
            match form.next_field().await {
                Ok(Some(field)) if field.name() == Some("file") => break field,
                Ok(Some(_)) => {}
                Ok(None) => {
                    return Err(ApiError::bad_request(
                        "Formulir tidak memuat bagian 'file'",
                        "The form has no 'file' part",
                    ));
                }
                Err(e) => {
                    return Err(ApiError::bad_request(
                        format!("Formulir tidak sah: {e}"),
                        e.to_string(),
                    ));
                }
            }
        };
        let upload = Upload {
            media_type: field
                .content_type()
                .map_or_else(|| "text/csv".to_owned(), base_type),
            filename: field.file_name().map(str::to_owned),
            declared_len: None,
            long,
            body: field.boxed(),
        };
        state.catalog.upload_version(&actor, &slug, upload).await?
    } else {
        let declared_len = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok());
        let filename = headers
            .get("x-filename")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body: Body = request.into_body();
        let upload = Upload {
            media_type: content_type,
            filename,
            declared_len,
            long,
            body: body.into_data_stream(),
        };
        state.catalog.upload_version(&actor, &slug, upload).await?
    };
    let (version, job) = version;
    let large = u64::try_from(version.byte_size).unwrap_or(u64::MAX)
        > state.catalog.settings().jobs.wait_max_bytes;
    let job = super::jobs::settle(&state, &headers, job, large).await?;
    let location = state.url(&format!(
        "/api/v1/datasets/{slug}/versions/{}",
        version.number
    ));
    // Finished: the version as validation left it; otherwise the version as stored, and its job.
    let (status, mut view) = if job.state == JobState::Done {
        let fresh = state.catalog.version(&actor, &slug, version.number).await?;
        (StatusCode::CREATED, VersionResponse::from(fresh))
    } else {
        (StatusCode::ACCEPTED, VersionResponse::from(version))
    };
    view.job = (status == StatusCode::ACCEPTED).then(|| JobResponse::new(job, &state));
    Ok((status, [(header::LOCATION, location)], Json(view)))
}

/// A dataset's versions, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/datasets/{slug}/versions",
    tag = "versions",
    params(("slug" = String, Path, description = "Slug or id of the dataset")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "OK", body = VersionListResponse),
        NotFound,
    )
)]
pub async fn list_versions(
    State(state): State<AppState>,
    Auth(actor): Auth,
    AppPath(slug): AppPath<String>,
) -> ApiResult<Json<VersionListResponse>> {
    let versions = state.catalog.list_versions(&actor, &slug).await?;
    Ok(Json(VersionListResponse {
        items: with_files(&state, &slug, versions).await?,
    }))
}

/// One version of a dataset.
#[utoipa::path(
    get,
    path = "/api/v1/datasets/{slug}/versions/{number}",
    tag = "versions",
    params(
        ("slug" = String, Path, description = "Slug or id of the dataset"),
        ("number" = i32, Path, description = "Version number"),
    ),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "OK", body = VersionResponse),
        BadRequest,
        NotFound,
    )
)]
pub async fn show_version(
    State(state): State<AppState>,
    Auth(actor): Auth,
    AppPath((slug, number)): AppPath<(String, i32)>,
) -> ApiResult<Json<VersionResponse>> {
    let version = state.catalog.version(&actor, &slug, number).await?;
    let mut views = with_files(&state, &slug, vec![version]).await?;
    views
        .pop()
        .map(Json)
        .ok_or_else(|| crate::error::ApiError::invariant("the version vanished"))
}

/// Version views with their published files and download URLs.
pub(crate) async fn with_files(
    state: &AppState,
    slug: &str,
    versions: Vec<satudata_catalog::entity::dataset_version::Model>,
) -> ApiResult<Vec<VersionResponse>> {
    let ids: Vec<i32> = versions.iter().map(|v| v.id).collect();
    let mut files = state.catalog.files_of(&ids).await?;
    Ok(versions
        .into_iter()
        .map(|v| {
            let own = files.remove(&v.id).unwrap_or_default();
            VersionResponse::from(v).with_files(&own, slug, state)
        })
        .collect())
}

/// The media type of a request without parameters; a missing one is an error.
fn media_type(headers: &HeaderMap) -> ApiResult<String> {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(base_type)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            ApiError::from(satudata_catalog::Error::UnsupportedMediaType(
                "(none)".to_owned(),
            ))
        })
}

fn base_type(value: &str) -> String {
    value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// The validation report of a version: every finding per cell, in Bahasa Indonesia and English
/// (JSON Schema: `schemas/validation-report.schema.json`).
#[utoipa::path(
    get,
    path = "/api/v1/datasets/{slug}/versions/{number}/report",
    tag = "versions",
    params(
        ("slug" = String, Path, description = "Slug or id of the dataset"),
        ("number" = i32, Path, description = "Version number"),
    ),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "OK", body = Object),
        BadRequest,
        NotFound,
    )
)]
pub async fn show_report(
    State(state): State<AppState>,
    Auth(actor): Auth,
    AppPath((slug, number)): AppPath<(String, i32)>,
) -> ApiResult<Json<serde_json::Value>> {
    Ok(Json(
        state.catalog.version_report(&actor, &slug, number).await?,
    ))
}

/// What changed from published version `a` to published version `b`: columns added and
/// removed, and rows added, removed and changed by the table's key (the declared primary key,
/// else the proposed one, else whole rows), with up to 20 examples of each.
#[utoipa::path(
    get,
    path = "/api/v1/datasets/{slug}/versions/{a}/diff/{b}",
    tag = "versions",
    params(
        ("slug" = String, Path, description = "Slug or id of the dataset"),
        ("a" = i32, Path, description = "The older version"),
        ("b" = i32, Path, description = "The newer version"),
    ),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "OK", body = Object),
        PublishedOnly,
        BadRequest,
    )
)]
pub async fn diff_versions(
    State(state): State<AppState>,
    Auth(actor): Auth,
    AppPath((slug, a, b)): AppPath<(String, i32, i32)>,
) -> ApiResult<Json<serde_json::Value>> {
    Ok(Json(
        state.catalog.diff_versions(&actor, &slug, a, b).await?,
    ))
}

/// `?layout=long` (or `wide`, the default).
fn wants_long_layout(query: Option<&str>) -> ApiResult<bool> {
    let mut long = false;
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match (key.as_ref(), value.as_ref()) {
            ("layout", "long") => long = true,
            ("layout", "wide") => long = false,
            ("layout", other) => {
                return Err(ApiError::bad_request(
                    format!("layout harus 'long' atau 'wide', bukan '{other}'"),
                    format!("layout must be 'long' or 'wide', not '{other}'"),
                ));
            }
            _ => {}
        }
    }
    Ok(long)
}
