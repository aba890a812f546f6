//! `GET /kelola/tinjauan`: the walidata's review queue — versions waiting for a decision with
//! their OPD, submission date, metadata score, validation errors and Data Prioritas flag.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use satudata_catalog::Role;
use satudata_catalog::lifecycle::VersionStatus;
use satudata_catalog::pages::{QueueSort, ReviewQuery, local_date, local_today};
use satudata_catalog::paging::Page;
use serde::Serialize;

use super::{no_store, with_role};
use crate::pages::{Pagination, page_number, query_string};
use crate::respond::PageResult;
use crate::state::{Visitor, WebState};

const PER_PAGE: u64 = 25;

/// The statuses the queue offers: waiting, approved (to publish), returned.
const STATUSES: [VersionStatus; 3] = [
    VersionStatus::MenungguPersetujuan,
    VersionStatus::Disetujui,
    VersionStatus::Ditolak,
];

#[derive(Debug, Serialize)]
struct Filters {
    status: &'static str,
    opd: String,
    prioritas: bool,
    urut: &'static str,
}

#[derive(Debug, Serialize)]
struct Choice {
    value: String,
    label: String,
}

#[derive(Debug, Serialize)]
struct OrgName {
    name: String,
}

#[derive(Debug, Serialize)]
struct Entry {
    title: String,
    review_url: String,
    organization: OrgName,
    version: i32,
    submitted_at: String,
    waiting_days: i64,
    score: u32,
    band: &'static str,
    errors: i64,
    warnings: i64,
    prioritas_tahun: Option<i32>,
    status: &'static str,
    pembina_needed: bool,
}

#[derive(Debug, Serialize)]
struct Queue {
    filters: Filters,
    statuses: Vec<&'static str>,
    organizations: Vec<Choice>,
    entries: Vec<Entry>,
    total: u64,
    pagination: Pagination,
}

/// `GET /kelola/tinjauan`.
pub(crate) async fn show(State(state): State<WebState>, visitor: Visitor) -> Response {
    state.respond(&visitor, page(&state, &visitor)).await
}

async fn page(state: &WebState, visitor: &Visitor) -> PageResult {
    with_role(visitor, &[Role::Walidata, Role::Admin, Role::Pembina])?;
    let pairs = visitor.pairs();
    let value = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let status = STATUSES
        .into_iter()
        .find(|s| s.as_str() == value("status"))
        .unwrap_or(VersionStatus::MenungguPersetujuan);
    let (sort, urut) = match value("urut").as_str() {
        "baru" => (QueueSort::Newest, "baru"),
        "skor" => (QueueSort::Score, "skor"),
        _ => (QueueSort::Oldest, "lama"),
    };
    let filters = Filters {
        status: status.as_str(),
        opd: value("opd"),
        prioritas: value("prioritas") == "1",
        urut,
    };
    let number = page_number(&pairs);
    let queue = state
        .catalog
        .review_queue(
            &visitor.actor,
            ReviewQuery {
                status,
                organization: Some(filters.opd.clone()),
                prioritas: filters.prioritas,
                sort,
                page: Page::new(Some(PER_PAGE), Some((number - 1) * PER_PAGE)),
            },
        )
        .await?;
    let organizations = state
        .catalog
        .list_organizations(Page::new(Some(1000), None))
        .await?
        .items
        .into_iter()
        .map(|o| Choice {
            value: o.slug,
            label: o.name,
        })
        .collect();
    let mut kept: Vec<(String, String)> = Vec::new();
    if status != VersionStatus::MenungguPersetujuan {
        kept.push(("status".into(), filters.status.into()));
    }
    if !filters.opd.is_empty() {
        kept.push(("opd".into(), filters.opd.clone()));
    }
    if filters.prioritas {
        kept.push(("prioritas".into(), "1".into()));
    }
    if urut != "lama" {
        kept.push(("urut".into(), urut.into()));
    }
    let pagination = Pagination::new(number, queue.total, PER_PAGE, |n| {
        let mut q = kept.clone();
        if n > 1 {
            q.push(("hal".into(), n.to_string()));
        }
        visitor.url(&format!("/kelola/tinjauan{}", query_string(&q)))
    });
    let today = local_today();
    let entries = queue
        .items
        .into_iter()
        .map(|e| {
            let d = &e.record.dataset;
            Entry {
                review_url: visitor.url(&format!("/kelola/tinjauan/{}/{}", d.slug, e.number)),
                title: d.title.clone(),
                organization: OrgName {
                    name: e.record.organization.name.clone(),
                },
                version: e.number,
                waiting_days: (today - local_date(e.submitted_at)).num_days().max(0),
                submitted_at: e.submitted_at.to_rfc3339(),
                score: e.score.mqa.total,
                band: e.score.mqa.band,
                errors: e.errors,
                warnings: e.warnings,
                prioritas_tahun: d.prioritas_tahun,
                status: e.status.as_str(),
                pembina_needed: e.pembina_needed,
            }
        })
        .collect();
    let body = Queue {
        filters,
        statuses: STATUSES.map(VersionStatus::as_str).to_vec(),
        organizations,
        entries,
        total: queue.total,
        pagination,
    };
    let frame = state.frame(visitor, "tinjauan", true).await?;
    let response = state.page(
        visitor,
        &frame,
        "workspace/queue.html",
        &body,
        StatusCode::OK,
    )?;
    Ok(no_store(response))
}
