//! `GET /kelola/dataset/{slug}`: one dataset in the workspace — where it is on the path from
//! upload to publication, what to do next, its versions; and `POST …/versi/{n}/batal`, which
//! cancels a version that is not published.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use satudata_catalog::Error as CatalogError;
use satudata_catalog::Role;
use satudata_catalog::entity::dataset_version;
use satudata_catalog::lifecycle::{Step, VersionStatus};
use satudata_catalog::pages::{local_date, local_today, next_update};
use serde::Serialize;

use super::{Posted, WsDataset, msind_missing, no_store, see_other_with, with_role, ws_dataset};
use crate::respond::{PageResult, WebError};
use crate::session::Flash;
use crate::state::{Visitor, WebState};

const STEWARDS: [Role; 3] = [Role::Produsen, Role::Walidata, Role::Admin];

#[derive(Debug, Serialize)]
struct Next {
    key: &'static str,
    url: Option<String>,
}

#[derive(Debug, Serialize)]
struct VersionRow {
    number: i32,
    created_at: String,
    original_filename: Option<String>,
    byte_size: i64,
    row_count: Option<i64>,
    error_count: Option<i64>,
    warning_count: Option<i64>,
    status: &'static str,
    status_note: Option<String>,
    report_url: String,
    can_cancel: bool,
    cancel_url: String,
}

#[derive(Debug, Serialize)]
struct Facts {
    frekuensi: Option<String>,
    next_update: Option<String>,
    overdue: bool,
    akses: String,
    metadata_complete: bool,
    missing_fields: Vec<String>,
}

#[derive(Debug, Serialize)]
struct Overview {
    ws: WsDataset,
    tab: &'static str,
    next: Next,
    versions: Vec<VersionRow>,
    facts: Facts,
}

/// `GET /kelola/dataset/{slug}`.
pub(crate) async fn show(
    State(state): State<WebState>,
    Path(slug): Path<String>,
    visitor: Visitor,
) -> Response {
    state.respond(&visitor, page(&state, &visitor, &slug)).await
}

async fn page(state: &WebState, visitor: &Visitor, slug: &str) -> PageResult {
    with_role(visitor, &STEWARDS)?;
    let actor = &visitor.actor;
    let record = state.catalog.dataset(actor, slug).await?;
    let d = &record.dataset;
    // Only those who may change the dataset manage it (another OPD's produsen: 403).
    actor.require_dataset_writer(d.organization_id)?;
    let versions = state.catalog.list_versions(actor, slug).await?;
    let newest = versions.first();
    let catalogue = state.renderer.catalogue(visitor.lang)?;
    let base = format!("/kelola/dataset/{}", d.slug);
    let upload = visitor.url(&format!("{base}/unggah"));
    let report = |n: i32| visitor.url(&format!("{base}/versi/{n}"));
    let next = match newest {
        None => Next {
            key: "upload",
            url: Some(upload),
        },
        Some(v) => match v.status {
            VersionStatus::Draft if v.error_count.unwrap_or_default() > 0 => Next {
                key: "fix",
                url: Some(report(v.number)),
            },
            VersionStatus::Draft => Next {
                key: "submit",
                url: Some(report(v.number)),
            },
            VersionStatus::MenungguPersetujuan => Next {
                key: "wait",
                url: None,
            },
            VersionStatus::Ditolak => Next {
                key: "returned",
                url: Some(upload),
            },
            VersionStatus::Disetujui => Next {
                key: "publish_wait",
                url: None,
            },
            VersionStatus::Ditayangkan => Next {
                key: "update",
                url: Some(upload),
            },
            VersionStatus::TidakDitayangkan => Next {
                key: "withdrawn",
                url: None,
            },
            VersionStatus::Dibatalkan => Next {
                key: "upload",
                url: Some(upload),
            },
        },
    };
    let due = d
        .published_at
        .filter(|_| d.withdrawn_at.is_none())
        .zip(d.frekuensi.as_deref())
        .and_then(|(at, f)| next_update(f, local_date(at)));
    let missing = msind_missing(&catalogue, &d.msind)?;
    // An earlier published version stays DITAYANGKAN (its files stay downloadable); the row
    // says which version the portal shows now.
    let current = versions
        .iter()
        .find(|v| Some(v.id) == d.current_version_id)
        .map(|v| v.number);
    let superseded = |v: &dataset_version::Model| -> Result<Option<String>, WebError> {
        Ok(match current {
            Some(n) if v.status == VersionStatus::Ditayangkan && v.number != n => {
                Some(catalogue.text("ws.superseded", &[("n", &n.to_string())])?)
            }
            _ => None,
        })
    };
    let rows = versions
        .iter()
        .map(|v| {
            Ok(VersionRow {
                number: v.number,
                created_at: v.created_at.to_rfc3339(),
                original_filename: v.original_filename.clone(),
                byte_size: v.byte_size,
                row_count: v.row_count,
                error_count: v.error_count,
                warning_count: v.warning_count,
                status: v.status.as_str(),
                status_note: match superseded(v)? {
                    Some(note) => Some(note),
                    None => v.status_note.clone(),
                },
                report_url: report(v.number),
                can_cancel: v.status.after(Step::Cancel).is_some(),
                cancel_url: visitor.url(&format!("{base}/versi/{}/batal", v.number)),
            })
        })
        .collect::<Result<_, WebError>>()?;
    let body = Overview {
        ws: ws_dataset(visitor, &record, newest),
        tab: "overview",
        next,
        versions: rows,
        facts: Facts {
            frekuensi: d.frekuensi.clone(),
            next_update: due.map(|n| n.to_string()),
            overdue: due.is_some_and(|n| n < local_today()),
            akses: d.akses.clone(),
            metadata_complete: missing.is_empty(),
            missing_fields: missing,
        },
    };
    let frame = state.frame(visitor, "kelola", true).await?;
    let response = state.page(
        visitor,
        &frame,
        "workspace/dataset.html",
        &body,
        StatusCode::OK,
    )?;
    Ok(no_store(response))
}

/// `POST /kelola/dataset/{slug}/versi/{n}/batal` (`note` optional): cancels the version
/// through the catalog → 303 to the overview with a flash (what went wrong, when refused).
pub(crate) async fn cancel(
    State(state): State<WebState>,
    Path((slug, n)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let visitor = &posted.visitor;
    let done = async {
        with_role(visitor, &STEWARDS)?;
        let n: i32 = n
            .parse()
            .map_err(|_| WebError::Status(StatusCode::NOT_FOUND))?;
        let note = Some(posted.get("note").trim().to_owned()).filter(|s| !s.is_empty());
        let to = visitor.url(&format!("/kelola/dataset/{slug}"));
        let number = n.to_string();
        let flash = match state
            .catalog
            .cancel_version(&visitor.actor, &slug, n, note)
            .await
        {
            Ok(_) => Flash::ok("ws.cancelled_flash", &[("n", &number)]),
            Err(CatalogError::Conflict(_)) => Flash {
                kind: "galat".into(),
                key: "ws.cancel_refused_flash".into(),
                args: vec![("n".into(), number)],
            },
            Err(e) => return Err(e.into()),
        };
        Ok(see_other_with(&state, &to, &flash))
    };
    state.respond(visitor, done).await
}
