//! `GET /kelola/dataset/{slug}/unggah` (the upload page; `?job=` shows an upload being
//! checked) and `POST` of the same path: the no-JavaScript upload, a `multipart/form-data`
//! form whose file streams into the catalog as an API upload does. With JavaScript the page
//! sends the file in resumable chunks instead (`upload_api.rs`).

use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use satudata_catalog::Error as CatalogError;
use satudata_catalog::jobs::JobState;
use satudata_catalog::versions::{Upload, UploadState, UploadStatus, media_type_for};
use serde::Serialize;
use uuid::Uuid;

use super::{
    Errors, FormError, WsDataset, message, no_store, see_other, text, with_role, ws_dataset,
};
use crate::respond::{PageResult, WebError};
use crate::session;
use crate::state::{Visitor, WebState};
use satudata_catalog::Role;

const STEWARDS: [Role; 3] = [Role::Produsen, Role::Walidata, Role::Admin];

/// What the file input accepts (the catalog decides by content in the end).
const ACCEPT: &str = ".csv,.xlsx,.json,text/csv,\
    application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/json";

/// `job` of workspace/upload.html.
#[derive(Debug, Serialize)]
struct JobView {
    id: String,
    state: &'static str,
    status_url: String,
    refresh_url: String,
    filename: String,
    received: u64,
    size: u64,
    rows_checked: Option<u64>,
    message: Option<String>,
    report_url: Option<String>,
}

#[derive(Debug, Serialize)]
struct UploadPage {
    ws: WsDataset,
    tab: &'static str,
    action_url: String,
    create_url: String,
    max_bytes: u64,
    accept: &'static str,
    errors: Vec<FormError>,
    field_errors: std::collections::BTreeMap<String, String>,
    job: Option<JobView>,
    template_url: Option<String>,
}

/// The report page of version `n`.
pub(crate) fn report_path(visitor: &Visitor, slug: &str, n: i32) -> String {
    visitor.url(&format!("/kelola/dataset/{slug}/versi/{n}"))
}

/// The JSON status URL of an upload or a validation job (language-neutral).
pub(crate) fn status_path(id: Uuid) -> String {
    format!("/kelola/unggahan/{id}")
}

/// The status of `id`: a resumable upload, or the validation job of a plain upload.
pub(crate) async fn status_of(
    state: &WebState,
    visitor: &Visitor,
    id: Uuid,
) -> Result<UploadStatus, CatalogError> {
    match state.catalog.upload_status(&visitor.actor, id).await {
        Err(CatalogError::NotFound(_)) => state.catalog.validation_status(&visitor.actor, id).await,
        other => other,
    }
}

/// `GET /kelola/dataset/{slug}/unggah`.
pub(crate) async fn show(
    State(state): State<WebState>,
    Path(slug): Path<String>,
    visitor: Visitor,
) -> Response {
    let page = async {
        let job = match visitor.pairs().into_iter().find(|(k, _)| k == "job") {
            Some((_, id)) => {
                let id = Uuid::parse_str(id.trim())
                    .map_err(|_| WebError::Status(StatusCode::NOT_FOUND))?;
                with_role(&visitor, &STEWARDS)?;
                let status = status_of(&state, &visitor, id).await?;
                if status.dataset_slug != slug {
                    return Err(WebError::Status(StatusCode::NOT_FOUND));
                }
                Some(job_view(&visitor, &status))
            }
            None => None,
        };
        render(
            &state,
            &visitor,
            &slug,
            job,
            Errors::default(),
            StatusCode::OK,
        )
        .await
    };
    state.respond(&visitor, page).await
}

fn job_view(visitor: &Visitor, status: &UploadStatus) -> JobView {
    let id = status.uuid;
    JobView {
        id: id.to_string(),
        state: status.state.as_str(),
        status_url: status_path(id),
        refresh_url: visitor.url(&format!(
            "/kelola/dataset/{}/unggah?job={id}",
            status.dataset_slug
        )),
        filename: status.filename.clone(),
        received: status.offset,
        size: status.size,
        rows_checked: status.rows_checked,
        message: status.message.as_ref().map(|m| message(visitor.lang, m)),
        report_url: status
            .version_number
            .filter(|_| status.state == UploadState::Done)
            .map(|n| report_path(visitor, &status.dataset_slug, n)),
    }
}

async fn render(
    state: &WebState,
    visitor: &Visitor,
    slug: &str,
    job: Option<JobView>,
    errors: Errors,
    status: StatusCode,
) -> PageResult {
    with_role(visitor, &STEWARDS)?;
    let actor = &visitor.actor;
    let record = state.catalog.dataset(actor, slug).await?;
    actor.require_dataset_writer(record.dataset.organization_id)?;
    let versions = state.catalog.list_versions(actor, slug).await?;
    let base = format!("/kelola/dataset/{}", record.dataset.slug);
    let body = UploadPage {
        ws: ws_dataset(visitor, &record, versions.first()),
        tab: "upload",
        action_url: visitor.url(&format!("{base}/unggah")),
        create_url: visitor.url(&format!("{base}/unggahan")),
        max_bytes: state.catalog.settings().max_upload_bytes,
        accept: ACCEPT,
        errors: errors.list,
        field_errors: errors.by_field,
        job,
        template_url: None,
    };
    let frame = state.frame(visitor, "kelola", true).await?;
    Ok(no_store(state.page(
        visitor,
        &frame,
        "workspace/upload.html",
        &body,
        status,
    )?))
}

/// `POST /kelola/dataset/{slug}/unggah` (multipart: `csrf_token`, then `berkas`): streams the
/// file into a new version → 303 to the report when it was checked within a few seconds,
/// else to `…/unggah?job={id}`; a form error (no file, not a table file, too large) → the
/// page again with 422.
pub(crate) async fn receive(
    State(state): State<WebState>,
    Path(slug): Path<String>,
    visitor: Visitor,
    request: Request,
) -> Response {
    let page = async {
        with_role(&visitor, &STEWARDS)?;
        let mut form = Multipart::from_request(request, &())
            .await
            .map_err(|_| WebError::Status(StatusCode::BAD_REQUEST))?;
        let mut csrf = visitor
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let mut errors = Errors::default();
        while let Some(field) = form
            .next_field()
            .await
            .map_err(|_| WebError::Status(StatusCode::BAD_REQUEST))?
        {
            match field.name() {
                Some("csrf_token") => {
                    // A token is 64 characters; nothing longer is read into memory.
                    let mut field = field;
                    let mut token = Vec::new();
                    while let Ok(Some(chunk)) = field.chunk().await {
                        token.extend_from_slice(&chunk);
                        if token.len() > 256 {
                            return Err(WebError::Status(StatusCode::BAD_REQUEST));
                        }
                    }
                    csrf = Some(String::from_utf8_lossy(&token).into_owned());
                }
                Some("berkas") => {
                    check_csrf(&visitor, csrf.as_deref())?;
                    let filename = field.file_name().unwrap_or_default().to_owned();
                    if filename.is_empty() {
                        errors.add(
                            "berkas",
                            text(&state, &visitor, "upload.error_no_file", &[])?,
                        );
                        break;
                    }
                    let declared = field.content_type().unwrap_or_default().to_owned();
                    let media_type = match media_type_for(&declared, &filename) {
                        Ok(m) => m,
                        Err(_) => {
                            let m = text(
                                &state,
                                &visitor,
                                "upload.error_type",
                                &[("name", filename.as_str())],
                            )?;
                            errors.add("berkas", m);
                            break;
                        }
                    };
                    let shown = filename.clone();
                    let upload = Upload {
                        media_type,
                        filename: Some(filename),
                        declared_len: None,
                        long: false,
                        body: Box::pin(field),
                    };
                    return match state
                        .catalog
                        .upload_version(&visitor.actor, &slug, upload)
                        .await
                    {
                        Ok((version, job)) => {
                            let wait = state
                                .catalog
                                .settings()
                                .jobs
                                .wait
                                .min(std::time::Duration::from_secs(5));
                            let job = state.catalog.await_job(job.id, wait).await?;
                            let to = if job.state == JobState::Done {
                                report_path(&visitor, &slug, version.number)
                            } else {
                                visitor
                                    .url(&format!("/kelola/dataset/{slug}/unggah?job={}", job.uuid))
                            };
                            Ok(see_other(&to))
                        }
                        Err(
                            e @ (CatalogError::TooLarge { .. }
                            | CatalogError::UnsupportedMediaType(_)
                            | CatalogError::Invalid { .. }
                            | CatalogError::Unreadable(_)),
                        ) => {
                            errors.add("berkas", refusal(&state, &visitor, &shown, &e)?);
                            break;
                        }
                        Err(e) => Err(e.into()),
                    };
                }
                _ => {}
            }
        }
        check_csrf(&visitor, csrf.as_deref())?;
        if errors.is_empty() {
            errors.add(
                "berkas",
                text(&state, &visitor, "upload.error_no_file", &[])?,
            );
        }
        render(
            &state,
            &visitor,
            &slug,
            None,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await
    };
    state.respond(&visitor, page).await
}

/// The form's CSRF token must be the session's (a cross-site request was refused before).
fn check_csrf(visitor: &Visitor, sent: Option<&str>) -> Result<(), WebError> {
    match &visitor.session {
        Some(s) if !session::same_secret(sent.unwrap_or_default().trim(), &s.csrf) => {
            tracing::info!(path = %visitor.path, "upload refused: no or wrong CSRF token");
            Err(WebError::Status(StatusCode::FORBIDDEN))
        }
        _ => Ok(()),
    }
}

/// Why an upload was refused, in the page's language.
pub(crate) fn refusal(
    state: &WebState,
    visitor: &Visitor,
    filename: &str,
    error: &CatalogError,
) -> Result<String, WebError> {
    Ok(match error {
        CatalogError::TooLarge { limit } => {
            let max = crate::filters::format_bytes(visitor.lang, *limit);
            text(
                state,
                visitor,
                "upload.error_too_big",
                &[("max", max.as_str())],
            )?
        }
        CatalogError::UnsupportedMediaType(_) => {
            text(state, visitor, "upload.error_type", &[("name", filename)])?
        }
        CatalogError::Invalid { message: m, .. } | CatalogError::Unreadable(m) => {
            message(visitor.lang, m)
        }
        other => other.to_string(),
    })
}
