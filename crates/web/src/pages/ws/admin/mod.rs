//! The portal's administration: OPDs (`/kelola/admin/opd`, admin and walidata), accounts
//! (`accounts.rs`, admin) and the portal's description (`/kelola/admin/portal`, admin). Each
//! form goes through the catalog method the API uses; a refusal is shown at its field.

mod accounts;

pub(crate) use accounts::{
    account, accounts, create_account, reset_password, revoke_tokens, save_account,
};

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use satudata_catalog::organizations::{NewOrganization, OrganizationPatch};
use satudata_catalog::paging::Page;
use satudata_catalog::portal::PortalPatch;
use satudata_catalog::{Role, vocab};
use serde::Serialize;

use super::{
    Errors, FormError, Posted, form_field, no_store, optional, see_other_with, text, with_role,
};
use crate::respond::{PageResult, WebError};
use crate::session::Flash;
use crate::state::{Visitor, WebState};

const OPD_EDITORS: [Role; 2] = [Role::Admin, Role::Walidata];
const OPD_FIELDS: [&str; 9] = [
    "slug",
    "name",
    "short_name",
    "kind",
    "email",
    "phone",
    "website",
    "address",
    "description",
];
const PORTAL_FIELDS: [&str; 8] = [
    "name",
    "region_code",
    "contact_name",
    "contact_email",
    "bbox_west",
    "bbox_south",
    "bbox_east",
    "bbox_north",
];

/// The form's values of `fields` as posted (trimmed).
pub(super) fn posted_form(posted: &Posted, fields: &[&str]) -> BTreeMap<String, String> {
    fields
        .iter()
        .map(|f| ((*f).to_owned(), posted.get(f).trim().to_owned()))
        .collect()
}

#[derive(Debug, Serialize)]
struct OpdRow {
    slug: String,
    name: String,
    short_name: Option<String>,
    kind: String,
    datasets: u64,
    accounts: u64,
    edit_url: String,
}

#[derive(Debug, Serialize)]
struct OpdRef {
    slug: String,
    name: String,
    action_url: String,
}

#[derive(Debug, Serialize)]
struct OpdPage {
    opds: Vec<OpdRow>,
    kinds: &'static [&'static str],
    opd: Option<OpdRef>,
    form: BTreeMap<String, String>,
    errors: Vec<FormError>,
    field_errors: BTreeMap<String, String>,
}

async fn opd_page(
    state: &WebState,
    visitor: &Visitor,
    editing: Option<&str>,
    form: Option<BTreeMap<String, String>>,
    errors: Errors,
    status: StatusCode,
) -> PageResult {
    with_role(visitor, &OPD_EDITORS)?;
    let (opd, form, template) = match editing {
        Some(slug) => {
            let o = state.catalog.organization(slug).await?;
            let stored: BTreeMap<String, String> = [
                ("slug", o.slug.clone()),
                ("name", o.name.clone()),
                ("short_name", o.short_name.clone().unwrap_or_default()),
                ("kind", o.kind.clone()),
                ("email", o.email.clone().unwrap_or_default()),
                ("phone", o.phone.clone().unwrap_or_default()),
                ("website", o.website.clone().unwrap_or_default()),
                ("address", o.address.clone().unwrap_or_default()),
                ("description", o.description.clone().unwrap_or_default()),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
            let opd = OpdRef {
                action_url: visitor.url(&format!("/kelola/admin/opd/{}", o.slug)),
                slug: o.slug,
                name: o.name,
            };
            (Some(opd), form.unwrap_or(stored), "admin/opd_form.html")
        }
        None => {
            let mut blank: BTreeMap<String, String> = OPD_FIELDS
                .iter()
                .map(|f| ((*f).to_owned(), String::new()))
                .collect();
            blank.insert("kind".into(), "dinas".into());
            (None, form.unwrap_or(blank), "admin/opds.html")
        }
    };
    let opds = if editing.is_none() {
        let usage = state.catalog.organization_usage(&visitor.actor).await?;
        let all = state
            .catalog
            .list_organizations(Page {
                limit: 1000,
                offset: 0,
            })
            .await?;
        all.items
            .into_iter()
            .map(|o| {
                let (datasets, accounts) = usage.get(&o.id).copied().unwrap_or_default();
                OpdRow {
                    edit_url: visitor.url(&format!("/kelola/admin/opd/{}", o.slug)),
                    slug: o.slug,
                    name: o.name,
                    short_name: o.short_name,
                    kind: o.kind,
                    datasets,
                    accounts,
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let body = OpdPage {
        opds,
        kinds: vocab::ORGANIZATION_KIND.values,
        opd,
        form,
        errors: errors.list,
        field_errors: errors.by_field,
    };
    let frame = state.frame(visitor, "admin", true).await?;
    Ok(no_store(
        state.page(visitor, &frame, template, &body, status)?,
    ))
}

/// `GET /kelola/admin/opd`.
pub(crate) async fn opds(State(state): State<WebState>, visitor: Visitor) -> Response {
    let page = opd_page(
        &state,
        &visitor,
        None,
        None,
        Errors::default(),
        StatusCode::OK,
    );
    state.respond(&visitor, page).await
}

/// `GET /kelola/admin/opd/{slug}`.
pub(crate) async fn opd(
    State(state): State<WebState>,
    Path(slug): Path<String>,
    visitor: Visitor,
) -> Response {
    let page = opd_page(
        &state,
        &visitor,
        Some(&slug),
        None,
        Errors::default(),
        StatusCode::OK,
    );
    state.respond(&visitor, page).await
}

fn required(
    state: &WebState,
    visitor: &Visitor,
    form: &BTreeMap<String, String>,
    fields: &[(&str, &str)],
    errors: &mut Errors,
) -> Result<(), WebError> {
    for (k, label) in fields {
        if form.get(*k).is_none_or(String::is_empty) {
            let label = text(state, visitor, label, &[])?;
            errors.add(
                k,
                text(
                    state,
                    visitor,
                    "dsform.error_required",
                    &[("field", label.as_str())],
                )?,
            );
        }
    }
    Ok(())
}

/// `POST /kelola/admin/opd`: a new OPD → 303 to the list.
pub(crate) async fn create_opd(State(state): State<WebState>, posted: Posted) -> Response {
    let visitor = &posted.visitor;
    let page = async {
        with_role(visitor, &OPD_EDITORS)?;
        let form = posted_form(&posted, &OPD_FIELDS);
        let mut errors = Errors::default();
        required(
            &state,
            visitor,
            &form,
            &[("name", "opd.name"), ("slug", "admin.slug")],
            &mut errors,
        )?;
        if errors.is_empty() {
            let get = |k: &str| form.get(k).cloned().unwrap_or_default();
            let new = NewOrganization {
                slug: get("slug"),
                name: get("name"),
                short_name: optional(&get("short_name")),
                kind: optional(&get("kind")),
                description: optional(&get("description")),
                email: optional(&get("email")),
                phone: optional(&get("phone")),
                website: optional(&get("website")),
                address: optional(&get("address")),
            };
            match state.catalog.create_organization(&visitor.actor, new).await {
                Ok(o) => {
                    return Ok(see_other_with(
                        &state,
                        &visitor.url("/kelola/admin/opd"),
                        &Flash::ok("admin.saved_flash", &[("name", &o.name)]),
                    ));
                }
                Err(e) => errors.refused(visitor, e, |f| form_field(f, &OPD_FIELDS, "slug"))?,
            }
        }
        opd_page(
            &state,
            visitor,
            None,
            Some(form),
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await
    };
    state.respond(visitor, page).await
}

/// `POST /kelola/admin/opd/{slug}`: changes an OPD → 303 to the list.
pub(crate) async fn save_opd(
    State(state): State<WebState>,
    Path(slug): Path<String>,
    posted: Posted,
) -> Response {
    let visitor = &posted.visitor;
    let page = async {
        with_role(visitor, &OPD_EDITORS)?;
        let mut form = posted_form(&posted, &OPD_FIELDS);
        form.insert("slug".into(), slug.clone());
        let mut errors = Errors::default();
        required(&state, visitor, &form, &[("name", "opd.name")], &mut errors)?;
        if errors.is_empty() {
            let get = |k: &str| form.get(k).cloned().unwrap_or_default();
            let change = OrganizationPatch {
                name: Some(get("name")),
                kind: optional(&get("kind")),
                short_name: Some(optional(&get("short_name"))),
                description: Some(optional(&get("description"))),
                email: Some(optional(&get("email"))),
                phone: Some(optional(&get("phone"))),
                website: Some(optional(&get("website"))),
                address: Some(optional(&get("address"))),
            };
            match state
                .catalog
                .update_organization(&visitor.actor, &slug, change)
                .await
            {
                Ok(o) => {
                    return Ok(see_other_with(
                        &state,
                        &visitor.url("/kelola/admin/opd"),
                        &Flash::ok("admin.saved_flash", &[("name", &o.name)]),
                    ));
                }
                Err(e) => errors.refused(visitor, e, |f| form_field(f, &OPD_FIELDS, "name"))?,
            }
        }
        opd_page(
            &state,
            visitor,
            Some(&slug),
            Some(form),
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await
    };
    state.respond(visitor, page).await
}

#[derive(Debug, Serialize)]
struct PortalPage {
    form: BTreeMap<String, String>,
    region_name: Option<String>,
    errors: Vec<FormError>,
    field_errors: BTreeMap<String, String>,
}

async fn portal_page(
    state: &WebState,
    visitor: &Visitor,
    form: Option<BTreeMap<String, String>>,
    errors: Errors,
    status: StatusCode,
) -> PageResult {
    with_role(visitor, &[Role::Admin])?;
    let p = state.catalog.portal().await?;
    let degrees = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    let form = form.unwrap_or_else(|| {
        [
            ("name", p.name.clone()),
            ("region_code", p.region_code.clone()),
            ("contact_name", p.contact_name.clone().unwrap_or_default()),
            ("contact_email", p.contact_email.clone().unwrap_or_default()),
            ("bbox_west", degrees(p.bbox_west)),
            ("bbox_south", degrees(p.bbox_south)),
            ("bbox_east", degrees(p.bbox_east)),
            ("bbox_north", degrees(p.bbox_north)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    });
    let region_name = form.get("region_code").and_then(|code| {
        state
            .catalog
            .regions()
            .and_then(|r| r.get(code).map(|r| crate::respond::title_case(&r.name)))
    });
    let body = PortalPage {
        form,
        region_name,
        errors: errors.list,
        field_errors: errors.by_field,
    };
    let frame = state.frame(visitor, "admin", true).await?;
    Ok(no_store(state.page(
        visitor,
        &frame,
        "admin/portal.html",
        &body,
        status,
    )?))
}

/// `GET /kelola/admin/portal`.
pub(crate) async fn portal(State(state): State<WebState>, visitor: Visitor) -> Response {
    let page = portal_page(&state, &visitor, None, Errors::default(), StatusCode::OK);
    state.respond(&visitor, page).await
}

/// `POST /kelola/admin/portal` → 303 back with a flash.
pub(crate) async fn save_portal(State(state): State<WebState>, posted: Posted) -> Response {
    let visitor = &posted.visitor;
    let page = async {
        with_role(visitor, &[Role::Admin])?;
        let form = posted_form(&posted, &PORTAL_FIELDS);
        let mut errors = Errors::default();
        required(
            &state,
            visitor,
            &form,
            &[
                ("name", "admin.pemda_name"),
                ("region_code", "admin.region_code"),
            ],
            &mut errors,
        )?;
        let get = |k: &str| form.get(k).cloned().unwrap_or_default();
        let sides = ["bbox_west", "bbox_south", "bbox_east", "bbox_north"];
        let mut bbox = [0.0_f64; 4];
        let given = sides.iter().filter(|k| !get(k).is_empty()).count();
        if given != 0 && given != 4 {
            errors.add(
                "bbox_west",
                text(&state, visitor, "admin.error_bbox_all", &[])?,
            );
        } else if given == 4 {
            for (i, k) in sides.iter().enumerate() {
                match get(k).replace(',', ".").parse::<f64>() {
                    Ok(x) => bbox[i] = x,
                    Err(_) => errors.add(k, text(&state, visitor, "stdedit.error_number", &[])?),
                }
            }
        }
        if errors.is_empty() {
            let change = PortalPatch {
                name: Some(get("name")),
                region_code: Some(get("region_code")),
                base_url: None,
                contact_name: Some(optional(&get("contact_name"))),
                contact_email: Some(optional(&get("contact_email"))),
                bbox: Some((given == 4).then_some(bbox)),
            };
            match state.catalog.update_portal(&visitor.actor, change).await {
                Ok(_) => {
                    return Ok(see_other_with(
                        &state,
                        &visitor.url("/kelola/admin/portal"),
                        &Flash::ok("admin.portal_saved_flash", &[]),
                    ));
                }
                Err(e) => {
                    let fields = [&PORTAL_FIELDS[..], &["bbox"]].concat();
                    errors.refused(visitor, e, |f| form_field(f, &fields, "name"))?;
                    if let Some(m) = errors.by_field.remove("bbox") {
                        errors.list.retain(|f| f.field != "bbox");
                        errors.add("bbox_west", m);
                    }
                }
            }
        }
        portal_page(
            &state,
            visitor,
            Some(form),
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await
    };
    state.respond(visitor, page).await
}
