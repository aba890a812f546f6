//! `/kelola/admin/akun` (admin): the accounts with a filter and a form to add one, and
//! `/kelola/admin/akun/{id}`: change the role, OPD, name and state, set a new password,
//! revoke every token and session.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use satudata_catalog::accounts::{AccountChange, NewAccount};
use satudata_catalog::paging::Page;
use satudata_catalog::{Role, vocab};
use serde::Serialize;

use super::super::{
    Errors, FormError, Posted, SelectOption, form_field, no_store, see_other_with, text, with_role,
};
use super::{posted_form, required};
use crate::respond::{PageResult, WebError};
use crate::session::Flash;
use crate::state::{Visitor, WebState};

const ADMIN: [Role; 1] = [Role::Admin];
const NEW_FIELDS: [&str; 5] = ["email", "name", "role", "organization", "password"];
const EDIT_FIELDS: [&str; 4] = ["name", "role", "organization", "active"];

#[derive(Debug, Serialize)]
struct OrgName {
    name: String,
}

#[derive(Debug, Serialize)]
struct AccountRow {
    name: String,
    email: String,
    role: String,
    organization: Option<OrgName>,
    active: bool,
    last_sign_in: Option<String>,
    edit_url: String,
}

#[derive(Debug, Serialize)]
struct Filters {
    q: String,
    role: String,
}

#[derive(Debug, Serialize)]
struct AccountsPage {
    accounts: Vec<AccountRow>,
    filters: Filters,
    roles: &'static [&'static str],
    organizations: Vec<SelectOption>,
    form: BTreeMap<String, String>,
    errors: Vec<FormError>,
    field_errors: BTreeMap<String, String>,
}

async fn organizations(state: &WebState) -> Result<Vec<SelectOption>, WebError> {
    let all = state
        .catalog
        .list_organizations(Page {
            limit: 1000,
            offset: 0,
        })
        .await?;
    Ok(all
        .items
        .into_iter()
        .map(|o| SelectOption {
            value: o.slug,
            label: o.name,
        })
        .collect())
}

async fn list_page(
    state: &WebState,
    visitor: &Visitor,
    form: Option<BTreeMap<String, String>>,
    errors: Errors,
    status: StatusCode,
) -> PageResult {
    with_role(visitor, &ADMIN)?;
    let pairs = visitor.pairs();
    let param = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let filters = Filters {
        q: param("q"),
        role: param("role"),
    };
    let words: Vec<String> = filters
        .q
        .to_lowercase()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let last = state.catalog.last_activity(&visitor.actor).await?;
    let accounts = state
        .catalog
        .list_accounts(&visitor.actor)
        .await?
        .into_iter()
        .filter(|(a, _)| filters.role.is_empty() || a.role == filters.role)
        .filter(|(a, _)| {
            let hay = format!("{} {}", a.name, a.email).to_lowercase();
            words.iter().all(|w| hay.contains(w.as_str()))
        })
        .map(|(a, org)| AccountRow {
            edit_url: visitor.url(&format!("/kelola/admin/akun/{}", a.id)),
            last_sign_in: last.get(&a.id).map(chrono::DateTime::to_rfc3339),
            name: a.name,
            email: a.email,
            role: a.role,
            organization: org.map(|o| OrgName { name: o.name }),
            active: a.active,
        })
        .collect();
    let form = form.unwrap_or_else(|| {
        let mut blank: BTreeMap<String, String> = NEW_FIELDS
            .iter()
            .map(|f| ((*f).to_owned(), String::new()))
            .collect();
        blank.insert("role".into(), "produsen".into());
        blank
    });
    let body = AccountsPage {
        accounts,
        filters,
        roles: vocab::ROLE.values,
        organizations: organizations(state).await?,
        form,
        errors: errors.list,
        field_errors: errors.by_field,
    };
    let frame = state.frame(visitor, "admin", true).await?;
    Ok(no_store(state.page(
        visitor,
        &frame,
        "admin/accounts.html",
        &body,
        status,
    )?))
}

/// `GET /kelola/admin/akun`.
pub(crate) async fn accounts(State(state): State<WebState>, visitor: Visitor) -> Response {
    let page = list_page(&state, &visitor, None, Errors::default(), StatusCode::OK);
    state.respond(&visitor, page).await
}

/// `POST /kelola/admin/akun`: a new account → 303 to its page.
pub(crate) async fn create_account(State(state): State<WebState>, posted: Posted) -> Response {
    let visitor = &posted.visitor;
    let page = async {
        with_role(visitor, &ADMIN)?;
        let mut form = posted_form(&posted, &NEW_FIELDS);
        let mut errors = Errors::default();
        required(
            &state,
            visitor,
            &form,
            &[("name", "admin.name"), ("email", "signin.email")],
            &mut errors,
        )?;
        let get = |k: &str| form.get(k).cloned().unwrap_or_default();
        let password = get("password");
        if errors.is_empty() {
            let new = NewAccount {
                email: get("email"),
                name: get("name"),
                role: get("role"),
                organization: Some(get("organization")).filter(|s| !s.is_empty()),
                password: Some(password.clone()).filter(|p| !p.is_empty()),
            };
            let checked = match &new.password {
                Some(p) => {
                    satudata_catalog::accounts::check_password(p, &state.catalog.settings().sign_in)
                }
                None => Ok(()),
            };
            let made = match checked {
                Ok(()) => state.catalog.create_account(&visitor.actor, new).await,
                Err(e) => Err(e),
            };
            match made {
                Ok(a) => {
                    return Ok(see_other_with(
                        &state,
                        &visitor.url(&format!("/kelola/admin/akun/{}", a.id)),
                        &Flash::ok("admin.saved_flash", &[("name", &a.name)]),
                    ));
                }
                Err(e) => errors.refused(visitor, e, |f| form_field(f, &NEW_FIELDS, "email"))?,
            }
        }
        // The password is never shown again.
        form.insert("password".into(), String::new());
        list_page(
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

#[derive(Debug, Serialize)]
struct AccountUrls {
    save: String,
    password: String,
    revoke: String,
}

#[derive(Debug, Serialize)]
struct AccountView {
    id: String,
    name: String,
    email: String,
    created_at: String,
    active_tokens: u64,
    urls: AccountUrls,
}

#[derive(Debug, Serialize)]
struct EditForm {
    name: String,
    role: String,
    organization: String,
    active: bool,
}

#[derive(Debug, Serialize)]
struct AccountPage {
    account: AccountView,
    form: EditForm,
    roles: &'static [&'static str],
    organizations: Vec<SelectOption>,
    errors: Vec<FormError>,
    field_errors: BTreeMap<String, String>,
}

fn account_id(id: &str) -> Result<i32, WebError> {
    id.parse()
        .map_err(|_| WebError::Status(StatusCode::NOT_FOUND))
}

async fn account_page(
    state: &WebState,
    visitor: &Visitor,
    id: i32,
    form: Option<EditForm>,
    errors: Errors,
    status: StatusCode,
) -> PageResult {
    with_role(visitor, &ADMIN)?;
    let detail = state.catalog.account_detail(&visitor.actor, id).await?;
    let a = &detail.account;
    let base = visitor.url(&format!("/kelola/admin/akun/{id}"));
    let body = AccountPage {
        account: AccountView {
            id: id.to_string(),
            name: a.name.clone(),
            email: a.email.clone(),
            created_at: a.created_at.to_rfc3339(),
            active_tokens: detail.active_tokens,
            urls: AccountUrls {
                password: format!("{base}/sandi"),
                revoke: format!("{base}/cabut"),
                save: base,
            },
        },
        form: form.unwrap_or_else(|| EditForm {
            name: a.name.clone(),
            role: a.role.clone(),
            organization: detail.organization.clone().unwrap_or_default(),
            active: a.active,
        }),
        roles: vocab::ROLE.values,
        organizations: organizations(state).await?,
        errors: errors.list,
        field_errors: errors.by_field,
    };
    let frame = state.frame(visitor, "admin", true).await?;
    Ok(no_store(state.page(
        visitor,
        &frame,
        "admin/account.html",
        &body,
        status,
    )?))
}

/// `GET /kelola/admin/akun/{id}`.
pub(crate) async fn account(
    State(state): State<WebState>,
    Path(id): Path<String>,
    visitor: Visitor,
) -> Response {
    let page = async {
        let id = account_id(&id)?;
        account_page(
            &state,
            &visitor,
            id,
            None,
            Errors::default(),
            StatusCode::OK,
        )
        .await
    };
    state.respond(&visitor, page).await
}

/// `POST /kelola/admin/akun/{id}`: name, role, OPD, active → 303 back.
pub(crate) async fn save_account(
    State(state): State<WebState>,
    Path(id): Path<String>,
    posted: Posted,
) -> Response {
    let visitor = &posted.visitor;
    let page = async {
        with_role(visitor, &ADMIN)?;
        let id = account_id(&id)?;
        let values = posted_form(&posted, &EDIT_FIELDS);
        let get = |k: &str| values.get(k).cloned().unwrap_or_default();
        let form = EditForm {
            name: get("name"),
            role: get("role"),
            organization: get("organization"),
            active: get("active") == "1",
        };
        let mut errors = Errors::default();
        required(
            &state,
            visitor,
            &values,
            &[("name", "admin.name")],
            &mut errors,
        )?;
        if errors.is_empty() {
            let change = AccountChange {
                name: form.name.clone(),
                role: form.role.clone(),
                organization: Some(form.organization.clone()),
                active: form.active,
            };
            match state
                .catalog
                .change_account(&visitor.actor, id, change)
                .await
            {
                Ok(a) => {
                    return Ok(see_other_with(
                        &state,
                        &visitor.url(&format!("/kelola/admin/akun/{id}")),
                        &Flash::ok("admin.saved_flash", &[("name", &a.name)]),
                    ));
                }
                Err(e) => errors.refused(visitor, e, |f| form_field(f, &EDIT_FIELDS, "role"))?,
            }
        }
        account_page(
            &state,
            visitor,
            id,
            Some(form),
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await
    };
    state.respond(visitor, page).await
}

/// `POST /kelola/admin/akun/{id}/sandi`: a new password (typed twice) → 303 back.
pub(crate) async fn reset_password(
    State(state): State<WebState>,
    Path(id): Path<String>,
    posted: Posted,
) -> Response {
    let visitor = &posted.visitor;
    let page = async {
        with_role(visitor, &ADMIN)?;
        let id = account_id(&id)?;
        let password = posted.get("password");
        let mut errors = Errors::default();
        if password != posted.get("password_confirm") {
            errors.add(
                "password_confirm",
                text(&state, visitor, "admin.error_confirm", &[])?,
            );
        } else {
            match state
                .catalog
                .reset_password(&visitor.actor, id, &password)
                .await
            {
                Ok(()) => {
                    return Ok(see_other_with(
                        &state,
                        &visitor.url(&format!("/kelola/admin/akun/{id}")),
                        &Flash::ok("admin.password_flash", &[]),
                    ));
                }
                Err(e) => {
                    errors.refused(visitor, e, |f| form_field(f, &["password"], "password"))?
                }
            }
        }
        account_page(
            &state,
            visitor,
            id,
            None,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await
    };
    state.respond(visitor, page).await
}

/// `POST /kelola/admin/akun/{id}/cabut`: revokes every token and session → 303 back.
pub(crate) async fn revoke_tokens(
    State(state): State<WebState>,
    Path(id): Path<String>,
    posted: Posted,
) -> Response {
    let visitor = &posted.visitor;
    let page = async {
        with_role(visitor, &ADMIN)?;
        let id = account_id(&id)?;
        let n = state
            .catalog
            .revoke_account_tokens(&visitor.actor, id)
            .await?
            .to_string();
        Ok(see_other_with(
            &state,
            &visitor.url(&format!("/kelola/admin/akun/{id}")),
            &Flash::ok("admin.revoked_flash", &[("n", &n)]),
        ))
    };
    state.respond(visitor, page).await
}
