//! `/datasets/{slug}/data.{csv,json,parquet,xlsx}` and the same per version: published files
//! streamed from the object store with the HTTP semantics download tools rely on: a strong ETag
//! (the SHA-256), Last-Modified, conditional GET (304), one byte range (206/416), gzip or br for
//! CSV and JSON when accepted (by the layer in `routes`), and a readable file name. Every GET
//! that sends a file from its first byte counts as a download of the dataset.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use futures_util::{StreamExt, TryStreamExt};
use satudata_catalog::Actor;
use satudata_catalog::downloads::Download;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::extract::{AppPath, AppQuery, Auth};
use crate::responses::{BadRequest, PublishedOnly, RangeNotSatisfiable};
use crate::state::AppState;

/// The byte-order mark Excel needs to read UTF-8 CSV.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Download options.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DownloadQuery {
    /// `1` prefixes a CSV with a UTF-8 byte-order mark, for Excel.
    pub bom: Option<u8>,
}

/// The current published version of a dataset as `data.csv`, `data.json`, `data.parquet` or
/// `data.xlsx`.
#[utoipa::path(
    get,
    path = "/datasets/{slug}/{file}",
    tag = "downloads",
    params(
        ("slug" = String, Path, description = "Slug or id of the dataset"),
        ("file" = String, Path, description = "data.csv, data.json, data.parquet, data.xlsx, datapackage.json (Frictionless Data Package v2) or data.csv-metadata.json (CSVW)"),
        ("If-None-Match" = Option<String>, Header, description = "ETag held by the client"),
        ("Range" = Option<String>, Header, description = "One byte range, e.g. bytes=0-1023"),
        DownloadQuery,
    ),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The file", content_type = "text/csv"),
        (status = 206, description = "Part of the file"),
        (status = 304, description = "Not modified"),
        BadRequest,
        PublishedOnly,
        RangeNotSatisfiable,
    )
)]
pub async fn latest(
    State(state): State<AppState>,
    Auth(actor): Auth,
    method: Method,
    AppPath((slug, file)): AppPath<(String, String)>,
    AppQuery(query): AppQuery<DownloadQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let response = serve(&state, &actor, &slug, None, &file, &query, &headers).await?;
    Ok(count(&state, &method, response))
}

/// A published version of a dataset as `data.csv`, `data.json`, `data.parquet` or
/// `data.xlsx`; stays downloadable after newer versions are published.
#[utoipa::path(
    get,
    path = "/datasets/{slug}/versions/{number}/{file}",
    tag = "downloads",
    params(
        ("slug" = String, Path, description = "Slug or id of the dataset"),
        ("number" = i32, Path, description = "Version number"),
        ("file" = String, Path, description = "data.csv, data.json, data.parquet, data.xlsx, datapackage.json (Frictionless Data Package v2) or data.csv-metadata.json (CSVW)"),
        ("If-None-Match" = Option<String>, Header, description = "ETag held by the client"),
        ("Range" = Option<String>, Header, description = "One byte range, e.g. bytes=0-1023"),
        DownloadQuery,
    ),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The file", content_type = "text/csv"),
        (status = 206, description = "Part of the file"),
        (status = 304, description = "Not modified"),
        BadRequest,
        PublishedOnly,
        RangeNotSatisfiable,
    )
)]
pub async fn of_version(
    State(state): State<AppState>,
    Auth(actor): Auth,
    method: Method,
    AppPath((slug, number, file)): AppPath<(String, i32, String)>,
    AppQuery(query): AppQuery<DownloadQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let response = serve(&state, &actor, &slug, Some(number), &file, &query, &headers).await?;
    Ok(count(&state, &method, response))
}

/// The dataset whose file a response carries from its first byte: a download to count.
#[derive(Debug, Clone, Copy)]
struct Downloaded(i32);

/// Counts a GET that sends a published file from its start (not a HEAD, a 304 or a later
/// range of a resumed download).
fn count(state: &AppState, method: &Method, response: Response) -> Response {
    if *method == Method::GET
        && let Some(Downloaded(id)) = response.extensions().get::<Downloaded>()
    {
        state.catalog.count_download(*id);
    }
    response
}

async fn serve(
    state: &AppState,
    actor: &Actor,
    slug: &str,
    number: Option<i32>,
    file: &str,
    query: &DownloadQuery,
    headers: &HeaderMap,
) -> ApiResult<Response> {
    if file == "datapackage.json" {
        let package = state
            .harvest
            .datapackage(actor, slug, number, &state.base_url)
            .await?;
        return Ok(axum::Json(package).into_response());
    }
    let here = match number {
        Some(n) => format!("/datasets/{slug}/versions/{n}"),
        None => format!("/datasets/{slug}"),
    };
    if file == "data.csv-metadata.json" {
        let csv_url = state.url(&format!("{here}/data.csv"));
        let doc = state
            .harvest
            .csvw_metadata(actor, slug, number, &csv_url)
            .await?;
        let mut response = axum::Json(doc).into_response();
        set(
            response.headers_mut(),
            header::CONTENT_TYPE,
            "application/csvm+json",
        );
        return Ok(response);
    }
    let format = file.strip_prefix("data.").ok_or_else(ApiError::no_route)?;
    let download = state.catalog.download(actor, slug, number, format).await?;
    let bom = query.bom == Some(1) && download.file.format == "csv";
    let size = u64::try_from(download.file.byte_size).unwrap_or_default();
    let etag = if bom {
        format!("\"{}-bom\"", download.file.sha256)
    } else {
        format!("\"{}\"", download.file.sha256)
    };
    let mut out = HeaderMap::new();
    set(&mut out, header::ETAG, &etag);
    set(
        &mut out,
        header::LAST_MODIFIED,
        &http_date(download.published_at),
    );
    set(
        &mut out,
        header::CACHE_CONTROL,
        cache_control(&download, number),
    );
    if !bom {
        set(&mut out, header::ACCEPT_RANGES, "bytes");
    }

    if not_modified(headers, &etag, download.published_at) {
        return Ok((StatusCode::NOT_MODIFIED, out).into_response());
    }
    set(
        &mut out,
        header::CONTENT_TYPE,
        content_type(&download.file.format),
    );
    let name = format!(
        "{}-v{}.{}",
        download.dataset.slug, download.number, download.file.format
    );
    set(
        &mut out,
        header::CONTENT_DISPOSITION,
        &format!("attachment; filename=\"{name}\""),
    );
    if matches!(download.file.format.as_str(), "csv" | "json") {
        set(&mut out, header::VARY, "Accept-Encoding");
    }
    if download.file.format == "csv" {
        let metadata = state.url(&format!("{here}/data.csv-metadata.json"));
        set(
            &mut out,
            header::LINK,
            &format!("<{metadata}>; rel=\"describedby\"; type=\"application/csvm+json\""),
        );
    }

    let range = if bom {
        None
    } else {
        requested_range(headers, &etag, size)?
    };
    let storage = state.catalog.storage();
    let key = &download.file.object_key;
    let response = match range {
        Some(range) => {
            let stream = storage.stream_range(key, Some(range.clone())).await?;
            set(
                &mut out,
                header::CONTENT_RANGE,
                &format!("bytes {}-{}/{size}", range.start, range.end - 1),
            );
            set(
                &mut out,
                header::CONTENT_LENGTH,
                &(range.end - range.start).to_string(),
            );
            let body = Body::from_stream(stream.map_err(std::io::Error::other));
            let mut response = (StatusCode::PARTIAL_CONTENT, out, body).into_response();
            if range.start == 0 {
                response
                    .extensions_mut()
                    .insert(Downloaded(download.dataset.id));
            }
            response
        }
        None => {
            let stream = storage.stream_range(key, None).await?;
            let stream = stream.map_err(std::io::Error::other);
            let (length, body) = if bom {
                let head = futures_util::stream::once(async { Ok(bytes::Bytes::from_static(BOM)) });
                (size + 3, Body::from_stream(head.chain(stream)))
            } else {
                (size, Body::from_stream(stream))
            };
            set(&mut out, header::CONTENT_LENGTH, &length.to_string());
            let mut response = (StatusCode::OK, out, body).into_response();
            response
                .extensions_mut()
                .insert(Downloaded(download.dataset.id));
            response
        }
    };
    Ok(response)
}

/// The clean table of a version as CSV (UTF-8, comma, RFC 4180): what cleaning made of the
/// upload (the version's `clean_log` lists the changes), the very bytes publication serves as
/// `data.csv`. Written when a valid version is uploaded, so the OPD and the walidata can check
/// it before the version is published.
#[utoipa::path(
    get,
    path = "/api/v1/datasets/{slug}/versions/{number}/clean.csv",
    tag = "versions",
    params(
        ("slug" = String, Path, description = "Slug or id of the dataset"),
        ("number" = i32, Path, description = "Version number"),
        ("If-None-Match" = Option<String>, Header, description = "ETag held by the client"),
    ),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The clean table", content_type = "text/csv"),
        (status = 304, description = "Not modified"),
        (status = 404, description = "Not found, not visible, or no clean table (the report has errors)", body = ErrorEnvelope),
        BadRequest,
    )
)]
pub async fn clean_table(
    State(state): State<AppState>,
    Auth(actor): Auth,
    AppPath((slug, number)): AppPath<(String, i32)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let clean = state.catalog.clean_file(&actor, &slug, number).await?;
    let uploaded = clean.version.created_at;
    let etag = format!("\"{}\"", clean.sha256);
    let mut out = HeaderMap::new();
    set(&mut out, header::ETAG, &etag);
    set(&mut out, header::LAST_MODIFIED, &http_date(uploaded));
    set(&mut out, header::CACHE_CONTROL, "private, no-cache");
    if not_modified(&headers, &etag, uploaded) {
        return Ok((StatusCode::NOT_MODIFIED, out).into_response());
    }
    set(&mut out, header::CONTENT_TYPE, content_type("csv"));
    set(
        &mut out,
        header::CONTENT_DISPOSITION,
        &format!("attachment; filename=\"{slug}-v{number}-bersih.csv\""),
    );
    set(&mut out, header::CONTENT_LENGTH, &clean.size.to_string());
    let stream = state
        .catalog
        .storage()
        .stream_range(&clean.object_key, None)
        .await?
        .map_err(std::io::Error::other);
    Ok((StatusCode::OK, out, Body::from_stream(stream)).into_response())
}

/// Whether the client's copy is current: `If-None-Match` wins over `If-Modified-Since`.
fn not_modified(headers: &HeaderMap, etag: &str, modified: DateTime<Utc>) -> bool {
    if let Some(tags) = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    {
        let bare = etag.trim_start_matches("W/");
        return tags
            .split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == "*" || t == bare);
    }
    headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| DateTime::parse_from_rfc2822(v).ok())
        .is_some_and(|since| modified.timestamp() <= since.timestamp())
}

/// The one byte range asked for, if any and if `If-Range` still matches. Several ranges or a
/// malformed header are answered with the whole file, as RFC 9110 allows.
fn requested_range(
    headers: &HeaderMap,
    etag: &str,
    size: u64,
) -> ApiResult<Option<std::ops::Range<u64>>> {
    let Some(value) = headers.get(header::RANGE).and_then(|v| v.to_str().ok()) else {
        return Ok(None);
    };
    if let Some(if_range) = headers.get(header::IF_RANGE).and_then(|v| v.to_str().ok())
        && if_range.trim() != etag
    {
        return Ok(None);
    }
    let Ok(parsed) = http_range_header::parse_range_header(value) else {
        return Ok(None);
    };
    match parsed.validate(size) {
        Ok(ranges) if ranges.len() == 1 => {
            let r = &ranges[0];
            Ok(Some(*r.start()..*r.end() + 1))
        }
        Ok(_) => Ok(None),
        Err(_) => Err(ApiError::range_not_satisfiable(size)),
    }
}

fn cache_control(download: &Download, number: Option<i32>) -> &'static str {
    let open = download.dataset.akses == satudata_catalog::actor::AKSES_TERBUKA;
    match (open, number) {
        // A numbered version never changes.
        (true, Some(_)) => "public, max-age=86400",
        // "Latest" changes when a new version is published: revalidate with the ETag.
        (true, None) => "public, no-cache",
        (false, _) => "private, no-cache",
    }
}

fn content_type(format: &str) -> &'static str {
    match format {
        "csv" => "text/csv; charset=utf-8",
        "json" => "application/json",
        "parquet" => "application/vnd.apache.parquet",
        _ => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
}

/// An IMF-fixdate (RFC 9110 §5.6.7).
fn http_date(at: DateTime<Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

fn set(headers: &mut HeaderMap, name: header::HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name, value);
    }
}
