//! The server loop and its headers: half-sent requests are dropped after the header timeout
//! and cannot exhaust connections, responses carry security headers, open data allows any
//! origin without credentials, and the SQLite file is private.

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use satudata_api::server::{ServeOptions, serve};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::{Backend, TestApp};

/// `GET /healthz` on a fresh connection; the status line's code.
async fn healthz(port: u16) -> Option<u16> {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .ok()?;
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .ok()?;
    let mut out = Vec::new();
    stream.read_to_end(&mut out).await.ok()?;
    let text = String::from_utf8_lossy(&out);
    text.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::test]
async fn half_sent_requests_cannot_hold_the_service() {
    let app = TestApp::new(Backend::Sqlite).await.expect("app");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let options = ServeOptions {
        header_timeout: Duration::from_millis(500),
        max_connections: 8,
        shutdown_grace: Duration::from_secs(1),
        ..ServeOptions::default()
    };
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, app.router.clone(), options, async {
        let _ = stop_rx.await;
    }));
    // Many more half-sent requests than connection slots (1,100 exhausted descriptors before).
    let mut slow = Vec::new();
    for _ in 0..40 {
        if let Ok(mut s) = tokio::net::TcpStream::connect(("127.0.0.1", port)).await {
            let _ = s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await;
            slow.push(s);
        }
    }
    let started = Instant::now();
    let status = tokio::time::timeout(Duration::from_secs(20), healthz(port))
        .await
        .expect("answered in time");
    assert_eq!(status, Some(200));
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    // The slow connections were closed by the server.
    let mut closed = 0;
    for mut s in slow.into_iter().take(8) {
        let mut buf = [0u8; 256];
        if let Ok(Ok(_)) = tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf)).await {
            closed += 1;
        }
    }
    assert!(closed > 0, "no half-sent connection was closed");
    let _ = stop_tx.send(());
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("the server stops")
        .expect("join");
}

#[tokio::test]
async fn responses_carry_security_headers_and_open_cors() {
    let app = TestApp::new(Backend::Sqlite).await.expect("app");
    let r = app
        .get("/api/v1/datasets", None)
        .await
        .expect(StatusCode::OK);
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "strict-origin-when-cross-origin"),
        (
            "content-security-policy",
            "default-src 'none'; frame-ancestors 'none'",
        ),
    ] {
        assert_eq!(r.headers[name], value, "{name}");
    }
    // A browser app on another site may read open data ...
    let r = app
        .get_with(
            "/api/v1/datasets",
            None,
            &[("origin", "https://contoh.example")],
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.headers["access-control-allow-origin"], "*");
    let preflight = |headers: &'static str| {
        axum::http::Request::builder()
            .method(axum::http::Method::OPTIONS)
            .uri("/api/3/action/package_search")
            .header("origin", "https://contoh.example")
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", headers)
            .body(axum::body::Body::empty())
            .expect("request")
    };
    let ok = app.send(preflight("content-type")).await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_eq!(ok.headers["access-control-allow-origin"], "*");
    // ... but never with a user's token or cookies.
    let refused = app.send(preflight("authorization")).await;
    let allowed = refused
        .headers
        .get("access-control-allow-headers")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_lowercase();
    assert!(!allowed.contains("authorization"), "{allowed}");
    assert!(
        refused
            .headers
            .get("access-control-allow-credentials")
            .is_none()
    );
    // Swagger UI keeps a policy it can run under.
    let docs = app.get("/api/docs/", None).await;
    let csp = docs.headers["content-security-policy"]
        .to_str()
        .unwrap_or_default();
    assert!(csp.contains("default-src 'self'"), "{csp}");
}

#[tokio::test]
async fn the_sqlite_file_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("data/satudata.db");
    let conn = satudata_catalog::db::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("connect");
    satudata_catalog::db::migrate(&conn).await.expect("migrate");
    for file in ["satudata.db", "satudata.db-wal"] {
        let mode = std::fs::metadata(dir.path().join("data").join(file))
            .expect("file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "{file}: {mode:o}");
    }
}
