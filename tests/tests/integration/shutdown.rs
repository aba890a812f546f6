//! Graceful shutdown through the real server loop: after the signal `/readyz` answers 503 at
//! once while connections are still accepted for the drain delay, an upload in flight
//! finishes within the grace period, and an upload still running after it is cancelled and
//! its partial object aborted (also in S3, where an unfinished multipart upload would stay).

use std::net::SocketAddr;
use std::time::Duration;

use satudata_api::server::{ServeOptions, serve};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::support::{Backend, TestApp};

/// A table of about `bytes` bytes.
fn table(bytes: usize) -> Vec<u8> {
    let mut csv = b"kecamatan,jumlah,tahun\n".to_vec();
    let mut n = 0;
    while csv.len() < bytes {
        csv.extend_from_slice(format!("Kecamatan {n},{n},2024\n").as_bytes());
        n += 1;
    }
    csv
}

/// The app served on a loopback port; the sender stops it.
fn start(
    app: &TestApp,
    grace: Duration,
    drain: Duration,
) -> (SocketAddr, oneshot::Sender<()>, JoinHandle<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("non-blocking");
    let address = listener.local_addr().expect("address");
    let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
    let options = ServeOptions {
        shutdown_grace: grace,
        drain_delay: drain,
        draining: app.state.draining.clone(),
        ..ServeOptions::default()
    };
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, app.router.clone(), options, async {
        let _ = stop_rx.await;
    }));
    (address, stop_tx, server)
}

/// An upload whose head and first `sent` bytes of `body` are on the wire.
async fn begin_upload(
    address: SocketAddr,
    app: &TestApp,
    slug: &str,
    body: &[u8],
    sent: usize,
) -> TcpStream {
    let mut stream = TcpStream::connect(address).await.expect("connect");
    let head = format!(
        "POST /api/v1/datasets/{slug}/versions HTTP/1.1\r\nHost: x\r\n\
         Authorization: Bearer {}\r\nContent-Type: text/csv\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n",
        app.tokens.produsen,
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("head");
    stream.write_all(&body[..sent]).await.expect("first part");
    stream.flush().await.expect("flush");
    stream
}

/// The status code of `GET path` on a new connection; None when nobody accepts.
async fn status(address: SocketAddr, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(address).await.ok()?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut out = Vec::new();
    stream.read_to_end(&mut out).await.ok()?;
    String::from_utf8_lossy(&out)
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

#[tokio::test]
async fn shutdown_drains_then_lets_uploads_in_flight_finish() {
    let app = TestApp::with_storage(Backend::Sqlite, None, 64 << 20)
        .await
        .expect("app");
    let slug = app
        .dataset(json!({"title": "Unggahan Saat Berhenti", "organization": "dinkes"}))
        .await;
    let (address, stop, server) = start(&app, Duration::from_secs(20), Duration::from_millis(1500));
    assert_eq!(status(address, "/readyz").await, Some(200));
    let body = table(3 << 20);
    let mut upload = begin_upload(address, &app, &slug, &body, 1 << 20).await;

    let _ = stop.send(());
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Draining: still accepting, but not ready; the process is alive.
    assert_eq!(status(address, "/readyz").await, Some(503));
    assert_eq!(status(address, "/livez").await, Some(200));
    // After the drain delay the listener is closed.
    tokio::time::sleep(Duration::from_millis(2000)).await;
    assert_eq!(status(address, "/livez").await, None);

    // The upload in flight still completes.
    upload.write_all(&body[1 << 20..]).await.expect("the rest");
    let mut answer = Vec::new();
    upload.read_to_end(&mut answer).await.expect("answer");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("the server stops once the upload is answered")
        .expect("join");
    assert_eq!(app.count("dataset_version").await, 1);
}

#[tokio::test]
async fn uploads_cut_off_by_the_grace_period_leave_nothing() {
    let app = TestApp::with_storage(Backend::Sqlite, None, 64 << 20)
        .await
        .expect("app");
    let slug = app
        .dataset(json!({"title": "Unggahan Terputus", "organization": "dinkes"}))
        .await;
    let (address, stop, server) = start(&app, Duration::from_millis(500), Duration::ZERO);
    let body = table(3 << 20);
    let upload = begin_upload(address, &app, &slug, &body, 1 << 20).await;
    // The partial object is being written.
    let mut staged = false;
    for _ in 0..50 {
        if !app.stored_files().is_empty() {
            staged = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(staged, "the upload never reached the store");

    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("the server stops after the grace period")
        .expect("join");
    assert!(
        app.state
            .catalog
            .storage()
            .settle(Duration::from_secs(10))
            .await,
        "the cancelled upload's abort did not finish"
    );
    assert_eq!(app.count("dataset_version").await, 0);
    assert_eq!(app.stored_files(), Vec::<std::path::PathBuf>::new());
    drop(upload);
}

/// Unfinished multipart uploads under `prefix` in moto's bucket (`GET /BUCKET?uploads`).
async fn multipart_uploads(endpoint: &str, bucket: &str, prefix: &str) -> usize {
    let authority = endpoint.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = TcpStream::connect(authority).await.expect("connect to S3");
    let request = format!(
        "GET /{bucket}?uploads&prefix={prefix} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.expect("request");
    let mut out = Vec::new();
    stream.read_to_end(&mut out).await.expect("answer");
    let text = String::from_utf8_lossy(&out);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    text.matches("<Upload>").count()
}

#[tokio::test]
async fn s3_multipart_uploads_cut_off_by_shutdown_are_aborted() {
    let Ok(endpoint) = std::env::var("TEST_S3_ENDPOINT") else {
        assert!(
            std::env::var_os("TEST_REQUIRE_S3").is_none(),
            "TEST_REQUIRE_S3 is set but TEST_S3_ENDPOINT is not"
        );
        eprintln!("TEST_S3_ENDPOINT is not set: skipping the S3 test");
        return;
    };
    let bucket = std::env::var("TEST_S3_BUCKET").unwrap_or_else(|_| "satudata-test".to_owned());
    let options = satudata_catalog::S3Options {
        endpoint: Some(endpoint.clone()),
        region: Some("us-east-1".to_owned()),
        allow_http: true,
    };
    let app = TestApp::with_storage(
        Backend::Sqlite,
        Some((format!("s3://{bucket}"), options)),
        64 << 20,
    )
    .await
    .expect("app");
    let slug = app
        .dataset(json!({"title": "Unggahan S3 Terputus", "organization": "dinkes"}))
        .await;
    let dataset = app
        .get(
            &format!("/api/v1/datasets/{slug}"),
            Some(&app.tokens.produsen),
        )
        .await;
    let prefix = format!("datasets/{}/", dataset.json["id"].as_str().expect("id"));
    let (address, stop, server) = start(&app, Duration::from_millis(500), Duration::ZERO);
    let body = table(3 << 20);
    let upload = begin_upload(address, &app, &slug, &body, 1 << 20).await;
    let mut started = 0;
    for _ in 0..50 {
        started = multipart_uploads(&endpoint, &bucket, &prefix).await;
        if started > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(started, 1, "the upload never started in S3");

    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("the server stops after the grace period")
        .expect("join");
    assert!(
        app.state
            .catalog
            .storage()
            .settle(Duration::from_secs(10))
            .await
    );
    assert_eq!(multipart_uploads(&endpoint, &bucket, &prefix).await, 0);
    assert_eq!(app.count("dataset_version").await, 0);
    drop(upload);
}
