//! `/api/3/action/{name}` and `/api/action/{name}`: the CKAN Action API (read side) for
//! harvesters and CKAN clients, by GET (query string) or POST (JSON body).

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use satudata_catalog::Actor;

use crate::ckan::envelope::{CkanError, CkanReply, Params};
use crate::ckan::{actor, run};
use crate::state::AppState;

/// A CKAN action by GET: parameters in the query string.
#[utoipa::path(
    get,
    path = "/api/3/action/{name}",
    tag = "ckan",
    params(("name" = String, Path, description = "package_search, package_show, package_list, \
        current_package_list_with_resources, organization_list, organization_show, group_list, \
        group_show, tag_list, resource_show, license_list, status_show, help_show, \
        datastore_search")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "CKAN envelope: {help, success: true, result}"),
        (status = 400, description = "Unknown action"),
        (status = 403, description = "Authorization Error"),
        (status = 404, description = "Not Found Error"),
        (status = 409, description = "Validation Error or Search Query Error"),
        (status = 503, description = "datastore_search: busy, or the query ran longer than allowed"),
    )
)]
pub async fn action_get(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(name): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let params = Params::from_query(query.as_deref().unwrap_or_default());
    answer(&state, &headers, &name, params).await
}

/// A CKAN action by POST: parameters in a JSON object (as ckanapi sends them).
#[utoipa::path(
    post,
    path = "/api/3/action/{name}",
    tag = "ckan",
    params(("name" = String, Path, description = "The action (see GET)")),
    request_body(content = Object, description = "The action's parameters"),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "CKAN envelope: {help, success: true, result}"),
        (status = 400, description = "Unknown action or a body that is not a JSON object"),
        (status = 403, description = "Authorization Error"),
        (status = 404, description = "Not Found Error"),
        (status = 409, description = "Validation Error or Search Query Error"),
        (status = 503, description = "datastore_search: busy, or the query ran longer than allowed"),
    )
)]
pub async fn action_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(name): Path<String>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let mut params = Params::from_query(query.as_deref().unwrap_or_default());
    if !body.iter().all(u8::is_ascii_whitespace) {
        match serde_json::from_slice(&body) {
            Ok(serde_json::Value::Object(map)) => params.0.extend(map),
            Ok(_) => {
                return reply(&state, &name, Err(CkanError::bad_body("not a JSON object")))
                    .into_response();
            }
            Err(e) => {
                return reply(&state, &name, Err(CkanError::bad_body(&e.to_string())))
                    .into_response();
            }
        }
    }
    answer(&state, &headers, &name, params).await
}

/// The same actions at CKAN's unversioned path (`/api/action/{name}`).
pub async fn unversioned_get(
    state: State<AppState>,
    headers: HeaderMap,
    name: Path<String>,
    query: RawQuery,
) -> Response {
    action_get(state, headers, name, query).await
}

/// POST at `/api/action/{name}`.
pub async fn unversioned_post(
    state: State<AppState>,
    headers: HeaderMap,
    name: Path<String>,
    query: RawQuery,
    body: Bytes,
) -> Response {
    action_post(state, headers, name, query, body).await
}

/// Runs the action; anonymous calls (what harvesters make) are answered from the response
/// cache while the catalogue is unchanged.
async fn answer(state: &AppState, headers: &HeaderMap, name: &str, params: Params) -> Response {
    let actor = match actor(state, headers).await {
        Ok(actor) => actor,
        Err(e) => return reply(state, name, Err(e)).into_response(),
    };
    if !matches!(actor, Actor::Anonymous) {
        return reply(state, name, run(state, &actor, name, &params).await).into_response();
    }
    let key = format!("ckan|{name}|{}", params.canonical());
    let compute =
        async { reply(state, name, run(state, &actor, name, &params).await).into_cached() };
    match state.cached(key, compute).await {
        Ok(cached) => cached.into_response(),
        Err(error_reply) => error_reply.into_response(),
    }
}

fn reply(state: &AppState, name: &str, outcome: Result<serde_json::Value, CkanError>) -> CkanReply {
    let mut help = url::form_urlencoded::Serializer::new(String::new());
    help.append_pair("name", name);
    CkanReply {
        help: state.url(&format!("/api/3/action/help_show?{}", help.finish())),
        outcome,
    }
}
