//! The router: every route, its OpenAPI description, Swagger UI and the fallbacks.

mod accounts;
mod ckan;
mod data;
mod datasets;
mod downloads;
mod feeds;
mod health;
mod jobs;
mod lifecycle;
mod ops;
mod organizations;
mod portal;
mod regions;
mod standards;
mod versions;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{Extensions, HeaderMap, HeaderValue, Method, StatusCode, Version, header};
use axum::response::Response;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::RequestBodyTimeoutLayer;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use utoipa_swagger_ui::SwaggerUi;

use crate::error::{ApiError, ErrorEnvelope};
use crate::state::AppState;

/// Largest JSON body accepted (uploads have their own, configurable limit).
const JSON_BODY_LIMIT: usize = 1024 * 1024;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "satudata",
        description = "Katalog dan layanan publikasi Satu Data Indonesia untuk Pemerintah Daerah. \
                       / Satu Data Indonesia catalog and publishing service for regional governments.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    modifiers(&BearerAuth),
    components(schemas(ErrorEnvelope)),
    tags(
        (name = "meta", description = "Health: /healthz, /livez (process), /readyz (database, object store, not draining)"),
        (name = "portal", description = "The Pemda running the portal"),
        (name = "organizations", description = "OPD (Organisasi Perangkat Daerah)"),
        (name = "datasets", description = "Datasets and their Satu Data metadata"),
        (name = "versions", description = "Uploaded versions of a dataset's table"),
        (name = "lifecycle", description = "Review and publication: submit, review, publish, withdraw, history"),
        (name = "downloads", description = "Published files of every version"),
        (name = "data", description = "The data API: filter, sort, page, aggregate and export published tables"),
        (name = "accounts", description = "Accounts, sign-in and API tokens"),
        (name = "standards", description = "Standar Data: code lists, variables and dataset Table Schemas"),
        (name = "harvest", description = "Catalogue feeds for harvesters: data.json, DCAT-AP"),
        (name = "ckan", description = "CKAN Action API (read side) for harvesters: also at /api/action/{name}"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API token from `satudata token create` or POST /api/v1/auth/token",
                    ))
                    .build(),
            ),
        );
    }
}

fn api_router() -> OpenApiRouter<AppState> {
    let uploads = OpenApiRouter::new()
        .routes(routes!(versions::create_version, versions::list_versions))
        // Uploads stream with their own limit; the default 2 MB body limit must not cut them.
        .layer(DefaultBodyLimit::disable());
    let downloads = OpenApiRouter::new()
        .routes(routes!(downloads::latest))
        .routes(routes!(downloads::of_version))
        .layer(
            CompressionLayer::new().compress_when(DefaultPredicate::new().and(
                |status: StatusCode, _: Version, headers: &HeaderMap, _: &Extensions| {
                    // Whole CSV and JSON files only: never a 206 (its range is of the plain bytes).
                    status == StatusCode::OK
                        && headers
                            .get(header::CONTENT_TYPE)
                            .and_then(|v| v.to_str().ok())
                            .is_some_and(|t| t.starts_with("text/csv") || t == "application/json")
                },
            )),
        )
        .layer(axum::middleware::map_response(weaken_etag));
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::healthz))
        .routes(routes!(ops::livez))
        .routes(routes!(ops::readyz))
        .route("/metrics", axum::routing::get(ops::metrics))
        .routes(routes!(portal::show_portal, portal::update_portal))
        .routes(routes!(
            organizations::list_organizations,
            organizations::create_organization
        ))
        .routes(routes!(
            organizations::show_organization,
            organizations::update_organization
        ))
        .routes(routes!(datasets::list_datasets, datasets::create_dataset))
        .routes(routes!(
            datasets::show_dataset,
            datasets::update_dataset,
            datasets::delete_dataset
        ))
        .routes(routes!(versions::show_version))
        .routes(routes!(jobs::show_job))
        .routes(routes!(datasets::show_score))
        .routes(routes!(
            standards::list_code_lists,
            standards::create_code_list
        ))
        .routes(routes!(
            standards::show_code_list,
            standards::replace_code_list
        ))
        .routes(routes!(
            standards::list_standards,
            standards::create_standard
        ))
        .routes(routes!(
            standards::show_standard,
            standards::replace_standard
        ))
        .routes(routes!(
            standards::show_dataset_schema,
            standards::set_dataset_schema
        ))
        .routes(routes!(regions::list_regions))
        .routes(routes!(regions::show_region))
        .routes(routes!(versions::show_report))
        .routes(routes!(downloads::clean_table))
        .routes(routes!(versions::diff_versions))
        .routes(routes!(accounts::show_me))
        .routes(routes!(accounts::list_users, accounts::create_user))
        .routes(routes!(accounts::sign_in))
        .routes(routes!(accounts::list_tokens))
        .routes(routes!(accounts::revoke_token))
        .routes(routes!(lifecycle::submit))
        .routes(routes!(lifecycle::review))
        .routes(routes!(lifecycle::cancel))
        .routes(routes!(lifecycle::publish))
        .routes(routes!(lifecycle::unpublish))
        .routes(routes!(lifecycle::history))
        .routes(routes!(data::query))
        .routes(routes!(ckan::action_get, ckan::action_post))
        .routes(routes!(feeds::data_json))
        .routes(routes!(feeds::catalog_ttl))
        .route("/catalog.rdf", axum::routing::get(feeds::catalog))
        .route("/catalog.jsonld", axum::routing::get(feeds::catalog))
        .routes(routes!(feeds::dataset))
        .route(
            "/api/action/{name}",
            axum::routing::get(ckan::unversioned_get).post(ckan::unversioned_post),
        )
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .merge(uploads)
        .merge(downloads)
}

/// A compressed body is another representation: its ETag becomes weak (as nginx does), so a
/// strong validator is only ever sent with the exact stored bytes.
async fn weaken_etag(mut response: Response) -> Response {
    let headers = response.headers_mut();
    if headers.contains_key(header::CONTENT_ENCODING)
        && let Some(etag) = headers.get(header::ETAG).and_then(|v| v.to_str().ok())
        && !etag.starts_with("W/")
        && let Ok(weak) = HeaderValue::from_str(&format!("W/{etag}"))
    {
        headers.insert(header::ETAG, weak);
    }
    response
}

/// Paths that belong to machines: unknown ones answer with the JSON envelope. Every other
/// path is the portal's (`satudata-web`), whose unknown pages are HTML.
fn is_machine_path(path: &str) -> bool {
    path == "/api"
        || path.starts_with("/api/")
        || path.starts_with("/datasets/")
        || path.starts_with("/catalog.")
        || path == "/data.json"
        || path == "/healthz"
}

/// A request no API route answers: the JSON 404 for machine paths, the portal otherwise.
async fn fallback(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
) -> Response {
    use axum::response::IntoResponse;
    use tower::ServiceExt;
    if is_machine_path(request.uri().path()) {
        return ApiError::no_route().into_response();
    }
    match state.web.clone().oneshot(fresh(request)).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// The request without what this router attached to it (matched path parameters), for the
/// portal's router to route afresh; the peer's address goes along (the sign-in limits count
/// per client address).
fn fresh(request: axum::extract::Request) -> axum::extract::Request {
    let (parts, body) = request.into_parts();
    let mut again = axum::http::Request::new(body);
    if let Some(peer) = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
    {
        again.extensions_mut().insert(*peer);
    }
    *again.method_mut() = parts.method;
    *again.uri_mut() = parts.uri;
    *again.version_mut() = parts.version;
    *again.headers_mut() = parts.headers;
    again
}

/// The OpenAPI description of the API, as served at `/api/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api_router().split_for_parts().1
}

/// The complete router over a state.
pub fn router(state: AppState) -> Router {
    let (router, api) = api_router().split_for_parts();
    // Swagger UI styles its elements inline and draws icons from data: URLs.
    let docs = Router::new()
        .merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", api))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
                 frame-ancestors 'none'",
            ),
        ));
    let body_timeout = state.body_timeout;
    let metrics = state.metrics.clone();
    let router = router
        .merge(docs)
        .fallback(fallback)
        .method_not_allowed_fallback(|| async { ApiError::method_not_allowed() })
        // Inside routing, so each request carries its route template (`MatchedPath`).
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            crate::metrics::track,
        ))
        .with_state(state)
        .layer(RequestBodyTimeoutLayer::new(body_timeout))
        .layer(cors());
    with_security_headers(router)
}

/// Open data is for every site: any origin may read (GET, HEAD, and CKAN's POSTed actions),
/// but never with credentials: `Authorization` is not an allowed header, so a page on another
/// site cannot act with a user's token, and no cookie is honoured cross-origin.
fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::any())
        .allow_methods([Method::GET, Method::HEAD, Method::POST])
        .allow_headers([
            header::ACCEPT,
            header::ACCEPT_LANGUAGE,
            header::CONTENT_TYPE,
            header::RANGE,
            header::IF_NONE_MATCH,
            header::IF_MODIFIED_SINCE,
        ])
        .expose_headers([
            header::ETAG,
            header::LAST_MODIFIED,
            header::CONTENT_RANGE,
            header::CONTENT_DISPOSITION,
            header::LINK,
            header::RETRY_AFTER,
        ])
        .max_age(std::time::Duration::from_secs(86_400))
}

/// Headers every response carries unless a route sets its own: no MIME sniffing, no framing,
/// no full URLs leaked to other sites, and a policy that lets JSON and files run nothing.
fn with_security_headers(router: Router) -> Router {
    let set = |name, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    router
        .layer(set(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(set(header::X_FRAME_OPTIONS, "DENY"))
        .layer(set(
            header::REFERRER_POLICY,
            "strict-origin-when-cross-origin",
        ))
        .layer(set(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; frame-ancestors 'none'",
        ))
}
