//! The signed-in workspace: sign in with the form (session cookie = a revocable API token,
//! its flags), the sign-in limits, CSRF (cross-site `Origin`/`Sec-Fetch-Site`, the per-session
//! token), sign out revoking the token, "my tokens", and who may open which page
//! (`session.rs`); my datasets, the review queue, the review page and the dataset overview
//! (`datasets.rs`, `queue.rs`, `review.rs`). Shared here: accounts with passwords and a cookie-keeping browser.

mod admin;
mod chunked;
mod datasets;
mod metadata;
mod queue;
mod recap;
mod review;
mod schema;
mod session;
mod standards;
mod tokens;
mod upload;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use satudata_catalog::Actor;
use satudata_catalog::accounts::NewAccount;

use serde_json::json;

use super::{Page, TABLE, excerpt};
use crate::support::TestApp;

pub(super) const PASSWORD: &str = "kata-sandi-rahasia-1";
pub(super) const ORIGIN: &str = "http://satudata.test";

/// A produsen of dinkes with a password (the seeded accounts have none).
pub(super) async fn account_with_password(app: &TestApp, email: &str, role: &str) {
    let new = NewAccount {
        email: email.into(),
        name: format!("Petugas {role}"),
        role: role.into(),
        organization: (role == "produsen").then(|| "dinkes".into()),
        password: Some(PASSWORD.into()),
    };
    app.catalog
        .create_account(&Actor::Operator, new)
        .await
        .expect("account");
}

/// A browser's request: cookie, form fields, same-origin headers unless `origin` says else.
pub(super) struct Browser<'a> {
    app: &'a TestApp,
    cookie: Option<String>,
}

impl<'a> Browser<'a> {
    pub(super) fn new(app: &'a TestApp) -> Self {
        Self { app, cookie: None }
    }

    pub(super) async fn get(&self, uri: &str) -> Page {
        let mut request = Request::get(uri).header(header::ACCEPT, "text/html");
        if let Some(c) = &self.cookie {
            request = request.header(header::COOKIE, c);
        }
        self.app
            .send(request.body(Body::empty()).expect("request"))
            .await
            .into()
    }

    pub(super) async fn post_with(
        &self,
        uri: &str,
        fields: &[(&str, &str)],
        origin: Option<&str>,
    ) -> Page {
        let mut body = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in fields {
            body.append_pair(k, v);
        }
        let mut request = Request::post(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "text/html");
        if let Some(origin) = origin {
            request = request.header(header::ORIGIN, origin);
        }
        if let Some(c) = &self.cookie {
            request = request.header(header::COOKIE, c);
        }
        self.app
            .send(request.body(Body::from(body.finish())).expect("request"))
            .await
            .into()
    }

    pub(super) async fn post(&self, uri: &str, fields: &[(&str, &str)]) -> Page {
        self.post_with(uri, fields, Some(ORIGIN)).await
    }

    /// Signs in with the form; keeps the session cookie.
    pub(super) async fn sign_in(&mut self, email: &str) -> Page {
        let page = self
            .post(
                "/masuk",
                &[
                    ("email", email),
                    ("password", PASSWORD),
                    ("next", "/kelola/token"),
                ],
            )
            .await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "{}",
            excerpt(&page.html)
        );
        let set = session_set_cookie(&page).expect("a session cookie");
        self.cookie = Some(set.split(';').next().expect("pair").to_owned());
        page
    }

    /// The session's token (the cookie's value).
    pub(super) fn token(&self) -> String {
        let cookie = self.cookie.as_deref().expect("signed in");
        cookie.split_once('=').expect("pair").1.to_owned()
    }

    /// The CSRF token a signed-in page carries.
    pub(super) async fn csrf(&self) -> String {
        let page = self.get("/kelola/token").await;
        meta_csrf(&page.html).expect("csrf meta")
    }
}

pub(super) fn session_set_cookie(page: &Page) -> Option<String> {
    page.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("satudata_sesi="))
        .map(str::to_owned)
}

pub(super) fn flash_set_cookie(page: &Page) -> Option<String> {
    page.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("satudata_pesan="))
        .map(str::to_owned)
}

pub(super) fn meta_csrf(html: &str) -> Option<String> {
    let start = html.find("<meta name=\"csrf-token\" content=\"")? + 33;
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

pub(super) fn location(page: &Page) -> &str {
    page.headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// The page a flash cookie of `page` shows, for `browser`.
pub(super) async fn with_flash(browser: &Browser<'_>, page: &Page) -> Page {
    let flash = flash_set_cookie(page).expect("a flash");
    let b = Browser {
        app: browser.app,
        cookie: Some(format!(
            "{}; {}",
            browser.cookie.clone().expect("cookie"),
            flash.split(';').next().expect("pair")
        )),
    };
    b.get(location(page)).await
}

/// Uploads `csv` to a new dataset of `org` as `token` and submits version 1.
pub(super) async fn submitted(app: &TestApp, body: serde_json::Value, token: &str) -> String {
    let slug = app.dataset(body).await;
    app.upload(&slug, Some(token), "text/csv", TABLE)
        .await
        .expect(StatusCode::CREATED);
    app.post_json(
        &format!("/api/v1/datasets/{slug}/versions/1/submit"),
        Some(token),
        json!({}),
    )
    .await
    .expect(StatusCode::OK);
    slug
}

/// The status of version `n` as the API has it.
pub(super) async fn version_status(app: &TestApp, slug: &str, n: i32) -> serde_json::Value {
    app.get(
        &format!("/api/v1/datasets/{slug}/versions/{n}"),
        Some(&app.tokens.walidata),
    )
    .await
    .expect(StatusCode::OK)
    .json
}

/// A browser signed in with a seeded token as its session cookie, and its CSRF token.
pub(super) async fn signed<'a>(app: &'a TestApp, token: &str) -> (Browser<'a>, String) {
    let browser = Browser {
        app,
        cookie: Some(format!("satudata_sesi={token}")),
    };
    let csrf = browser.csrf().await;
    (browser, csrf)
}
