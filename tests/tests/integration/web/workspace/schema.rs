//! The Table Schema / Standar Data binding editor and the dataset's history page.

use axum::http::StatusCode;
use serde_json::json;

use super::super::{TABLE, excerpt, html};
use super::*;
use crate::support::{TestApp, twin};

twin!(
    columns_are_bound_to_standar_data,
    history_lists_every_step_and_change,
);

fn produsen(app: &TestApp) -> Browser<'_> {
    Browser {
        app,
        cookie: Some(format!("satudata_sesi={}", app.tokens.produsen)),
    }
}

fn as_refs(f: &[(String, String)]) -> Vec<(&str, &str)> {
    f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

async fn columns_are_bound_to_standar_data(app: TestApp) {
    app.post_json(
        "/api/v1/standards",
        Some(&app.tokens.walidata),
        json!({"kode": "JUMLAH", "nama": "Jumlah", "tipe_data": "integer", "minimum": 0,
               "satuan": "Jiwa"}),
    )
    .await
    .expect(StatusCode::CREATED);
    let slug = app
        .dataset(json!({"title": "Penduduk per Kecamatan", "organization": "dinkes"}))
        .await;
    let browser = produsen(&app);
    let uri = format!("/kelola/dataset/{slug}/skema");
    // No version yet: nothing to bind, a link to the upload.
    let page = html(browser.get(&uri).await, StatusCode::OK, &uri);
    assert!(
        page.html
            .contains(&format!("/kelola/dataset/{slug}/unggah"))
    );
    assert!(!page.html.contains("name=\"count\""));
    app.upload(&slug, Some(&app.tokens.produsen), "text/csv", TABLE)
        .await
        .expect(StatusCode::CREATED);
    // The newest version's inferred columns, with a suggested variable for `jumlah`.
    let page = html(browser.get(&uri).await, StatusCode::OK, &uri);
    assert!(
        page.html.contains("name=\"count\" value=\"6\""),
        "{}",
        excerpt(&page.html)
    );
    assert!(page.html.contains("notice--info"));
    assert!(page.html.contains("Saran: JUMLAH"));
    let csrf = meta_csrf(&page.html).expect("csrf");
    let mut fields: Vec<(String, String)> = vec![
        ("csrf_token".into(), csrf.clone()),
        ("count".into(), "6".into()),
    ];
    let names = [
        "kode_kecamatan",
        "nama_kecamatan",
        "jenis_kelamin",
        "jumlah",
        "satuan",
        "tahun",
    ];
    for (i, name) in names.iter().enumerate() {
        fields.push((format!("name_{i}"), (*name).into()));
        fields.push((format!("type_{i}"), "string".into()));
        fields.push((format!("title_{i}"), String::new()));
    }
    let set = |fields: &mut Vec<(String, String)>, k: &str, v: &str| {
        fields.retain(|(n, _)| n != k);
        fields.push((k.to_owned(), v.to_owned()));
    };
    set(&mut fields, "standar_3", "TIDAK-ADA");
    set(&mut fields, "type_5", "tanggal-bebas");
    set(&mut fields, "title_1", "Nama kecamatan");
    let page = browser.post(&uri, &as_refs(&fields)).await;
    let page = html(page, StatusCode::UNPROCESSABLE_ENTITY, "bad binding");
    assert!(
        page.html.contains("href=\"#f-standar_3\""),
        "{}",
        excerpt(&page.html)
    );
    assert!(page.html.contains("href=\"#f-type_5\""));
    assert!(page.html.contains("value=\"Nama kecamatan\""), "input kept");

    set(&mut fields, "standar_3", "JUMLAH");
    set(&mut fields, "type_5", "year");
    set(&mut fields, "key_0", "1");
    set(&mut fields, "key_2", "1");
    set(&mut fields, "key_5", "1");
    set(&mut fields, "required_3", "1");
    let saved = browser.post(&uri, &as_refs(&fields)).await;
    assert_eq!(
        saved.status,
        StatusCode::SEE_OTHER,
        "{}",
        excerpt(&saved.html)
    );
    let schema = app
        .get(
            &format!("/api/v1/datasets/{slug}/schema"),
            Some(&app.tokens.produsen),
        )
        .await
        .expect(StatusCode::OK)
        .json;
    let schema = if schema["schema"].is_object() {
        schema["schema"].clone()
    } else {
        schema
    };
    assert_eq!(
        schema["primaryKey"],
        json!(["kode_kecamatan", "jenis_kelamin", "tahun"]),
        "{schema}"
    );
    let jumlah = &schema["fields"][3];
    assert_eq!(jumlah["standar_data"], "JUMLAH", "{schema}");
    assert_eq!(jumlah["type"], "integer", "the variable's type");
    assert_eq!(schema["fields"][1]["title"], "Nama kecamatan");
    // The page now shows the stored binding.
    let page = html(browser.get(&uri).await, StatusCode::OK, &uri);
    assert!(page.html.contains("<option value=\"JUMLAH\" selected>"));
    assert!(!page.html.contains("notice--info"));
}

async fn history_lists_every_step_and_change(app: TestApp) {
    let slug = app
        .dataset(
            json!({"title": "Penduduk per Kecamatan", "organization": "dinkes",
                        "frekuensi": "Tahunan"}),
        )
        .await;
    app.upload(&slug, Some(&app.tokens.produsen), "text/csv", TABLE)
        .await
        .expect(StatusCode::CREATED);
    app.post_json(
        &format!("/api/v1/datasets/{slug}/versions/1/submit"),
        Some(&app.tokens.produsen),
        json!({"note": "Lengkap"}),
    )
    .await
    .expect(StatusCode::OK);
    app.patch_json(
        &format!("/api/v1/datasets/{slug}"),
        Some(&app.tokens.produsen),
        json!({"frekuensi": "Semesteran"}),
    )
    .await
    .expect(StatusCode::OK);
    let browser = produsen(&app);
    let uri = format!("/kelola/dataset/{slug}/riwayat");
    let page = html(browser.get(&uri).await, StatusCode::OK, &uri);
    let main = &page.html[page.html.find("<main").expect("main")..];
    let metadata = main.find("Metadata diubah").expect("the metadata edit");
    let submit = main.find("Diajukan ke Walidata").expect("the submit");
    let upload = main.find("Data diunggah").expect("the upload");
    assert!(metadata < submit && submit < upload, "newest first");
    assert!(main.contains("Lengkap"), "the note");
    assert!(main.contains("<del>Tahunan</del>") && main.contains("<ins>Semesteran</ins>"));
    let other = Browser {
        app: &app,
        cookie: Some(format!("satudata_sesi={}", app.tokens.other_produsen)),
    };
    assert_eq!(other.get(&uri).await.status, StatusCode::NOT_FOUND);
}
