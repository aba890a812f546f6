//! The resumable upload protocol of `static/upload.js` (crates/web/README.md, "Chunked
//! upload"): `POST /kelola/dataset/{slug}/unggahan` opens an upload, `PATCH
//! /kelola/unggahan/{id}` appends a chunk at the server's offset, `GET` tells the status
//! (also of a plain upload's validation job), `DELETE` cancels. JSON in and out, the API's
//! error envelope; the session cookie and the `X-CSRF-Token` header authenticate.

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use satudata_catalog::versions::{CHUNK_SIZE, Chunk, OpenUpload, UploadState, UploadStatus};
use satudata_catalog::{Error as CatalogError, Message};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::message;
use super::upload::{report_path, status_of, status_path};
use crate::session;
use crate::state::{Visitor, WebState};

/// The status JSON.
#[derive(Debug, Serialize)]
struct StatusBody {
    id: Uuid,
    url: String,
    state: &'static str,
    offset: u64,
    size: u64,
    chunk_size: u32,
    rows_checked: Option<u64>,
    message: Option<String>,
    report_url: Option<String>,
}

fn body(visitor: &Visitor, status: &UploadStatus) -> StatusBody {
    StatusBody {
        id: status.uuid,
        url: status_path(status.uuid),
        state: status.state.as_str(),
        offset: status.offset,
        size: status.size,
        chunk_size: status.chunk_size,
        rows_checked: status.rows_checked,
        message: status.message.as_ref().map(|m| message(visitor.lang, m)),
        report_url: status
            .version_number
            .filter(|_| status.state == UploadState::Done)
            .map(|n| report_path(visitor, &status.dataset_slug, n)),
    }
}

fn answer(status: StatusCode, visitor: &Visitor, upload: &UploadStatus) -> Response {
    no_store((status, Json(body(visitor, upload))).into_response())
}

fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `{"error": {code, message, message_en}}` with `status`.
fn envelope(status: StatusCode, code: &str, m: &Message) -> Response {
    let value = json!({"error": {"code": code, "message": m.id, "message_en": m.en}});
    no_store((status, Json(value)).into_response())
}

/// The JSON API's answer for a catalog error (the same status, code and message).
fn refused(error: CatalogError) -> Response {
    if error.is_internal() {
        tracing::error!(error = %satudata_catalog::error::Chain(&error), "upload request failed");
    }
    let answer = error.answer();
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = envelope(status, answer.code, &answer.message);
    if let Some(seconds) = answer.retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

fn bad_request(id: &str, en: &str) -> Response {
    envelope(
        StatusCode::BAD_REQUEST,
        "bad_request",
        &Message::new(id.to_owned(), en.to_owned()),
    )
}

/// A signed-in visitor whose unsafe request carries the session's CSRF token (header).
fn authorised(visitor: &Visitor) -> Result<(), CatalogError> {
    let Some(s) = &visitor.session else {
        return Err(CatalogError::unauthenticated());
    };
    if session::is_unsafe(&visitor.method) {
        let sent = visitor
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if !session::same_secret(sent.trim(), &s.csrf) {
            return Err(CatalogError::forbidden(
                "Token CSRF tidak ada atau salah; muat ulang halaman",
                "The CSRF token is missing or wrong; reload the page",
            ));
        }
    }
    Ok(())
}

fn upload_id(id: &str) -> Result<Uuid, CatalogError> {
    Uuid::parse_str(id.trim()).map_err(|_| CatalogError::not_found("Unggahan", "upload", id))
}

#[derive(Debug, Deserialize)]
pub(crate) struct OpenRequest {
    filename: String,
    size: u64,
    #[serde(default)]
    media_type: String,
}

/// `POST /kelola/dataset/{slug}/unggahan` → 201 with the status and `Location`.
pub(crate) async fn open(
    State(state): State<WebState>,
    Path(slug): Path<String>,
    visitor: Visitor,
    request: Request,
) -> Response {
    if let Err(e) = authorised(&visitor) {
        return refused(e);
    }
    let Ok(bytes) = axum::body::to_bytes(request.into_body(), 64 * 1024).await else {
        return refused(CatalogError::TooLarge { limit: 64 * 1024 });
    };
    let Ok(asked) = serde_json::from_slice::<OpenRequest>(&bytes) else {
        return bad_request(
            "Badan permintaan harus JSON {filename, size, media_type}",
            "The body must be JSON {filename, size, media_type}",
        );
    };
    let open = OpenUpload {
        filename: asked.filename,
        size: asked.size,
        media_type: asked.media_type,
        long: false,
    };
    match state.catalog.open_upload(&visitor.actor, &slug, open).await {
        Ok(status) => {
            let mut response = answer(StatusCode::CREATED, &visitor, &status);
            if let Ok(v) = HeaderValue::from_str(&status_path(status.uuid)) {
                response.headers_mut().insert(header::LOCATION, v);
            }
            response
        }
        Err(e) => refused(e),
    }
}

/// `GET /kelola/unggahan/{id}`: the status (of a resumable upload or a validation job).
pub(crate) async fn status(
    State(state): State<WebState>,
    Path(id): Path<String>,
    visitor: Visitor,
) -> Response {
    let id = match authorised(&visitor).and_then(|()| upload_id(&id)) {
        Ok(id) => id,
        Err(e) => return refused(e),
    };
    match status_of(&state, &visitor, id).await {
        Ok(status) => answer(StatusCode::OK, &visitor, &status),
        Err(e) => refused(e),
    }
}

/// `PATCH /kelola/unggahan/{id}` with `Upload-Offset`: 204 + the new offset, 200 + status
/// after the last byte, 409 + status when the offset is not the server's.
pub(crate) async fn chunk(
    State(state): State<WebState>,
    Path(id): Path<String>,
    visitor: Visitor,
    request: Request,
) -> Response {
    let id = match authorised(&visitor).and_then(|()| upload_id(&id)) {
        Ok(id) => id,
        Err(e) => return refused(e),
    };
    let Some(offset) = visitor
        .headers
        .get("upload-offset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
    else {
        return bad_request(
            "Tajuk Upload-Offset wajib berisi bilangan bulat",
            "The Upload-Offset header must hold an integer",
        );
    };
    let limit = CHUNK_SIZE as usize;
    let declared = visitor
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return refused(CatalogError::TooLarge {
            limit: limit as u64,
        });
    }
    let bytes = match axum::body::to_bytes(request.into_body(), limit + 1).await {
        Ok(b) if b.len() <= limit => b,
        Ok(_) => {
            return refused(CatalogError::TooLarge {
                limit: limit as u64,
            });
        }
        // The body was cut off or too long: nothing of it is kept.
        Err(_) => {
            return envelope(
                StatusCode::BAD_REQUEST,
                "bad_request",
                &Message::new(
                    "Potongan berkas terputus atau terlalu besar; tanyakan posisi lalu kirim lagi",
                    "The chunk was cut off or too large; ask the offset and send it again",
                ),
            );
        }
    };
    match state
        .catalog
        .append_chunk(&visitor.actor, id, offset, bytes)
        .await
    {
        Ok(Chunk::Appended(status)) => {
            let mut response = no_store(StatusCode::NO_CONTENT.into_response());
            response
                .headers_mut()
                .insert("upload-offset", HeaderValue::from(status.offset));
            response
        }
        Ok(Chunk::Complete(status)) => answer(StatusCode::OK, &visitor, &status),
        Ok(Chunk::Conflict(status)) => answer(StatusCode::CONFLICT, &visitor, &status),
        Err(e) => refused(e),
    }
}

/// `DELETE /kelola/unggahan/{id}` → 204.
pub(crate) async fn cancel(
    State(state): State<WebState>,
    Path(id): Path<String>,
    visitor: Visitor,
) -> Response {
    let id = match authorised(&visitor).and_then(|()| upload_id(&id)) {
        Ok(id) => id,
        Err(e) => return refused(e),
    };
    match state.catalog.cancel_upload(&visitor.actor, id).await {
        Ok(()) => no_store(StatusCode::NO_CONTENT.into_response()),
        Err(e) => refused(e),
    }
}
