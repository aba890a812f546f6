//! The code lists of the Standar Data registry: `…/klasifikasi/baru` and
//! `…/klasifikasi/{slug}`, one `code;label` a line (a bad or repeated line is named by its
//! number), through the catalog's `CodeListInput`.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use satudata_catalog::standards::{CodeItem, CodeListInput};

use super::super::optional;
use super::super::{Errors, Posted, see_other_with, text, with_role};
use super::{EDITORS, Form, blank, field_of, render};
use crate::respond::WebError;
use crate::session::Flash;
use crate::state::{Visitor, WebState};

const CODE_LIST_FIELDS: [&str; 4] = ["slug", "name", "description", "codes"];

/// `GET /kelola/standar-data/klasifikasi/baru` and `…/klasifikasi/{slug}`.
async fn code_list(state: WebState, key: Option<String>, visitor: Visitor) -> Response {
    let page = async {
        with_role(&visitor, &EDITORS)?;
        let mut values = blank(&CODE_LIST_FIELDS);
        if let Some(slug) = &key {
            let c = state.catalog.code_list(slug).await?;
            let items: Vec<CodeItem> = serde_json::from_value(c.items.clone()).unwrap_or_default();
            let codes: Vec<String> = items
                .iter()
                .map(|i| format!("{};{}", i.code, i.label))
                .collect();
            values.insert("slug".into(), c.slug);
            values.insert("name".into(), c.name);
            values.insert("description".into(), c.description.unwrap_or_default());
            values.insert("codes".into(), codes.join("\n"));
        }
        let form = Form {
            kind: "code_list",
            key,
            values,
        };
        render(&state, &visitor, form, Errors::default(), StatusCode::OK).await
    };
    state.respond(&visitor, page).await
}

/// The values of the `codes` textarea (`code;label` a line, blank lines skipped); a line
/// without a `;` or a repeated code is an error naming the line.
fn parse_codes(
    state: &WebState,
    visitor: &Visitor,
    codes: &str,
) -> Result<Result<Vec<CodeItem>, String>, WebError> {
    let mut items: Vec<CodeItem> = Vec::new();
    for (i, line) in codes.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let n = (i + 1).to_string();
        let Some((code, label)) = line.split_once(';') else {
            return Ok(Err(text(
                state,
                visitor,
                "stdedit.error_line",
                &[("n", &n)],
            )?));
        };
        let (code, label) = (code.trim(), label.trim());
        if code.is_empty() || label.is_empty() {
            return Ok(Err(text(
                state,
                visitor,
                "stdedit.error_line",
                &[("n", &n)],
            )?));
        }
        if items.iter().any(|x| x.code == code) {
            return Ok(Err(text(
                state,
                visitor,
                "stdedit.error_duplicate",
                &[("n", &n), ("code", code)],
            )?));
        }
        items.push(CodeItem {
            code: code.to_owned(),
            label: label.to_owned(),
        });
    }
    Ok(Ok(items))
}

/// `POST /kelola/standar-data/klasifikasi/baru` and `…/klasifikasi/{slug}`.
async fn save_code_list(state: WebState, key: Option<String>, posted: Posted) -> Response {
    let visitor = &posted.visitor;
    let page = async {
        with_role(visitor, &EDITORS)?;
        let mut values: BTreeMap<String, String> = CODE_LIST_FIELDS
            .iter()
            .map(|f| ((*f).to_owned(), posted.get(f).trim().to_owned()))
            .collect();
        if let Some(slug) = &key {
            values.insert("slug".into(), slug.clone());
        }
        let get = |k: &str| values.get(k).cloned().unwrap_or_default();
        let mut errors = Errors::default();
        for (k, label) in [
            ("slug", "stdedit.slug"),
            ("name", "standards.nama"),
            ("codes", "stdedit.items"),
        ] {
            if get(k).is_empty() && !(k == "slug" && key.is_some()) {
                let label = text(&state, visitor, label, &[])?;
                errors.add(
                    k,
                    text(
                        &state,
                        visitor,
                        "dsform.error_required",
                        &[("field", label.as_str())],
                    )?,
                );
            }
        }
        let items = match parse_codes(&state, visitor, &get("codes"))? {
            Ok(items) => items,
            Err(m) => {
                errors.add("codes", m);
                Vec::new()
            }
        };
        let form = |values| Form {
            kind: "code_list",
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
        let input = CodeListInput {
            slug: key.is_none().then(|| get("slug")),
            name: get("name"),
            description: optional(&get("description")),
            items,
        };
        let saved = match &key {
            Some(slug) => {
                state
                    .catalog
                    .replace_code_list(&visitor.actor, slug, input)
                    .await
            }
            None => state.catalog.create_code_list(&visitor.actor, input).await,
        };
        match saved {
            Ok(c) => {
                return Ok(see_other_with(
                    &state,
                    &visitor.url("/kelola/standar-data"),
                    &Flash::ok("stdedit.saved_flash", &[("name", &c.name)]),
                ));
            }
            Err(e) => errors.refused(visitor, e, |f| field_of(f, &CODE_LIST_FIELDS))?,
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

/// `GET /kelola/standar-data/klasifikasi/baru`.
pub(crate) async fn new_code_list(State(state): State<WebState>, visitor: Visitor) -> Response {
    code_list(state, None, visitor).await
}

/// `GET /kelola/standar-data/klasifikasi/{slug}`.
pub(crate) async fn edit_code_list(
    State(state): State<WebState>,
    Path(slug): Path<String>,
    visitor: Visitor,
) -> Response {
    code_list(state, Some(slug), visitor).await
}

/// `POST /kelola/standar-data/klasifikasi/baru`.
pub(crate) async fn create_code_list(State(state): State<WebState>, posted: Posted) -> Response {
    save_code_list(state, None, posted).await
}

/// `POST /kelola/standar-data/klasifikasi/{slug}`.
pub(crate) async fn update_code_list(
    State(state): State<WebState>,
    Path(slug): Path<String>,
    posted: Posted,
) -> Response {
    save_code_list(state, Some(slug), posted).await
}
