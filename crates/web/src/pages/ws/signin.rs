//! `GET/POST /masuk` (sign in with e-mail and password: the session cookie holds a new API
//! token) and `POST /keluar` (revoke it).

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use satudata_catalog::Error as CatalogError;
use serde::Serialize;

use super::{Errors, FormError, Posted, message, no_store, see_other, see_other_with, text};
use crate::respond::PageResult;
use crate::session::{self, Flash};
use crate::state::{Visitor, WebState};

#[derive(Debug, Serialize)]
struct SignInForm {
    email: String,
    next: String,
}

#[derive(Debug, Serialize)]
struct SignInPage {
    form: SignInForm,
    errors: Vec<FormError>,
    field_errors: BTreeMap<String, String>,
    retry_after: Option<u64>,
}

/// Where to go after signing in: a path of this site (`/…`, not `//…`), else the workspace.
fn safe_next(visitor: &Visitor, next: &str) -> String {
    let next = next.trim();
    let ours = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control() || c == '\\');
    if ours {
        next.to_owned()
    } else {
        visitor.url("/kelola")
    }
}

async fn render(
    state: &WebState,
    visitor: &Visitor,
    body: &SignInPage,
    status: StatusCode,
) -> PageResult {
    let frame = state.frame(visitor, "masuk", true).await?;
    let response = state.page(visitor, &frame, "workspace/signin.html", body, status)?;
    Ok(no_store(response))
}

/// `GET /masuk`: the form (a signed-in visitor goes on to `next`).
pub(crate) async fn show(State(state): State<WebState>, visitor: Visitor) -> Response {
    let next = visitor
        .pairs()
        .into_iter()
        .find(|(k, _)| k == "next")
        .map(|(_, v)| v)
        .unwrap_or_default();
    let next = safe_next(&visitor, &next);
    if visitor.session.is_some() {
        return see_other(&next);
    }
    let body = SignInPage {
        form: SignInForm {
            email: String::new(),
            next,
        },
        errors: Vec::new(),
        field_errors: BTreeMap::new(),
        retry_after: None,
    };
    state
        .respond(&visitor, render(&state, &visitor, &body, StatusCode::OK))
        .await
}

/// `POST /masuk`: e-mail, password and `next` → the session cookie and 303 to `next`; the form
/// again with the e-mail kept otherwise (422 for empty fields, 200 for wrong credentials, 429
/// with `Retry-After` while the account or address is locked out).
pub(crate) async fn submit(State(state): State<WebState>, posted: Posted) -> Response {
    let visitor = &posted.visitor;
    state.respond(visitor, sign_in(&state, &posted)).await
}

async fn sign_in(state: &WebState, posted: &Posted) -> PageResult {
    let visitor = &posted.visitor;
    let email = posted.get("email").trim().to_owned();
    let password = posted.get("password");
    let next = safe_next(visitor, &posted.get("next"));
    let mut errors = Errors::default();
    if email.is_empty() {
        errors.add("email", text(state, visitor, "signin.email_required", &[])?);
    }
    if password.is_empty() {
        errors.add(
            "password",
            text(state, visitor, "signin.password_required", &[])?,
        );
    }
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    let mut retry_after = None;
    if errors.is_empty() {
        let signed = state
            .catalog
            .sign_in(
                &email,
                &password,
                Some(session::SESSION_DAYS),
                visitor.client,
            )
            .await;
        match signed {
            Ok(issued) => {
                let mut response = see_other(&next);
                response.headers_mut().append(
                    header::SET_COOKIE,
                    session::session_cookie(Some(&issued.token), state.cookie_secure),
                );
                return Ok(response);
            }
            Err(CatalogError::Unauthenticated(_)) => {
                status = StatusCode::OK;
                errors.add("password", text(state, visitor, "signin.wrong", &[])?);
            }
            Err(CatalogError::TooManyRequests { retry_after: s, .. }) => {
                status = StatusCode::TOO_MANY_REQUESTS;
                retry_after = Some(s);
            }
            Err(CatalogError::Invalid { field, message: m }) => {
                let field = if field == "email" {
                    "email"
                } else {
                    "password"
                };
                errors.add(field, message(visitor.lang, &m));
            }
            Err(other) => return Err(other.into()),
        }
    }
    let body = SignInPage {
        form: SignInForm { email, next },
        errors: errors.list,
        field_errors: errors.by_field,
        retry_after,
    };
    let mut response = render(state, visitor, &body, status).await?;
    if let Some(secs) = retry_after
        && let Ok(value) = HeaderValue::from_str(&secs.to_string())
    {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    Ok(response)
}

/// `POST /keluar`: revokes the session's token, removes the cookie, → the home page.
pub(crate) async fn sign_out(State(state): State<WebState>, posted: Posted) -> Response {
    let visitor = &posted.visitor;
    if let Some(session) = &visitor.session
        && let Err(e) = state.catalog.sign_out(&session.token).await
    {
        return state.error_page(visitor, e.into()).await;
    }
    let mut response = see_other_with(
        &state,
        &visitor.url("/"),
        &Flash {
            kind: "info".into(),
            key: "signin.signed_out".into(),
            args: Vec::new(),
        },
    );
    response.headers_mut().append(
        header::SET_COOKIE,
        session::session_cookie(None, state.cookie_secure),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::safe_next;
    use crate::state::Visitor;

    fn visitor() -> Visitor {
        Visitor {
            actor: satudata_catalog::Actor::Anonymous,
            anonymous: true,
            lang: crate::Lang::Id,
            path: "/masuk".into(),
            query: String::new(),
            headers: Default::default(),
            session: None,
            client: None,
            flash: None,
            method: axum::http::Method::GET,
        }
    }

    #[test]
    fn next_stays_on_this_site() {
        let v = visitor();
        assert_eq!(safe_next(&v, "/kelola/token"), "/kelola/token");
        assert_eq!(safe_next(&v, "/en/kelola?x=1"), "/en/kelola?x=1");
        for bad in [
            "//evil.example",
            "https://evil.example/",
            "/\\evil",
            "",
            "kelola",
        ] {
            assert_eq!(safe_next(&v, bad), "/kelola", "{bad}");
        }
    }
}
