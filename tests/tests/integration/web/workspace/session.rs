//! Sign in, sign out, CSRF, and who may open which workspace page.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};

use super::super::{Page, excerpt, html};
use super::*;
use crate::support::{TestApp, twin};

twin!(
    sign_in_sets_a_locked_down_session_cookie,
    sign_in_errors_keep_the_email,
    repeated_wrong_passwords_are_slowed_down,
    unsafe_requests_need_same_origin_and_the_csrf_token,
    sign_out_revokes_the_session,
    workspace_pages_need_a_signed_in_account,
);

async fn sign_in_sets_a_locked_down_session_cookie(app: TestApp) {
    account_with_password(&app, "rina@dinkes.go.id", "produsen").await;
    let mut browser = Browser::new(&app);
    let form = html(browser.get("/masuk").await, StatusCode::OK, "/masuk");
    assert!(
        form.html.contains("name=\"email\""),
        "{}",
        excerpt(&form.html)
    );
    assert!(form.html.contains("name=\"password\""));
    assert!(
        form.html.contains("value=\"/kelola\""),
        "next defaults to the workspace"
    );
    assert_eq!(form.headers[header::CACHE_CONTROL], "no-store");
    // The public pages link to it now.
    let home = html(browser.get("/").await, StatusCode::OK, "/");
    assert!(home.html.contains("href=\"/masuk\""));

    let signed = browser.sign_in("Rina@Dinkes.go.id").await;
    assert_eq!(location(&signed), "/kelola/token");
    let cookie = session_set_cookie(&signed).expect("cookie");
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/", "Secure"] {
        assert!(
            cookie.split("; ").any(|part| part == flag),
            "{flag} missing in {cookie}"
        );
    }
    assert!(browser.token().starts_with("sdt_"), "one of the API tokens");

    // The cookie opens the workspace and the frame shows who is signed in.
    let tokens = html(
        browser.get("/kelola/token").await,
        StatusCode::OK,
        "/kelola/token",
    );
    assert!(
        tokens.html.contains("Petugas produsen"),
        "{}",
        excerpt(&tokens.html)
    );
    assert!(tokens.html.contains("Dinas Kesehatan"));
    assert!(
        tokens.html.contains("sesi peramban ini"),
        "the session is marked"
    );
    assert!(
        tokens.html.contains("Masuk dengan kata sandi <span"),
        "the sign-in token's label in words"
    );
    assert_eq!(tokens.headers[header::CACHE_CONTROL], "no-store");
    // Public pages seen signed in are private.
    let home = html(browser.get("/").await, StatusCode::OK, "/");
    assert!(home.html.contains("action=\"/keluar\""));
    assert_eq!(home.headers[header::CACHE_CONTROL], "private, no-store");
    // The JSON API stays bearer-only: the cookie is no credential there.
    let mut request = Request::get("/api/v1/me");
    request = request.header(header::COOKIE, browser.cookie.clone().expect("cookie"));
    let me = app
        .send(request.body(Body::empty()).expect("request"))
        .await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED, "{}", me.json);
    // A signed-in visitor of /masuk goes on.
    let again = browser.get("/masuk?next=/kelola/token").await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&again), "/kelola/token");

    // Without the Secure flag when configured for plain-http local use.
    let plain = satudata_web::router(
        satudata_web::WebState::new(app.catalog.clone(), ORIGIN).with_cookie_secure(false),
    );
    let body = format!("email=rina%40dinkes.go.id&password={PASSWORD}&next=%2Fkelola");
    let request = Request::post("/masuk")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .expect("request");
    let response = tower::ServiceExt::oneshot(plain, request)
        .await
        .expect("infallible");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookie = response.headers()[header::SET_COOKIE]
        .to_str()
        .expect("ascii");
    assert!(
        cookie.contains("HttpOnly") && !cookie.contains("Secure"),
        "{cookie}"
    );
}

async fn sign_in_errors_keep_the_email(app: TestApp) {
    account_with_password(&app, "rina@dinkes.go.id", "produsen").await;
    let browser = Browser::new(&app);
    // Empty e-mail: 422, the error listed at the top and at the field.
    let page = browser
        .post(
            "/masuk",
            &[("email", ""), ("password", "x"), ("next", "/kelola")],
        )
        .await;
    let page = html(page, StatusCode::UNPROCESSABLE_ENTITY, "/masuk");
    assert!(page.html.contains("Isi alamat e-mail Anda."));
    assert!(page.html.contains("href=\"#f-email\""));
    // Empty password: 422, the e-mail kept.
    let page = browser
        .post(
            "/masuk",
            &[
                ("email", "rina@dinkes.go.id"),
                ("password", ""),
                ("next", "/kelola"),
            ],
        )
        .await;
    let page = html(page, StatusCode::UNPROCESSABLE_ENTITY, "/masuk");
    assert!(page.html.contains("Isi kata sandi Anda."));
    assert!(page.html.contains("value=\"rina@dinkes.go.id\""));
    // Wrong password: the form again (the contract's 200), e-mail kept, password not echoed,
    // no cookie.
    let page = browser
        .post(
            "/masuk",
            &[
                ("email", "rina@dinkes.go.id"),
                ("password", "salah-sekali-123"),
                ("next", "/kelola/token"),
            ],
        )
        .await;
    assert!(session_set_cookie(&page).is_none());
    let page = html(page, StatusCode::OK, "/masuk");
    assert!(
        page.html.contains("E-mail atau kata sandi salah"),
        "{}",
        excerpt(&page.html)
    );
    assert!(page.html.contains("value=\"rina@dinkes.go.id\""));
    assert!(page.html.contains("value=\"/kelola/token\""), "next kept");
    assert!(!page.html.contains("salah-sekali-123"));
    // English.
    let page = browser
        .post(
            "/en/masuk",
            &[("email", ""), ("password", ""), ("next", "")],
        )
        .await;
    let page = html(page, StatusCode::UNPROCESSABLE_ENTITY, "/en/masuk");
    assert!(page.html.contains("Enter your e-mail address."));
    assert!(page.html.contains("Enter your password."));
    assert!(page.html.contains("value=\"/en/kelola\""));
    // `next` never leaves the site.
    for next in [
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
    ] {
        let page = browser
            .post(
                "/masuk",
                &[
                    ("email", "rina@dinkes.go.id"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        assert_eq!(location(&page), "/kelola", "{next}");
    }
}

async fn repeated_wrong_passwords_are_slowed_down(app: TestApp) {
    account_with_password(&app, "rina@dinkes.go.id", "produsen").await;
    let browser = Browser::new(&app);
    let wrong = [
        ("email", "rina@dinkes.go.id"),
        ("password", "bukan-kata-sandinya"),
        ("next", "/kelola"),
    ];
    for _ in 0..5 {
        let page = browser.post("/masuk", &wrong).await;
        assert_eq!(page.status, StatusCode::OK, "{}", excerpt(&page.html));
    }
    // Locked out: even the right password waits, and the page says how long.
    let page = browser
        .post(
            "/masuk",
            &[
                ("email", "rina@dinkes.go.id"),
                ("password", PASSWORD),
                ("next", "/kelola"),
            ],
        )
        .await;
    assert!(session_set_cookie(&page).is_none());
    let page = html(page, StatusCode::TOO_MANY_REQUESTS, "/masuk");
    let wait: u64 = page.headers[header::RETRY_AFTER]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!(wait > 60, "{wait}");
    assert!(page.html.contains("Terlalu banyak percobaan yang salah"));
    assert!(page.html.contains("value=\"rina@dinkes.go.id\""));
}

async fn unsafe_requests_need_same_origin_and_the_csrf_token(app: TestApp) {
    account_with_password(&app, "rina@dinkes.go.id", "produsen").await;
    let mut browser = Browser::new(&app);
    // Sign-in from another site is refused (login CSRF).
    let fields = [
        ("email", "rina@dinkes.go.id"),
        ("password", PASSWORD),
        ("next", "/kelola"),
    ];
    let page = browser
        .post_with("/masuk", &fields, Some("https://evil.example"))
        .await;
    let page = html(page, StatusCode::FORBIDDEN, "/masuk cross-site");
    assert!(session_set_cookie(&page).is_none());
    assert!(page.html.contains("Tidak punya izin"));

    browser.sign_in("rina@dinkes.go.id").await;
    let csrf = browser.csrf().await;
    assert_eq!(csrf.len(), 64);
    let before = app.count("api_token").await;
    // A cross-site Origin, with the right token: 403.
    let fields = [
        ("label", "Skrip"),
        ("expires_days", "30"),
        ("csrf_token", csrf.as_str()),
    ];
    let page = browser
        .post_with("/kelola/token", &fields, Some("https://evil.example"))
        .await;
    html(page, StatusCode::FORBIDDEN, "cross-site origin");
    // Sec-Fetch-Site: cross-site (no Origin): 403.
    let mut body = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in &fields {
        body.append_pair(k, v);
    }
    let request = Request::post("/kelola/token")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, browser.cookie.clone().expect("cookie"))
        .header("sec-fetch-site", "cross-site")
        .body(Body::from(body.finish()))
        .expect("request");
    let page: Page = app.send(request).await.into();
    html(page, StatusCode::FORBIDDEN, "sec-fetch-site");
    // Same origin, no token / a wrong token: 403.
    let page = browser
        .post(
            "/kelola/token",
            &[("label", "Skrip"), ("expires_days", "30")],
        )
        .await;
    html(page, StatusCode::FORBIDDEN, "no token");
    let page = browser
        .post(
            "/kelola/token",
            &[
                ("label", "Skrip"),
                ("expires_days", "30"),
                ("csrf_token", "0".repeat(64).as_str()),
            ],
        )
        .await;
    html(page, StatusCode::FORBIDDEN, "wrong token");
    // Sign-out without the token does not sign out.
    let page = browser.post("/keluar", &[]).await;
    html(page, StatusCode::FORBIDDEN, "/keluar without token");
    assert_eq!(app.count("api_token").await, before, "nothing was created");
    let page = browser.get("/kelola/token").await;
    assert_eq!(page.status, StatusCode::OK, "still signed in");
    // The right token in the field, or in the X-CSRF-Token header (no Origin header: old
    // browsers): done.
    let page = browser.post("/kelola/token", &fields).await;
    html(page, StatusCode::OK, "with token");
    let request = Request::post("/kelola/token")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, browser.cookie.clone().expect("cookie"))
        .header("x-csrf-token", &csrf)
        .header("sec-fetch-site", "same-origin")
        .body(Body::from("label=Lain&expires_days=90"))
        .expect("request");
    let page: Page = app.send(request).await.into();
    html(page, StatusCode::OK, "with header");
    assert_eq!(app.count("api_token").await, before + 2);
}

async fn sign_out_revokes_the_session(app: TestApp) {
    account_with_password(&app, "rina@dinkes.go.id", "produsen").await;
    let mut browser = Browser::new(&app);
    browser.sign_in("rina@dinkes.go.id").await;
    let token = browser.token();
    assert_eq!(
        app.get("/api/v1/me", Some(&token)).await.status,
        StatusCode::OK,
        "the session is an API token"
    );
    let csrf = browser.csrf().await;
    let page = browser.post("/keluar", &[("csrf_token", &csrf)]).await;
    assert_eq!(
        page.status,
        StatusCode::SEE_OTHER,
        "{}",
        excerpt(&page.html)
    );
    assert_eq!(location(&page), "/");
    let removed = session_set_cookie(&page).expect("cookie removed");
    assert!(removed.contains("Max-Age=0"), "{removed}");
    let flash = flash_set_cookie(&page).expect("a flash");
    // The old cookie no longer opens anything.
    let old = browser.get("/kelola/token").await;
    assert_eq!(old.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&old), "/masuk?next=%2Fkelola%2Ftoken");
    assert_eq!(
        app.get("/api/v1/me", Some(&token)).await.status,
        StatusCode::UNAUTHORIZED
    );
    // The home page says so once, and removes the message.
    let browser = Browser {
        app: &app,
        cookie: Some(flash.split(';').next().expect("pair").to_owned()),
    };
    let home = html(browser.get("/").await, StatusCode::OK, "/");
    assert!(
        home.html.contains("Anda sudah keluar"),
        "{}",
        excerpt(&home.html)
    );
    assert!(home.html.contains("href=\"/masuk\""));
    assert_ne!(home.headers[header::CACHE_CONTROL], "public, no-cache");
    let cleared = flash_set_cookie(&home).expect("flash cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
}

async fn workspace_pages_need_a_signed_in_account(app: TestApp) {
    let browser = Browser::new(&app);
    for (uri, next) in [
        ("/kelola", "%2Fkelola"),
        ("/kelola/token", "%2Fkelola%2Ftoken"),
        ("/en/kelola/token", "%2Fen%2Fkelola%2Ftoken"),
    ] {
        let page = browser.get(uri).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{uri}");
        let prefix = if uri.starts_with("/en") { "/en" } else { "" };
        assert_eq!(
            location(&page),
            format!("{prefix}/masuk?next={next}"),
            "{uri}"
        );
    }
    // A form posted by nobody signed in goes to the sign-in page, not to the action.
    let page = browser
        .post("/kelola/token", &[("label", "x"), ("expires_days", "30")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&page), "/masuk?next=%2Fkelola");
    // The actions answer only POST, and say so.
    let page = browser.get("/keluar").await;
    assert_eq!(page.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(page.headers[header::ALLOW], "POST");
    let page = browser.post("/dataset", &[]).await;
    assert_eq!(page.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(
        page.headers[header::ALLOW]
            .to_str()
            .is_ok_and(|a| a.contains("GET") && !a.contains("POST")),
        "{:?}",
        page.headers[header::ALLOW]
    );
    // A bad cookie is nobody.
    let stranger = Browser {
        app: &app,
        cookie: Some("satudata_sesi=sdt_0000".into()),
    };
    let page = stranger.get("/kelola/token").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = html(
        stranger.get("/").await,
        StatusCode::OK,
        "/ with a bad cookie",
    );
    assert!(page.html.contains("href=\"/masuk\""));
    // Every role has the workspace and its tokens page.
    for token in [
        &app.tokens.produsen,
        &app.tokens.walidata,
        &app.tokens.admin,
        &app.tokens.pembina,
    ] {
        let signed = Browser {
            app: &app,
            cookie: Some(format!("satudata_sesi={token}")),
        };
        let page = signed.get("/kelola").await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        let page = signed.get("/kelola/token").await;
        assert_eq!(page.status, StatusCode::OK, "{}", excerpt(&page.html));
    }
}
