//! `GET/POST /kelola/dataset/baru` (create) and `GET/POST /kelola/dataset/{slug}/metadata`
//! (edit): the metadata form, grouped like the national metadata (SDI fields, MS-Ind, MS-Keg).
//! The form's fields map onto the API's `DatasetInput` (`msind_*` → `msind.*`, `mskeg_*` →
//! `mskeg.*`); the catalog checks them as it checks the API's. Required fields and dates are
//! checked here first, so that every such error is listed at once; the catalog's own refusal
//! (a vocabulary value, a region code …) is shown at its field. The input is always kept.

mod fields;

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use satudata_catalog::datasets::DatasetRecord;
use satudata_catalog::national::MSKEG_KEYS;
use satudata_catalog::paging::Page;
use satudata_catalog::{Role, vocab};
use serde::Serialize;

use super::{
    Errors, FormError, Posted, SelectOption, WsDataset, no_store, see_other_with, text, with_role,
    ws_dataset,
};
use fields::{
    MskegGroup, blank, field_of, form_has_organization, form_of, form_of_post, input_of,
    mskeg_groups,
};

use crate::respond::{PageResult, WebError};
use crate::session::Flash;
use crate::state::{Visitor, WebState};

const EDITORS: [Role; 3] = [Role::Produsen, Role::Walidata, Role::Admin];

#[derive(Debug, Serialize)]
struct Vocab {
    topik: &'static [&'static str],
    frekuensi: &'static [&'static str],
    akses: &'static [&'static str],
    tingkat: &'static [&'static str],
}

#[derive(Debug, Serialize)]
struct FormPage {
    mode: &'static str,
    action_url: String,
    ws: Option<WsDataset>,
    tab: &'static str,
    form: BTreeMap<String, String>,
    errors: Vec<FormError>,
    field_errors: BTreeMap<String, String>,
    organizations: Option<Vec<SelectOption>>,
    own_opd: Option<String>,
    vocab: Vocab,
    licenses: Vec<SelectOption>,
    mskeg_groups: Vec<MskegGroup>,
    mskeg_filled: usize,
    mskeg_open: bool,
}

/// The licences the catalog accepts, with their names (`license.*`).
fn licenses(state: &WebState, visitor: &Visitor) -> Result<Vec<SelectOption>, WebError> {
    vocab::LICENSE
        .values
        .iter()
        .map(|v| {
            let key = format!("license.{}", crate::filters::key(v));
            Ok(SelectOption {
                value: (*v).to_owned(),
                label: text(state, visitor, &key, &[])?,
            })
        })
        .collect()
}

struct Mode<'a> {
    /// The dataset being edited (None: a new one).
    record: Option<&'a DatasetRecord>,
    newest: Option<&'a satudata_catalog::entity::dataset_version::Model>,
}

async fn render(
    state: &WebState,
    visitor: &Visitor,
    mode: Mode<'_>,
    form: BTreeMap<String, String>,
    errors: Errors,
    status: StatusCode,
) -> PageResult {
    let me = with_role(visitor, &EDITORS)?;
    let (organizations, own_opd) = if me.role == Role::Produsen {
        let own = match me.organization_id {
            Some(id) => Some(state.catalog.organization_by_id(id).await?.name),
            None => None,
        };
        (None, own)
    } else {
        let page = Page {
            limit: 1000,
            offset: 0,
        };
        let all = state.catalog.list_organizations(page).await?;
        let options = all
            .items
            .into_iter()
            .map(|o| SelectOption {
                value: o.slug,
                label: o.name,
            })
            .collect();
        (Some(options), None)
    };
    let mskeg_filled = MSKEG_KEYS
        .iter()
        .filter(|k| {
            form.get(&format!("mskeg_{k}"))
                .is_some_and(|v| !v.is_empty())
        })
        .count();
    let mskeg_error = errors.by_field.keys().any(|k| k.starts_with("mskeg_"));
    let (mode_name, action_url, ws) = match mode.record {
        Some(record) => (
            "edit",
            visitor.url(&format!("/kelola/dataset/{}/metadata", record.dataset.slug)),
            Some(ws_dataset(visitor, record, mode.newest)),
        ),
        None => ("create", visitor.url("/kelola/dataset/baru"), None),
    };
    let body = FormPage {
        mode: mode_name,
        action_url,
        ws,
        tab: "metadata",
        form,
        errors: errors.list,
        field_errors: errors.by_field,
        organizations,
        own_opd,
        vocab: Vocab {
            topik: vocab::TOPIK.values,
            frekuensi: vocab::FREKUENSI.values,
            akses: vocab::AKSES.values,
            tingkat: vocab::TINGKAT_PENYAJIAN.values,
        },
        licenses: licenses(state, visitor)?,
        mskeg_groups: mskeg_groups(),
        mskeg_filled,
        mskeg_open: mskeg_filled > 0 || mskeg_error,
    };
    let frame = state.frame(visitor, "kelola", true).await?;
    Ok(no_store(state.page(
        visitor,
        &frame,
        "workspace/dataset_form.html",
        &body,
        status,
    )?))
}

/// `GET /kelola/dataset/baru`.
pub(crate) async fn new(State(state): State<WebState>, visitor: Visitor) -> Response {
    let page = render(
        &state,
        &visitor,
        Mode {
            record: None,
            newest: None,
        },
        blank(),
        Errors::default(),
        StatusCode::OK,
    );
    state.respond(&visitor, page).await
}

/// `GET /kelola/dataset/{slug}/metadata`.
pub(crate) async fn edit(
    State(state): State<WebState>,
    Path(slug): Path<String>,
    visitor: Visitor,
) -> Response {
    let page = async {
        with_role(&visitor, &EDITORS)?;
        let record = state.catalog.dataset(&visitor.actor, &slug).await?;
        visitor
            .actor
            .require_dataset_writer(record.dataset.organization_id)?;
        let versions = state.catalog.list_versions(&visitor.actor, &slug).await?;
        let form = form_of(&record);
        let mode = Mode {
            record: Some(&record),
            newest: versions.first(),
        };
        render(
            &state,
            &visitor,
            mode,
            form,
            Errors::default(),
            StatusCode::OK,
        )
        .await
    };
    state.respond(&visitor, page).await
}

/// `POST /kelola/dataset/baru`: creates the dataset → 303 to its overview.
pub(crate) async fn create(State(state): State<WebState>, posted: Posted) -> Response {
    let visitor = &posted.visitor;
    let page = async {
        let me = with_role(visitor, &EDITORS)?;
        let own = match (me.role, me.organization_id) {
            (Role::Produsen, Some(id)) => Some(state.catalog.organization_by_id(id).await?.slug),
            _ => None,
        };
        let form = form_of_post(&posted);
        let mut errors = Errors::default();
        let input = input_of(&state, visitor, &form, own.as_deref(), &mut errors)?;
        let mode = || Mode {
            record: None,
            newest: None,
        };
        if errors.is_empty() {
            match state.catalog.create_dataset(&visitor.actor, input).await {
                Ok(record) => {
                    return Ok(see_other_with(
                        &state,
                        &visitor.url(&format!("/kelola/dataset/{}", record.dataset.slug)),
                        &Flash::ok("dsform.created_flash", &[("title", &record.dataset.title)]),
                    ));
                }
                Err(e) => errors.refused(visitor, e, field_of)?,
            }
        }
        render(
            &state,
            visitor,
            mode(),
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await
    };
    state.respond(visitor, page).await
}

/// `POST /kelola/dataset/{slug}/metadata`: saves the metadata → 303 to the overview.
pub(crate) async fn save(
    State(state): State<WebState>,
    Path(slug): Path<String>,
    posted: Posted,
) -> Response {
    let visitor = &posted.visitor;
    let page = async {
        with_role(visitor, &EDITORS)?;
        let record = state.catalog.dataset(&visitor.actor, &slug).await?;
        visitor
            .actor
            .require_dataset_writer(record.dataset.organization_id)?;
        let versions = state.catalog.list_versions(&visitor.actor, &slug).await?;
        let mut form = form_of_post(&posted);
        // A produsen's OPD cannot change.
        if !form_has_organization(visitor) {
            form.insert("organization".into(), record.organization.slug.clone());
        }
        let mut errors = Errors::default();
        let mut input = input_of(&state, visitor, &form, None, &mut errors)?;
        input.slug = None;
        let mode = || Mode {
            record: Some(&record),
            newest: versions.first(),
        };
        if errors.is_empty() {
            match state
                .catalog
                .update_dataset(&visitor.actor, &slug, input)
                .await
            {
                Ok(saved) => {
                    return Ok(see_other_with(
                        &state,
                        &visitor.url(&format!("/kelola/dataset/{slug}")),
                        &Flash::ok("dsform.saved_flash", &[("title", &saved.dataset.title)]),
                    ));
                }
                Err(e) => errors.refused(visitor, e, field_of)?,
            }
        }
        render(
            &state,
            visitor,
            mode(),
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await
    };
    state.respond(visitor, page).await
}
