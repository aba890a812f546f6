//! `/api/v1/datasets/{slug}/data`: the data API over a published version.

use axum::Json;
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use satudata_catalog::dataquery::{DataPage, DataQuery, Output};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiResult, ErrorEnvelope};
use crate::extract::{AppPath, Auth};
use crate::responses::{PublishedOnly, Unavailable};
use crate::state::AppState;

/// A page of rows (or groups).
#[derive(Debug, Serialize, ToSchema)]
pub struct DataResponse {
    /// The version queried.
    pub version: i32,
    /// Column names in order.
    pub columns: Vec<String>,
    /// The rows as records.
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<serde_json::Map<String, serde_json::Value>>,
    /// Matching rows (or groups) in all pages; exact, counted once per version and query.
    pub total: u64,
    /// Page size.
    pub limit: usize,
    /// Rows skipped.
    pub offset: usize,
    /// Keyset cursor for the next page (`after=`), faster than a deep `offset`.
    pub next: Option<String>,
    /// The next page's URL, when there may be one.
    pub next_url: Option<String>,
}

/// Queries a published version (the current one, or `version=N`):
/// `select=a,b`, `filter[kolom]=v`, `filter[tahun][gte]=2020` (`eq ne gt gte lt lte in`,
/// `filter[kecamatan][contains]=kul` ignoring case),
/// `sort=-tahun,kecamatan`, `limit` (1..1000, or `all` to export every row, streamed),
/// `offset`, `after` (keyset cursor from `next`), `group_by=tahun,jenis_kelamin` with
/// `agg=sum:jumlah,count` (`sum count mean min max`), `format=json|csv|parquet` (parquet for
/// exports). Unknown columns, operators or values of the wrong type are 400 naming the parameter.
#[utoipa::path(
    get,
    path = "/api/v1/datasets/{slug}/data",
    tag = "data",
    params(("slug" = String, Path, description = "Slug or id of the dataset")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page, or the whole export", body = DataResponse),
        (status = 400, description = "A bad parameter (named in `field`)", body = ErrorEnvelope),
        PublishedOnly,
        Unavailable,
    )
)]
pub async fn query(
    State(state): State<AppState>,
    Auth(actor): Auth,
    AppPath(slug): AppPath<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(raw.as_deref().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    let query = DataQuery::parse(&pairs)?;
    if query.limit.is_none() {
        return export(&state, &actor, &slug, query).await;
    }
    let page = state.catalog.query_data(&actor, &slug, &query).await?;
    if query.output == Output::Csv {
        return csv_page(&page);
    }
    let next_url = page.next.as_ref().map(|cursor| {
        let mut kept: Vec<(String, String)> = pairs
            .iter()
            .filter(|(k, _)| k != "after" && k != "offset")
            .cloned()
            .collect();
        kept.push(("after".into(), cursor.clone()));
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(kept)
            .finish();
        state.url(&format!("/api/v1/datasets/{slug}/data?{query}"))
    });
    let limit = query.limit.unwrap_or_default();
    let items = page
        .rows
        .into_iter()
        .map(|row| page.columns.iter().cloned().zip(row).collect())
        .collect();
    Ok(Json(DataResponse {
        version: page.version,
        columns: page.columns,
        items,
        total: page.total,
        limit,
        offset: query.offset,
        next: page.next,
        next_url,
    })
    .into_response())
}

fn csv_page(page: &DataPage) -> ApiResult<Response> {
    let mut response = (StatusCode::OK, page.to_csv()?).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    response
        .headers_mut()
        .insert("x-total-count", HeaderValue::from(page.total));
    Ok(response)
}

async fn export(
    state: &AppState,
    actor: &satudata_catalog::Actor,
    slug: &str,
    query: DataQuery,
) -> ApiResult<Response> {
    let output = query.output;
    let export = state.catalog.export_data(actor, slug, query).await?;
    let (media, ext) = match output {
        Output::Json => ("application/json", "json"),
        Output::Csv => ("text/csv; charset=utf-8", "csv"),
        Output::Parquet => ("application/vnd.apache.parquet", "parquet"),
    };
    let stream = tokio_stream_from(export.body);
    let mut response = (StatusCode::OK, Body::from_stream(stream)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{slug}-v{}-query.{ext}\"",
        export.version
    )) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

/// The receiver as a stream of chunks.
pub(super) fn tokio_stream_from(
    mut rx: tokio::sync::mpsc::Receiver<Result<bytes::Bytes, std::io::Error>>,
) -> impl futures_util::Stream<Item = Result<bytes::Bytes, std::io::Error>> {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
}
