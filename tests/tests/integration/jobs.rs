//! Background jobs: an upload or a publication answers 202 when asked to (or when large) and
//! its job can be followed to the end; a file that is no table fails its job and leaves no
//! version; a job whose node died is taken over; a failure that may pass is retried later.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};

use crate::review::CLEAN;
use crate::support::{TestApp, TestResponse, twin};

twin!(
    asynchronous_upload_and_publication_can_be_followed,
    a_file_that_is_no_table_fails_its_job_and_leaves_nothing,
    a_job_of_a_dead_node_is_taken_over,
    a_failure_that_may_pass_is_retried_later,
);

/// A request with `Prefer: respond-async`.
async fn send_async(
    app: &TestApp,
    method: Method,
    uri: &str,
    token: &str,
    content_type: &str,
    body: Vec<u8>,
) -> TestResponse {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, content_type)
        .header("prefer", "respond-async")
        .body(Body::from(body))
        .expect("request");
    app.send(request).await
}

/// Polls a job until it ends.
async fn finished(app: &TestApp, url: &str, token: &str) -> Value {
    let path = url.trim_start_matches("http://satudata.test");
    for _ in 0..200 {
        let job = app.get(path, Some(token)).await.expect(StatusCode::OK).json;
        if job["state"] == "done" || job["state"] == "failed" {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("job {url} did not end");
}

async fn asynchronous_upload_and_publication_can_be_followed(app: TestApp) {
    let w = app.tokens.walidata.clone();
    let slug = app
        .dataset(json!({"title": "Penduduk per Kecamatan", "organization": "dinkes"}))
        .await;
    let accepted = send_async(
        &app,
        Method::POST,
        &format!("/api/v1/datasets/{slug}/versions"),
        &w,
        "text/csv",
        CLEAN.to_vec(),
    )
    .await
    .expect(StatusCode::ACCEPTED);
    assert_eq!(accepted.json["number"], 1);
    assert_eq!(accepted.json["job"]["kind"], "validate");
    let url = accepted.json["job"]["url"]
        .as_str()
        .expect("job url")
        .to_owned();
    // Another OPD's steward does not see the job.
    let path = url.trim_start_matches("http://satudata.test");
    app.get(path, Some(&app.tokens.other_produsen))
        .await
        .expect(StatusCode::NOT_FOUND);
    let job = finished(&app, &url, &w).await;
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(job["progress"]["phase"], "done");
    let version = app
        .get(&format!("/api/v1/datasets/{slug}/versions/1"), Some(&w))
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        version.json["validation"]["valid"], true,
        "{}",
        version.json
    );

    let base = format!("/api/v1/datasets/{slug}/versions/1");
    app.post_json(&format!("{base}/submit"), Some(&w), json!({}))
        .await
        .expect(StatusCode::OK);
    app.post_json(
        &format!("{base}/review"),
        Some(&w),
        json!({"decision": "approve"}),
    )
    .await
    .expect(StatusCode::OK);
    let accepted = send_async(
        &app,
        Method::POST,
        &format!("{base}/publish"),
        &w,
        "application/json",
        b"{}".to_vec(),
    )
    .await
    .expect(StatusCode::ACCEPTED);
    assert_eq!(accepted.json["status"], "DISETUJUI");
    let url = accepted.json["job"]["url"]
        .as_str()
        .expect("job url")
        .to_owned();
    // A second publication of the same version while the first runs is a conflict (or, if
    // the first already finished, "already published").
    app.post_json(&format!("{base}/publish"), Some(&w), json!({}))
        .await
        .expect(StatusCode::CONFLICT);
    let job = finished(&app, &url, &w).await;
    assert_eq!(job["state"], "done", "{job}");
    let version = app.get(&base, None).await.expect(StatusCode::OK);
    assert_eq!(version.json["status"], "DITAYANGKAN");
    assert_eq!(version.json["files"].as_array().map(Vec::len), Some(4));
}

async fn a_file_that_is_no_table_fails_its_job_and_leaves_nothing(app: TestApp) {
    let w = app.tokens.walidata.clone();
    let slug = app
        .dataset(json!({"title": "Bukan Tabel", "organization": "dinkes"}))
        .await;
    let pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n".to_vec();
    let accepted = send_async(
        &app,
        Method::POST,
        &format!("/api/v1/datasets/{slug}/versions"),
        &w,
        "text/csv",
        pdf.clone(),
    )
    .await
    .expect(StatusCode::ACCEPTED);
    let url = accepted.json["job"]["url"]
        .as_str()
        .expect("job url")
        .to_owned();
    let job = finished(&app, &url, &w).await;
    assert_eq!(job["state"], "failed", "{job}");
    assert_eq!(job["error"]["code"], "unreadable_table");
    assert!(
        job["error"]["message_en"]
            .as_str()
            .is_some_and(|m| m.contains("PDF")),
        "{job}"
    );
    assert_eq!(job["attempts"], 1, "not retried: it will not pass");
    app.get(&format!("/api/v1/datasets/{slug}/versions/1"), Some(&w))
        .await
        .expect(StatusCode::NOT_FOUND);
    // Waiting for it gives the 422 an upload always gave.
    let r = app
        .upload(&slug, Some(&w), "text/csv", &pdf)
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json["error"]["code"], "unreadable_table");
    assert_eq!(app.count("dataset_version").await, 0);
    let history = app
        .get(&format!("/api/v1/datasets/{slug}/history"), Some(&w))
        .await
        .expect(StatusCode::OK);
    assert_eq!(history.json["items"], json!([]));
}

async fn a_job_of_a_dead_node_is_taken_over(mut app: TestApp) {
    let w = app.tokens.walidata.clone();
    // This node stops working; another (the same app, restarted below) takes over.
    if let Some(workers) = app.workers.take() {
        workers.stop(Duration::from_secs(5)).await;
    }
    let slug = app
        .dataset(json!({"title": "Penduduk per Kecamatan", "organization": "dinkes"}))
        .await;
    let accepted = send_async(
        &app,
        Method::POST,
        &format!("/api/v1/datasets/{slug}/versions"),
        &w,
        "text/csv",
        CLEAN.to_vec(),
    )
    .await
    .expect(StatusCode::ACCEPTED);
    let url = accepted.json["job"]["url"]
        .as_str()
        .expect("job url")
        .to_owned();
    // A node claimed it and died: its lease ran out a minute ago.
    app.execute(
        "UPDATE job SET state = 'running', lease_owner = 'dead-node', attempts = 1, \
         lease_expires_at = '2020-01-01 00:00:00+00:00'",
    )
    .await;
    let job = app
        .get(url.trim_start_matches("http://satudata.test"), Some(&w))
        .await
        .json;
    assert_eq!(job["state"], "running");
    app.workers = Some(app.catalog.start_workers());
    let job = finished(&app, &url, &w).await;
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(job["attempts"], 2);
    // A node that stops gives its jobs back at once (not after the lease).
    app.execute(&format!(
        "UPDATE job SET state = 'running', lease_owner = '{}', \
         lease_expires_at = '2999-01-01 00:00:00+00:00'",
        app.catalog.node_name()
    ))
    .await;
    let released = app
        .catalog
        .release_leases(app.catalog.node_name())
        .await
        .expect("release");
    assert_eq!(released, 1);
    let job = app
        .get(url.trim_start_matches("http://satudata.test"), Some(&w))
        .await
        .json;
    assert_eq!(job["state"], "queued");
}

async fn a_failure_that_may_pass_is_retried_later(mut app: TestApp) {
    let w = app.tokens.walidata.clone();
    if let Some(workers) = app.workers.take() {
        workers.stop(Duration::from_secs(5)).await;
    }
    let slug = app
        .dataset(json!({"title": "Penduduk per Kecamatan", "organization": "dinkes"}))
        .await;
    let accepted = send_async(
        &app,
        Method::POST,
        &format!("/api/v1/datasets/{slug}/versions"),
        &w,
        "text/csv",
        CLEAN.to_vec(),
    )
    .await
    .expect(StatusCode::ACCEPTED);
    let url = accepted.json["job"]["url"]
        .as_str()
        .expect("job url")
        .to_owned();
    // The stored upload vanishes (a store outage, say): the job fails in a way that may pass.
    for file in app.stored_files() {
        std::fs::remove_file(file).expect("remove");
    }
    app.workers = Some(app.catalog.start_workers());
    let path = url.trim_start_matches("http://satudata.test").to_owned();
    let mut job = Value::Null;
    for _ in 0..200 {
        job = app.get(&path, Some(&w)).await.json;
        if job["attempts"] == 1 && job["state"] == "queued" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(job["state"], "queued", "queued again: {job}");
    assert_eq!(job["error"]["code"], "internal");
    // Its next attempt waits (back-off), and nothing of the version is half-visible meanwhile.
    let version = app
        .get(&format!("/api/v1/datasets/{slug}/versions/1"), Some(&w))
        .await
        .expect(StatusCode::OK);
    assert!(version.json["validation"].is_null());
    app.post_json(
        &format!("/api/v1/datasets/{slug}/versions/1/submit"),
        Some(&w),
        json!({}),
    )
    .await
    .expect(StatusCode::CONFLICT);
}
