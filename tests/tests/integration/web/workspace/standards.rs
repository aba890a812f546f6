//! Standar Data editing in the workspace: variables and code lists created and changed with
//! forms, errors listed with the input kept, roles.

use axum::http::StatusCode;
use serde_json::json;

use super::super::{excerpt, html};
use super::*;
use crate::support::{TestApp, twin};

twin!(standar_data_is_edited_with_forms);

async fn standar_data_is_edited_with_forms(app: TestApp) {
    let walidata = Browser {
        app: &app,
        cookie: Some(format!("satudata_sesi={}", app.tokens.walidata)),
    };
    let page = html(
        walidata.get("/kelola/standar-data").await,
        StatusCode::OK,
        "registry",
    );
    assert!(
        page.html.contains("href=\"/kelola/standar-data\""),
        "in the menu"
    );
    let csrf = meta_csrf(&page.html).expect("csrf");

    // A code list: a line without ";" and a repeated code are named by line.
    let uri = "/kelola/standar-data/klasifikasi/baru";
    let page = walidata
        .post(
            uri,
            &[
                ("csrf_token", &csrf),
                ("slug", "jenis-kelamin"),
                ("name", "Jenis Kelamin"),
                ("codes", "1;Laki-laki\n2 Perempuan"),
            ],
        )
        .await;
    let page = html(page, StatusCode::UNPROCESSABLE_ENTITY, "bad line");
    assert!(page.html.contains("Baris 2"), "{}", excerpt(&page.html));
    assert!(page.html.contains("href=\"#f-codes\""));
    assert!(page.html.contains("2 Perempuan"), "input kept");
    let page = walidata
        .post(
            uri,
            &[
                ("csrf_token", &csrf),
                ("slug", "jenis-kelamin"),
                ("name", "Jenis Kelamin"),
                ("codes", "1;Laki-laki\n1;Perempuan"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.html.contains("Baris 2: kode “1”"),
        "{}",
        excerpt(&page.html)
    );
    let made = walidata
        .post(
            uri,
            &[
                ("csrf_token", &csrf),
                ("slug", "jenis-kelamin"),
                ("name", "Jenis Kelamin"),
                ("codes", "1;Laki-laki\n\n2;Perempuan\n"),
            ],
        )
        .await;
    assert_eq!(
        made.status,
        StatusCode::SEE_OTHER,
        "{}",
        excerpt(&made.html)
    );
    let list = app
        .get(
            "/api/v1/code-lists/jenis-kelamin",
            Some(&app.tokens.walidata),
        )
        .await
        .expect(StatusCode::OK)
        .json;
    assert_eq!(
        list["items"],
        json!([{"code": "1", "label": "Laki-laki"}, {"code": "2", "label": "Perempuan"}])
    );
    // The same slug again: the catalog's conflict at its field.
    let again = walidata
        .post(
            uri,
            &[
                ("csrf_token", &csrf),
                ("slug", "jenis-kelamin"),
                ("name", "Lagi"),
                ("codes", "1;A"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Edited: the values come back in the textarea.
    let edit = "/kelola/standar-data/klasifikasi/jenis-kelamin";
    let page = html(walidata.get(edit).await, StatusCode::OK, edit);
    assert!(page.html.contains("1;Laki-laki\n2;Perempuan"));

    // A variable bound to the list, with a bad number first.
    let uri = "/kelola/standar-data/variabel/baru";
    let fields = |minimum: &'static str| {
        vec![
            ("csrf_token", csrf.clone()),
            ("kode", "JK".to_owned()),
            ("nama", "Jenis Kelamin".to_owned()),
            ("tipe_data", "string".to_owned()),
            ("code_list", "jenis-kelamin".to_owned()),
            ("minimum", minimum.to_owned()),
        ]
    };
    let bad = fields("nol");
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let page = walidata.post(uri, &bad).await;
    let page = html(page, StatusCode::UNPROCESSABLE_ENTITY, "bad number");
    assert!(
        page.html.contains("href=\"#f-minimum\""),
        "{}",
        excerpt(&page.html)
    );
    assert!(page.html.contains("value=\"nol\""));
    let good = fields("");
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let made = walidata.post(uri, &good).await;
    assert_eq!(
        made.status,
        StatusCode::SEE_OTHER,
        "{}",
        excerpt(&made.html)
    );
    let page = html(
        walidata.get("/kelola/standar-data").await,
        StatusCode::OK,
        "registry",
    );
    assert!(page.html.contains("<code>JK</code>"));
    assert!(page.html.contains("/kelola/standar-data/variabel/JK"));
    // Changed: the kode stays, the name changes.
    let edit = "/kelola/standar-data/variabel/JK";
    let page = html(walidata.get(edit).await, StatusCode::OK, edit);
    assert!(page.html.contains("value=\"Jenis Kelamin\""));
    let saved = walidata
        .post(
            edit,
            &[
                ("csrf_token", &csrf),
                ("nama", "Jenis Kelamin Penduduk"),
                ("tipe_data", "string"),
                ("code_list", "jenis-kelamin"),
            ],
        )
        .await;
    assert_eq!(
        saved.status,
        StatusCode::SEE_OTHER,
        "{}",
        excerpt(&saved.html)
    );
    let v = app
        .get("/api/v1/standards/JK", Some(&app.tokens.walidata))
        .await
        .expect(StatusCode::OK)
        .json;
    assert_eq!(v["nama"], "Jenis Kelamin Penduduk");

    // A produsen may not edit the registry.
    let produsen = Browser {
        app: &app,
        cookie: Some(format!("satudata_sesi={}", app.tokens.produsen)),
    };
    assert_eq!(
        produsen.get("/kelola/standar-data").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(produsen.get(edit).await.status, StatusCode::FORBIDDEN);
}
