//! DIBATALKAN: an OPD cancels a version that was never published; the cancellation is final
//! and recorded, and a published version cannot be cancelled.

use axum::http::StatusCode;
use serde_json::json;

use crate::review::CLEAN;
use crate::support::{TestApp, twin};

twin!(unpublished_versions_can_be_cancelled_for_good);

async fn unpublished_versions_can_be_cancelled_for_good(app: TestApp) {
    let t = &app.tokens;
    let slug = app
        .dataset(json!({"title": "Data Dibatalkan", "organization": "dinkes"}))
        .await;
    let base = format!("/api/v1/datasets/{slug}/versions");
    for _ in 0..2 {
        app.upload(&slug, Some(&t.produsen), "text/csv", CLEAN)
            .await
            .expect(StatusCode::CREATED);
    }
    app.post_json(&format!("{base}/1/submit"), Some(&t.produsen), json!({}))
        .await
        .expect(StatusCode::OK);
    // Another OPD cannot see it, let alone cancel it; the pembina may not write.
    app.post_json(
        &format!("{base}/1/cancel"),
        Some(&t.other_produsen),
        json!({}),
    )
    .await
    .expect(StatusCode::NOT_FOUND);
    app.post_json(&format!("{base}/1/cancel"), Some(&t.pembina), json!({}))
        .await
        .expect(StatusCode::FORBIDDEN);
    let bad = app
        .call(
            axum::http::Method::POST,
            &format!("{base}/1/cancel"),
            Some(&t.produsen),
            Some("application/json"),
            "{\"note\": ",
        )
        .await;
    bad.expect(StatusCode::BAD_REQUEST);

    // The OPD withdraws its submission with a note.
    let cancelled = app
        .post_json(
            &format!("{base}/1/cancel"),
            Some(&t.produsen),
            json!({"note": "Salah unggah berkas"}),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(cancelled.json["status"], "DIBATALKAN");
    assert_eq!(cancelled.json["status_note"], "Salah unggah berkas");
    // Final: no review, no publish, no second cancel.
    app.post_json(
        &format!("{base}/1/review"),
        Some(&t.walidata),
        json!({"decision": "approve"}),
    )
    .await
    .expect(StatusCode::CONFLICT);
    app.post_json(&format!("{base}/1/publish"), Some(&t.walidata), json!({}))
        .await
        .expect(StatusCode::CONFLICT);
    let again = app
        .post_json(&format!("{base}/1/cancel"), Some(&t.produsen), json!({}))
        .await
        .expect(StatusCode::CONFLICT);
    assert!(
        again.json["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("DIBATALKAN")),
        "{}",
        again.json
    );

    // Version 2 goes on to publication; a published version cannot be cancelled.
    for (step, body) in [
        ("submit", json!({})),
        ("review", json!({"decision": "approve"})),
        ("publish", json!({})),
    ] {
        let token = if step == "submit" {
            &t.produsen
        } else {
            &t.walidata
        };
        app.post_json(&format!("{base}/2/{step}"), Some(token), body)
            .await
            .expect(StatusCode::OK);
    }
    app.post_json(&format!("{base}/2/cancel"), Some(&t.walidata), json!({}))
        .await
        .expect(StatusCode::CONFLICT);

    let history = app
        .get(
            &format!("/api/v1/datasets/{slug}/history"),
            Some(&t.walidata),
        )
        .await
        .expect(StatusCode::OK);
    let cancel = history.json["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|e| e["action"] == "cancel")
        .expect("a cancel event")
        .clone();
    assert_eq!(cancel["version"], 1);
    assert_eq!(cancel["from"], "MENUNGGU_PERSETUJUAN");
    assert_eq!(cancel["to"], "DIBATALKAN");
    assert_eq!(cancel["note"], "Salah unggah berkas");
}
