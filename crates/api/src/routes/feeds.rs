//! Catalogue feeds for harvesters: `/data.json` (Project Open Data v1.1), and DCAT-AP.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use satudata_catalog::Actor;
use satudata_harvest::dcat::{CatalogPage, DEFAULT_PAGE_SIZE, RdfFormat};

use crate::cache::Cached;
use crate::error::{ApiError, ApiResult, ErrorEnvelope};
use crate::extract::{AppPath, AppQuery, Auth};
use crate::responses::{Gone, NotFound};

use crate::state::AppState;

/// The public catalogue as Project Open Data v1.1 (non-federal) `data.json`, with the Satu
/// Data keys the national portal's DCAT-JSON harvester reads as extra dataset keys. Streamed.
#[utoipa::path(
    get,
    path = "/data.json",
    tag = "harvest",
    responses(
        (status = 200, description = "POD v1.1 catalogue", content_type = "application/json"),
    )
)]
pub async fn data_json(State(state): State<AppState>) -> Response {
    let rx = state
        .harvest
        .data_json(Actor::Anonymous, state.base_url.clone());
    let mut response = Body::from_stream(super::data::tokio_stream_from(rx)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// Query of a catalogue page.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CatalogParams {
    /// Page number, from 1.
    pub page: Option<u64>,
    /// Datasets per page (default 100, at most 1000).
    pub per_page: Option<u64>,
    /// Only datasets modified at or after this date or time (`2024-05-01` or
    /// `2024-05-01T10:00:00Z`).
    pub modified_since: Option<String>,
    /// Words to search for.
    pub q: Option<String>,
}

fn rdf_body(format: RdfFormat, bytes: Vec<u8>) -> Cached {
    Cached {
        content_type: HeaderValue::from_static(format.media_type()),
        body: bytes.into(),
    }
}

/// The public catalogue as DCAT-AP 3.0.1, one Hydra page at a time (`hydra:next` links the
/// following page): `/catalog.ttl`, `/catalog.rdf` or `/catalog.jsonld`.
#[utoipa::path(
    get,
    path = "/catalog.ttl",
    tag = "harvest",
    params(CatalogParams),
    responses(
        (status = 200, description = "DCAT-AP catalogue page (also /catalog.rdf, /catalog.jsonld)", content_type = "text/turtle"),
        (status = 400, description = "A bad parameter", body = ErrorEnvelope),
    )
)]
pub async fn catalog_ttl(
    state: State<AppState>,
    uri: Uri,
    query: AppQuery<CatalogParams>,
) -> ApiResult<Response> {
    catalog(state, uri, query).await
}

/// The catalogue page in any of the three serialisations (by the path's extension).
pub async fn catalog(
    State(state): State<AppState>,
    uri: Uri,
    AppQuery(params): AppQuery<CatalogParams>,
) -> ApiResult<Response> {
    let ext = uri.path().rsplit('.').next().unwrap_or("ttl");
    let format = RdfFormat::from_extension(ext).unwrap_or(RdfFormat::Turtle);
    let modified_since = params
        .modified_since
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(parse_since)
        .transpose()?;
    let per_page = params.per_page.unwrap_or(DEFAULT_PAGE_SIZE);
    let page_url = |n: u64| {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        q.append_pair("page", &n.to_string());
        if params.per_page.is_some() {
            q.append_pair("per_page", &per_page.to_string());
        }
        if let Some(s) = &params.modified_since {
            q.append_pair("modified_since", s);
        }
        if let Some(s) = &params.q {
            q.append_pair("q", s);
        }
        state.url(&format!("{}?{}", uri.path(), q.finish()))
    };
    let page = CatalogPage {
        page: params.page.unwrap_or(1),
        per_page,
        modified_since,
        q: params.q.clone(),
    };
    let key = format!("dcat|{}", uri.path_and_query().map_or("", |p| p.as_str()));
    let compute = async {
        let bytes = state
            .harvest
            .dcat_catalog(&state.base_url, page, format, page_url)
            .await?;
        ApiResult::Ok(rdf_body(format, bytes))
    };
    Ok(state.cached(key, compute).await?.into_response())
}

fn parse_since(text: &str) -> ApiResult<chrono::DateTime<chrono::Utc>> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&chrono::Utc));
    }
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
        .ok_or_else(|| {
            ApiError::from(satudata_catalog::Error::BadParameter {
                param: "modified_since".into(),
                message: satudata_catalog::Message::new(
                    format!("'{text}' bukan tanggal (contoh 2024-05-01 atau 2024-05-01T10:00:00Z)"),
                    format!("'{text}' is not a date (e.g. 2024-05-01 or 2024-05-01T10:00:00Z)"),
                ),
            })
        })
}

/// Query of a dataset document.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DatasetRdfParams {
    /// `schemaorg` for the schema.org profile (JSON-LD), otherwise DCAT-AP.
    pub profile: Option<String>,
}

/// A dataset as DCAT-AP: `/dataset/{slug}.ttl`, `.rdf`, `.jsonld` (`?profile=schemaorg` for
/// schema.org), or `/dataset/{slug}` with content negotiation (`Accept: text/turtle`,
/// `application/rdf+xml`, `application/ld+json`; anything else gets the portal's HTML page of
/// the dataset, its `dcat:landingPage`).
#[utoipa::path(
    get,
    path = "/dataset/{file}",
    tag = "harvest",
    params(("file" = String, Path, description = "slug or id, optionally with .ttl, .rdf or .jsonld"), DatasetRdfParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The dataset in RDF, or its HTML page when no RDF is asked for", content_type = "text/turtle"),
        NotFound,
        Gone,
    )
)]
pub async fn dataset(
    State(state): State<AppState>,
    Auth(actor): Auth,
    headers: HeaderMap,
    AppPath(file): AppPath<String>,
    AppQuery(params): AppQuery<DatasetRdfParams>,
    request: axum::extract::Request,
) -> ApiResult<Response> {
    let schema_org = params.profile.as_deref() == Some("schemaorg");
    let (key, format) = match file.rsplit_once('.') {
        Some((key, ext)) if RdfFormat::from_extension(ext).is_some() => {
            (key.to_owned(), RdfFormat::from_extension(ext))
        }
        _ => {
            let accept = headers
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            (file.clone(), negotiate(accept))
        }
    };
    let Some(format) = format.or(schema_org.then_some(RdfFormat::JsonLd)) else {
        // No RDF asked for: the portal's page of the dataset (HTML, or its 404/410 page).
        use tower::ServiceExt;
        let mut response = match state.web.clone().oneshot(super::fresh(request)).await {
            Ok(response) => response,
            Err(never) => match never {},
        };
        let vary = match response
            .headers()
            .get(header::VARY)
            .and_then(|v| v.to_str().ok())
        {
            Some(page) => format!("{page}, Accept"),
            None => "Accept".to_owned(),
        };
        if let Ok(vary) = HeaderValue::from_str(&vary) {
            response.headers_mut().insert(header::VARY, vary);
        }
        return Ok(response);
    };
    let compute = async {
        let bytes = state
            .harvest
            .dcat_dataset(&actor, &state.base_url, &key, format, schema_org)
            .await?;
        ApiResult::Ok(rdf_body(format, bytes))
    };
    let body = if matches!(actor, Actor::Anonymous) {
        let cache_key = format!("rdf|{key}|{}|{schema_org}", format.media_type());
        state.cached(cache_key, compute).await?
    } else {
        compute.await?
    };
    let mut response = body.into_response();
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept"));
    Ok(response)
}

/// The RDF format an `Accept` header prefers, or `None` when it prefers HTML (or names no RDF
/// type): the highest `q` wins, the earlier type on a tie.
fn negotiate(accept: &str) -> Option<RdfFormat> {
    let mut best: Option<(f32, Option<RdfFormat>)> = None;
    for part in accept.split(',') {
        let mut pieces = part.split(';');
        let media = pieces.next().unwrap_or_default().trim();
        let q = pieces
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let choice = match media {
            "text/html" | "application/xhtml+xml" => None,
            other => match RdfFormat::from_media_type(other) {
                Some(format) => Some(format),
                None => continue,
            },
        };
        if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
            best = Some((q, choice));
        }
    }
    best.and_then(|(_, choice)| choice)
}

#[cfg(test)]
mod tests {
    use super::{RdfFormat, negotiate};

    #[test]
    fn browsers_get_html_and_rdf_clients_rdf() {
        let chrome = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        assert_eq!(negotiate(chrome), None);
        assert_eq!(negotiate("text/turtle"), Some(RdfFormat::Turtle));
        assert_eq!(
            negotiate("application/ld+json, text/html;q=0.5"),
            Some(RdfFormat::JsonLd)
        );
        assert_eq!(negotiate("text/html, application/rdf+xml;q=0.9"), None);
        assert_eq!(negotiate("*/*"), None);
    }
}
