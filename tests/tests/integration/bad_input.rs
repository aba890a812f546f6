//! Bad input gets a 4xx with the envelope and changes nothing that is stored.

use axum::body::Body;
use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::support::{TEST_UPLOAD_LIMIT, TestApp, twin};

twin!(
    bad_json_and_vocabulary,
    bad_uploads,
    bad_routes_and_parameters
);

const TABLES: [&str; 5] = [
    "organization",
    "account",
    "dataset",
    "dataset_tag",
    "dataset_version",
];

async fn snapshot(app: &TestApp) -> (Vec<i64>, usize) {
    let mut counts = Vec::new();
    for table in TABLES {
        counts.push(app.count(table).await);
    }
    (counts, app.stored_files().len())
}

async fn bad_json_and_vocabulary(app: TestApp) {
    let w = Some(app.tokens.walidata.as_str());
    let slug = app
        .dataset(
            json!({"title": "Data Awal", "organization": "dinkes", "topik": "Pemerintahan Umum"}),
        )
        .await;
    let before = snapshot(&app).await;
    let shown_before = app.get(&format!("/api/v1/datasets/{slug}"), w).await.json;

    let raw = app
        .call(
            Method::POST,
            "/api/v1/datasets",
            w,
            Some("application/json"),
            "{\"title\": ",
        )
        .await;
    raw.expect(StatusCode::BAD_REQUEST);
    let no_type = app
        .call(
            Method::POST,
            "/api/v1/datasets",
            w,
            None,
            json!({"title": "x", "organization": "dinkes"}).to_string(),
        )
        .await;
    no_type.expect(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let wrong_type = app
        .post_json(
            "/api/v1/datasets",
            w,
            json!({"title": "x", "organization": "dinkes", "prioritas_tahun": "abc"}),
        )
        .await;
    wrong_type.expect(StatusCode::UNPROCESSABLE_ENTITY);
    let unknown_field = app
        .post_json(
            "/api/v1/datasets",
            w,
            json!({"title": "x", "organization": "dinkes", "topic": "x"}),
        )
        .await;
    unknown_field.expect(StatusCode::UNPROCESSABLE_ENTITY);

    let cases = [
        (json!({"organization": "dinkes"}), "title"),
        (json!({"title": "x"}), "organization"),
        (
            json!({"title": "x", "organization": "tidak-ada"}),
            "organization",
        ),
        (
            json!({"title": "x", "organization": "dinkes", "topik": "Olahraga"}),
            "topik",
        ),
        (
            json!({"title": "x", "organization": "dinkes", "akses": "Publik"}),
            "akses",
        ),
        (
            json!({"title": "x", "organization": "dinkes", "frekuensi": "Kadang-kadang"}),
            "frekuensi",
        ),
        (
            json!({"title": "x", "organization": "dinkes", "tingkat_penyajian": "RT"}),
            "tingkat_penyajian",
        ),
        (
            json!({"title": "x", "organization": "dinkes", "license": "GPL-3.0"}),
            "license",
        ),
        (
            json!({"title": "x", "organization": "dinkes", "cakupan_wilayah": "3576"}),
            "cakupan_wilayah",
        ),
        (
            json!({"title": "x", "organization": "dinkes", "prioritas_tahun": 1999}),
            "prioritas_tahun",
        ),
        (
            json!({"title": "x", "organization": "dinkes", "contact_email": "bukan-surel"}),
            "contact_email",
        ),
        (
            json!({"title": "x", "organization": "dinkes", "tags": ["<script>"]}),
            "tags",
        ),
        (
            json!({"title": "x", "organization": "dinkes", "slug": "Bukan Slug"}),
            "slug",
        ),
        (
            json!({"title": "x", "organization": "dinkes", "slug": slug}),
            "",
        ),
        (
            json!({"title": "x", "organization": "dinkes", "temporal_start": "2024-01-01", "temporal_end": "2023-01-01"}),
            "temporal_end",
        ),
        (
            json!({"title": "x", "organization": "dinkes", "msind": {"level_estimasi": "RW"}}),
            "msind.level_estimasi",
        ),
        (
            json!({"title": "x", "organization": "dinkes", "msind": {"indikator_komposit": true}}),
            "msind.indikator_pembangun",
        ),
        (
            json!({"title": "x", "organization": "dinkes", "mskeg": {"judul": "Survei"}}),
            "mskeg.judul",
        ),
        (
            json!({"title": "x", "organization": "dinkes", "mskeg": {"i_email": ["a@b.id"]}}),
            "mskeg.i_email",
        ),
    ];
    for (body, field) in cases {
        let response = app.post_json("/api/v1/datasets", w, body.clone()).await;
        if field.is_empty() {
            response.expect(StatusCode::CONFLICT);
            continue;
        }
        let response = response.expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(response.json["error"]["field"], field, "{body}");
    }
    // A bad PATCH changes nothing, not even the fields that were fine.
    let patch = app
        .patch_json(
            &format!("/api/v1/datasets/{slug}"),
            w,
            json!({"title": "Judul Baru", "topik": "Olahraga"}),
        )
        .await;
    patch.expect(StatusCode::UNPROCESSABLE_ENTITY);

    let org_cases = [
        (
            json!({"slug": "dinkes", "name": "Ganda"}),
            StatusCode::CONFLICT,
        ),
        (
            json!({"slug": "Dinas Baru!", "name": "Dinas Baru"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"slug": "dinas-baru", "name": "  "}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"slug": "dinas-baru", "name": "Dinas Baru", "kind": "perusahaan"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"slug": "dinas-baru", "name": "Dinas Baru", "website": "ftp://x"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ];
    for (body, status) in org_cases {
        app.post_json("/api/v1/organizations", w, body)
            .await
            .expect(status);
    }
    let admin = Some(app.tokens.admin.as_str());
    let user_cases = [
        json!({"email": "x@y.go.id", "name": "X", "role": "superuser"}),
        json!({"email": "x@y.go.id", "name": "X", "role": "produsen"}),
        json!({"email": "x@y.go.id", "name": "X", "role": "walidata", "password": "pendek"}),
        json!({"email": "bukan", "name": "X", "role": "walidata"}),
    ];
    for body in user_cases {
        app.post_json("/api/v1/users", admin, body)
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
    }
    app.post_json(
        "/api/v1/users",
        admin,
        json!({"email": "walidata@mojokertokota.go.id", "name": "X", "role": "walidata"}),
    )
    .await
    .expect(StatusCode::CONFLICT);
    app.patch_json("/api/v1/portal", admin, json!({"region_code": "Mojokerto"}))
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);

    assert_eq!(snapshot(&app).await, before);
    let shown_after = app.get(&format!("/api/v1/datasets/{slug}"), w).await.json;
    assert_eq!(shown_before, shown_after);
}

async fn bad_uploads(app: TestApp) {
    let p = Some(app.tokens.produsen.as_str());
    let slug = app
        .dataset(json!({"title": "Data Unggahan", "organization": "dinkes"}))
        .await;
    app.upload(&slug, p, "text/csv", b"a,b\n1,2\n")
        .await
        .expect(StatusCode::CREATED);
    let before = snapshot(&app).await;
    let uri = format!("/api/v1/datasets/{slug}/versions");

    let too_big = vec![b'1'; usize::try_from(TEST_UPLOAD_LIMIT).expect("small") + 1];
    // Declared too large: refused before a byte is stored.
    let declared = app
        .upload(&slug, p, "text/csv", &too_big)
        .await
        .expect(StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(declared.json["error"]["code"], "payload_too_large");
    // Streamed without a length: cut off when the limit is passed.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        too_big.chunks(64 * 1024).map(|c| Ok(c.to_vec())).collect();
    let streamed = Body::from_stream(futures_util::stream::iter(chunks));
    app.call(Method::POST, &uri, p, Some("text/csv"), streamed)
        .await
        .expect(StatusCode::PAYLOAD_TOO_LARGE);

    let empty = app
        .upload(&slug, p, "text/csv", b"")
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(empty.json["error"]["field"], "body");
    app.upload(&slug, p, "text/csv", b"\n\n  \n")
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    app.upload(&slug, p, "application/json", b"{\"a\": 1}")
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    let xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    app.upload(&slug, p, xlsx, b"PK\x03\x04 not really a workbook")
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    app.upload(&slug, p, "application/pdf", b"%PDF-1.7")
        .await
        .expect(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    app.upload(&slug, p, "image/png", b"\x89PNG\r\n")
        .await
        .expect(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    app.call(Method::POST, &uri, p, None, b"a,b\n1,2\n".to_vec())
        .await
        .expect(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let binary = app
        .upload(&slug, p, "text/csv", b"PK\x03\x04\x14\x00\x00\x00binary")
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(binary.json["error"]["code"], "unreadable_table");
    let form = "multipart/form-data; boundary=x";
    app.call(
        Method::POST,
        &uri,
        p,
        Some(form),
        "--x\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nv\r\n--x--\r\n",
    )
    .await
    .expect(StatusCode::BAD_REQUEST);
    app.call(Method::POST, &uri, p, Some(form), "garbage")
        .await
        .expect(StatusCode::BAD_REQUEST);

    assert_eq!(
        snapshot(&app).await,
        before,
        "rejected uploads must leave no row and no object"
    );
}

async fn bad_routes_and_parameters(app: TestApp) {
    let w = Some(app.tokens.walidata.as_str());
    let slug = app
        .dataset(json!({"title": "Data Rute", "organization": "dinkes"}))
        .await;
    let before = snapshot(&app).await;
    let unknown = app
        .get("/api/v1/tidak-ada", w)
        .await
        .expect(StatusCode::NOT_FOUND);
    assert_eq!(unknown.json["error"]["code"], "not_found");
    app.call(Method::PUT, "/api/v1/datasets", w, None, Body::empty())
        .await
        .expect(StatusCode::METHOD_NOT_ALLOWED);
    app.get(&format!("/api/v1/datasets/{slug}/versions/satu"), w)
        .await
        .expect(StatusCode::BAD_REQUEST);
    app.get(&format!("/api/v1/datasets/{slug}/versions/7"), w)
        .await
        .expect(StatusCode::NOT_FOUND);
    app.get("/api/v1/datasets?limit=banyak", w)
        .await
        .expect(StatusCode::BAD_REQUEST);
    app.get("/api/v1/datasets?tahun=dua-ribu", w)
        .await
        .expect(StatusCode::BAD_REQUEST);
    app.get("/api/v1/datasets", Some("sdt_bukan-token"))
        .await
        .expect(StatusCode::UNAUTHORIZED);
    let basic = app
        .send(
            axum::http::Request::get("/api/v1/me")
                .header("authorization", "Basic YWRtaW46YWRtaW4=")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect(StatusCode::UNAUTHORIZED);
    assert_eq!(basic.headers["www-authenticate"], "Bearer");
    app.delete("/api/v1/datasets/tidak-ada", w)
        .await
        .expect(StatusCode::NOT_FOUND);
    assert_eq!(snapshot(&app).await, before);
}
