//! `/kelola/standar-data`: the Standar Data registry, editable by the walidata, a pembina and
//! admins — the variables (`…/variabel/baru`, `…/variabel/{kode}`) and the code lists
//! (`…/klasifikasi/baru`, `…/klasifikasi/{slug}`, one `code;label` a line). The forms become
//! the API's `StandardInput` and `CodeListInput`; the catalog checks them.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use satudata_catalog::Role;
use satudata_catalog::standards::StandardInput;
use serde::Serialize;
use serde_json::Value;

mod code_lists;

pub(crate) use code_lists::{create_code_list, edit_code_list, new_code_list, update_code_list};

use super::{
    Errors, FormError, Posted, SelectOption, form_field, no_store, optional, see_other_with, text,
    with_role,
};
use crate::respond::{PageResult, WebError};
use crate::session::Flash;
use crate::state::{Visitor, WebState};

pub(super) const EDITORS: [Role; 3] = [Role::Walidata, Role::Admin, Role::Pembina];
use super::FIELD_TYPES as TYPES;
const VARIABLE_FIELDS: [&str; 11] = [
    "kode",
    "nama",
    "konsep",
    "definisi",
    "tipe_data",
    "code_list",
    "ukuran",
    "satuan",
    "minimum",
    "maximum",
    "pattern",
];

#[derive(Debug, Serialize)]
struct VariableRow {
    kode: String,
    nama: String,
    tipe_data: String,
    code_list: Option<String>,
    satuan: Option<String>,
    used_by: u64,
    edit_url: String,
}

#[derive(Debug, Serialize)]
struct CodeListRow {
    slug: String,
    name: String,
    count: usize,
    edit_url: String,
}

#[derive(Debug, Serialize)]
struct Registry {
    variables: Vec<VariableRow>,
    code_lists: Vec<CodeListRow>,
    new_variable_url: String,
    new_code_list_url: String,
}

#[derive(Debug, Serialize)]
struct FormPage {
    kind: &'static str,
    mode: &'static str,
    action_url: String,
    form: BTreeMap<String, String>,
    code_lists: Vec<SelectOption>,
    types: [&'static str; 6],
    errors: Vec<FormError>,
    field_errors: BTreeMap<String, String>,
}

fn type_of(t: &str) -> String {
    if TYPES.contains(&t) { t } else { "string" }.to_owned()
}

/// `GET /kelola/standar-data`.
pub(crate) async fn list(State(state): State<WebState>, visitor: Visitor) -> Response {
    let page = async {
        with_role(&visitor, &EDITORS)?;
        let variables = state.catalog.list_standards().await?;
        let code_lists = state.catalog.list_code_lists().await?;
        let used = state.catalog.standards_use(&visitor.actor).await?;
        let names: BTreeMap<i32, String> =
            code_lists.iter().map(|c| (c.id, c.name.clone())).collect();
        let body = Registry {
            variables: variables
                .into_iter()
                .map(|v| VariableRow {
                    edit_url: visitor.url(&format!("/kelola/standar-data/variabel/{}", v.kode)),
                    used_by: used.get(&v.kode).copied().unwrap_or(0),
                    code_list: v.code_list_id.and_then(|id| names.get(&id).cloned()),
                    tipe_data: type_of(&v.tipe_data),
                    kode: v.kode,
                    nama: v.nama,
                    satuan: v.satuan,
                })
                .collect(),
            code_lists: code_lists
                .into_iter()
                .map(|c| CodeListRow {
                    edit_url: visitor.url(&format!("/kelola/standar-data/klasifikasi/{}", c.slug)),
                    count: c.items.as_array().map_or(0, Vec::len),
                    slug: c.slug,
                    name: c.name,
                })
                .collect(),
            new_variable_url: visitor.url("/kelola/standar-data/variabel/baru"),
            new_code_list_url: visitor.url("/kelola/standar-data/klasifikasi/baru"),
        };
        let frame = state.frame(&visitor, "tinjauan", true).await?;
        Ok(no_store(state.page(
            &visitor,
            &frame,
            "workspace/standards.html",
            &body,
            StatusCode::OK,
        )?))
    };
    state.respond(&visitor, page).await
}

pub(super) struct Form {
    pub kind: &'static str,
    /// The variable's kode or the list's slug when editing.
    pub key: Option<String>,
    pub values: BTreeMap<String, String>,
}

pub(super) async fn render(
    state: &WebState,
    visitor: &Visitor,
    form: Form,
    errors: Errors,
    status: StatusCode,
) -> PageResult {
    with_role(visitor, &EDITORS)?;
    let segment = if form.kind == "variable" {
        "variabel"
    } else {
        "klasifikasi"
    };
    let action_url = visitor.url(&format!(
        "/kelola/standar-data/{segment}/{}",
        form.key.as_deref().unwrap_or("baru")
    ));
    let code_lists = state
        .catalog
        .list_code_lists()
        .await?
        .into_iter()
        .map(|c| SelectOption {
            value: c.slug,
            label: c.name,
        })
        .collect();
    let body = FormPage {
        kind: form.kind,
        mode: if form.key.is_some() { "edit" } else { "create" },
        action_url,
        form: form.values,
        code_lists,
        types: TYPES,
        errors: errors.list,
        field_errors: errors.by_field,
    };
    let frame = state.frame(visitor, "tinjauan", true).await?;
    Ok(no_store(state.page(
        visitor,
        &frame,
        "workspace/standard_form.html",
        &body,
        status,
    )?))
}

pub(super) fn blank(fields: &[&str]) -> BTreeMap<String, String> {
    fields
        .iter()
        .map(|f| ((*f).to_owned(), String::new()))
        .collect()
}

fn number(v: &Value) -> String {
    v.as_f64().map(|n| n.to_string()).unwrap_or_default()
}

/// `GET /kelola/standar-data/variabel/baru` and `…/variabel/{kode}`.
async fn variable(state: WebState, key: Option<String>, visitor: Visitor) -> Response {
    let page = async {
        with_role(&visitor, &EDITORS)?;
        let mut values = blank(&VARIABLE_FIELDS);
        if let Some(kode) = &key {
            let v = state.catalog.standard(kode).await?;
            let slug = match v.code_list_id {
                Some(id) => state.catalog.code_list_slug(id).await?.unwrap_or_default(),
                None => String::new(),
            };
            let opt = |o: &Option<String>| o.clone().unwrap_or_default();
            for (k, val) in [
                ("kode", v.kode.clone()),
                ("nama", v.nama.clone()),
                ("konsep", opt(&v.konsep)),
                ("definisi", opt(&v.definisi)),
                ("tipe_data", type_of(&v.tipe_data)),
                ("code_list", slug),
                ("ukuran", opt(&v.ukuran)),
                ("satuan", opt(&v.satuan)),
                ("minimum", number(&v.aturan["minimum"])),
                ("maximum", number(&v.aturan["maximum"])),
                (
                    "pattern",
                    v.aturan["pattern"].as_str().unwrap_or_default().to_owned(),
                ),
            ] {
                values.insert(k.to_owned(), val);
            }
        } else {
            values.insert("tipe_data".into(), "string".into());
        }
        let form = Form {
            kind: "variable",
            key,
            values,
        };
        render(&state, &visitor, form, Errors::default(), StatusCode::OK).await
    };
    state.respond(&visitor, page).await
}

/// A decimal as a steward writes it (`12,5` or `12.5`).
fn decimal(v: &str) -> Result<Option<f64>, ()> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    v.replace(',', ".").parse::<f64>().map(Some).map_err(|_| ())
}

/// The form field a catalog refusal is about: a code list's `items[3]` is the `codes` box;
/// anything else not on the form goes to the name (after the fixed key).
pub(super) fn field_of(path: &str, fields: &[&str]) -> String {
    let fallback = fields[usize::from(fields[0] == "kode" || fields[0] == "slug")];
    let path = if path.starts_with("items") {
        "codes"
    } else {
        path
    };
    form_field(path, fields, fallback)
}

/// `POST /kelola/standar-data/variabel/baru` and `…/variabel/{kode}`.
async fn save_variable(state: WebState, key: Option<String>, posted: Posted) -> Response {
    let visitor = &posted.visitor;
    let page = async {
        with_role(visitor, &EDITORS)?;
        let mut values: BTreeMap<String, String> = VARIABLE_FIELDS
            .iter()
            .map(|f| ((*f).to_owned(), posted.get(f).trim().to_owned()))
            .collect();
        if let Some(kode) = &key {
            values.insert("kode".into(), kode.clone());
        }
        let get = |k: &str| values.get(k).cloned().unwrap_or_default();
        let mut errors = Errors::default();
        let required = |k: &str, label: &str| -> Result<Option<String>, WebError> {
            if get(k).is_empty() {
                let label = text(&state, visitor, label, &[])?;
                Ok(Some(text(
                    &state,
                    visitor,
                    "dsform.error_required",
                    &[("field", label.as_str())],
                )?))
            } else {
                Ok(None)
            }
        };
        if key.is_none()
            && let Some(m) = required("kode", "standards.kode")?
        {
            errors.add("kode", m);
        }
        if let Some(m) = required("nama", "standards.nama")? {
            errors.add("nama", m);
        }
        let mut bound = |k: &str| match decimal(&get(k)) {
            Ok(n) => Ok(n),
            Err(()) => text(&state, visitor, "stdedit.error_number", &[]).map(|m| {
                errors.add(k, m);
                None
            }),
        };
        let minimum = bound("minimum")?;
        let maximum = bound("maximum")?;
        let input = StandardInput {
            kode: key.is_none().then(|| get("kode")),
            nama: get("nama"),
            konsep: optional(&get("konsep")),
            definisi: optional(&get("definisi")),
            tipe_data: get("tipe_data"),
            code_list: optional(&get("code_list")),
            ukuran: optional(&get("ukuran")),
            satuan: optional(&get("satuan")),
            minimum,
            maximum,
            pattern: optional(&get("pattern")),
        };
        let form = |values| Form {
            kind: "variable",
            key: key.clone(),
            values,
        };
        if !errors.is_empty() {
            return render(
                &state,
                visitor,
                form(values),
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        let saved = match &key {
            Some(kode) => {
                state
                    .catalog
                    .replace_standard(&visitor.actor, kode, input)
                    .await
            }
            None => state.catalog.create_standard(&visitor.actor, input).await,
        };
        match saved {
            Ok(v) => {
                return Ok(see_other_with(
                    &state,
                    &visitor.url("/kelola/standar-data"),
                    &Flash::ok("stdedit.saved_flash", &[("name", &v.kode)]),
                ));
            }
            Err(e) => errors.refused(visitor, e, |f| field_of(f, &VARIABLE_FIELDS))?,
        }
        render(
            &state,
            visitor,
            form(values),
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await
    };
    state.respond(visitor, page).await
}

/// `GET /kelola/standar-data/variabel/baru`.
pub(crate) async fn new_variable(State(state): State<WebState>, visitor: Visitor) -> Response {
    variable(state, None, visitor).await
}

/// `GET /kelola/standar-data/variabel/{kode}`.
pub(crate) async fn edit_variable(
    State(state): State<WebState>,
    Path(kode): Path<String>,
    visitor: Visitor,
) -> Response {
    variable(state, Some(kode), visitor).await
}

/// `POST /kelola/standar-data/variabel/baru`.
pub(crate) async fn create_variable(State(state): State<WebState>, posted: Posted) -> Response {
    save_variable(state, None, posted).await
}

/// `POST /kelola/standar-data/variabel/{kode}`.
pub(crate) async fn update_variable(
    State(state): State<WebState>,
    Path(kode): Path<String>,
    posted: Posted,
) -> Response {
    save_variable(state, Some(kode), posted).await
}
