//! The admin pages: OPDs (admin and walidata), accounts (role, OPD, deactivate, new password,
//! revoke every token) and the portal's description, with errors kept on the page.

use axum::http::StatusCode;

use super::super::{excerpt, html};
use super::*;
use crate::support::{TestApp, twin};

twin!(
    opds_are_added_and_changed,
    accounts_are_managed_by_the_admin,
    the_portal_is_described,
);

fn signed<'a>(app: &'a TestApp, token: &str) -> Browser<'a> {
    Browser {
        app,
        cookie: Some(format!("satudata_sesi={token}")),
    }
}

async fn opds_are_added_and_changed(app: TestApp) {
    let walidata = signed(&app, &app.tokens.walidata);
    let page = html(
        walidata.get("/kelola/admin/opd").await,
        StatusCode::OK,
        "opds",
    );
    assert!(
        page.html.contains("<code>dinkes</code>"),
        "{}",
        excerpt(&page.html)
    );
    let csrf = meta_csrf(&page.html).expect("csrf");
    let csrf = csrf.as_str();
    let page = walidata
        .post(
            "/kelola/admin/opd",
            &[
                ("csrf_token", csrf),
                ("slug", "dlh"),
                ("name", ""),
                ("kind", "dinas"),
            ],
        )
        .await;
    let page = html(page, StatusCode::UNPROCESSABLE_ENTITY, "no name");
    assert!(page.html.contains("href=\"#f-name\""));
    assert!(page.html.contains("value=\"dlh\""), "input kept");
    let made = walidata
        .post(
            "/kelola/admin/opd",
            &[
                ("csrf_token", csrf),
                ("slug", "dlh"),
                ("name", "Dinas Lingkungan Hidup"),
                ("kind", "dinas"),
                ("email", "dlh@mojokertokota.go.id"),
            ],
        )
        .await;
    assert_eq!(
        made.status,
        StatusCode::SEE_OTHER,
        "{}",
        excerpt(&made.html)
    );
    // The same slug again: the catalog's conflict, at the slug.
    let again = walidata
        .post(
            "/kelola/admin/opd",
            &[
                ("csrf_token", csrf),
                ("slug", "dlh"),
                ("name", "Lagi"),
                ("kind", "dinas"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.html.contains("href=\"#f-slug\""));
    let saved = walidata
        .post(
            "/kelola/admin/opd/dlh",
            &[
                ("csrf_token", csrf),
                ("name", "Dinas Lingkungan Hidup Kota Mojokerto"),
                ("kind", "dinas"),
                ("short_name", "DLH"),
            ],
        )
        .await;
    assert_eq!(
        saved.status,
        StatusCode::SEE_OTHER,
        "{}",
        excerpt(&saved.html)
    );
    let opd = app
        .get("/api/v1/organizations/dlh", None)
        .await
        .expect(StatusCode::OK)
        .json;
    assert_eq!(opd["name"], "Dinas Lingkungan Hidup Kota Mojokerto");
    assert_eq!(opd["short_name"], "DLH");
    let produsen = signed(&app, &app.tokens.produsen);
    assert_eq!(
        produsen.get("/kelola/admin/opd").await.status,
        StatusCode::FORBIDDEN
    );
}

async fn accounts_are_managed_by_the_admin(app: TestApp) {
    let admin = signed(&app, &app.tokens.admin);
    let page = html(
        admin.get("/kelola/admin/akun?role=produsen").await,
        StatusCode::OK,
        "accounts",
    );
    let csrf = meta_csrf(&page.html).expect("csrf");
    let csrf = csrf.as_str();
    assert!(
        page.html.contains("/kelola/admin/akun/"),
        "{}",
        excerpt(&page.html)
    );
    // A short password: refused, never shown again.
    let short = admin
        .post(
            "/kelola/admin/akun",
            &[
                ("csrf_token", csrf),
                ("email", "bidan@mojokertokota.go.id"),
                ("name", "Bidan Desa"),
                ("role", "produsen"),
                ("organization", "dinkes"),
                ("password", "pendek"),
            ],
        )
        .await;
    let short = html(short, StatusCode::UNPROCESSABLE_ENTITY, "short password");
    assert!(
        short.html.contains("href=\"#f-password\""),
        "{}",
        excerpt(&short.html)
    );
    assert!(!short.html.contains("value=\"pendek\""));
    assert!(short.html.contains("value=\"bidan@mojokertokota.go.id\""));
    let made = admin
        .post(
            "/kelola/admin/akun",
            &[
                ("csrf_token", csrf),
                ("email", "bidan@mojokertokota.go.id"),
                ("name", "Bidan Desa"),
                ("role", "produsen"),
                ("organization", "dinkes"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        made.status,
        StatusCode::SEE_OTHER,
        "{}",
        excerpt(&made.html)
    );
    let account_url = location(&made).to_owned();
    assert!(account_url.starts_with("/kelola/admin/akun/"));
    // The new steward signs in with the form.
    let mut bidan = Browser::new(&app);
    bidan.sign_in("bidan@mojokertokota.go.id").await;
    let session = bidan.token();
    app.get("/api/v1/me", Some(&session))
        .await
        .expect(StatusCode::OK);

    // A produsen without an OPD is refused; the page keeps what was chosen.
    let page = admin
        .post(
            &account_url,
            &[
                ("csrf_token", csrf),
                ("name", "Bidan Desa"),
                ("role", "produsen"),
                ("organization", ""),
                ("active", "1"),
            ],
        )
        .await;
    let page = html(page, StatusCode::UNPROCESSABLE_ENTITY, "no OPD");
    assert!(
        page.html.contains("href=\"#f-organization\""),
        "{}",
        excerpt(&page.html)
    );
    // Deactivated: every session and token stops working.
    let saved = admin
        .post(
            &account_url,
            &[
                ("csrf_token", csrf),
                ("name", "Bidan Desa"),
                ("role", "produsen"),
                ("organization", "dinkes"),
            ],
        )
        .await;
    assert_eq!(
        saved.status,
        StatusCode::SEE_OTHER,
        "{}",
        excerpt(&saved.html)
    );
    app.get("/api/v1/me", Some(&session))
        .await
        .expect(StatusCode::UNAUTHORIZED);
    let page = html(admin.get(&account_url).await, StatusCode::OK, "account");
    assert!(!page.html.contains("name=\"active\" value=\"1\" checked"));
    // Active again, a new password (typed twice), and the new password works.
    let saved = admin
        .post(
            &account_url,
            &[
                ("csrf_token", csrf),
                ("name", "Bidan Desa"),
                ("role", "produsen"),
                ("organization", "dinkes"),
                ("active", "1"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let mismatch = admin
        .post(
            &format!("{account_url}/sandi"),
            &[
                ("csrf_token", csrf),
                ("password", "kata-sandi-baru-2"),
                ("password_confirm", "kata-sandi-lain-2"),
            ],
        )
        .await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(mismatch.html.contains("href=\"#f-password_confirm\""));
    let reset = admin
        .post(
            &format!("{account_url}/sandi"),
            &[
                ("csrf_token", csrf),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        reset.status,
        StatusCode::SEE_OTHER,
        "{}",
        excerpt(&reset.html)
    );
    let mut again = Browser::new(&app);
    again.sign_in("bidan@mojokertokota.go.id").await;
    let revoked = admin
        .post(&format!("{account_url}/cabut"), &[("csrf_token", csrf)])
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    app.get("/api/v1/me", Some(&again.token()))
        .await
        .expect(StatusCode::UNAUTHORIZED);

    // Only an admin manages accounts.
    let walidata = signed(&app, &app.tokens.walidata);
    assert_eq!(
        walidata.get("/kelola/admin/akun").await.status,
        StatusCode::FORBIDDEN
    );
}

async fn the_portal_is_described(app: TestApp) {
    let admin = signed(&app, &app.tokens.admin);
    let page = html(
        admin.get("/kelola/admin/portal").await,
        StatusCode::OK,
        "portal",
    );
    let csrf = meta_csrf(&page.html).expect("csrf");
    let csrf = csrf.as_str();
    let partial = admin
        .post(
            "/kelola/admin/portal",
            &[
                ("csrf_token", csrf),
                ("name", "Pemerintah Kota Mojokerto"),
                ("region_code", "35.76"),
                ("bbox_west", "112,41"),
            ],
        )
        .await;
    let partial = html(partial, StatusCode::UNPROCESSABLE_ENTITY, "partial bbox");
    assert!(partial.html.contains("href=\"#f-bbox_west\""));
    assert!(partial.html.contains("value=\"112,41\""), "input kept");
    let saved = admin
        .post(
            "/kelola/admin/portal",
            &[
                ("csrf_token", csrf),
                ("name", "Pemerintah Kota Mojokerto"),
                ("region_code", "35.76"),
                ("contact_email", "satudata@mojokertokota.go.id"),
                ("bbox_west", "112,41"),
                ("bbox_south", "-7.50"),
                ("bbox_east", "112.46"),
                ("bbox_north", "-7.44"),
            ],
        )
        .await;
    assert_eq!(
        saved.status,
        StatusCode::SEE_OTHER,
        "{}",
        excerpt(&saved.html)
    );
    let portal = app
        .get("/api/v1/portal", None)
        .await
        .expect(StatusCode::OK)
        .json;
    assert_eq!(portal["name"], "Pemerintah Kota Mojokerto");
    assert_eq!(portal["contact_email"], "satudata@mojokertokota.go.id");
    assert_eq!(portal["bbox"][0], 112.41, "{portal}");
    let walidata = signed(&app, &app.tokens.walidata);
    assert_eq!(
        walidata.get("/kelola/admin/portal").await.status,
        StatusCode::FORBIDDEN
    );
}
