//! A version's files before publication, for whoever may read the version: the file as it
//! was uploaded (`…/versi/{n}/berkas`) and its clean table (`…/versi/{n}/bersih.csv`).

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use satudata_catalog::Error as CatalogError;

use super::super::review::number;
use super::super::{no_store, with_role};
use super::READERS;
use crate::respond::PageResult;
use crate::state::{Visitor, WebState};

/// `GET /kelola/dataset/{slug}/versi/{n}/berkas`: the file as it was uploaded.
pub(crate) async fn source(
    State(state): State<WebState>,
    Path((slug, n)): Path<(String, String)>,
    visitor: Visitor,
) -> Response {
    let file = async {
        with_role(&visitor, &READERS)?;
        let version = state
            .catalog
            .version(&visitor.actor, &slug, number(&n)?)
            .await?;
        let name = version
            .original_filename
            .clone()
            .unwrap_or_else(|| format!("{slug}-versi-{}", version.number));
        stream(
            &state,
            &version.object_key,
            &version.media_type,
            &name,
            version.byte_size,
        )
        .await
    };
    state.respond(&visitor, file).await
}

/// `GET /kelola/dataset/{slug}/versi/{n}/bersih.csv`: the clean table, before publication.
pub(crate) async fn clean_csv(
    State(state): State<WebState>,
    Path((slug, n)): Path<(String, String)>,
    visitor: Visitor,
) -> Response {
    let file = async {
        with_role(&visitor, &READERS)?;
        let n = number(&n)?;
        let clean = state.catalog.clean_file(&visitor.actor, &slug, n).await?;
        let name = format!("{slug}-versi-{n}-bersih.csv");
        let size = i64::try_from(clean.size).unwrap_or(i64::MAX);
        stream(
            &state,
            &clean.object_key,
            "text/csv; charset=utf-8",
            &name,
            size,
        )
        .await
    };
    state.respond(&visitor, file).await
}

async fn stream(
    state: &WebState,
    key: &str,
    media_type: &str,
    filename: &str,
    size: i64,
) -> PageResult {
    let body = state
        .catalog
        .storage()
        .stream(key)
        .await
        .map_err(CatalogError::from)?;
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut response = Body::from_stream(body).into_response();
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(media_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{ascii}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    Ok(no_store(response))
}
