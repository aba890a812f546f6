//! Widening access without review: only the walidata or an admin may open a published
//! dataset's akses; its OPD may narrow it; every change is in the history.

use axum::http::StatusCode;
use serde_json::json;

use crate::review::CLEAN;
use crate::support::{TestApp, twin};

twin!(only_the_walidata_widens_akses);

async fn only_the_walidata_widens_akses(app: TestApp) {
    let t = &app.tokens;
    for (from, to) in [
        ("Tertutup", "Terbuka"),
        ("Terbatas", "Terbuka"),
        ("Tertutup", "Terbatas"),
    ] {
        let slug = app
            .dataset(json!({"title": format!("Data {from} {to}"), "organization": "dinkes", "akses": from}))
            .await;
        app.publish(&slug, CLEAN).await;
        let uri = format!("/api/v1/datasets/{slug}");
        let refused = app
            .patch_json(&uri, Some(&t.produsen), json!({"akses": to}))
            .await
            .expect(StatusCode::FORBIDDEN);
        assert!(
            refused.json["error"]["message_en"]
                .as_str()
                .is_some_and(|m| m.contains("widen")),
            "{}",
            refused.json
        );
        // Still closed for the public.
        let shown = app
            .get(&uri, Some(&t.walidata))
            .await
            .expect(StatusCode::OK);
        assert_eq!(shown.json["akses"], from);
        if to == "Terbuka" {
            app.get(&uri, None).await.expect(StatusCode::NOT_FOUND);
        }
        // The walidata may.
        app.patch_json(&uri, Some(&t.walidata), json!({"akses": to}))
            .await
            .expect(StatusCode::OK);
        // The OPD may narrow it again.
        app.patch_json(&uri, Some(&t.produsen), json!({"akses": from}))
            .await
            .expect(StatusCode::OK);
        let history = app
            .get(&format!("{uri}/history"), Some(&t.walidata))
            .await
            .expect(StatusCode::OK);
        let changes: Vec<(String, String)> = history.json["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|e| e["action"] == "metadata")
            .filter_map(|e| {
                let change = &e["changes"]["akses"];
                Some((
                    change["to"].as_str()?.to_owned(),
                    e["actor"].as_str()?.to_owned(),
                ))
            })
            .collect();
        assert_eq!(
            changes,
            [
                (to.to_owned(), "walidata@mojokertokota.go.id".to_owned()),
                (from.to_owned(), "produsen@dinkes.go.id".to_owned()),
            ]
        );
    }
    // Before publication the OPD chooses freely (the walidata reviews what it submits).
    let draft = app
        .dataset(json!({"title": "Draf", "organization": "dinkes", "akses": "Tertutup"}))
        .await;
    app.patch_json(
        &format!("/api/v1/datasets/{draft}"),
        Some(&t.produsen),
        json!({"akses": "Terbuka"}),
    )
    .await
    .expect(StatusCode::OK);
}
