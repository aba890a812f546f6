//! A dataset's audit timeline (workspace/_timeline.html), newest first: the review page shows
//! it, and `GET /kelola/dataset/{slug}/riwayat` is nothing else.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use satudata_catalog::Role;
use satudata_catalog::entity::dataset_event;
use satudata_catalog::lifecycle::VersionStatus;
use serde::Serialize;
use serde_json::Value;

use super::{WsDataset, no_store, with_role, ws_dataset};
use crate::i18n::Catalogue;
use crate::respond::PageResult;
use crate::state::{Visitor, WebState};

#[derive(Debug, Serialize)]
pub(crate) struct ChangeView {
    field: String,
    from: String,
    to: String,
}

/// One event of `_timeline.html`.
#[derive(Debug, Serialize)]
pub(crate) struct Event {
    action: &'static str,
    actor: String,
    at: String,
    version: Option<i32>,
    from: Option<&'static str>,
    to: Option<&'static str>,
    note: Option<String>,
    changes: Vec<ChangeView>,
}

/// A changed value as text (lists joined with commas).
fn plain(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(plain).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// A Table Schema as the timeline names it: its columns and key, not its JSON.
fn schema_summary(catalogue: &Catalogue, schema: &Value) -> String {
    let Some(fields) = schema["fields"].as_array() else {
        return String::new();
    };
    let names: Vec<&str> = fields.iter().filter_map(|f| f["name"].as_str()).collect();
    let bound = fields
        .iter()
        .filter(|f| f["standar_data"].is_string())
        .count();
    let n = names.len().to_string();
    let b = bound.to_string();
    catalogue
        .text("history.schema_summary", &[("n", &n), ("bound", &b)])
        .unwrap_or_else(|_| names.join(", "))
}

/// The events of a dataset's history (oldest first, as the catalog keeps them), newest first,
/// with changed fields named in the page's language.
pub(crate) fn timeline(catalogue: &Catalogue, history: &[dataset_event::Model]) -> Vec<Event> {
    let label_of = |name: &str| {
        let name = if name == "table_schema" {
            "schema"
        } else {
            name
        };
        [format!("dsform.{name}"), format!("msind.{name}")]
            .iter()
            .find_map(|k| catalogue.text(k, &[]).ok())
            .unwrap_or_else(|| name.to_owned())
    };
    history
        .iter()
        .rev()
        .map(|e| Event {
            action: e.action.as_str(),
            actor: e.actor_name.clone(),
            at: e.at.to_rfc3339(),
            version: e.version_number,
            from: e.from_status.map(VersionStatus::as_str),
            to: e.to_status.map(VersionStatus::as_str),
            note: e.note.clone(),
            changes: e
                .changes
                .as_ref()
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(name, c)| {
                    let value = |v: &Value| match name.as_str() {
                        "table_schema" => schema_summary(catalogue, v),
                        _ => plain(v),
                    };
                    ChangeView {
                        field: label_of(name),
                        from: value(&c["from"]),
                        to: value(&c["to"]),
                    }
                })
                .collect(),
        })
        .collect()
}

#[derive(Debug, Serialize)]
struct HistoryPage {
    ws: WsDataset,
    tab: &'static str,
    events: Vec<Event>,
    json_url: String,
}

/// `GET /kelola/dataset/{slug}/riwayat`.
pub(crate) async fn show(
    State(state): State<WebState>,
    Path(slug): Path<String>,
    visitor: Visitor,
) -> Response {
    state.respond(&visitor, page(&state, &visitor, &slug)).await
}

async fn page(state: &WebState, visitor: &Visitor, slug: &str) -> PageResult {
    with_role(
        visitor,
        &[Role::Produsen, Role::Walidata, Role::Admin, Role::Pembina],
    )?;
    let actor = &visitor.actor;
    let record = state.catalog.dataset(actor, slug).await?;
    let versions = state.catalog.list_versions(actor, slug).await?;
    let history = state.catalog.history(actor, slug).await?;
    let catalogue = state.renderer.catalogue(visitor.lang)?;
    let body = HistoryPage {
        ws: ws_dataset(visitor, &record, versions.first()),
        tab: "history",
        events: timeline(&catalogue, &history),
        json_url: format!("/api/v1/datasets/{}/history", record.dataset.slug),
    };
    let frame = state.frame(visitor, "kelola", true).await?;
    Ok(no_store(state.page(
        visitor,
        &frame,
        "workspace/history.html",
        &body,
        StatusCode::OK,
    )?))
}
