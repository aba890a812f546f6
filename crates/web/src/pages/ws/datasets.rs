//! `GET /kelola/dataset`: the datasets the signed-in account manages, with the status of each
//! one's newest version in words, what to do next, and those overdue by their frekuensi.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use satudata_catalog::lifecycle::VersionStatus;
use satudata_catalog::pages::{ManagedDataset, ManagedQuery};
use satudata_catalog::paging::Page;
use satudata_catalog::{Principal, Role};
use serde::Serialize;

use super::{no_store, with_role};
use crate::pages::{Pagination, page_number, query_string};
use crate::respond::PageResult;
use crate::state::{Visitor, WebState};

const PER_PAGE: u64 = 25;

/// Every status, in lifecycle order (the filter's choices).
const STATUSES: [VersionStatus; 7] = [
    VersionStatus::Draft,
    VersionStatus::MenungguPersetujuan,
    VersionStatus::Ditolak,
    VersionStatus::Disetujui,
    VersionStatus::Ditayangkan,
    VersionStatus::TidakDitayangkan,
    VersionStatus::Dibatalkan,
];

#[derive(Debug, Serialize)]
struct Filters {
    status: String,
    opd: String,
    q: String,
}

#[derive(Debug, Serialize)]
struct Choice {
    value: String,
    label: String,
}

#[derive(Debug, Serialize)]
struct Due {
    title: String,
    url: String,
    frekuensi: String,
    next_update: String,
    days_late: i64,
}

#[derive(Debug, Serialize)]
struct OrgName {
    name: String,
}

#[derive(Debug, Serialize)]
struct Action {
    label_key: &'static str,
    url: String,
}

#[derive(Debug, Serialize)]
struct Row {
    title: String,
    url: String,
    organization: OrgName,
    status: &'static str,
    status_note: Option<String>,
    version: Option<i32>,
    updated_at: String,
    next_update: Option<String>,
    overdue: bool,
    akses: String,
    action: Option<Action>,
}

#[derive(Debug, Serialize)]
struct MyDatasets {
    can_create: bool,
    filters: Filters,
    statuses: Vec<&'static str>,
    organizations: Option<Vec<Choice>>,
    due: Vec<Due>,
    datasets: Vec<Row>,
    total: u64,
    pagination: Pagination,
}

/// What the account should do next with a dataset, by its newest version's status.
fn action(visitor: &Visitor, me: &Principal, d: &ManagedDataset) -> Option<Action> {
    let slug = &d.record.dataset.slug;
    let upload = visitor.url(&format!("/kelola/dataset/{slug}/unggah"));
    let Some(v) = &d.newest else {
        return Some(Action {
            label_key: "ws.action_upload",
            url: upload,
        });
    };
    let report = visitor.url(&format!("/kelola/dataset/{slug}/versi/{}", v.number));
    let review = visitor.url(&format!("/kelola/tinjauan/{slug}/{}", v.number));
    let reviewer = matches!(me.role, Role::Walidata | Role::Admin);
    let (label_key, url) = match v.status {
        VersionStatus::Draft => ("ws.action_submit", report),
        VersionStatus::Ditolak => ("ws.action_fix", upload),
        VersionStatus::MenungguPersetujuan if reviewer => ("ws.action_wait", review),
        VersionStatus::MenungguPersetujuan => ("ws.action_wait", report),
        VersionStatus::Disetujui if reviewer => ("ws.action_publish", review),
        VersionStatus::Disetujui => ("ws.action_wait", report),
        VersionStatus::Ditayangkan => ("ws.action_update", upload),
        VersionStatus::TidakDitayangkan | VersionStatus::Dibatalkan => ("ws.action_upload", upload),
    };
    Some(Action { label_key, url })
}

/// `GET /kelola/dataset`.
pub(crate) async fn list(State(state): State<WebState>, visitor: Visitor) -> Response {
    state.respond(&visitor, page(&state, &visitor)).await
}

async fn page(state: &WebState, visitor: &Visitor) -> PageResult {
    let me = with_role(visitor, &[Role::Produsen, Role::Walidata, Role::Admin])?;
    let pairs = visitor.pairs();
    let value = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let status = STATUSES.into_iter().find(|s| s.as_str() == value("status"));
    let everyone = me.role != Role::Produsen;
    let filters = Filters {
        status: status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        opd: if everyone {
            value("opd")
        } else {
            String::new()
        },
        q: value("q"),
    };
    let number = page_number(&pairs);
    let managed = state
        .catalog
        .managed_datasets(
            &visitor.actor,
            ManagedQuery {
                status,
                organization: Some(filters.opd.clone()),
                q: Some(filters.q.clone()),
                page: Page::new(Some(PER_PAGE), Some((number - 1) * PER_PAGE)),
            },
        )
        .await?;
    let organizations = if everyone {
        let all = state
            .catalog
            .list_organizations(Page::new(Some(1000), None))
            .await?;
        Some(
            all.items
                .into_iter()
                .map(|o| Choice {
                    value: o.slug,
                    label: o.name,
                })
                .collect(),
        )
    } else {
        None
    };
    let kept: Vec<(String, String)> = [
        ("q", &filters.q),
        ("status", &filters.status),
        ("opd", &filters.opd),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| (k.to_owned(), v.clone()))
    .collect();
    let pagination = Pagination::new(number, managed.total, PER_PAGE, |n| {
        let mut q = kept.clone();
        if n > 1 {
            q.push(("hal".into(), n.to_string()));
        }
        visitor.url(&format!("/kelola/dataset{}", query_string(&q)))
    });
    let overview = |slug: &str| visitor.url(&format!("/kelola/dataset/{slug}"));
    let today = satudata_catalog::pages::local_today();
    let datasets = managed
        .items
        .iter()
        .map(|d| {
            let ds = &d.record.dataset;
            Row {
                title: ds.title.clone(),
                url: overview(&ds.slug),
                organization: OrgName {
                    name: d.record.organization.name.clone(),
                },
                status: d
                    .newest
                    .as_ref()
                    .map_or(VersionStatus::Draft, |v| v.status)
                    .as_str(),
                status_note: d
                    .newest
                    .as_ref()
                    .filter(|v| v.status == VersionStatus::Ditolak)
                    .and_then(|v| v.status_note.clone()),
                version: d.newest.as_ref().map(|v| v.number),
                updated_at: ds.updated_at.to_rfc3339(),
                next_update: d.next_update.map(|n| n.to_string()),
                overdue: d.next_update.is_some_and(|n| n < today),
                akses: ds.akses.clone(),
                action: action(visitor, me, d),
            }
        })
        .collect();
    let body = MyDatasets {
        // A pembina reviews; everyone else may create a dataset (a produsen for their OPD).
        can_create: me.role != Role::Pembina,
        filters,
        statuses: STATUSES.map(VersionStatus::as_str).to_vec(),
        organizations,
        due: managed
            .due
            .into_iter()
            .map(|d| Due {
                url: overview(&d.slug),
                title: d.title,
                frekuensi: d.frekuensi,
                next_update: d.next_update.to_string(),
                days_late: d.days_late,
            })
            .collect(),
        datasets,
        total: managed.total,
        pagination,
    };
    let frame = state.frame(visitor, "kelola", true).await?;
    let response = state.page(
        visitor,
        &frame,
        "workspace/my_datasets.html",
        &body,
        StatusCode::OK,
    )?;
    Ok(no_store(response))
}
