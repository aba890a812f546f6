//! Numbers a client chooses never reach the database or the planner unchecked: offsets and
//! page numbers past 2^63 dropped the connection (the SQLite driver panicked), a huge
//! `expires_in_days` overflowed a date.

use axum::http::StatusCode;
use serde_json::json;

use super::still_healthy;
use crate::review::CLEAN;
use crate::support::{TestApp, twin};

twin!(
    huge_offsets_and_pages_are_answered,
    token_lifetime_is_bounded_by_the_server
);

const HUGE: [&str; 3] = [
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551615",
];

async fn huge_offsets_and_pages_are_answered(app: TestApp) {
    let slug = app
        .dataset(json!({"title": "Penduduk per Kecamatan", "organization": "dinkes"}))
        .await;
    app.publish(&slug, CLEAN).await;
    for n in HUGE {
        for uri in [
            format!("/api/3/action/package_search?start={n}"),
            format!("/api/3/action/package_search?start={n}&sort=id%20asc&rows=10"),
            format!("/api/3/action/package_search?rows={n}"),
            format!("/api/3/action/package_list?offset={n}"),
            format!("/api/3/action/package_list?limit={n}&offset={n}"),
            format!("/api/3/action/current_package_list_with_resources?offset={n}&limit={n}"),
            format!("/catalog.ttl?page={n}"),
            format!("/api/v1/datasets?offset={n}&limit={n}"),
            format!("/api/v1/organizations?offset={n}"),
            format!("/api/v1/datasets/{slug}/data?offset={n}"),
        ] {
            let r = app.get(&uri, None).await;
            assert!(
                r.status == StatusCode::OK || r.status == StatusCode::BAD_REQUEST,
                "{uri}: {} {}",
                r.status,
                r.json
            );
            still_healthy(&app).await;
        }
    }
    let r = app
        .get(&format!("/api/v1/datasets?offset={}", HUGE[0]), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.json["items"], json!([]));
}

async fn token_lifetime_is_bounded_by_the_server(app: TestApp) {
    super::sign_in::account_with_password(&app, "steward@dinkes.go.id", "kata-sandi-walidata")
        .await;
    for days in [366_u64, 4_294_967_295, 0] {
        let r = app
            .post_json(
                "/api/v1/auth/token",
                None,
                json!({"email": "steward@dinkes.go.id", "password": "kata-sandi-walidata", "expires_in_days": days}),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{days}: {}",
            r.json
        );
        assert_eq!(r.json["error"]["field"], "expires_in_days");
    }
    let r = app
        .post_json(
            "/api/v1/auth/token",
            None,
            json!({"email": "steward@dinkes.go.id", "password": "kata-sandi-walidata", "expires_in_days": 365}),
        )
        .await
        .expect(StatusCode::CREATED);
    assert!(r.json["expires_at"].is_string(), "{}", r.json);
    still_healthy(&app).await;
}
