//! The signed-in workspace (`/masuk`, `/keluar`, `/kelola/…`): the pieces its pages share —
//! a posted form with its CSRF check, "signed in or go to the sign-in page", form errors, the
//! 303 with a flash, and `Cache-Control: no-store`.

pub(crate) mod admin;
pub(crate) mod dataset_form;
pub(crate) mod datasets;
pub(crate) mod overview;
pub(crate) mod queue;
pub(crate) mod recap;
pub(crate) mod report;
pub(crate) mod review;
pub(crate) mod schema;
pub(crate) mod signin;
pub(crate) mod standards;
pub(crate) mod timeline;
pub(crate) mod tokens;
pub(crate) mod upload;
pub(crate) mod upload_api;

use std::collections::BTreeMap;

use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use satudata_catalog::datasets::DatasetRecord;
use satudata_catalog::entity::dataset_version;
use satudata_catalog::lifecycle::VersionStatus;
use satudata_catalog::{Actor, Error as CatalogError, Message, Principal, Role};
use serde::Serialize;

use crate::lang::Lang;
use crate::respond::WebError;
use crate::session::{self, Flash};
use crate::state::{Visitor, WebState};

/// The Table Schema types the checks know (`type.*` strings); others show as `any` or text.
pub(crate) const FIELD_TYPES: [&str; 6] =
    ["string", "integer", "number", "boolean", "date", "year"];

/// A form value: `None` when empty (after trimming).
pub(crate) fn optional(v: &str) -> Option<String> {
    let v = v.trim();
    (!v.is_empty()).then(|| v.to_owned())
}

/// Largest form body, urlencoded or multipart (the metadata form is a few kB; an imported
/// Table Schema with long code lists can be tens of kB).
const FORM_LIMIT: usize = 256 * 1024;

/// `FormError` of macros.html.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FormError {
    pub field: String,
    pub message: String,
}

/// A form's errors: the list at the top (in form order) and the message by field.
#[derive(Debug, Default)]
pub(crate) struct Errors {
    pub list: Vec<FormError>,
    pub by_field: BTreeMap<String, String>,
}

impl Errors {
    pub(crate) fn add(&mut self, field: &str, message: String) {
        if self.by_field.contains_key(field) {
            return;
        }
        self.by_field.insert(field.to_owned(), message.clone());
        self.list.push(FormError {
            field: field.to_owned(),
            message,
        });
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// A refusal of the catalog (`Invalid`, `Conflict`) in the page's language, at the form
    /// field `at` chooses from the catalog's field path ("" for a conflict); any other error
    /// is handed back for the error page.
    pub(crate) fn refused(
        &mut self,
        visitor: &Visitor,
        error: CatalogError,
        at: impl FnOnce(&str) -> String,
    ) -> Result<(), WebError> {
        match &error {
            CatalogError::Invalid { field, message: m } => {
                self.add(&at(field), message(visitor.lang, m));
                Ok(())
            }
            CatalogError::Conflict(m) => {
                self.add(&at(""), message(visitor.lang, m));
                Ok(())
            }
            _ => Err(error.into()),
        }
    }
}

/// The form field for a catalog field path (`items[3].code` → `items`) when the form has it,
/// else `fallback`.
pub(crate) fn form_field(path: &str, fields: &[&str], fallback: &str) -> String {
    let name = path.split(['.', '[']).next().unwrap_or_default();
    if fields.contains(&name) {
        name
    } else {
        fallback
    }
    .to_owned()
}

/// A catalog message in the page's language.
pub(crate) fn message(lang: Lang, message: &Message) -> String {
    match lang {
        Lang::Id => message.id.to_string(),
        Lang::En => message.en.to_string(),
    }
}

/// A text of the page's catalogue (for messages Rust puts into a page).
pub(crate) fn text(
    state: &WebState,
    visitor: &Visitor,
    key: &str,
    args: &[(&str, &str)],
) -> Result<String, WebError> {
    Ok(state.renderer.catalogue(visitor.lang)?.text(key, args)?)
}

/// The signed-in account, or [`WebError::SignIn`] (the sign-in page, returning here).
pub(crate) fn signed_in(visitor: &Visitor) -> Result<&Principal, WebError> {
    match &visitor.actor {
        Actor::Account(me) => Ok(me),
        _ => Err(WebError::SignIn),
    }
}

/// The signed-in account when its role is one of `roles`; 403 otherwise.
pub(crate) fn with_role<'v>(
    visitor: &'v Visitor,
    roles: &[Role],
) -> Result<&'v Principal, WebError> {
    let me = signed_in(visitor)?;
    if roles.contains(&me.role) {
        Ok(me)
    } else {
        Err(WebError::Status(StatusCode::FORBIDDEN))
    }
}

/// 303 to the sign-in page, which returns to the page asked for.
pub(crate) fn to_sign_in(visitor: &Visitor) -> Response {
    let next = if session::is_unsafe(&visitor.method) {
        visitor.url("/kelola")
    } else {
        visitor.url(&visitor.path)
    };
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    q.append_pair("next", &next);
    see_other(&format!("{}?{}", visitor.url("/masuk"), q.finish()))
}

/// A 303 to `location`.
pub(crate) fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    no_store(response)
}

/// A 303 to `location` with a message for the page it opens.
pub(crate) fn see_other_with(state: &WebState, location: &str, flash: &Flash) -> Response {
    let mut response = see_other(location);
    response.headers_mut().append(
        header::SET_COOKIE,
        Flash::cookie(Some(flash), state.cookie_secure),
    );
    response
}

/// Marks a workspace answer as never to be stored.
pub(crate) fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A posted form (`application/x-www-form-urlencoded`) whose CSRF token was checked: a
/// signed-in visitor must send the session's `csrf_token` (field, or the `X-CSRF-Token`
/// header); cross-site requests were refused before (see [`crate::respond::csrf_guard`]).
#[derive(Debug)]
pub(crate) struct Posted {
    pub visitor: Visitor,
    fields: Vec<(String, String)>,
}

impl Posted {
    /// The value of a field ("" when absent).
    pub(crate) fn get(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

impl FromRequest<WebState> for Posted {
    type Rejection = Response;

    async fn from_request(request: Request, state: &WebState) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let visitor = match Visitor::from_request_parts(&mut parts, state).await {
            Ok(v) => v,
            Err(never) => match never {},
        };
        let refuse = async |visitor: &Visitor, status| {
            no_store(state.error_page(visitor, WebError::Status(status)).await)
        };
        let Ok(bytes) = axum::body::to_bytes(body, FORM_LIMIT).await else {
            return Err(refuse(&visitor, StatusCode::PAYLOAD_TOO_LARGE).await);
        };
        let multipart = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .filter(|v| v.starts_with("multipart/form-data"))
            .map(str::to_owned);
        let fields = match multipart {
            Some(content_type) => match multipart_fields(&content_type, bytes).await {
                Some(fields) => fields,
                None => return Err(refuse(&visitor, StatusCode::BAD_REQUEST).await),
            },
            None => url::form_urlencoded::parse(&bytes).into_owned().collect(),
        };
        if let Some(session) = &visitor.session {
            let sent = fields
                .iter()
                .find(|(k, _)| k == "csrf_token")
                .map(|(_, v)| v.clone())
                .or_else(|| {
                    parts
                        .headers
                        .get("x-csrf-token")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned)
                })
                .unwrap_or_default();
            if !session::same_secret(sent.trim(), &session.csrf) {
                tracing::info!(path = %visitor.path, "form refused: no or wrong CSRF token");
                return Err(refuse(&visitor, StatusCode::FORBIDDEN).await);
            }
        }
        Ok(Self { visitor, fields })
    }
}

/// The fields of a small `multipart/form-data` body (already read, within `FORM_LIMIT`): a
/// file field's value is its content as text. `None` when the body is not valid multipart.
async fn multipart_fields(
    content_type: &str,
    bytes: axum::body::Bytes,
) -> Option<Vec<(String, String)>> {
    let request = Request::builder()
        .header(header::CONTENT_TYPE, content_type)
        .body(axum::body::Body::from(bytes))
        .ok()?;
    let mut form = axum::extract::Multipart::from_request(request, &())
        .await
        .ok()?;
    let mut fields = Vec::new();
    while let Some(field) = form.next_field().await.ok()? {
        let name = field.name().unwrap_or_default().to_owned();
        let bytes = field.bytes().await.ok()?;
        fields.push((name, String::from_utf8_lossy(&bytes).into_owned()));
    }
    Some(fields)
}

/// `GET /kelola`: the workspace's first page for the signed-in role — the review queue for
/// the walidata and a pembina, the datasets for a produsen or an admin.
pub(crate) async fn home(State(state): State<WebState>, visitor: Visitor) -> Response {
    let to = match signed_in(&visitor) {
        Ok(me) if matches!(me.role, Role::Walidata | Role::Pembina) => {
            visitor.url("/kelola/tinjauan")
        }
        Ok(_) => visitor.url("/kelola/dataset"),
        Err(e) => return state.error_page(&visitor, e).await,
    };
    see_other(&to)
}

/// `Option` of macros.html: a select's choice.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SelectOption {
    pub value: String,
    pub label: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct OrgLink {
    pub name: String,
    pub slug: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct WsUrls {
    pub overview: String,
    pub metadata: String,
    pub upload: String,
    pub schema: String,
    pub history: String,
}

/// `WsDataset` of workspace/_tabs.html.
#[derive(Debug, Serialize)]
pub(crate) struct WsDataset {
    pub slug: String,
    pub title: String,
    pub organization: OrgLink,
    pub status: &'static str,
    pub status_note: Option<String>,
    pub step: u8,
    pub public_url: Option<String>,
    pub urls: WsUrls,
}

/// The steward's step (macros.steps) for a dataset whose newest version has `status`.
fn step(status: Option<VersionStatus>) -> u8 {
    match status {
        None => 2,
        Some(VersionStatus::Draft | VersionStatus::Ditolak) => 3,
        Some(VersionStatus::MenungguPersetujuan) => 5,
        Some(VersionStatus::Disetujui | VersionStatus::Ditayangkan) => 6,
        Some(VersionStatus::TidakDitayangkan | VersionStatus::Dibatalkan) => 2,
    }
}

/// The heading block of a workspace page about one dataset, from its newest version.
pub(crate) fn ws_dataset(
    visitor: &Visitor,
    record: &DatasetRecord,
    newest: Option<&dataset_version::Model>,
) -> WsDataset {
    let d = &record.dataset;
    let base = format!("/kelola/dataset/{}", d.slug);
    WsDataset {
        slug: d.slug.clone(),
        title: d.title.clone(),
        organization: OrgLink {
            name: record.organization.name.clone(),
            slug: record.organization.slug.clone(),
        },
        status: newest.map_or(VersionStatus::Draft, |v| v.status).as_str(),
        status_note: newest.and_then(|v| match v.status {
            VersionStatus::Ditolak => v.status_note.clone(),
            VersionStatus::TidakDitayangkan => d.withdrawn_reason.clone(),
            _ => None,
        }),
        step: step(newest.map(|v| v.status)),
        public_url: d
            .is_live()
            .then(|| visitor.url(&format!("/dataset/{}", d.slug))),
        urls: WsUrls {
            overview: visitor.url(&base),
            metadata: visitor.url(&format!("{base}/metadata")),
            upload: visitor.url(&format!("{base}/unggah")),
            schema: visitor.url(&format!("{base}/skema")),
            history: visitor.url(&format!("{base}/riwayat")),
        },
    }
}

/// The labels of the MS-Ind fields still empty, of those the catalog's score counts (in its
/// order).
pub(crate) fn msind_missing(
    catalogue: &crate::i18n::Catalogue,
    m: &satudata_catalog::entity::dataset::MsInd,
) -> Result<Vec<String>, WebError> {
    let filled = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
    let fields = [
        ("msind.nama_indikator", filled(&m.nama_indikator)),
        ("msind.konsep", filled(&m.konsep)),
        ("msind.definisi", filled(&m.definisi)),
        ("msind.interpretasi", filled(&m.interpretasi)),
        ("msind.metode_perhitungan", filled(&m.metode_perhitungan)),
        (
            "msind.klasifikasi_penyajian",
            !m.klasifikasi_penyajian.is_empty(),
        ),
        ("msind.indikator_komposit", m.indikator_komposit.is_some()),
        ("msind.kegiatan_penghasil", filled(&m.kegiatan_penghasil)),
        ("msind.level_estimasi", filled(&m.level_estimasi)),
    ];
    let mut missing = Vec::new();
    for (key, ok) in fields {
        if !ok {
            missing.push(catalogue.text(key, &[])?);
        }
    }
    Ok(missing)
}
