//! Concurrent writers take turns. On SQLite a transaction that waits for the write lock must
//! wait (the busy timeout), never answer "database is locked" at once: a Pemda on the
//! embedded default sees several stewards save at the same moment.

use axum::http::StatusCode;
use futures_util::future::join_all;
use serde_json::json;

use crate::support::{TestApp, twin};

twin!(simultaneous_writes_all_succeed);

/// Writers at once: new datasets, metadata edits of one dataset, and uploads (each a write
/// transaction beside the job workers' claims). Every one succeeds.
async fn simultaneous_writes_all_succeed(app: TestApp) {
    let app = &app;
    let t = &app.tokens;
    let shared = app
        .dataset(json!({"title": "Dataset bersama", "organization": "dinkes"}))
        .await;
    let creates = (0..24).map(|i| async move {
        let title = format!("Dataset serentak {i}");
        app.post_json(
            "/api/v1/datasets",
            Some(&t.walidata),
            json!({"title": title, "organization": "dinkes"}),
        )
        .await
    });
    let edits = (0..24).map(|i| {
        let uri = format!("/api/v1/datasets/{shared}");
        async move {
            app.patch_json(
                &uri,
                Some(&t.walidata),
                json!({"description": format!("Perubahan ke-{i}")}),
            )
            .await
        }
    });
    let uploads = (0..8).map(|i| {
        let slug = shared.clone();
        async move {
            let csv = format!("tahun,jumlah\n2023,{i}\n");
            app.upload(&slug, Some(&t.walidata), "text/csv", csv.as_bytes())
                .await
        }
    });
    let (created, edited, uploaded) =
        tokio::join!(join_all(creates), join_all(edits), join_all(uploads));
    for response in created {
        response.expect(StatusCode::CREATED);
    }
    for response in edited {
        response.expect(StatusCode::OK);
    }
    // An upload answers 201 once its validation job is done, or 202 if the job outlasts the
    // request's wait on a loaded machine; never a 500.
    for response in uploaded {
        assert!(
            [StatusCode::CREATED, StatusCode::ACCEPTED].contains(&response.status),
            "{response:?}"
        );
    }
    assert_eq!(app.count("dataset").await, 25);
    assert_eq!(app.count("dataset_version").await, 8);
}
