//! The resumable chunked upload of `upload.js`: open, chunks at the server's offset, a
//! replayed chunk refused with 409, the last chunk validating, refusals, cancel, gc of idle
//! uploads and of chunks no session knows.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};

use super::super::TABLE;
use super::upload::{TestResponseLike, produsen};
use super::*;
use crate::support::{TestApp, twin};

twin!(
    chunked_upload_resumes_and_never_appends_twice,
    chunked_upload_refusals_cancel_and_gc,
);

async fn open(browser: &Browser<'_>, slug: &str, csrf: &str, body: Value) -> TestResponseLike {
    browser
        .send_raw(
            "POST",
            &format!("/kelola/dataset/{slug}/unggahan"),
            &[("content-type", "application/json"), ("x-csrf-token", csrf)],
            body.to_string().into_bytes(),
        )
        .await
}

async fn patch(
    browser: &Browser<'_>,
    url: &str,
    csrf: &str,
    offset: usize,
    bytes: &[u8],
) -> TestResponseLike {
    browser
        .send_raw(
            "PATCH",
            url,
            &[
                ("content-type", "application/offset+octet-stream"),
                ("upload-offset", &offset.to_string()),
                ("x-csrf-token", csrf),
            ],
            bytes.to_vec(),
        )
        .await
}

async fn chunked_upload_resumes_and_never_appends_twice(app: TestApp) {
    let slug = app
        .dataset(json!({"title": "Penduduk per Kecamatan", "organization": "dinkes"}))
        .await;
    let browser = produsen(&app);
    let csrf = browser.csrf().await;
    let opened = open(
        &browser,
        &slug,
        &csrf,
        json!({"filename": "penduduk.csv", "size": TABLE.len(), "media_type": "",
               "last_modified": 0}),
    )
    .await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.text);
    let url = opened.json["url"].as_str().expect("url").to_owned();
    assert_eq!(opened.headers[header::LOCATION], url.as_str());
    assert_eq!(opened.json["state"], "receiving");
    assert_eq!(opened.json["offset"], 0);
    assert_eq!(opened.json["chunk_size"], 4 * 1024 * 1024);

    let (a, rest) = TABLE.split_at(100);
    let (b, c) = rest.split_at(100);
    let first = patch(&browser, &url, &csrf, 0, a).await;
    assert_eq!(first.status, StatusCode::NO_CONTENT, "{}", first.text);
    assert_eq!(first.headers["upload-offset"], "100");
    // The same chunk again (its answer was lost): not appended, the server's offset comes back.
    let again = patch(&browser, &url, &csrf, 0, a).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.json["offset"], 100);
    // A chunk without the session's CSRF token is refused.
    let forged = patch(&browser, &url, "salah", 100, b).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(forged.json["error"]["message_en"].is_string());
    let status = browser.send_raw("GET", &url, &[], Vec::new()).await;
    assert_eq!(status.json["offset"], 100);
    assert_eq!(status.json["state"], "receiving");
    let second = patch(&browser, &url, &csrf, 100, b).await;
    assert_eq!(second.status, StatusCode::NO_CONTENT);
    let last = patch(&browser, &url, &csrf, 200, c).await;
    assert_eq!(last.status, StatusCode::OK, "{}", last.text);
    assert!(matches!(
        last.json["state"].as_str(),
        Some("validating" | "done")
    ));
    let mut state = last.json;
    for _ in 0..100 {
        if state["state"] == "done" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        state = browser.send_raw("GET", &url, &[], Vec::new()).await.json;
    }
    assert_eq!(state["state"], "done", "{state}");
    assert_eq!(
        state["report_url"],
        format!("/kelola/dataset/{slug}/versi/1")
    );
    // The version holds exactly the file: every chunk once, in order.
    let source = app
        .send(
            Request::get(format!("/kelola/dataset/{slug}/versi/1/berkas"))
                .header(header::COOKIE, browser.cookie.clone().expect("cookie"))
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(source.bytes, TABLE);
    let version = app
        .get(
            &format!("/api/v1/datasets/{slug}/versions/1"),
            Some(&app.tokens.produsen),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(version.json["original_filename"], "penduduk.csv");
    assert_eq!(app.count("dataset_version").await, 1);
    // The chunks were removed once the version held the file.
    assert!(
        app.stored_files()
            .iter()
            .all(|p| !p.to_string_lossy().contains("/uploads/")),
        "{:?}",
        app.stored_files()
    );
    // Another account cannot see the upload.
    let walidata = Browser {
        app: &app,
        cookie: Some(format!("satudata_sesi={}", app.tokens.walidata)),
    };
    let foreign = walidata.send_raw("GET", &url, &[], Vec::new()).await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
}

async fn chunked_upload_refusals_cancel_and_gc(app: TestApp) {
    let slug = app
        .dataset(json!({"title": "Penduduk per Kecamatan", "organization": "dinkes"}))
        .await;
    let browser = produsen(&app);
    let csrf = browser.csrf().await;
    // Larger than the limit, not a table, not signed in.
    let max = app.catalog.settings().max_upload_bytes;
    let big = open(
        &browser,
        &slug,
        &csrf,
        json!({"filename": "a.csv", "size": max + 1}),
    )
    .await;
    assert_eq!(big.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(big.json["error"]["code"], "payload_too_large");
    let pdf = open(
        &browser,
        &slug,
        &csrf,
        json!({"filename": "a.pdf", "size": 10, "media_type": "application/pdf"}),
    )
    .await;
    assert_eq!(pdf.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let anonymous = Browser::new(&app);
    let nobody = open(
        &anonymous,
        &slug,
        "",
        json!({"filename": "a.csv", "size": 10}),
    )
    .await;
    assert_eq!(nobody.status, StatusCode::UNAUTHORIZED);

    let opened = open(
        &browser,
        &slug,
        &csrf,
        json!({"filename": "a.csv", "size": TABLE.len(), "media_type": "text/csv"}),
    )
    .await;
    let url = opened.json["url"].as_str().expect("url").to_owned();
    // Past the declared size, and a missing offset.
    let mut long = TABLE.to_vec();
    long.push(b'x');
    let past = patch(&browser, &url, &csrf, 0, &long).await;
    assert_eq!(past.status, StatusCode::PAYLOAD_TOO_LARGE);
    let no_offset = browser
        .send_raw("PATCH", &url, &[("x-csrf-token", &csrf)], b"abc".to_vec())
        .await;
    assert_eq!(no_offset.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        patch(&browser, &url, &csrf, 0, &TABLE[..50]).await.status,
        StatusCode::NO_CONTENT
    );

    // Cancelled: gone, its chunk removed.
    let cancelled = browser
        .send_raw("DELETE", &url, &[("x-csrf-token", &csrf)], Vec::new())
        .await;
    assert_eq!(cancelled.status, StatusCode::NO_CONTENT);
    let gone = browser.send_raw("GET", &url, &[], Vec::new()).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("upload_session").await, 0);

    // Left idle for more than a day: gc removes the session and its chunks.
    let opened = open(
        &browser,
        &slug,
        &csrf,
        json!({"filename": "a.csv", "size": TABLE.len(), "media_type": "text/csv"}),
    )
    .await;
    let url = opened.json["url"].as_str().expect("url").to_owned();
    assert_eq!(
        patch(&browser, &url, &csrf, 0, &TABLE[..50]).await.status,
        StatusCode::NO_CONTENT
    );
    let chunks = || {
        app.stored_files()
            .iter()
            .filter(|p| p.to_string_lossy().contains("/uploads/"))
            .count()
    };
    assert_eq!(chunks(), 1);
    let kept = app
        .catalog
        .collect_garbage(std::time::Duration::ZERO, false)
        .await
        .expect("gc");
    assert!(kept.removed.iter().all(|k| !k.starts_with("uploads/")));
    assert_eq!(chunks(), 1, "a fresh upload is kept");
    app.execute("UPDATE upload_session SET updated_at = '2020-01-01 00:00:00+00:00'")
        .await;
    let swept = app
        .catalog
        .collect_garbage(std::time::Duration::ZERO, false)
        .await
        .expect("gc");
    assert!(
        swept.removed.iter().any(|k| k.starts_with("uploads/")),
        "{:?}",
        swept.removed
    );
    assert_eq!(chunks(), 0);
    assert_eq!(app.count("upload_session").await, 0);
}

/// With a jobs lease of 90 ms, an assembly that takes longer renews its claim every 30 ms:
/// the status requests polling meanwhile (as any node's would) do not take it over, and the
/// file becomes exactly one version.
mod a_slow_assembly_keeps_its_claim {
    use crate::support::{Backend, TestApp};

    async fn app(backend: Backend) -> Option<TestApp> {
        TestApp::with_settings(backend, None, 256 << 20, |s| {
            s.jobs.lease = std::time::Duration::from_millis(90);
        })
        .await
    }

    #[tokio::test]
    async fn sqlite() {
        super::slow_assembly(app(Backend::Sqlite).await.expect("sqlite app")).await;
    }

    #[tokio::test]
    async fn postgres() {
        if let Some(app) = app(Backend::Postgres).await {
            super::slow_assembly(app).await;
        }
    }
}

async fn session_state(app: &TestApp) -> String {
    use sea_orm::ConnectionTrait;
    let row = app
        .catalog
        .db()
        .query_one_raw(sea_orm::Statement::from_string(
            app.catalog.db().get_database_backend(),
            "SELECT state FROM upload_session",
        ))
        .await
        .expect("query")
        .expect("a session");
    row.try_get::<String>("", "state").expect("state")
}

async fn slow_assembly(app: TestApp) {
    let slug = app
        .dataset(json!({"title": "Penduduk per Kecamatan", "organization": "dinkes"}))
        .await;
    let mut file = b"kode_kecamatan,nama_kecamatan,jenis_kelamin,jumlah,satuan,tahun\n".to_vec();
    let mut i = 0u64;
    while file.len() < 96 << 20 {
        file.extend_from_slice(
            format!(
                "35.76.0{},Kecamatan {i},Laki-laki,{i},Jiwa,2024\n",
                i % 3 + 1
            )
            .as_bytes(),
        );
        i += 1;
    }
    let browser = produsen(&app);
    let csrf = browser.csrf().await;
    let opened = open(
        &browser,
        &slug,
        &csrf,
        json!({"filename": "besar.csv", "size": file.len(), "media_type": "text/csv",
               "last_modified": 0}),
    )
    .await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.text);
    let url = opened.json["url"].as_str().expect("url").to_owned();
    let chunk = 4 << 20;
    let mut offset = 0;
    while offset < file.len() {
        let end = (offset + chunk).min(file.len());
        let sent = patch(&browser, &url, &csrf, offset, &file[offset..end]).await;
        assert!(sent.status.is_success(), "{}", sent.text);
        offset = end;
    }
    // Poll as a client would, faster than the lease, while the file is assembled (a poll
    // takes over an assembly whose claim was not renewed for a whole lease).
    let started = std::time::Instant::now();
    let mut assembling = std::time::Duration::ZERO;
    loop {
        let state = browser.send_raw("GET", &url, &[], Vec::new()).await.json;
        assert_ne!(state["state"], "failed", "{state}");
        if session_state(&app).await == "assembling" {
            assembling = started.elapsed();
        } else {
            break;
        }
        assert!(started.elapsed().as_secs() < 60, "{state}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(
        assembling > std::time::Duration::from_millis(180),
        "the assembly took {assembling:?}: too short to show that its claim is renewed"
    );
    let after = session_state(&app).await;
    assert!(
        after == "validating" || after == "done",
        "the assembly's outcome was recorded: {after}"
    );
    assert_eq!(app.count("dataset_version").await, 1, "one version only");
}
