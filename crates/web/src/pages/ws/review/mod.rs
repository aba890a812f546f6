//! `GET /kelola/tinjauan/{slug}/{n}`: the walidata reviews version n (data summary, metadata
//! and the four principles, the diff with the previous published version, the history), and
//! its actions (`actions.rs`): `setujui`, `kembalikan` (note required), `tayangkan` (a background
//! job: waited for a few seconds, then its state is shown), and `POST /kelola/dataset/{slug}/tarik`.

mod actions;

pub(crate) use actions::{approve, publish, send_back, withdraw};
use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use satudata_catalog::jobs::{JobKind, JobState};
use satudata_catalog::lifecycle::VersionStatus;
use satudata_catalog::{Actor, Role};
use serde::Serialize;
use serde_json::Value;

use super::report::findings_by_type;
use super::timeline::{Event, timeline};
use super::{Errors, FormError, WsDataset, msind_missing, no_store, with_role, ws_dataset};
use crate::filters::format_date;
use crate::pages::diff::{Diff, previous_diff_view};
use crate::pages::quality::{Quality, quality};
use crate::respond::{PageResult, WebError};
use crate::state::{Visitor, WebState};

const REVIEWERS: [Role; 3] = [Role::Walidata, Role::Admin, Role::Pembina];

#[derive(Debug, Serialize)]
struct VersionView {
    number: i32,
    created_at: String,
    original_filename: Option<String>,
    byte_size: i64,
    uploaded_by: String,
    status: &'static str,
    status_note: Option<String>,
    submitted_at: Option<String>,
    submit_note: Option<String>,
}

#[derive(Debug, Serialize)]
struct ByType {
    #[serde(rename = "type")]
    kind: String,
    severity: String,
    count: u64,
}

#[derive(Debug, Serialize)]
struct Summary {
    error_count: i64,
    warning_count: i64,
    row_count: Option<i64>,
    column_count: Option<i64>,
    by_type: Vec<ByType>,
    report_url: String,
}

#[derive(Debug, Serialize)]
struct Field {
    label: String,
    value: Option<String>,
}

#[derive(Debug, Serialize)]
struct Msind {
    filled: usize,
    total: usize,
    missing: Vec<String>,
}

#[derive(Debug, Serialize)]
struct Actions {
    approve: bool,
    send_back: bool,
    publish: bool,
    withdraw: bool,
    blocked: Option<String>,
}

#[derive(Debug, Serialize)]
struct Urls {
    approve: String,
    send_back: String,
    publish: String,
    withdraw: String,
    edit_metadata: String,
}

#[derive(Debug, Serialize)]
struct Prioritas {
    year: Option<i32>,
    pembina_approved: bool,
    walidata_approved: bool,
}

#[derive(Debug, Default, Serialize)]
pub(super) struct ReviewForm {
    pub(super) note: String,
    pub(super) reason: String,
}

#[derive(Debug, Serialize)]
struct ReviewPage {
    ws: WsDataset,
    tab: &'static str,
    version: VersionView,
    summary: Summary,
    metadata: Vec<Field>,
    msind: Msind,
    quality: Quality,
    diff: Option<Diff>,
    events: Vec<Event>,
    actions: Actions,
    urls: Urls,
    prioritas: Prioritas,
    form: ReviewForm,
    errors: Vec<FormError>,
    field_errors: BTreeMap<String, String>,
}

/// A JSON value as text (strings without quotes, null as "").
/// The path of the review page of version `n` (in the visitor's language).
pub(super) fn review_path(visitor: &Visitor, slug: &str, n: i32) -> String {
    visitor.url(&format!("/kelola/tinjauan/{slug}/{n}"))
}

pub(super) fn number(n: &str) -> Result<i32, WebError> {
    n.parse()
        .map_err(|_| WebError::Status(StatusCode::NOT_FOUND))
}

/// Whether the signed-in account reviews this dataset (the walidata and admins; a pembina
/// the Data Prioritas).
fn reviews(actor: &Actor, prioritas: bool) -> bool {
    match actor.principal().ok().map(|p| p.role) {
        Some(Role::Walidata | Role::Admin) => true,
        Some(Role::Pembina) => prioritas,
        _ => false,
    }
}

pub(super) async fn render(
    state: &WebState,
    visitor: &Visitor,
    slug: &str,
    n: i32,
    form: ReviewForm,
    errors: Errors,
    status: StatusCode,
) -> PageResult {
    with_role(visitor, &REVIEWERS)?;
    let actor = &visitor.actor;
    let lang = visitor.lang;
    let catalogue = state.renderer.catalogue(lang)?;
    let record = state.catalog.dataset(actor, slug).await?;
    let d = &record.dataset;
    if !reviews(actor, d.prioritas_tahun.is_some()) {
        return Err(WebError::Status(StatusCode::FORBIDDEN));
    }
    let version = state.catalog.version(actor, slug, n).await?;
    let versions = state.catalog.list_versions(actor, slug).await?;
    let newest = versions.first();
    let history = state.catalog.history(actor, slug).await?;
    let (facts, score) = state.catalog.version_score(actor, slug, n).await?;
    let job = state.catalog.latest_job(version.id).await?;
    let publishing = job.as_ref().is_some_and(|j| {
        j.kind == JobKind::Publish && matches!(j.state, JobState::Queued | JobState::Running)
    });
    let t = |key: &str| catalogue.text(key, &[]);
    let base = format!("/kelola/dataset/{}", d.slug);
    let ws = ws_dataset(visitor, &record, newest);
    let of_version =
        |e: &&satudata_catalog::entity::dataset_event::Model| e.version_number == Some(n);
    let uploaded_by = history
        .iter()
        .filter(of_version)
        .find(|e| e.action.as_str() == "upload")
        .map(|e| e.actor_name.clone())
        .unwrap_or_default();
    let submitted = history
        .iter()
        .filter(of_version)
        .rfind(|e| e.action.as_str() == "submit");
    let report = version.report.clone().unwrap_or(Value::Null);
    let mut by_type: Vec<ByType> = findings_by_type(&report)
        .into_iter()
        .map(|(kind, severity, count)| ByType {
            kind,
            severity,
            count,
        })
        .collect();
    by_type.truncate(10);
    let region = d.cakupan_wilayah.as_ref().map(|code| {
        match state
            .catalog
            .regions()
            .and_then(|r| r.get(code).map(|r| crate::respond::title_case(&r.name)))
        {
            Some(name) => format!("{code} · {name}"),
            None => code.clone(),
        }
    });
    let day = |date: Option<chrono::NaiveDate>| date.map(|x| format_date(lang, x));
    let field = |key: &str, value: Option<String>| -> Result<Field, WebError> {
        Ok(Field {
            label: t(key)?,
            value: value.filter(|v| !v.trim().is_empty()),
        })
    };
    let metadata = vec![
        field("dsform.title", Some(d.title.clone()))?,
        field(
            "dsform.organization",
            Some(record.organization.name.clone()),
        )?,
        field("dsform.topik", d.topik.clone())?,
        field("dsform.frekuensi", d.frekuensi.clone())?,
        field("dsform.tingkat", d.tingkat_penyajian.clone())?,
        field("dsform.cakupan", region)?,
        field("dsform.temporal_start", day(d.temporal_start))?,
        field("dsform.temporal_end", day(d.temporal_end))?,
        field("dsform.license", Some(d.license.clone()))?,
        field("dsform.akses", Some(d.akses.clone()))?,
        field("dsform.ukuran", d.ukuran.clone())?,
        field("dsform.satuan", d.satuan.clone())?,
        field("dsform.contact_name", d.contact_name.clone())?,
        field("dsform.contact_email", d.contact_email.clone())?,
    ];
    let missing = msind_missing(&catalogue, &d.msind)?;
    let quality = quality(
        lang,
        &catalogue,
        &score,
        &facts,
        !d.description.trim().is_empty(),
        usize::try_from(version.column_count.unwrap_or_default()).unwrap_or_default(),
    )?;
    let diff = previous_diff_view(state, actor, slug, n).await?;
    let events = timeline(&catalogue, &history);
    let steward = actor.is_steward();
    let pembina = actor.principal().is_ok_and(|p| p.role == Role::Pembina);
    let already = if pembina {
        version.pembina_approved_by.is_some()
    } else {
        version.walidata_approved_by.is_some()
    };
    let waiting = version.status == VersionStatus::MenungguPersetujuan && !publishing;
    let mut actions = Actions {
        approve: waiting && !already,
        send_back: waiting,
        publish: steward && version.status == VersionStatus::Disetujui && !publishing,
        withdraw: steward && d.is_live() && d.current_version_id == Some(version.id),
        blocked: None,
    };
    if publishing {
        actions.blocked = Some(t("review.publishing")?);
    } else if !(actions.approve || actions.send_back || actions.publish || actions.withdraw) {
        let status = t(&format!("status.{}", version.status.as_str()))?;
        actions.blocked = Some(catalogue.text("review.blocked", &[("status", &status)])?);
    }
    let here = review_path(visitor, &d.slug, n);
    let body = ReviewPage {
        tab: "review",
        version: VersionView {
            number: version.number,
            created_at: version.created_at.to_rfc3339(),
            original_filename: version.original_filename.clone(),
            byte_size: version.byte_size,
            uploaded_by,
            status: version.status.as_str(),
            status_note: version.status_note.clone(),
            submitted_at: submitted.map(|e| e.at.to_rfc3339()),
            submit_note: submitted.and_then(|e| e.note.clone()),
        },
        summary: Summary {
            error_count: version.error_count.unwrap_or_default(),
            warning_count: version.warning_count.unwrap_or_default(),
            row_count: version.row_count,
            column_count: version.column_count,
            by_type,
            report_url: visitor.url(&format!("{base}/versi/{n}")),
        },
        metadata,
        msind: Msind {
            filled: facts.msind_filled,
            total: facts.msind_total,
            missing,
        },
        quality,
        diff,
        events,
        actions,
        urls: Urls {
            approve: format!("{here}/setujui"),
            send_back: format!("{here}/kembalikan"),
            publish: format!("{here}/tayangkan"),
            withdraw: visitor.url(&format!("{base}/tarik")),
            edit_metadata: visitor.url(&format!("{base}/metadata")),
        },
        prioritas: Prioritas {
            year: d.prioritas_tahun,
            pembina_approved: version.pembina_approved_by.is_some(),
            walidata_approved: version.walidata_approved_by.is_some(),
        },
        ws,
        form,
        errors: errors.list,
        field_errors: errors.by_field,
    };
    let frame = state.frame(visitor, "tinjauan", true).await?;
    let response = state.page(visitor, &frame, "workspace/review.html", &body, status)?;
    Ok(no_store(response))
}

/// `GET /kelola/tinjauan/{slug}/{n}`.
pub(crate) async fn show(
    State(state): State<WebState>,
    Path((slug, n)): Path<(String, String)>,
    visitor: Visitor,
) -> Response {
    let page = async {
        let n = number(&n)?;
        render(
            &state,
            &visitor,
            &slug,
            n,
            ReviewForm::default(),
            Errors::default(),
            StatusCode::OK,
        )
        .await
    };
    state.respond(&visitor, page).await
}
