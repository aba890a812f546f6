//! The Table Schema / Standar Data binding editor and the dataset's history page.

use axum::http::{StatusCode, header};
use serde_json::json;

use super::super::{Page, TABLE, excerpt, html};
use super::upload::{BOUNDARY, multipart};
use super::*;
use crate::support::{TestApp, twin};

twin!(
    columns_are_bound_to_standar_data,
    a_table_schema_is_imported_from_a_file_or_pasted,
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

/// A new dataset has no columns yet; the walidata's Table Schema (with code lists the editor
/// does not show) is imported as a file, and the next upload is checked against it.
async fn a_table_schema_is_imported_from_a_file_or_pasted(app: TestApp) {
    let slug = app
        .dataset(json!({"title": "Penduduk per Kecamatan", "organization": "dinkes"}))
        .await;
    let browser = produsen(&app);
    let uri = format!("/kelola/dataset/{slug}/skema");
    let import = format!("{uri}/impor");
    let page = html(browser.get(&uri).await, StatusCode::OK, &uri);
    assert!(page.html.contains(&format!("action=\"{import}\"")));
    let csrf = meta_csrf(&page.html).expect("csrf");

    // Pasted, not JSON: where it breaks, the text kept.
    let bad = "{\"fields\": [\n  {\"name\": \"tahun\" \"type\": \"year\"}]}";
    let page = browser
        .post(&import, &[("csrf_token", &csrf), ("schema_json", bad)])
        .await;
    let page = html(page, StatusCode::UNPROCESSABLE_ENTITY, "not JSON");
    assert!(
        page.html.contains("href=\"#f-schema_json\""),
        "{}",
        excerpt(&page.html)
    );
    assert!(page.html.contains("baris 2"), "{}", excerpt(&page.html));
    let kept = page
        .html
        .split("id=\"f-schema_json\"")
        .nth(1)
        .unwrap_or_default();
    assert!(
        kept.contains("tahun&#34; &#34;type"),
        "text kept: {}",
        &kept[..kept.len().min(300)]
    );
    // JSON but not a Table Schema: the catalog's reason.
    let repeated = r#"{"fields": [{"name": "tahun"}, {"name": "tahun"}]}"#;
    let page = browser
        .post(&import, &[("csrf_token", &csrf), ("schema_json", repeated)])
        .await;
    let page = html(page, StatusCode::UNPROCESSABLE_ENTITY, "repeated");
    assert!(
        page.html.contains("kosong atau ganda"),
        "{}",
        excerpt(&page.html)
    );
    // Nothing at all.
    let page = browser
        .post(&import, &[("csrf_token", &csrf), ("schema_json", "  ")])
        .await;
    html(page, StatusCode::UNPROCESSABLE_ENTITY, "empty");

    // A file, as a browser sends it (multipart); without the CSRF token it is refused.
    let schema = json!({"fields": [
        {"name": "kode_kecamatan", "type": "string",
         "constraints": {"required": true, "enum": ["35.76.01", "35.76.02", "35.76.03"]}},
        {"name": "nama_kecamatan", "type": "string"},
        {"name": "jenis_kelamin", "type": "string"},
        {"name": "jumlah", "type": "integer", "constraints": {"minimum": 0}},
        {"name": "satuan", "type": "string"},
        {"name": "tahun", "type": "integer"}],
        "primaryKey": ["kode_kecamatan", "jenis_kelamin", "tahun"]})
    .to_string();
    let file = Some(("skema.json", "application/json", schema.as_bytes()));
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let headers = [
        ("content-type", content_type.as_str()),
        ("accept", "text/html"),
    ];
    let refused = browser
        .send_raw("POST", &import, &headers, multipart("salah", file))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let other = Browser {
        app: &app,
        cookie: Some(format!("satudata_sesi={}", app.tokens.other_produsen)),
    };
    let their_csrf = meta_csrf(&other.get("/kelola/dataset").await.html).expect("csrf");
    let theirs = other
        .send_raw("POST", &import, &headers, multipart(&their_csrf, file))
        .await;
    assert_eq!(
        theirs.status,
        StatusCode::NOT_FOUND,
        "another OPD's dataset"
    );
    let done = browser
        .send_raw("POST", &import, &headers, multipart(&csrf, file))
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    assert_eq!(done.headers[header::LOCATION], uri.as_str());
    let done = Page {
        status: done.status,
        headers: done.headers,
        html: done.text,
    };
    let page = html(with_flash(&browser, &done).await, StatusCode::OK, &uri);
    assert!(
        page.html.contains("Table Schema diimpor: 6 kolom"),
        "{}",
        excerpt(&page.html)
    );
    assert!(page.html.contains("name=\"count\" value=\"6\""));
    assert!(
        page.html
            .contains("Aturan lain: hanya 3 nilai yang diizinkan"),
        "the code list, in words"
    );
    assert!(page.html.contains("Aturan lain: paling kecil 0"));

    // The code list the editor does not show is applied to the next upload.
    let table = String::from_utf8_lossy(TABLE).replacen("35.76.02", "35.76.09", 1);
    let version = app
        .upload(
            &slug,
            Some(&app.tokens.produsen),
            "text/csv",
            table.as_bytes(),
        )
        .await
        .expect(StatusCode::CREATED);
    assert_eq!(
        version.json["validation"]["error_count"], 1,
        "{}",
        version.json
    );
    let report = app
        .get(
            &format!("/api/v1/datasets/{slug}/versions/1/report"),
            Some(&app.tokens.produsen),
        )
        .await
        .expect(StatusCode::OK)
        .json;
    assert_eq!(report["schema_inferred"], false);
    assert!(report.to_string().contains("35.76.09"), "{report}");
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
