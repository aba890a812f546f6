//! `GET /dataset/{slug}/diff/{a}/{b}`: what changed from one published version to another.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;
use serde_json::Value;

use crate::respond::{PageResult, WebError};
use crate::state::{Visitor, WebState};

#[derive(Debug, Serialize)]
struct Link {
    name: String,
    url: String,
}

#[derive(Debug, Serialize)]
struct DatasetLink {
    title: String,
    url: String,
    organization: Link,
}

#[derive(Debug, Serialize)]
struct Rows {
    columns: Vec<String>,
    rows: Vec<Vec<String>>,
}

#[derive(Debug, Serialize)]
struct Change {
    column: String,
    from: String,
    to: String,
}

#[derive(Debug, Serialize)]
struct Changed {
    key: String,
    changes: Vec<Change>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Diff {
    from: i32,
    to: i32,
    key: Vec<String>,
    columns_added: Vec<String>,
    columns_removed: Vec<String>,
    rows_added: u64,
    rows_removed: u64,
    rows_changed: u64,
    rows_unchanged: u64,
    added: Rows,
    removed: Rows,
    changed: Vec<Changed>,
}

#[derive(Debug, Serialize)]
struct Body {
    dataset: DatasetLink,
    diff: Diff,
    json_url: String,
}

pub(crate) async fn show(
    State(state): State<WebState>,
    visitor: Visitor,
    Path((slug, a, b)): Path<(String, String, String)>,
) -> Response {
    state
        .respond(&visitor, page(&state, &visitor, &slug, &a, &b))
        .await
}

fn text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().into_iter().flatten().map(text).collect()
}

/// Example rows in the table's column order (`header`; columns it does not name go last).
fn rows(examples: &Value, header: &[String]) -> Rows {
    let records: Vec<&serde_json::Map<String, Value>> = examples
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .collect();
    let mut columns: Vec<String> = records
        .first()
        .map(|r| r.keys().cloned().collect())
        .unwrap_or_default();
    columns.sort_by_key(|c| header.iter().position(|h| h == c).unwrap_or(usize::MAX));
    Rows {
        rows: records
            .iter()
            .map(|r| {
                columns
                    .iter()
                    .map(|c| r.get(c).map(text).unwrap_or_default())
                    .collect()
            })
            .collect(),
        columns,
    }
}

async fn page(state: &WebState, visitor: &Visitor, slug: &str, a: &str, b: &str) -> PageResult {
    let (Ok(a), Ok(b)) = (a.parse::<i32>(), b.parse::<i32>()) else {
        return Err(WebError::Status(StatusCode::NOT_FOUND));
    };
    let record = state.catalog.dataset(&visitor.actor, slug).await?;
    if !record.dataset.is_live() {
        return Err(WebError::Status(StatusCode::NOT_FOUND));
    }
    let d = &record.dataset;
    let body = Body {
        dataset: DatasetLink {
            title: d.title.clone(),
            url: visitor.url(&format!("/dataset/{}", d.slug)),
            organization: Link {
                name: record.organization.name.clone(),
                url: visitor.url(&format!("/opd/{}", record.organization.slug)),
            },
        },
        diff: diff_view(state, &visitor.actor, slug, a, b).await?,
        json_url: format!("/api/v1/datasets/{}/versions/{a}/diff/{b}", d.slug),
    };
    let frame = state.frame(visitor, "dataset", false).await?;
    state.page(visitor, &frame, "public/diff.html", &body, StatusCode::OK)
}

/// What changed from published version `a` to published version `b` of a dataset.
pub(crate) async fn diff_view(
    state: &WebState,
    actor: &satudata_catalog::Actor,
    slug: &str,
    a: i32,
    b: i32,
) -> Result<Diff, WebError> {
    let diff = state.catalog.diff_versions(actor, slug, a, b).await?;
    diff_of(state, actor, slug, &diff, a, b).await
}

/// What version `n` changes from the newest published version before it (a version under
/// review is compared by its clean table); `None` without such a version or a clean table.
pub(crate) async fn previous_diff_view(
    state: &WebState,
    actor: &satudata_catalog::Actor,
    slug: &str,
    n: i32,
) -> Result<Option<Diff>, WebError> {
    let Some(diff) = state.catalog.diff_with_previous(actor, slug, n).await? else {
        return Ok(None);
    };
    let a = diff["from"]
        .as_i64()
        .and_then(|a| i32::try_from(a).ok())
        .unwrap_or_default();
    Ok(Some(diff_of(state, actor, slug, &diff, a, n).await?))
}

async fn diff_of(
    state: &WebState,
    actor: &satudata_catalog::Actor,
    slug: &str,
    diff: &serde_json::Value,
    a: i32,
    b: i32,
) -> Result<Diff, WebError> {
    // The newer version's header gives the columns their order.
    let header: Vec<String> = state
        .catalog
        .version(actor, slug, b)
        .await?
        .table_info
        .get("header")
        .and_then(|h| serde_json::from_value(h.clone()).ok())
        .unwrap_or_default();
    let key: Vec<String> = strings(&diff["key"]);
    let count = |k: &str| diff[k].as_u64().unwrap_or_default();
    Ok(Diff {
        from: a,
        to: b,
        key: key.clone(),
        columns_added: strings(&diff["columns_added"]),
        columns_removed: strings(&diff["columns_removed"]),
        rows_added: count("rows_added"),
        rows_removed: count("rows_removed"),
        rows_changed: count("rows_changed"),
        rows_unchanged: count("rows_unchanged"),
        added: rows(&diff["examples"]["added"], &header),
        removed: rows(&diff["examples"]["removed"], &header),
        changed: diff["examples"]["changed"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| Changed {
                key: key
                    .iter()
                    .map(|k| format!("{k} = {}", text(&c["key"][k])))
                    .collect::<Vec<_>>()
                    .join(", "),
                changes: c["changes"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(column, ch)| Change {
                        column: column.clone(),
                        from: text(&ch["from"]),
                        to: text(&ch["to"]),
                    })
                    .collect(),
            })
            .collect(),
    })
}
