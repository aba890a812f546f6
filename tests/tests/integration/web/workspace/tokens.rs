//! "My tokens": API tokens created and revoked in the browser.

use axum::http::{StatusCode, header};

use super::super::{excerpt, html};
use super::*;
use crate::support::{TestApp, twin};

twin!(my_tokens_create_and_revoke);

async fn my_tokens_create_and_revoke(app: TestApp) {
    account_with_password(&app, "rina@dinkes.go.id", "produsen").await;
    account_with_password(&app, "budi@mojokertokota.go.id", "walidata").await;
    let mut browser = Browser::new(&app);
    browser.sign_in("rina@dinkes.go.id").await;
    let csrf = browser.csrf().await;
    // Validation: 422, input kept, errors at the top linking to the fields.
    let page = browser
        .post(
            "/kelola/token",
            &[
                ("label", "  "),
                ("expires_days", "30"),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    let page = html(page, StatusCode::UNPROCESSABLE_ENTITY, "empty label");
    assert!(page.html.contains("Isi nama token."));
    assert!(page.html.contains("href=\"#f-label\""));
    assert!(
        page.html.contains("<option value=\"30\" selected"),
        "{}",
        excerpt(&page.html)
    );
    let long = "x".repeat(101);
    let page = browser
        .post(
            "/kelola/token",
            &[
                ("label", &long),
                ("expires_days", "30"),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    let page = html(page, StatusCode::UNPROCESSABLE_ENTITY, "long label");
    assert!(page.html.contains("paling banyak 100 karakter"));
    assert!(page.html.contains(&long), "label kept");
    let page = browser
        .post(
            "/kelola/token",
            &[
                ("label", "Skrip Puskesmas"),
                ("expires_days", "7"),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    let page = html(page, StatusCode::UNPROCESSABLE_ENTITY, "bad expiry");
    assert!(page.html.contains("Pilih masa berlaku dari daftar."));
    assert!(page.html.contains("value=\"Skrip Puskesmas\""));
    assert!(page.html.contains("href=\"#f-expires_days\""));

    // Created: the secret is shown once and works with the API.
    let page = browser
        .post(
            "/kelola/token",
            &[
                ("label", "Skrip Puskesmas"),
                ("expires_days", ""),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    let page = html(page, StatusCode::OK, "created");
    assert_eq!(page.headers[header::CACHE_CONTROL], "no-store");
    let start = page
        .html
        .find("<code id=\"new-token\">")
        .expect("secret shown")
        + 21;
    let secret = page.html[start..start + 68].to_owned();
    assert!(secret.starts_with("sdt_"), "{secret}");
    let me = app
        .get("/api/v1/me", Some(&secret))
        .await
        .expect(StatusCode::OK);
    assert_eq!(me.json["email"], "rina@dinkes.go.id");
    let listed = app
        .get("/api/v1/me/tokens", Some(&secret))
        .await
        .expect(StatusCode::OK);
    let id = listed.json["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|t| t["label"] == "Skrip Puskesmas")
        .expect("listed")["id"]
        .as_i64()
        .expect("id");
    assert!(
        listed.json["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|t| t["label"] == "Skrip Puskesmas" && t["expires_at"].is_null())
    );
    let page = html(browser.get("/kelola/token").await, StatusCode::OK, "list");
    assert!(page.html.contains("Skrip Puskesmas"));
    assert!(!page.html.contains(&secret), "shown only once");

    // Another account cannot revoke it.
    let mut other = Browser::new(&app);
    other.sign_in("budi@mojokertokota.go.id").await;
    let other_csrf = other.csrf().await;
    let page = other
        .post(
            &format!("/kelola/token/{id}/cabut"),
            &[("csrf_token", &other_csrf)],
        )
        .await;
    html(page, StatusCode::NOT_FOUND, "someone else's token");
    let page = browser
        .post("/kelola/token/abc/cabut", &[("csrf_token", &csrf)])
        .await;
    html(page, StatusCode::NOT_FOUND, "not a number");

    // Revoked: 303 with a flash, the list shows it revoked, the API refuses the secret.
    let page = browser
        .post(
            &format!("/kelola/token/{id}/cabut"),
            &[("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::SEE_OTHER,
        "{}",
        excerpt(&page.html)
    );
    assert_eq!(location(&page), "/kelola/token");
    let flash = flash_set_cookie(&page).expect("flash");
    assert_eq!(
        app.get("/api/v1/me", Some(&secret)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let with_flash = Browser {
        app: &app,
        cookie: Some(format!(
            "{}; {}",
            browser.cookie.clone().expect("cookie"),
            flash.split(';').next().expect("pair")
        )),
    };
    let page = html(
        with_flash.get("/kelola/token").await,
        StatusCode::OK,
        "after",
    );
    assert!(
        page.html.contains("Token “Skrip Puskesmas” sudah dicabut"),
        "{}",
        excerpt(&page.html)
    );
    assert!(page.html.contains("Dicabut"));
}
