//! `GET/POST /kelola/dataset/{slug}/skema`: the Table Schema / Standar Data binding editor.
//! One row per column (of the stored schema, else of the newest version's inferred one): a
//! Standar Data variable or a type, a title, required, part of the key. Saving becomes the
//! API's `PUT /api/v1/datasets/{slug}/schema` (the same catalog method).

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use satudata_catalog::Role;
use satudata_catalog::entity::standard_variable;
use satudata_validation::snake_case;
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::{
    Errors, FormError, Posted, WsDataset, no_store, see_other_with, text, with_role, ws_dataset,
};
use crate::respond::{PageResult, WebError};
use crate::session::Flash;
use crate::state::{Visitor, WebState};

const EDITORS: [Role; 3] = [Role::Produsen, Role::Walidata, Role::Admin];
use super::FIELD_TYPES as TYPES;
/// More columns than any table a steward binds by hand (a guard on `count`).
const MAX_COLUMNS: usize = 500;

#[derive(Debug, Clone, Serialize)]
struct Column {
    name: String,
    standar: String,
    #[serde(rename = "type")]
    kind: String,
    title: String,
    required: bool,
    key: bool,
    sample: Vec<String>,
    suggested: Option<String>,
    /// The stored field's other rules in words (code list, limits …), which the editor keeps.
    more: Option<String>,
}

#[derive(Debug, Serialize)]
struct Standard {
    kode: String,
    nama: String,
    tipe_data: String,
    satuan: Option<String>,
}

#[derive(Debug, Serialize)]
struct SchemaPage {
    ws: WsDataset,
    tab: &'static str,
    action_url: String,
    source: &'static str,
    columns: Vec<Column>,
    standards: Vec<Standard>,
    types: [&'static str; 6],
    errors: Vec<FormError>,
    field_errors: BTreeMap<String, String>,
    import_url: String,
    /// The pasted Table Schema, kept when the import was refused.
    import_text: String,
}

/// A variable whose name or kode is the column's name.
fn suggestion(name: &str, standards: &[standard_variable::Model]) -> Option<String> {
    let name = snake_case(name);
    standards
        .iter()
        .find(|s| snake_case(&s.nama) == name || snake_case(&s.kode) == name)
        .map(|s| s.kode.clone())
}

/// The rows of a Table Schema (as stored, or as a report inferred it).
fn columns_of(schema: &Value, standards: &[standard_variable::Model]) -> Vec<Column> {
    let keys: Vec<&str> = schema["primaryKey"]
        .as_array()
        .map(|k| k.iter().filter_map(Value::as_str).collect())
        .or_else(|| schema["primaryKey"].as_str().map(|k| vec![k]))
        .unwrap_or_default();
    schema["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            let name = f["name"].as_str().unwrap_or_default().to_owned();
            let standar = f["standar_data"].as_str().unwrap_or_default().to_owned();
            // A bound column has its variable's type.
            let bound = standards.iter().find(|s| s.kode == standar);
            let kind = bound
                .map(|s| s.tipe_data.as_str())
                .or_else(|| f["type"].as_str())
                .unwrap_or("string");
            Column {
                standar,
                kind: if TYPES.contains(&kind) {
                    kind
                } else {
                    "string"
                }
                .to_owned(),
                title: f["title"].as_str().unwrap_or_default().to_owned(),
                required: f["constraints"]["required"].as_bool().unwrap_or(false),
                key: keys.contains(&name.as_str()),
                sample: Vec::new(),
                suggested: suggestion(&name, standards),
                more: None,
                name,
            }
        })
        .collect()
}

async fn render(
    state: &WebState,
    visitor: &Visitor,
    slug: &str,
    posted: Posting,
    errors: Errors,
    status: StatusCode,
) -> PageResult {
    with_role(visitor, &EDITORS)?;
    let actor = &visitor.actor;
    let record = state.catalog.dataset(actor, slug).await?;
    actor.require_dataset_writer(record.dataset.organization_id)?;
    let versions = state.catalog.list_versions(actor, slug).await?;
    let standards = state.catalog.list_standards().await?;
    let inferred = versions
        .iter()
        .find_map(|v| v.report.as_ref().map(|r| r["schema"].clone()))
        .filter(|s| s["fields"].is_array());
    let (posted, import_text) = match posted {
        Posting::None => (None, String::new()),
        Posting::Columns(columns) => (Some(columns), String::new()),
        Posting::Import(text) => (None, text),
    };
    let (source, mut columns) = match (posted, &record.dataset.table_schema, inferred) {
        (Some(columns), _, _) => ("stored", columns),
        (None, Some(stored), _) => ("stored", columns_of(stored, &standards)),
        (None, None, Some(inferred)) => ("inferred", columns_of(&inferred, &standards)),
        (None, None, None) => ("none", Vec::new()),
    };
    if let Some(stored) = &record.dataset.table_schema {
        for c in &mut columns {
            let field = stored["fields"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|f| f["name"].as_str() == Some(c.name.as_str()));
            if let Some(field) = field {
                c.more = other_rules(state, visitor, &field["constraints"])?;
            }
        }
    }
    let body = SchemaPage {
        ws: ws_dataset(visitor, &record, versions.first()),
        tab: "schema",
        action_url: visitor.url(&format!("/kelola/dataset/{}/skema", record.dataset.slug)),
        source,
        columns,
        standards: standards
            .into_iter()
            .map(|s| Standard {
                kode: s.kode,
                nama: s.nama,
                tipe_data: if TYPES.contains(&s.tipe_data.as_str()) {
                    s.tipe_data
                } else {
                    "string".into()
                },
                satuan: s.satuan,
            })
            .collect(),
        types: TYPES,
        errors: errors.list,
        field_errors: errors.by_field,
        import_url: visitor.url(&format!(
            "/kelola/dataset/{}/skema/impor",
            record.dataset.slug
        )),
        import_text,
    };
    let frame = state.frame(visitor, "kelola", true).await?;
    Ok(no_store(state.page(
        visitor,
        &frame,
        "workspace/schema.html",
        &body,
        status,
    )?))
}

/// The constraints the editor does not show, in words ("Juga: 3 nilai yang boleh, paling
/// kecil 0"), or `None`.
fn other_rules(
    state: &WebState,
    visitor: &Visitor,
    constraints: &Value,
) -> Result<Option<String>, WebError> {
    let shown = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
    let mut rules = Vec::new();
    if let Some(values) = constraints["enum"].as_array() {
        let n = values.len().to_string();
        rules.push(text(
            state,
            visitor,
            "schema.rule_enum",
            &[("n", n.as_str())],
        )?);
    }
    for (key, name) in [
        ("minimum", "schema.rule_minimum"),
        ("maximum", "schema.rule_maximum"),
    ] {
        if let Some(v) = constraints.get(key) {
            rules.push(text(state, visitor, name, &[("v", shown(v).as_str())])?);
        }
    }
    if constraints["unique"].as_bool() == Some(true) {
        rules.push(text(state, visitor, "schema.rule_unique", &[])?);
    }
    if constraints.get("pattern").is_some() {
        rules.push(text(state, visitor, "schema.rule_pattern", &[])?);
    }
    if rules.is_empty() {
        return Ok(None);
    }
    let list = rules.join(", ");
    Ok(Some(text(
        state,
        visitor,
        "schema.rules_more",
        &[("list", list.as_str())],
    )?))
}

/// `GET /kelola/dataset/{slug}/skema`.
pub(crate) async fn show(
    State(state): State<WebState>,
    Path(slug): Path<String>,
    visitor: Visitor,
) -> Response {
    let page = render(
        &state,
        &visitor,
        &slug,
        Posting::None,
        Errors::default(),
        StatusCode::OK,
    );
    state.respond(&visitor, page).await
}

/// `POST /kelola/dataset/{slug}/skema` → 303 to the overview with a flash, or the page again
/// (422) with the rows as posted and the errors.
pub(crate) async fn save(
    State(state): State<WebState>,
    Path(slug): Path<String>,
    posted: Posted,
) -> Response {
    let visitor = &posted.visitor;
    let page = async {
        with_role(visitor, &EDITORS)?;
        let count: usize = posted
            .get("count")
            .trim()
            .parse()
            .ok()
            .filter(|n| *n <= MAX_COLUMNS)
            .ok_or(WebError::Status(StatusCode::BAD_REQUEST))?;
        let standards = state.catalog.list_standards().await?;
        let mut errors = Errors::default();
        let mut columns = Vec::with_capacity(count);
        for i in 0..count {
            let get = |k: &str| posted.get(&format!("{k}_{i}")).trim().to_owned();
            let column = Column {
                name: get("name"),
                standar: get("standar"),
                kind: get("type"),
                title: get("title"),
                required: get("required") == "1",
                key: get("key") == "1",
                sample: Vec::new(),
                suggested: suggestion(&get("name"), &standards),
                more: None,
            };
            if !column.standar.is_empty() && !standards.iter().any(|s| s.kode == column.standar) {
                let m = text(
                    &state,
                    visitor,
                    "schema.error_standard",
                    &[("kode", column.standar.as_str())],
                )?;
                errors.add(&format!("standar_{i}"), m);
            }
            if column.standar.is_empty() && !TYPES.contains(&column.kind.as_str()) {
                errors.add(
                    &format!("type_{i}"),
                    text(&state, visitor, "schema.error_type", &[])?,
                );
            }
            columns.push(column);
        }
        // What the editor does not show (descriptions, other constraints, missingValues …)
        // is kept from the stored schema.
        let stored = state
            .catalog
            .dataset(&visitor.actor, &slug)
            .await?
            .dataset
            .table_schema
            .unwrap_or(Value::Null);
        let schema = schema_of(&columns, &stored);
        if errors.is_empty() {
            match state
                .catalog
                .set_dataset_schema(&visitor.actor, &slug, schema)
                .await
            {
                Ok(_) => {
                    return Ok(see_other_with(
                        &state,
                        &visitor.url(&format!("/kelola/dataset/{slug}")),
                        &Flash::ok("schema.saved_flash", &[]),
                    ));
                }
                Err(e) => errors.refused(visitor, e, |_| "standar_0".into())?,
            }
        }
        render(
            &state,
            visitor,
            &slug,
            Posting::Columns(columns),
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await
    };
    state.respond(visitor, page).await
}

/// `POST /kelola/dataset/{slug}/skema/impor` (multipart: `berkas`, a `.json` file, or the
/// pasted `schema_json`): a whole Table Schema, e.g. the one the walidata sent with a Standar
/// Data, replaces the stored one → 303 back to the editor with a flash, or the page again (422)
/// with the text kept and why it was refused (not JSON: where; not a Table Schema: the
/// catalog's reason).
pub(crate) async fn import(
    State(state): State<WebState>,
    Path(slug): Path<String>,
    posted: Posted,
) -> Response {
    let visitor = &posted.visitor;
    let page = async {
        with_role(visitor, &EDITORS)?;
        let file = posted.get("berkas");
        let text_in = if file.trim().is_empty() {
            posted.get("schema_json")
        } else {
            file
        };
        let mut errors = Errors::default();
        if text_in.trim().is_empty() {
            errors.add(
                "schema_json",
                text(&state, visitor, "schema.error_import_empty", &[])?,
            );
        } else {
            match serde_json::from_str::<Value>(&text_in) {
                Err(e) => {
                    let (line, column) = (e.line().to_string(), e.column().to_string());
                    let m = text(
                        &state,
                        visitor,
                        "schema.error_import_json",
                        &[("line", line.as_str()), ("column", column.as_str())],
                    )?;
                    errors.add("schema_json", m);
                }
                Ok(schema) => {
                    let columns = schema["fields"].as_array().map_or(0, Vec::len).to_string();
                    match state
                        .catalog
                        .set_dataset_schema(&visitor.actor, &slug, schema)
                        .await
                    {
                        Ok(_) => {
                            return Ok(see_other_with(
                                &state,
                                &visitor.url(&format!("/kelola/dataset/{slug}/skema")),
                                &Flash::ok("schema.imported_flash", &[("n", columns.as_str())]),
                            ));
                        }
                        Err(e) => errors.refused(visitor, e, |_| "schema_json".into())?,
                    }
                }
            }
        }
        render(
            &state,
            visitor,
            &slug,
            Posting::Import(text_in),
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await
    };
    state.respond(visitor, page).await
}

/// What a refused form sent, shown again.
enum Posting {
    None,
    Columns(Vec<Column>),
    Import(String),
}

/// The Table Schema of the posted rows over the stored one: each column keeps the stored
/// field's other properties (description, constraints other than `required` …), the schema its
/// other keys (`missingValues`, `uniqueKeys` …); a bound column takes its variable's type.
fn schema_of(columns: &[Column], stored: &Value) -> Value {
    let fields: Vec<Value> = columns
        .iter()
        .map(|c| {
            let mut f: Map<String, Value> = stored["fields"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|f| f["name"].as_str() == Some(c.name.as_str()))
                .and_then(|f| f.as_object().cloned())
                .unwrap_or_default();
            f.insert("name".into(), json!(c.name));
            if c.standar.is_empty() {
                f.insert("type".into(), json!(c.kind));
                f.remove("standar_data");
            } else {
                f.remove("type");
                f.insert("standar_data".into(), json!(c.standar));
            }
            if c.title.is_empty() {
                f.remove("title");
            } else {
                f.insert("title".into(), json!(c.title));
            }
            let mut constraints = f
                .remove("constraints")
                .and_then(|v| v.as_object().cloned())
                .unwrap_or_default();
            if c.required {
                constraints.insert("required".into(), json!(true));
            } else {
                constraints.remove("required");
            }
            if !constraints.is_empty() {
                f.insert("constraints".into(), Value::Object(constraints));
            }
            Value::Object(f)
        })
        .collect();
    let key: Vec<&str> = columns
        .iter()
        .filter(|c| c.key)
        .map(|c| c.name.as_str())
        .collect();
    let mut schema = stored.as_object().cloned().unwrap_or_default();
    schema.insert("fields".into(), Value::Array(fields));
    if key.is_empty() {
        schema.remove("primaryKey");
    } else {
        schema.insert("primaryKey".into(), json!(key));
    }
    Value::Object(schema)
}

#[cfg(test)]
mod tests {
    use super::{Column, schema_of};
    use serde_json::json;

    #[test]
    fn what_the_editor_does_not_show_is_kept() {
        let stored = json!({"fields": [
            {"name": "jumlah", "type": "integer", "description": "Jumlah jiwa",
             "constraints": {"minimum": 0, "required": true}}],
            "missingValues": ["", "-"], "primaryKey": ["jumlah"]});
        let column = Column {
            name: "jumlah".into(),
            standar: String::new(),
            kind: "number".into(),
            title: "Jumlah".into(),
            required: false,
            key: false,
            sample: Vec::new(),
            suggested: None,
            more: None,
        };
        let schema = schema_of(&[column], &stored);
        assert_eq!(
            schema,
            json!({"fields": [{"name": "jumlah", "type": "number", "description": "Jumlah jiwa",
                               "title": "Jumlah", "constraints": {"minimum": 0}}],
                   "missingValues": ["", "-"]})
        );
    }
}
