//! `/kelola/token`: the signed-in person's API tokens — list, create (the secret shown once),
//! revoke.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use satudata_catalog::Error as CatalogError;
use satudata_catalog::accounts::token_hash;
use serde::Serialize;

use super::{Errors, FormError, Posted, message, no_store, see_other_with, signed_in, text};
use crate::respond::{PageResult, WebError};
use crate::session::Flash;
use crate::state::{Visitor, WebState};

/// The choices of `expires_days` ("" = no expiry).
const EXPIRY_CHOICES: [&str; 4] = ["30", "90", "365", ""];

#[derive(Debug, Serialize)]
struct TokenRow {
    id: i32,
    label: String,
    prefix: String,
    created_at: String,
    expires_at: Option<String>,
    last_used_at: Option<String>,
    revoked_at: Option<String>,
    is_session: bool,
}

#[derive(Debug, Serialize)]
struct NewToken {
    label: String,
    secret: String,
}

#[derive(Debug, Serialize)]
struct TokenForm {
    label: String,
    expires_days: String,
}

#[derive(Debug, Serialize)]
struct TokensPage {
    tokens: Vec<TokenRow>,
    new_token: Option<NewToken>,
    form: TokenForm,
    errors: Vec<FormError>,
    field_errors: BTreeMap<String, String>,
}

async fn render(
    state: &WebState,
    visitor: &Visitor,
    new_token: Option<NewToken>,
    form: TokenForm,
    errors: Errors,
    status: StatusCode,
) -> PageResult {
    signed_in(visitor)?;
    let own = visitor.session.as_ref().map(|s| token_hash(&s.token));
    // Sign-in (the form, or the API's /auth/token) labels its tokens "sign-in"; say it in words.
    let signed_in_label = text(state, visitor, "tokens.sign_in_label", &[])?;
    let tokens = state
        .catalog
        .list_tokens(&visitor.actor)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            is_session: own.as_deref() == Some(t.token_hash.as_str()),
            id: t.id,
            label: if t.label == "sign-in" {
                signed_in_label.clone()
            } else {
                t.label
            },
            prefix: t.prefix,
            created_at: t.created_at.to_rfc3339(),
            expires_at: t.expires_at.map(|d| d.to_rfc3339()),
            last_used_at: t.last_used_at.map(|d| d.to_rfc3339()),
            revoked_at: t.revoked_at.map(|d| d.to_rfc3339()),
        })
        .collect();
    let body = TokensPage {
        tokens,
        new_token,
        form,
        errors: errors.list,
        field_errors: errors.by_field,
    };
    let frame = state.frame(visitor, "kelola", true).await?;
    let response = state.page(visitor, &frame, "workspace/tokens.html", &body, status)?;
    Ok(no_store(response))
}

/// `GET /kelola/token`.
pub(crate) async fn show(State(state): State<WebState>, visitor: Visitor) -> Response {
    let form = TokenForm {
        label: String::new(),
        expires_days: "90".into(),
    };
    let page = render(
        &state,
        &visitor,
        None,
        form,
        Errors::default(),
        StatusCode::OK,
    );
    state.respond(&visitor, page).await
}

/// `POST /kelola/token`: `label`, `expires_days` → the page with the new secret (200), or the
/// form again with its errors (422).
pub(crate) async fn create(State(state): State<WebState>, posted: Posted) -> Response {
    state
        .respond(&posted.visitor, create_token(&state, &posted))
        .await
}

async fn create_token(state: &WebState, posted: &Posted) -> PageResult {
    let visitor = &posted.visitor;
    signed_in(visitor)?;
    let form = TokenForm {
        label: posted.get("label"),
        expires_days: posted.get("expires_days").trim().to_owned(),
    };
    let mut errors = Errors::default();
    let label = form.label.trim();
    if label.is_empty() {
        errors.add("label", text(state, visitor, "tokens.label_required", &[])?);
    } else if label.chars().count() > 100 {
        errors.add("label", text(state, visitor, "tokens.label_long", &[])?);
    }
    if !EXPIRY_CHOICES.contains(&form.expires_days.as_str()) {
        errors.add(
            "expires_days",
            text(state, visitor, "tokens.expires_invalid", &[])?,
        );
    }
    if errors.is_empty() {
        let days = form.expires_days.parse::<u32>().ok();
        match state
            .catalog
            .create_token(&visitor.actor, label, days)
            .await
        {
            Ok(issued) => {
                let new_token = NewToken {
                    label: issued.record.label,
                    secret: issued.token,
                };
                let form = TokenForm {
                    label: String::new(),
                    expires_days: "90".into(),
                };
                return render(
                    state,
                    visitor,
                    Some(new_token),
                    form,
                    errors,
                    StatusCode::OK,
                )
                .await;
            }
            Err(CatalogError::Invalid { field, message: m }) => {
                let field = if field == "label" {
                    "label"
                } else {
                    "expires_days"
                };
                errors.add(field, message(visitor.lang, &m));
            }
            Err(other) => return Err(other.into()),
        }
    }
    render(
        state,
        visitor,
        None,
        form,
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// `POST /kelola/token/{id}/cabut`: revokes one of the caller's tokens → 303 back with a flash.
pub(crate) async fn revoke(
    State(state): State<WebState>,
    Path(id): Path<String>,
    posted: Posted,
) -> Response {
    let visitor = &posted.visitor;
    let revoked = async {
        signed_in(visitor)?;
        let id: i32 = id
            .parse()
            .map_err(|_| WebError::Status(StatusCode::NOT_FOUND))?;
        let token = state.catalog.revoke_token(&visitor.actor, id).await?;
        Ok::<_, WebError>(see_other_with(
            &state,
            &visitor.url("/kelola/token"),
            &Flash::ok("tokens.revoked_flash", &[("label", &token.label)]),
        ))
    };
    state.respond(visitor, revoked).await
}
