//! Uploads into a real S3-compatible store (moto's server in CI), when `TEST_S3_ENDPOINT` is set.

use axum::http::StatusCode;
use satudata_catalog::S3Options;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::support::{Backend, TestApp};

fn s3_storage() -> Option<(String, S3Options)> {
    let Ok(endpoint) = std::env::var("TEST_S3_ENDPOINT") else {
        assert!(
            std::env::var_os("TEST_REQUIRE_S3").is_none(),
            "TEST_REQUIRE_S3 is set but TEST_S3_ENDPOINT is not"
        );
        eprintln!("TEST_S3_ENDPOINT is not set: skipping the S3 test");
        return None;
    };
    let bucket = std::env::var("TEST_S3_BUCKET").unwrap_or_else(|_| "satudata-test".to_owned());
    let options = S3Options {
        endpoint: Some(endpoint),
        region: Some("us-east-1".to_owned()),
        allow_http: true,
    };
    Some((format!("s3://{bucket}"), options))
}

#[tokio::test]
async fn uploads_stream_into_s3_in_parts() {
    let Some(storage) = s3_storage() else { return };
    // The upload waits for its validation job (reading 20 MB back from the store) however
    // long a loaded CI machine takes: this test is about the store, not the 10 s wait.
    let app = TestApp::with_settings(Backend::Sqlite, Some(storage), 64 << 20, |s| {
        s.jobs.wait = std::time::Duration::from_secs(300);
    })
    .await
    .expect("app");
    let slug = app
        .dataset(json!({"title": "Kunjungan Puskesmas", "organization": "dinkes"}))
        .await;

    // About 20 MB: three parts of the store's multipart upload (8 MiB each).
    let mut csv = b"kode_kelurahan,jumlah,tahun\n".to_vec();
    let mut rows = 0;
    while csv.len() < 20 * 1000 * 1000 {
        csv.extend_from_slice(format!("35.76.01.1003,{rows},2024\n").as_bytes());
        rows += 1;
    }
    let created = app
        .upload(&slug, Some(&app.tokens.produsen), "text/csv", &csv)
        .await
        .expect(StatusCode::CREATED);
    assert_eq!(created.json["row_count"], rows);
    let sha = hex::encode(Sha256::digest(&csv));
    assert_eq!(created.json["sha256"], sha);

    let version = app
        .catalog
        .version(&satudata_catalog::Actor::Operator, &slug, 1)
        .await
        .expect("version row");
    let stored = app
        .catalog
        .storage()
        .read(&version.object_key)
        .await
        .expect("object in S3");
    assert_eq!(hex::encode(Sha256::digest(&stored)), sha);

    // A rejected upload leaves no object behind in the bucket either.
    let before = app
        .catalog
        .storage()
        .count("datasets/")
        .await
        .expect("list");
    app.upload(
        &slug,
        Some(&app.tokens.produsen),
        "text/csv",
        b"\x00\x01binary",
    )
    .await
    .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.catalog
            .storage()
            .count("datasets/")
            .await
            .expect("list"),
        before
    );

    // Publishing reads the clean table back out of the bucket, and the data API scans a local
    // copy of the Parquet file.
    app.approve_and_publish(&slug, 1).await;
    let page = app
        .get(
            &format!("/api/v1/datasets/{slug}/data?filter[jumlah][gte]=10&limit=2&sort=jumlah"),
            None,
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(page.json["total"], rows - 10, "{}", page.json);
    assert_eq!(page.json["items"][0]["jumlah"], 10, "{}", page.json);
    let csv_back = app
        .get(&format!("/datasets/{slug}/data.csv"), None)
        .await
        .expect(StatusCode::OK);
    assert!(
        csv_back
            .bytes
            .starts_with(b"kode_kelurahan,jumlah,tahun\r\n")
    );
    let lines = csv_back.bytes.split(|&b| b == b'\n').count();
    assert_eq!(i64::try_from(lines).expect("count"), i64::from(rows) + 2);
}
