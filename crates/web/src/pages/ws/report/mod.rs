//! `GET /kelola/dataset/{slug}/versi/{n}`: the validation report of an uploaded version in
//! the order a steward fixes things (verdict and next step, totals by finding, columns, the
//! filterable cell list, cleaning, diff, the file as read), `POST …/ajukan` (submit to the
//! walidata), and the version's files before publication (`files.rs`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use satudata_catalog::Error as CatalogError;
use satudata_catalog::Role;
use satudata_catalog::lifecycle::Step;
use serde::Serialize;
use serde_json::Value;

mod files;
mod grid;

pub(crate) use files::{clean_csv, source};

use super::review::number;
use super::{Posted, WsDataset, no_store, see_other_with, with_role, ws_dataset};
use crate::lang::Lang;
use crate::pages::diff::{Diff, previous_diff_view};
use crate::pages::{Hidden, Pagination, page_number, query_string};
use crate::respond::PageResult;
use crate::session::Flash;
use crate::state::{Visitor, WebState};

/// Who opens reports: the OPD's stewards, the walidata, the admin and a pembina.
pub(super) const READERS: [Role; 4] = [Role::Produsen, Role::Walidata, Role::Admin, Role::Pembina];
const PER_PAGE: u64 = 50;
use super::FIELD_TYPES as TYPES;

#[derive(Debug, Serialize)]
struct VersionView {
    number: i32,
    created_at: String,
    original_filename: Option<String>,
    byte_size: i64,
    uploaded_by: String,
    status: &'static str,
    status_note: Option<String>,
    source_url: String,
    clean_csv_url: Option<String>,
}

#[derive(Debug, Serialize)]
struct ByType {
    #[serde(rename = "type")]
    kind: String,
    severity: String,
    count: u64,
    url: String,
}

#[derive(Debug, Serialize)]
struct Column {
    name: String,
    #[serde(rename = "type")]
    kind: String,
    standar: Option<String>,
    errors: u64,
    warnings: u64,
    url: String,
}

#[derive(Debug, Serialize)]
struct ReportView {
    valid: bool,
    error_count: u64,
    warning_count: u64,
    info_count: u64,
    truncated: bool,
    by_type: Vec<ByType>,
    columns: Vec<Column>,
    table: Value,
    region: Value,
    schema_inferred: bool,
    schema_url: String,
    suggestions: Value,
}

#[derive(Debug, Clone, Serialize)]
struct CellFilters {
    temuan: String,
    kolom: String,
    tingkat: String,
}

#[derive(Debug, Serialize)]
struct CellRow {
    row: Option<u64>,
    column: Option<String>,
    value: Option<String>,
    #[serde(rename = "type")]
    kind: String,
    severity: String,
    message: String,
    grid_url: Option<String>,
}

#[derive(Debug, Serialize)]
struct Cells {
    filters: CellFilters,
    type_options: Vec<String>,
    column_options: Vec<String>,
    rows: Vec<CellRow>,
    total: u64,
    first: u64,
    last: u64,
    pagination: Pagination,
    keep: Vec<Hidden>,
    clear_url: String,
}

#[derive(Debug, Serialize)]
struct Example {
    before: String,
    after: String,
}

#[derive(Debug, Serialize)]
struct ChangeView {
    rule: String,
    count: u64,
    examples: Vec<Example>,
}

#[derive(Debug, Serialize)]
struct CleanLogView {
    rows_written: u64,
    changes: Vec<ChangeView>,
}

#[derive(Debug, Serialize)]
struct Submit {
    allowed: bool,
    url: String,
    reason: Option<&'static str>,
    error_count: i64,
}

#[derive(Debug, Serialize)]
struct ReportPage {
    ws: WsDataset,
    tab: &'static str,
    version: VersionView,
    report: Option<ReportView>,
    not_table_message: Option<String>,
    cells: Cells,
    grid: Option<grid::Grid>,
    clean_log: Option<CleanLogView>,
    diff: Option<Diff>,
    submit: Submit,
    reupload_url: String,
    can_cancel: bool,
    cancel_url: String,
}

/// Errors first, then warnings, then the rest.
pub(super) fn rank(severity: &str) -> u8 {
    match severity {
        "error" => 0,
        "warning" => 1,
        _ => 2,
    }
}

/// The report's findings by type, errors first, then by count: `(type, severity, count)`.
pub(crate) fn findings_by_type(report: &Value) -> Vec<(String, String, u64)> {
    let severity_of = |kind: &str| {
        report["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(report["details"].as_array().into_iter().flatten())
            .find(|f| f["type"].as_str() == Some(kind))
            .and_then(|f| f["severity"].as_str())
            .unwrap_or("info")
            .to_owned()
    };
    let mut out: Vec<(String, String, u64)> = report["counts"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(kind, count)| (kind.clone(), severity_of(kind), count.as_u64().unwrap_or(0)))
        .collect();
    out.sort_by(|a, b| rank(&a.1).cmp(&rank(&b.1)).then(b.2.cmp(&a.2)));
    out
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// `GET /kelola/dataset/{slug}/versi/{n}`.
pub(crate) async fn show(
    State(state): State<WebState>,
    Path((slug, n)): Path<(String, String)>,
    visitor: Visitor,
) -> Response {
    state
        .respond(&visitor, page(&state, &visitor, &slug, &n))
        .await
}

async fn page(state: &WebState, visitor: &Visitor, slug: &str, n: &str) -> PageResult {
    with_role(visitor, &READERS)?;
    let n = number(n)?;
    let actor = &visitor.actor;
    let lang = visitor.lang;
    let record = state.catalog.dataset(actor, slug).await?;
    let d = &record.dataset;
    let version = state.catalog.version(actor, slug, n).await?;
    let versions = state.catalog.list_versions(actor, slug).await?;
    let history = state.catalog.history(actor, slug).await?;
    let base = format!("/kelola/dataset/{}", d.slug);
    let here = visitor.url(&format!("{base}/versi/{n}"));
    let pairs = visitor.pairs();
    let param = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let filters = CellFilters {
        temuan: param("temuan"),
        kolom: param("kolom"),
        tingkat: param("tingkat"),
    };
    let with_query = |extra: &[(&str, &str)]| {
        let q: Vec<(String, String)> = extra
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        format!("{here}{}", query_string(&q))
    };
    let raw = version.report.clone().unwrap_or(Value::Null);
    let has_report = raw.is_object() && version.is_table;
    let by_type = findings_by_type(&raw);
    let findings: Vec<&Value> = raw["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(raw["details"].as_array().into_iter().flatten())
        .collect();
    let fields: Vec<&Value> = raw["schema"]["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .collect();
    // Per column: the findings only (a column summary carries its count; the cell findings
    // behind it, in `details`, are not counted again).
    let summaries: Vec<&Value> = raw["findings"].as_array().into_iter().flatten().collect();
    let count_in = |column: &str, severity: &str| {
        summaries
            .iter()
            .filter(|f| f["field_name"].as_str() == Some(column))
            .filter(|f| f["severity"].as_str() == Some(severity))
            .map(|f| f["count"].as_u64().unwrap_or(1))
            .sum::<u64>()
    };
    let report = has_report.then(|| ReportView {
        valid: raw["valid"].as_bool().unwrap_or(false),
        error_count: raw["error_count"].as_u64().unwrap_or(0),
        warning_count: raw["warning_count"].as_u64().unwrap_or(0),
        info_count: raw["info_count"].as_u64().unwrap_or(0),
        truncated: raw["truncated"].as_bool().unwrap_or(false),
        by_type: by_type
            .iter()
            .map(|(kind, severity, count)| ByType {
                url: with_query(&[("temuan", kind)]),
                kind: kind.clone(),
                severity: severity.clone(),
                count: *count,
            })
            .collect(),
        columns: fields
            .iter()
            .map(|f| {
                let name = f["name"].as_str().unwrap_or_default().to_owned();
                let kind = f["type"].as_str().unwrap_or("string");
                Column {
                    url: with_query(&[("kolom", &name)]),
                    kind: if TYPES.contains(&kind) { kind } else { "any" }.to_owned(),
                    standar: f["standar_data"].as_str().map(str::to_owned),
                    errors: count_in(&name, "error"),
                    warnings: count_in(&name, "warning"),
                    name,
                }
            })
            .collect(),
        table: raw["table"].clone(),
        region: serde_json::json!({
            "checked": raw["region_cells"]["checked"].as_u64().unwrap_or(0),
            "known": raw["region_cells"]["known"].as_u64().unwrap_or(0),
            "reference": raw["region_reference"].clone(),
        }),
        schema_inferred: raw["schema_inferred"].as_bool().unwrap_or(true),
        schema_url: visitor.url(&format!("{base}/skema")),
        suggestions: serde_json::json!({
            "key": raw["suggestions"]["key"].as_array().cloned().unwrap_or_default(),
            "region_columns": raw["suggestions"]["region_columns"].as_array().cloned().unwrap_or_default(),
        }),
    });
    // The cell list: every finding (cell findings behind a column summary included), filtered.
    let matching: Vec<&&Value> = findings
        .iter()
        .filter(|f| filters.temuan.is_empty() || f["type"].as_str() == Some(&filters.temuan))
        .filter(|f| filters.kolom.is_empty() || f["field_name"].as_str() == Some(&filters.kolom))
        .filter(|f| filters.tingkat.is_empty() || f["severity"].as_str() == Some(&filters.tingkat))
        .collect();
    let baris: Option<u64> = pairs
        .iter()
        .find(|(k, _)| k == "baris")
        .and_then(|(_, v)| v.trim().parse::<u64>().ok())
        .map(|b| {
            let last = raw["table"]["row_count"].as_u64().unwrap_or(0)
                + raw["table"]["header_row"].as_u64().unwrap_or(1);
            b.clamp(1, last.max(1))
        });
    let baris_text = baris.map(|b| b.to_string()).unwrap_or_default();
    let filter_pairs = [
        ("temuan", filters.temuan.as_str()),
        ("kolom", filters.kolom.as_str()),
        ("tingkat", filters.tingkat.as_str()),
    ];
    // The grid at another start, the cell list's filters kept.
    let grid_at = |row: u64| {
        let row = row.to_string();
        let mut q = filter_pairs.to_vec();
        q.push(("baris", &row));
        with_query(&q)
    };
    let total = matching.len() as u64;
    let hal = page_number(&pairs).min(total.div_ceil(PER_PAGE).max(1));
    let first = (hal - 1) * PER_PAGE;
    let rows: Vec<CellRow> = matching
        .iter()
        .skip(usize::try_from(first).unwrap_or(usize::MAX))
        .take(PER_PAGE as usize)
        .map(|f| CellRow {
            row: f["row_number"].as_u64(),
            column: f["field_name"].as_str().map(str::to_owned),
            value: text(&f["cell"]),
            kind: f["type"].as_str().unwrap_or_default().to_owned(),
            severity: f["severity"].as_str().unwrap_or("info").to_owned(),
            message: match lang {
                Lang::Id => f["message"].as_str(),
                Lang::En => f["message_en"].as_str(),
            }
            .unwrap_or_default()
            .to_owned(),
            grid_url: f["row_number"]
                .as_u64()
                .filter(|_| has_report)
                .map(|row| grid_at(row.saturating_sub(2).max(1))),
        })
        .collect();
    let pagination = Pagination::new(hal, total, PER_PAGE, |p| {
        let p = p.to_string();
        let mut q = filter_pairs.to_vec();
        if p != "1" {
            q.push(("hal", &p));
        }
        if !baris_text.is_empty() {
            q.push(("baris", &baris_text));
        }
        format!("{}#h-cells", with_query(&q))
    });
    let cells = Cells {
        type_options: by_type.iter().map(|(k, _, _)| k.clone()).collect(),
        column_options: fields
            .iter()
            .filter_map(|f| f["name"].as_str().map(str::to_owned))
            .collect(),
        first: if total == 0 { 0 } else { first + 1 },
        last: first + rows.len() as u64,
        rows,
        total,
        pagination,
        keep: baris
            .map(|b| Hidden::of(&[("baris".to_owned(), b.to_string())]))
            .unwrap_or_default(),
        clear_url: here.clone(),
        filters: filters.clone(),
    };
    let grid = match grid::first_row(&findings, baris).filter(|_| has_report) {
        Some(first) => {
            let message_of = |f: &Value| {
                match lang {
                    Lang::Id => f["message"].as_str(),
                    Lang::En => f["message_en"].as_str(),
                }
                .unwrap_or_default()
                .to_owned()
            };
            let rows = state
                .catalog
                .version_rows(actor, &d.slug, n, first, grid::GRID_ROWS as usize + 1)
                .await?;
            grid::build(rows, &raw, &findings, first, message_of, grid_at)
        }
        None => None,
    };
    let clean_log = version.clean_log.as_ref().map(|log| CleanLogView {
        rows_written: log["rows_written"].as_u64().unwrap_or(0),
        changes: log["changes"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| ChangeView {
                rule: c["rule"].as_str().unwrap_or_default().to_owned(),
                count: c["count"].as_u64().unwrap_or(0),
                examples: c["examples"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|e| {
                        Some(Example {
                            before: e.get(0)?.as_str()?.to_owned(),
                            after: e.get(1)?.as_str()?.to_owned(),
                        })
                    })
                    .filter(|e| !(e.before.is_empty() && e.after.is_empty()))
                    .collect(),
            })
            .collect(),
    });
    let writer = actor.require_dataset_writer(d.organization_id).is_ok();
    let errors = version.error_count.unwrap_or_default();
    let submittable = version.status.after(Step::Submit).is_some();
    let reason = if !writer {
        Some("role")
    } else if !submittable {
        Some("status")
    } else if !version.is_table || version.report_valid != Some(true) {
        Some("errors")
    } else {
        None
    };
    let uploaded_by = history
        .iter()
        .find(|e| e.version_number == Some(n) && e.action.as_str() == "upload")
        .map(|e| e.actor_name.clone())
        .unwrap_or_default();
    let diff = previous_diff_view(state, actor, &d.slug, n).await?;
    let not_table_message = (!has_report).then(|| {
        let stored = version
            .report
            .as_ref()
            .and_then(|r| r["message"].as_str().map(str::to_owned));
        stored.unwrap_or_else(|| match lang {
            Lang::Id => "Berkas ini belum selesai diperiksa atau bukan tabel.".to_owned(),
            Lang::En => "This file has not been checked yet or is not a table.".to_owned(),
        })
    });
    let body = ReportPage {
        ws: ws_dataset(visitor, &record, versions.first()),
        tab: "report",
        version: VersionView {
            number: version.number,
            created_at: version.created_at.to_rfc3339(),
            original_filename: version.original_filename.clone(),
            byte_size: version.byte_size,
            uploaded_by,
            status: version.status.as_str(),
            status_note: version.status_note.clone(),
            source_url: format!("{here}/berkas"),
            clean_csv_url: version
                .clean_sha256
                .as_ref()
                .map(|_| format!("{here}/bersih.csv")),
        },
        report,
        not_table_message,
        cells,
        grid,
        clean_log,
        diff,
        submit: Submit {
            allowed: reason.is_none(),
            url: format!("{here}/ajukan"),
            reason,
            error_count: errors,
        },
        reupload_url: visitor.url(&format!("{base}/unggah")),
        can_cancel: writer && version.status.after(Step::Cancel).is_some(),
        cancel_url: format!("{here}/batal"),
    };
    let frame = state.frame(visitor, "kelola", true).await?;
    let response = state.page(
        visitor,
        &frame,
        "workspace/report.html",
        &body,
        StatusCode::OK,
    )?;
    Ok(no_store(response))
}

/// `POST /kelola/dataset/{slug}/versi/{n}/ajukan` (`note` optional): submits the version to
/// the walidata → 303 to the overview with a flash; refused (errors, status) → back to the
/// report with the reason.
pub(crate) async fn submit(
    State(state): State<WebState>,
    Path((slug, n)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let visitor = &posted.visitor;
    let done = async {
        with_role(visitor, &[Role::Produsen, Role::Walidata, Role::Admin])?;
        let n = number(&n)?;
        let note = Some(posted.get("note").trim().to_owned()).filter(|s| !s.is_empty());
        let number = n.to_string();
        match state
            .catalog
            .submit_version(&visitor.actor, &slug, n, note)
            .await
        {
            Ok(_) => Ok(see_other_with(
                &state,
                &visitor.url(&format!("/kelola/dataset/{slug}")),
                &Flash::ok("report.submitted_flash", &[("n", &number)]),
            )),
            Err(CatalogError::Conflict(_) | CatalogError::Invalid { .. }) => Ok(see_other_with(
                &state,
                &visitor.url(&format!("/kelola/dataset/{slug}/versi/{n}")),
                &Flash {
                    kind: "galat".into(),
                    key: "report.submit_refused_flash".into(),
                    args: vec![("n".into(), number)],
                },
            )),
            Err(e) => Err(e.into()),
        }
    };
    state.respond(visitor, done).await
}
