//! `GET /kelola/rekap` (and `.csv`, `.xlsx`): the per-OPD recap for the walidata, a pembina
//! and admins — datasets by status, overdue updates by frekuensi, mean MQA score — with the
//! same rows and columns in both exports, labelled in the page's language.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use satudata_catalog::Role;
use satudata_catalog::pages::{RECAP_STATUSES, Recap};
use satudata_publish::{ReportCell, small_workbook};
use serde::Serialize;

use super::{no_store, text, with_role};
use crate::respond::{PageResult, WebError};
use crate::state::{Visitor, WebState};

const READERS: [Role; 3] = [Role::Walidata, Role::Admin, Role::Pembina];

#[derive(Debug, Serialize)]
struct Overdue {
    frekuensi: String,
    count: u64,
}

#[derive(Debug, Serialize)]
struct Row {
    organization: OrgUrl,
    counts: Vec<u64>,
    total: u64,
    overdue: u64,
    overdue_by_frekuensi: Vec<Overdue>,
    mean_score: Option<u32>,
}

#[derive(Debug, Serialize)]
struct OrgUrl {
    name: String,
    url: String,
}

#[derive(Debug, Serialize)]
struct Totals {
    counts: Vec<u64>,
    total: u64,
    overdue: u64,
    mean_score: Option<u32>,
}

#[derive(Debug, Serialize)]
struct Filters {
    tahun: String,
}

#[derive(Debug, Serialize)]
struct RecapPage {
    generated_at: String,
    filters: Filters,
    years: Vec<String>,
    statuses: Vec<&'static str>,
    rows: Vec<Row>,
    totals: Totals,
    csv_url: String,
    xlsx_url: String,
}

/// The `tahun` filter (`None`: every dataset).
fn year(visitor: &Visitor) -> Option<i32> {
    visitor
        .pairs()
        .into_iter()
        .find(|(k, _)| k == "tahun")
        .and_then(|(_, v)| v.trim().parse().ok())
}

async fn recap(state: &WebState, visitor: &Visitor) -> Result<(Recap, Option<i32>), WebError> {
    with_role(visitor, &READERS)?;
    let tahun = year(visitor);
    Ok((state.catalog.recap(&visitor.actor, tahun).await?, tahun))
}

fn view(visitor: &Visitor, recap: &Recap, tahun: Option<i32>) -> RecapPage {
    let rows: Vec<Row> = recap
        .rows
        .iter()
        .map(|r| {
            let mut q = url::form_urlencoded::Serializer::new(String::new());
            q.append_pair("opd", &r.organization.slug);
            Row {
                organization: OrgUrl {
                    name: r.organization.name.clone(),
                    url: visitor.url(&format!("/kelola/dataset?{}", q.finish())),
                },
                counts: r.counts.to_vec(),
                total: r.total,
                overdue: r.overdue_by_frekuensi.iter().map(|(_, n)| n).sum(),
                overdue_by_frekuensi: r
                    .overdue_by_frekuensi
                    .iter()
                    .map(|(f, n)| Overdue {
                        frekuensi: f.clone(),
                        count: *n,
                    })
                    .collect(),
                mean_score: r.mean_score,
            }
        })
        .collect();
    let total: u64 = recap.rows.iter().map(|r| r.total).sum();
    let score_sum: u64 = recap.rows.iter().map(|r| r.score_sum).sum();
    let totals = Totals {
        counts: (0..RECAP_STATUSES.len())
            .map(|i| recap.rows.iter().map(|r| r.counts[i]).sum())
            .collect(),
        total,
        overdue: rows.iter().map(|r| r.overdue).sum(),
        mean_score: (total > 0)
            .then(|| u32::try_from((score_sum + total / 2) / total).unwrap_or(0)),
    };
    let query = tahun.map(|y| format!("?tahun={y}")).unwrap_or_default();
    RecapPage {
        generated_at: recap.generated_at.to_rfc3339(),
        filters: Filters {
            tahun: tahun.map(|y| y.to_string()).unwrap_or_default(),
        },
        years: recap.years.iter().map(ToString::to_string).collect(),
        statuses: RECAP_STATUSES.iter().map(|s| s.as_str()).collect(),
        rows,
        totals,
        csv_url: visitor.url(&format!("/kelola/rekap.csv{query}")),
        xlsx_url: visitor.url(&format!("/kelola/rekap.xlsx{query}")),
    }
}

/// `GET /kelola/rekap`.
pub(crate) async fn show(State(state): State<WebState>, visitor: Visitor) -> Response {
    let page = async {
        let (recap, tahun) = recap(&state, &visitor).await?;
        let body = view(&visitor, &recap, tahun);
        let frame = state.frame(&visitor, "tinjauan", true).await?;
        Ok(no_store(state.page(
            &visitor,
            &frame,
            "workspace/recap.html",
            &body,
            StatusCode::OK,
        )?))
    };
    state.respond(&visitor, page).await
}

/// The export's header and rows: the page's table, labelled in the page's language.
fn table(
    state: &WebState,
    visitor: &Visitor,
    page: &RecapPage,
) -> Result<(Vec<String>, Vec<Vec<ReportCell>>), WebError> {
    let t = |key: &str| text(state, visitor, key, &[]);
    let mut header = vec![t("facet.opd")?];
    for s in &page.statuses {
        header.push(t(&format!("status.{s}"))?);
    }
    header.extend([
        t("recap.total")?,
        t("recap.overdue")?,
        t("recap.mean_score")?,
    ]);
    let int = |n: u64| ReportCell::Int(i64::try_from(n).unwrap_or(i64::MAX));
    let score = |s: Option<u32>| s.map_or(ReportCell::Empty, |s| ReportCell::Int(i64::from(s)));
    let mut rows: Vec<Vec<ReportCell>> = page
        .rows
        .iter()
        .map(|r| {
            let mut row = vec![ReportCell::Text(r.organization.name.clone())];
            row.extend(r.counts.iter().map(|c| int(*c)));
            row.extend([int(r.total), int(r.overdue), score(r.mean_score)]);
            row
        })
        .collect();
    let mut all = vec![ReportCell::Text(t("recap.all")?)];
    all.extend(page.totals.counts.iter().map(|c| int(*c)));
    all.extend([
        int(page.totals.total),
        int(page.totals.overdue),
        score(page.totals.mean_score),
    ]);
    rows.push(all);
    Ok((header, rows))
}

fn attachment(body: Vec<u8>, media_type: &'static str, name: &str) -> Response {
    let mut response = Body::from(body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    no_store(response)
}

/// `GET /kelola/rekap.csv` (UTF-8 with a BOM, so that Excel reads the OPD names right).
pub(crate) async fn csv(State(state): State<WebState>, visitor: Visitor) -> Response {
    let file = async {
        let (recap, tahun) = recap(&state, &visitor).await?;
        let page = view(&visitor, &recap, tahun);
        let (header, rows) = table(&state, &visitor, &page)?;
        // The published files' CSV dialect (RFC 4180, CRLF), after a BOM for Excel.
        let mut out = satudata_publish::csv_writer("\u{feff}".as_bytes().to_vec());
        let failed = |e: &dyn std::fmt::Display| {
            WebError::Catalog(satudata_catalog::Error::Invariant(format!(
                "the recap CSV: {e}"
            )))
        };
        out.write_record(&header).map_err(|e| failed(&e))?;
        for row in rows {
            out.write_record(row.iter().map(|c| match c {
                ReportCell::Text(t) => t.clone(),
                ReportCell::Int(n) => n.to_string(),
                ReportCell::Empty => String::new(),
            }))
            .map_err(|e| failed(&e))?;
        }
        let out = out.into_inner().map_err(|e| failed(&e))?;
        PageResult::Ok(attachment(out, "text/csv; charset=utf-8", "rekap-opd.csv"))
    };
    state.respond(&visitor, file).await
}

/// `GET /kelola/rekap.xlsx`.
pub(crate) async fn xlsx(State(state): State<WebState>, visitor: Visitor) -> Response {
    let file = async {
        let (recap, tahun) = recap(&state, &visitor).await?;
        let page = view(&visitor, &recap, tahun);
        let (header, rows) = table(&state, &visitor, &page)?;
        let bytes = small_workbook(&header, &rows)
            .map_err(|e| WebError::Catalog(satudata_catalog::Error::Publish(e)))?;
        PageResult::Ok(attachment(
            bytes,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "rekap-opd.xlsx",
        ))
    };
    state.respond(&visitor, file).await
}
