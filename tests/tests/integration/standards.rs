//! Standar Data: code lists and variables, a dataset's Table Schema bound to them, and uploads
//! validated against it.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, twin};

twin!(standards_bind_columns_and_drive_validation);

fn errors(report: &Value) -> Vec<(String, u64, String)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| {
            (
                f["type"].as_str().unwrap_or_default().to_owned(),
                f["row_number"].as_u64().unwrap_or_default(),
                f["field_name"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

async fn standards_bind_columns_and_drive_validation(app: TestApp) {
    let t = &app.tokens;
    let jk = json!({"slug": "jenis-kelamin", "name": "Jenis Kelamin",
        "items": [{"code": "Laki-laki", "label": "Laki-laki"}, {"code": "Perempuan", "label": "Perempuan"}]});
    app.get("/api/v1/code-lists", None)
        .await
        .expect(StatusCode::OK);
    app.post_json("/api/v1/code-lists", None, jk.clone())
        .await
        .expect(StatusCode::UNAUTHORIZED);
    app.post_json("/api/v1/code-lists", Some(&t.produsen), jk.clone())
        .await
        .expect(StatusCode::FORBIDDEN);
    app.post_json("/api/v1/code-lists", Some(&t.pembina), jk.clone())
        .await
        .expect(StatusCode::CREATED);
    app.post_json("/api/v1/code-lists", Some(&t.walidata), jk)
        .await
        .expect(StatusCode::CONFLICT);
    let twice = json!({"slug": "ganda", "name": "Ganda", "items": [{"code": "1", "label": "a"}, {"code": "1", "label": "b"}]});
    app.post_json("/api/v1/code-lists", Some(&t.walidata), twice)
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    let shown = app
        .get("/api/v1/code-lists/jenis-kelamin", None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(shown.json["items"][1]["code"], "Perempuan");

    let w = Some(t.walidata.as_str());
    app.post_json("/api/v1/standards", w, json!({"kode": "JK", "nama": "Jenis Kelamin", "tipe_data": "string", "code_list": "jenis-kelamin"}))
        .await
        .expect(StatusCode::CREATED);
    let jml = app
        .post_json("/api/v1/standards", w, json!({"kode": "JML", "nama": "Jumlah Penduduk", "tipe_data": "integer", "minimum": 0, "satuan": "Jiwa"}))
        .await
        .expect(StatusCode::CREATED);
    assert_eq!(jml.json["aturan"]["minimum"], 0.0);
    app.post_json(
        "/api/v1/standards",
        w,
        json!({"kode": "X", "nama": "X", "tipe_data": "teks"}),
    )
    .await
    .expect(StatusCode::UNPROCESSABLE_ENTITY);
    app.post_json(
        "/api/v1/standards",
        w,
        json!({"kode": "Y", "nama": "Y", "tipe_data": "string", "code_list": "tidak-ada"}),
    )
    .await
    .expect(StatusCode::UNPROCESSABLE_ENTITY);
    app.post_json(
        "/api/v1/standards",
        w,
        json!({"kode": "Z", "nama": "Z", "tipe_data": "string", "pattern": "(["}),
    )
    .await
    .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.get("/api/v1/standards/JK", None)
            .await
            .expect(StatusCode::OK)
            .json["code_list"],
        "jenis-kelamin"
    );

    let slug = app
        .dataset(json!({"title": "Penduduk Menurut Jenis Kelamin", "organization": "dinkes"}))
        .await;
    let uri = format!("/api/v1/datasets/{slug}/schema");
    app.get(&uri, Some(&t.produsen))
        .await
        .expect(StatusCode::NOT_FOUND);
    let schema = json!({"fields": [
        {"name": "kecamatan"}, {"name": "jenis_kelamin", "standar_data": "JK"},
        {"name": "jumlah", "standar_data": "JML"}, {"name": "satuan"}, {"name": "tahun", "type": "integer"}],
        "primaryKey": ["kecamatan", "jenis_kelamin", "tahun"]});
    app.call(
        Method::PUT,
        &uri,
        Some(&t.other_produsen),
        Some("application/json"),
        schema.to_string(),
    )
    .await
    .expect(StatusCode::NOT_FOUND);
    let bad = json!({"fields": [{"name": "a", "standar_data": "TIDAK-ADA"}]});
    app.call(
        Method::PUT,
        &uri,
        Some(&t.produsen),
        Some("application/json"),
        bad.to_string(),
    )
    .await
    .expect(StatusCode::UNPROCESSABLE_ENTITY);
    let bad_key = json!({"fields": [{"name": "a"}], "primaryKey": ["b"]});
    app.call(
        Method::PUT,
        &uri,
        Some(&t.produsen),
        Some("application/json"),
        bad_key.to_string(),
    )
    .await
    .expect(StatusCode::UNPROCESSABLE_ENTITY);
    let effective = app
        .call(
            Method::PUT,
            &uri,
            Some(&t.produsen),
            Some("application/json"),
            schema.to_string(),
        )
        .await
        .expect(StatusCode::OK)
        .json;
    assert_eq!(
        effective["fields"][1]["constraints"]["enum"],
        json!(["Laki-laki", "Perempuan"])
    );
    assert_eq!(effective["fields"][2]["type"], "integer");
    assert_eq!(effective["fields"][2]["title"], "Jumlah Penduduk");
    assert_eq!(
        app.get(&uri, None).await.status,
        StatusCode::NOT_FOUND,
        "a private dataset's schema is private"
    );
    assert_eq!(
        app.get(&uri, Some(&t.pembina))
            .await
            .expect(StatusCode::OK)
            .json,
        effective
    );

    let csv = "kecamatan,jenis_kelamin,jumlah,satuan,tahun\n\
Magersari,Laki-laki,120,Jiwa,2024\n\
Magersari,Pria,130,Jiwa,2024\n\
Kranggan,Perempuan,-5,Jiwa,2024\n\
Magersari,Laki-laki,121,Jiwa,2024\n";
    let version = app
        .upload(&slug, Some(&t.produsen), "text/csv", csv.as_bytes())
        .await
        .expect(StatusCode::CREATED);
    assert_eq!(version.json["validation"]["error_count"], 3);
    let report = app
        .get(
            &format!("/api/v1/datasets/{slug}/versions/1/report"),
            Some(&t.produsen),
        )
        .await;
    let report = report.expect(StatusCode::OK).json;
    assert_eq!(report["schema_inferred"], false);
    let mut found = errors(&report);
    found.sort();
    assert_eq!(
        found,
        [
            ("constraint-error".to_owned(), 3, "jenis_kelamin".to_owned()),
            ("constraint-error".to_owned(), 4, "jumlah".to_owned()),
            (
                "primary-key".to_owned(),
                5,
                "kecamatan,jenis_kelamin,tahun".to_owned()
            ),
        ]
    );
    let score = app
        .get(&format!("/api/v1/datasets/{slug}/score"), Some(&t.produsen))
        .await
        .expect(StatusCode::OK)
        .json;
    assert_eq!(
        score["standar_data"]["share"], 0.4,
        "2 of 5 columns bound: {score}"
    );
}
