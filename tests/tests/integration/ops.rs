//! Operations: `/livez`, `/readyz` (503 while draining or when the store is gone), `/metrics`
//! parsed by a Prometheus text parser after an upload and a publication, `satudata
//! healthcheck`, and the log formats of a real process writing to a pipe.

use std::time::Duration;

use axum::http::{StatusCode, header};
use prom_text_format_parser::{Metric, Scrape, Type, ValueType};
use satudata_api::healthcheck::{HealthcheckArgs, check};
use satudata_api::server::{ServeOptions, serve};
use serde_json::json;

use crate::support::{Backend, TestApp, twin};

twin!(
    probes_tell_live_from_ready,
    metrics_follow_requests_uploads_and_publications
);

async fn probes_tell_live_from_ready(app: TestApp) {
    let live = app.get("/livez", None).await.expect(StatusCode::OK);
    assert_eq!(live.json["status"], "ok");
    let ready = app.get("/readyz", None).await.expect(StatusCode::OK);
    assert_eq!(ready.json["status"], "ready");

    // Draining: not ready any more, but alive, and /healthz is as it was.
    app.state.draining.start();
    let ready = app
        .get("/readyz", None)
        .await
        .expect(StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(ready.json["error"]["code"], "unavailable");
    app.get("/livez", None).await.expect(StatusCode::OK);
    app.get("/healthz", None).await.expect(StatusCode::OK);
}

#[tokio::test]
async fn readyz_fails_when_the_object_store_is_gone() {
    let app = TestApp::new(Backend::Sqlite).await.expect("app");
    app.get("/readyz", None).await.expect(StatusCode::OK);
    std::fs::remove_dir_all(app.dir.path().join("objects")).expect("remove the store");
    let ready = app
        .get("/readyz", None)
        .await
        .expect(StatusCode::SERVICE_UNAVAILABLE);
    let message = ready.json["error"]["message_en"].as_str().unwrap_or("");
    assert!(message.contains("object store"), "{message}");
    assert!(!message.contains("database"), "{message}");
}

/// `/metrics`, parsed by a strict parser of the Prometheus text format.
async fn scrape(app: &TestApp) -> Vec<Metric> {
    let response = app.get("/metrics", None).await.expect(StatusCode::OK);
    let content_type = response.headers[header::CONTENT_TYPE]
        .to_str()
        .expect("content type");
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    let text = String::from_utf8(response.bytes).expect("utf-8");
    Scrape::parse(&text)
        .unwrap_or_else(|e| panic!("not a Prometheus text exposition ({e:?}):\n{text}"))
        .metrics
}

/// The family `name` (which must exist, with type `kind`).
fn family<'a>(metrics: &'a [Metric], name: &str, kind: Type) -> &'a Metric {
    let metric = metrics
        .iter()
        .find(|m| m.name == name)
        .unwrap_or_else(|| panic!("no {name} in /metrics"));
    assert_eq!(metric.kind, kind, "{name}");
    metric
}

/// The sum of the samples of `name` whose labels include `labels`; `name_count` and
/// `name_sum` of a histogram `name` are its counts and sums.
fn value(metrics: &[Metric], name: &str, labels: &[(&str, &str)]) -> f64 {
    let (name, wanted) = match (name.strip_suffix("_count"), name.strip_suffix("_sum")) {
        (Some(base), _) if metrics.iter().any(|m| m.name == base) => (base, ValueType::Count),
        (_, Some(base)) if metrics.iter().any(|m| m.name == base) => (base, ValueType::Sum),
        _ => (name, ValueType::Sample),
    };
    let Some(metric) = metrics.iter().find(|m| m.name == name) else {
        return 0.0;
    };
    metric
        .samples
        .iter()
        .filter(|s| s.value.value_type == wanted)
        .filter(|s| {
            labels
                .iter()
                .all(|(k, v)| s.labels.iter().any(|l| l.key == *k && l.value == *v))
        })
        .map(|s| s.value.value.as_f64())
        .sum()
}

async fn metrics_follow_requests_uploads_and_publications(app: TestApp) {
    let before = scrape(&app).await;
    assert_eq!(value(&before, "satudata_upload_bytes_total", &[]), 0.0);
    assert_eq!(value(&before, "satudata_job_queue_depth", &[]), 0.0);
    assert_eq!(value(&before, "satudata_draining", &[]), 0.0);
    assert!(value(&before, "satudata_db_pool_connections_max", &[]) > 0.0);
    assert_eq!(
        value(
            &before,
            "satudata_build_info",
            &[("version", env!("CARGO_PKG_VERSION"))]
        ),
        1.0
    );

    let slug = app
        .dataset(json!({"title": "Jumlah Penduduk Metrik", "organization": "dinkes"}))
        .await;
    let csv = b"kecamatan,jumlah,tahun\nMagersari,10,2024\nPrajurit Kulon,12,2024\n";
    app.publish(&slug, csv).await;
    for _ in 0..2 {
        app.get(&format!("/api/v1/datasets/{slug}"), None)
            .await
            .expect(StatusCode::OK);
        app.get(&format!("/api/v1/datasets/{slug}/data?limit=1"), None)
            .await
            .expect(StatusCode::OK);
        app.get("/api/3/action/package_search?rows=5", None)
            .await
            .expect(StatusCode::OK);
    }
    app.get("/api/v1/no/such/page/for/scanners", None)
        .await
        .expect(StatusCode::NOT_FOUND);

    let after = scrape(&app).await;
    let requests = "satudata_http_requests_total";
    let route = "/api/v1/datasets/{slug}";
    assert_eq!(
        value(
            &after,
            requests,
            &[("method", "GET"), ("route", route), ("status", "200")]
        ),
        2.0
    );
    assert_eq!(
        value(
            &after,
            requests,
            &[("route", "unmatched"), ("status", "404")]
        ),
        1.0
    );
    let timed = value(
        &after,
        "satudata_http_request_duration_seconds_count",
        &[("method", "GET"), ("route", route)],
    );
    assert_eq!(timed, 2.0);
    family(&after, requests, Type::Counter);
    family(
        &after,
        "satudata_http_request_duration_seconds",
        Type::Histogram,
    );
    family(&after, "satudata_db_pool_connections", Type::Gauge);
    // Route templates only: no series names a dataset or a scanner's path.
    for sample in after.iter().flat_map(|m| &m.samples) {
        for label in sample.labels.iter().filter(|l| l.key == "route") {
            let route = &label.value;
            assert!(!route.contains(&slug), "raw URL in a label: {route}");
            assert!(!route.contains("scanners"), "raw URL in a label: {route}");
        }
    }
    assert_eq!(
        value(&after, "satudata_upload_bytes_total", &[]),
        csv.len() as f64
    );
    assert_eq!(value(&after, "satudata_validation_rows_total", &[]), 2.0);
    assert_eq!(
        value(&after, "satudata_validation_duration_seconds_count", &[]),
        1.0
    );
    assert_eq!(
        value(&after, "satudata_publish_duration_seconds_count", &[]),
        1.0
    );
    assert!(value(&after, "satudata_publish_duration_seconds_sum", &[]) > 0.0);
    for cache in [
        "satudata_data_cache_lookups_total",
        "satudata_feed_cache_lookups_total",
    ] {
        assert_eq!(value(&after, cache, &[("result", "miss")]), 1.0, "{cache}");
        assert_eq!(value(&after, cache, &[("result", "hit")]), 1.0, "{cache}");
    }
    // The scrape itself is in flight while it is encoded.
    assert_eq!(value(&after, "satudata_http_requests_in_flight", &[]), 1.0);
}

#[tokio::test]
async fn healthcheck_asks_the_running_service() {
    let app = TestApp::new(Backend::Sqlite).await.expect("app");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(
        listener,
        app.router.clone(),
        ServeOptions::default(),
        async {
            let _ = stop_rx.await;
        },
    ));
    let args = HealthcheckArgs {
        path: "/readyz".to_owned(),
        timeout: Duration::from_secs(5),
    };
    let status = check(address, &args).await.expect("ready");
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    // A service listening on every address is asked on loopback.
    let wildcard = std::net::SocketAddr::from(([0, 0, 0, 0], address.port()));
    check(wildcard, &args).await.expect("ready on loopback");
    app.state.draining.start();
    let why = check(address, &args).await.expect_err("draining");
    assert!(why.contains("503"), "{why}");
    let live = HealthcheckArgs {
        path: "livez".to_owned(),
        ..args
    };
    check(address, &live).await.expect("still alive");
    let _ = stop_tx.send(());
    server.await.expect("server stops");
    let why = check(address, &live).await.expect_err("nobody listens");
    assert!(why.contains(&address.to_string()), "{why}");
}

/// The child half of the log tests: installs the process's logger as `satudata` does, from
/// the format in `SATUDATA_TEST_LOG_CHILD`, and logs. Does nothing in a normal run.
#[test]
fn log_child() {
    let Ok(format) = std::env::var("SATUDATA_TEST_LOG_CHILD") else {
        return;
    };
    let config = satudata_api::Config {
        log_format: match format.as_str() {
            "json" => satudata_api::config::LogFormat::Json,
            _ => satudata_api::config::LogFormat::Text,
        },
        ..satudata_api::Config::default()
    };
    satudata_api::logging::init(&config);
    tracing::info!(dataset = "penduduk", rows = 2, "hello from the child");
    tracing::warn!("a warning with colour on a terminal");
}

/// Runs [`log_child`] in a new process whose standard error is a pipe, as under systemd or
/// Docker; returns what it logged.
fn child_log(format: &str) -> String {
    let exe = std::env::current_exe().expect("test binary");
    let output = std::process::Command::new(exe)
        .args([
            "ops::log_child",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("SATUDATA_TEST_LOG_CHILD", format)
        .env_remove("NO_COLOR")
        .output()
        .expect("run the child");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stderr).expect("utf-8 log")
}

#[test]
fn logs_to_a_pipe_have_no_colour_codes() {
    let log = child_log("text");
    assert!(log.contains("hello from the child"), "{log}");
    assert!(log.contains("WARN"), "{log}");
    assert!(!log.contains('\u{1b}'), "ANSI escape codes in {log:?}");
}

#[test]
fn json_logs_are_one_object_per_line() {
    let log = child_log("json");
    assert!(!log.contains('\u{1b}'), "ANSI escape codes in {log:?}");
    let events: Vec<serde_json::Value> = log
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let hello = events
        .iter()
        .find(|e| e["message"] == "hello from the child")
        .unwrap_or_else(|| panic!("no hello in {log}"));
    assert_eq!(hello["level"], "INFO");
    assert_eq!(hello["dataset"], "penduduk");
    assert_eq!(hello["rows"], 2);
    assert!(hello["timestamp"].is_string(), "{hello}");
    assert!(hello["target"].is_string(), "{hello}");
    assert!(events.iter().any(|e| e["level"] == "WARN"), "{log}");
}
