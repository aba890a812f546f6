//! `GET /standar-data`: the Standar Data registry, variables and code lists.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;
use serde_json::Value;

use crate::filters::{format_float, format_int};
use crate::respond::PageResult;
use crate::state::{Visitor, WebState};

#[derive(Debug, Serialize)]
struct CodeListLink {
    slug: String,
    name: String,
}

#[derive(Debug, Serialize)]
struct VariableRow {
    kode: String,
    nama: String,
    konsep: Option<String>,
    definisi: Option<String>,
    tipe_data: String,
    code_list: Option<CodeListLink>,
    ukuran: Option<String>,
    satuan: Option<String>,
    rules: Vec<String>,
    used_by: u64,
}

#[derive(Debug, Serialize, serde::Deserialize)]
struct Code {
    code: String,
    label: String,
}

#[derive(Debug, Serialize)]
struct CodeList {
    slug: String,
    name: String,
    description: Option<String>,
    codes: Vec<Code>,
}

#[derive(Debug, Serialize)]
struct Body {
    q: String,
    variables: Vec<VariableRow>,
    code_lists: Vec<CodeList>,
    can_edit: bool,
}

pub(crate) async fn show(State(state): State<WebState>, visitor: Visitor) -> Response {
    state.respond(&visitor, page(&state, &visitor)).await
}

fn matches(q: &str, texts: &[&str]) -> bool {
    q.is_empty() || texts.iter().any(|t| t.to_lowercase().contains(q))
}

async fn page(state: &WebState, visitor: &Visitor) -> PageResult {
    let q = visitor
        .pairs()
        .into_iter()
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default();
    let wanted = q.to_lowercase();
    let catalogue = state.renderer.catalogue(visitor.lang)?;
    let lists = state.catalog.list_code_lists().await?;
    let used = state.catalog.standards_use(&visitor.actor).await?;
    let rule = |key: &str, v: &Value| -> Result<String, minijinja::Error> {
        let text = match v {
            Value::String(s) => s.clone(),
            Value::Number(n) => match (n.as_i64(), n.as_f64()) {
                (Some(i), _) => format_int(visitor.lang, i128::from(i), 0),
                (None, Some(f)) => format_float(visitor.lang, f, None),
                _ => n.to_string(),
            },
            other => other.to_string(),
        };
        catalogue.text(key, &[("v", &text)])
    };
    let mut variables = Vec::new();
    for v in state.catalog.list_standards().await? {
        if !matches(&wanted, &[&v.kode, &v.nama]) {
            continue;
        }
        let mut rules = Vec::new();
        for (name, key) in [
            ("minimum", "standards.rule_min"),
            ("maximum", "standards.rule_max"),
            ("pattern", "standards.rule_pattern"),
        ] {
            if let Some(value) = v.aturan.get(name) {
                rules.push(rule(key, value)?);
            }
        }
        let tipe_data = match v.tipe_data.as_str() {
            t @ ("string" | "integer" | "number" | "boolean" | "date" | "year") => t.to_owned(),
            _ => "string".to_owned(),
        };
        variables.push(VariableRow {
            code_list: v
                .code_list_id
                .and_then(|id| lists.iter().find(|l| l.id == id))
                .map(|l| CodeListLink {
                    slug: l.slug.clone(),
                    name: l.name.clone(),
                }),
            used_by: used.get(&v.kode).copied().unwrap_or_default(),
            kode: v.kode,
            nama: v.nama,
            konsep: v.konsep,
            definisi: v.definisi,
            tipe_data,
            ukuran: v.ukuran,
            satuan: v.satuan,
            rules,
        });
    }
    let code_lists = lists
        .into_iter()
        .filter(|l| matches(&wanted, &[&l.slug, &l.name]))
        .map(|l| CodeList {
            codes: serde_json::from_value(l.items).unwrap_or_default(),
            slug: l.slug,
            name: l.name,
            description: l.description,
        })
        .collect();
    let body = Body {
        q,
        variables,
        code_lists,
        can_edit: false,
    };
    let frame = state.frame(visitor, "standar", false).await?;
    state.page(
        visitor,
        &frame,
        "public/standards.html",
        &body,
        StatusCode::OK,
    )
}
