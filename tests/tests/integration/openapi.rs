//! The committed `schemas/openapi.json` matches what the service serves.

use axum::http::StatusCode;

use crate::support::{Backend, TestApp};

fn committed_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/openapi.json")
}

#[test]
fn committed_openapi_matches_the_code() {
    let generated =
        serde_json::to_string_pretty(&satudata_api::openapi()).expect("serialise") + "\n";
    let path = committed_path();
    if std::env::var_os("UPDATE_SCHEMAS").is_some() {
        std::fs::write(&path, &generated).expect("write schemas/openapi.json");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "schemas/openapi.json is stale: run `UPDATE_SCHEMAS=1 cargo nextest run -p satudata-tests openapi` and commit it"
    );
}

#[tokio::test]
async fn served_openapi_is_3_1_and_documents_the_envelope() {
    let app = TestApp::new(Backend::Sqlite).await.expect("app");
    let served = app
        .get("/api/openapi.json", None)
        .await
        .expect(StatusCode::OK);
    assert!(
        served.json["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1"))
    );
    assert!(served.json["components"]["schemas"]["ErrorEnvelope"].is_object());
    let committed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(committed_path()).expect("committed spec"))
            .expect("json");
    assert_eq!(served.json, committed);
    for path in [
        "/api/v1/datasets",
        "/api/v1/datasets/{slug}/versions",
        "/api/v1/organizations/{slug}",
        "/api/v1/me",
        "/healthz",
    ] {
        assert!(
            served.json["paths"][path].is_object(),
            "{path} is not documented"
        );
    }
    let docs = app.get("/api/docs/", None).await.expect(StatusCode::OK);
    assert!(
        String::from_utf8_lossy(&docs.bytes).contains("swagger"),
        "Swagger UI is served"
    );
}
