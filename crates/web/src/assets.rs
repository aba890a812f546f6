//! Templates, string catalogues and static files. rust-embed reads them from `crates/web/` on
//! disk in debug builds (an edit needs no rebuild) and embeds them in release builds (the
//! binary needs no files beside it). Static files are served at `/static/{name}`; a URL made
//! by the templates' `static()` carries `?v=` and the file's hash and is cached for a year.

use axum::extract::{Path, RawQuery};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// `templates/`.
#[derive(Debug, rust_embed::Embed)]
#[folder = "templates/"]
pub(crate) struct Templates;

/// `i18n/`.
#[derive(Debug, rust_embed::Embed)]
#[folder = "i18n/"]
pub(crate) struct Catalogues;

/// `static/`.
#[derive(Debug, rust_embed::Embed)]
#[folder = "static/"]
pub(crate) struct Static;

/// The first ten hex digits of a static file's SHA-256, the `v` of its URL.
pub(crate) fn static_version(name: &str) -> Option<String> {
    let file = Static::get(name)?;
    Some(hex::encode(file.metadata.sha256_hash())[..10].to_owned())
}

/// A template's source.
pub(crate) fn template_source(name: &str) -> Option<String> {
    let file = Templates::get(name)?;
    String::from_utf8(file.data.into_owned()).ok()
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("md" | "txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// `GET /static/{name}`.
pub(crate) async fn serve_static(
    Path(name): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let Some(file) = Static::get(&name) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let hash = hex::encode(file.metadata.sha256_hash());
    let etag = format!("\"{}\"", &hash[..32]);
    let versioned = query
        .as_deref()
        .and_then(|q| q.strip_prefix("v="))
        .is_some_and(|v| v == &hash[..10]);
    let mut out = HeaderMap::new();
    out.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(&name)),
    );
    out.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if versioned {
            "public, max-age=31536000, immutable"
        } else {
            "public, no-cache"
        }),
    );
    out.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(value) = HeaderValue::from_str(&etag) {
        out.insert(header::ETAG, value);
    }
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    if fresh {
        return (StatusCode::NOT_MODIFIED, out).into_response();
    }
    (StatusCode::OK, out, file.data.into_owned()).into_response()
}
