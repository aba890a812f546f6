//! The authorisation matrix: every endpoint × anonymous / produsen of the owning OPD / produsen of
//! another OPD / walidata / admin / pembina.

use axum::body::Body;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, twin};

twin!(authorisation_matrix, lifecycle_matrix, workspace_matrix);

/// Callers in the order of every expectation row.
const CALLERS: [&str; 6] = [
    "anonymous",
    "produsen",
    "other_produsen",
    "walidata",
    "admin",
    "pembina",
];

fn token(app: &TestApp, caller: usize) -> Option<String> {
    let t = &app.tokens;
    match caller {
        1 => Some(t.produsen.clone()),
        2 => Some(t.other_produsen.clone()),
        3 => Some(t.walidata.clone()),
        4 => Some(t.admin.clone()),
        5 => Some(t.pembina.clone()),
        _ => None,
    }
}

enum Payload {
    None,
    Json(Value),
    Csv(&'static [u8]),
}

async fn check(
    app: &TestApp,
    method: Method,
    uri: impl Fn(usize) -> String,
    payload: impl Fn(usize) -> Payload,
    expected: [u16; 6],
) {
    for (caller, want) in expected.into_iter().enumerate() {
        let uri = uri(caller);
        let token = token(app, caller);
        let (content_type, body) = match payload(caller) {
            Payload::None => (None, Body::empty()),
            Payload::Json(v) => (Some("application/json"), Body::from(v.to_string())),
            Payload::Csv(b) => (Some("text/csv"), Body::from(b)),
        };
        let response = app
            .call(method.clone(), &uri, token.as_deref(), content_type, body)
            .await;
        assert_eq!(
            response.status.as_u16(),
            want,
            "{method} {uri} as {}: {}",
            CALLERS[caller],
            response.json
        );
        if want >= 400 {
            crate::support::assert_envelope(&response.json);
        }
    }
}

/// The workspace's pages (HTML) for the same callers, signed in with their token: anonymous
/// visitors are sent to the sign-in page (303), roles without the page get the 403 page.
async fn workspace_matrix(app: TestApp) {
    let ds = private_dataset(&app, "Data Rahasia Dinkes").await;
    // Another OPD's produsen does not learn that a draft exists (404); a pembina reviews and
    // reads reports but does not edit or upload (403).
    let rows: [(String, [u16; 6]); 10] = [
        ("/masuk".into(), [200, 303, 303, 303, 303, 303]),
        ("/kelola".into(), [303; 6]),
        ("/kelola/token".into(), [303, 200, 200, 200, 200, 200]),
        ("/kelola/dataset".into(), [303, 200, 200, 200, 200, 403]),
        ("/kelola/tinjauan".into(), [303, 403, 403, 200, 200, 200]),
        (
            "/kelola/dataset/baru".into(),
            [303, 200, 200, 200, 200, 403],
        ),
        (
            format!("/kelola/dataset/{ds}/metadata"),
            [303, 200, 404, 200, 200, 403],
        ),
        (
            format!("/kelola/dataset/{ds}/unggah"),
            [303, 200, 404, 200, 200, 403],
        ),
        (
            format!("/kelola/dataset/{ds}/versi/1"),
            [303, 200, 404, 200, 200, 200],
        ),
        (
            format!("/kelola/dataset/{ds}/versi/1/berkas"),
            [303, 200, 404, 200, 200, 200],
        ),
    ];
    for (uri, expected) in rows {
        let uri = uri.as_str();
        for (caller, want) in expected.into_iter().enumerate() {
            let token = token(&app, caller);
            let response = app
                .call(Method::GET, uri, token.as_deref(), None, Body::empty())
                .await;
            assert_eq!(
                response.status.as_u16(),
                want,
                "GET {uri} as {}",
                CALLERS[caller]
            );
            if want >= 400 {
                let kind = response.headers[axum::http::header::CONTENT_TYPE]
                    .to_str()
                    .unwrap_or_default();
                assert!(kind.starts_with("text/html"), "GET {uri}: {kind}");
            }
        }
    }
}

async fn private_dataset(app: &TestApp, title: &str) -> String {
    let slug = app
        .dataset(json!({"title": title, "organization": "dinkes"}))
        .await;
    app.upload(&slug, Some(&app.tokens.produsen), "text/csv", b"a,b\n1,2\n")
        .await
        .expect(StatusCode::CREATED);
    slug
}

async fn authorisation_matrix(app: TestApp) {
    let ds = private_dataset(&app, "Data Rahasia Dinkes").await;
    let fixed = |uri: &str| {
        let uri = uri.to_owned();
        move |_: usize| uri.clone()
    };
    let none = |_: usize| Payload::None;

    check(&app, Method::GET, fixed("/healthz"), none, [200; 6]).await;
    check(&app, Method::GET, fixed("/api/v1/portal"), none, [200; 6]).await;
    check(
        &app,
        Method::PATCH,
        fixed("/api/v1/portal"),
        |_| Payload::Json(json!({"name": "Pemerintah Kota Mojokerto", "region_code": "35.76"})),
        [401, 403, 403, 403, 200, 403],
    )
    .await;

    check(
        &app,
        Method::GET,
        fixed("/api/v1/organizations"),
        none,
        [200; 6],
    )
    .await;
    check(
        &app,
        Method::GET,
        fixed("/api/v1/organizations/dinkes"),
        none,
        [200; 6],
    )
    .await;
    check(
        &app,
        Method::POST,
        fixed("/api/v1/organizations"),
        |c| Payload::Json(json!({"slug": format!("opd-{c}"), "name": "OPD Baru"})),
        [401, 403, 403, 201, 201, 403],
    )
    .await;
    check(
        &app,
        Method::PATCH,
        fixed("/api/v1/organizations/dinkes"),
        |_| Payload::Json(json!({"phone": "0321-123"})),
        [401, 403, 403, 200, 200, 403],
    )
    .await;

    check(&app, Method::GET, fixed("/api/v1/datasets"), none, [200; 6]).await;
    check(
        &app,
        Method::POST,
        fixed("/api/v1/datasets"),
        |_| Payload::Json(json!({"title": "Dataset Uji", "organization": "dinkes"})),
        [401, 201, 403, 201, 201, 403],
    )
    .await;
    let path = format!("/api/v1/datasets/{ds}");
    check(
        &app,
        Method::GET,
        fixed(&path),
        none,
        [404, 200, 404, 200, 200, 200],
    )
    .await;
    check(
        &app,
        Method::PATCH,
        fixed(&path),
        |_| Payload::Json(json!({"satuan": "Unit"})),
        [401, 200, 404, 200, 200, 403],
    )
    .await;
    let versions = format!("{path}/versions");
    check(
        &app,
        Method::GET,
        fixed(&versions),
        none,
        [404, 200, 404, 200, 200, 200],
    )
    .await;
    check(
        &app,
        Method::GET,
        fixed(&format!("{versions}/1")),
        none,
        [404, 200, 404, 200, 200, 200],
    )
    .await;
    check(
        &app,
        Method::POST,
        fixed(&versions),
        |_| Payload::Csv(b"a,b\n3,4\n"),
        [401, 201, 404, 201, 201, 403],
    )
    .await;

    // The version's report, the dataset's score and Table Schema follow the dataset's visibility;
    // the schema is written by whoever may write the dataset.
    let private = [404, 200, 404, 200, 200, 200];
    check(
        &app,
        Method::GET,
        fixed(&format!("{versions}/1/report")),
        none,
        private,
    )
    .await;
    check(
        &app,
        Method::GET,
        fixed(&format!("{path}/score")),
        none,
        private,
    )
    .await;
    let schema =
        json!({"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "integer"}]});
    check(
        &app,
        Method::PUT,
        fixed(&format!("{path}/schema")),
        |_| Payload::Json(schema.clone()),
        [401, 200, 404, 200, 200, 403],
    )
    .await;
    check(
        &app,
        Method::GET,
        fixed(&format!("{path}/schema")),
        none,
        private,
    )
    .await;

    // Standar Data: everyone reads; walidata, pembina and admin write.
    check(
        &app,
        Method::GET,
        fixed("/api/v1/code-lists"),
        none,
        [200; 6],
    )
    .await;
    check(
        &app,
        Method::POST,
        fixed("/api/v1/code-lists"),
        |c| Payload::Json(json!({"slug": format!("daftar-{c}"), "name": "Daftar", "items": []})),
        [401, 403, 403, 201, 201, 201],
    )
    .await;
    check(
        &app,
        Method::GET,
        fixed("/api/v1/code-lists/daftar-3"),
        none,
        [200; 6],
    )
    .await;
    check(
        &app,
        Method::PUT,
        fixed("/api/v1/code-lists/daftar-3"),
        |_| {
            Payload::Json(json!({"name": "Daftar Baru", "items": [{"code": "1", "label": "Satu"}]}))
        },
        [401, 403, 403, 200, 200, 200],
    )
    .await;
    check(
        &app,
        Method::GET,
        fixed("/api/v1/standards"),
        none,
        [200; 6],
    )
    .await;
    check(
        &app,
        Method::POST,
        fixed("/api/v1/standards"),
        |c| {
            Payload::Json(
                json!({"kode": format!("V{c}"), "nama": "Variabel", "tipe_data": "integer"}),
            )
        },
        [401, 403, 403, 201, 201, 201],
    )
    .await;
    check(
        &app,
        Method::GET,
        fixed("/api/v1/standards/V3"),
        none,
        [200; 6],
    )
    .await;
    check(
        &app,
        Method::PUT,
        fixed("/api/v1/standards/V3"),
        |_| Payload::Json(json!({"nama": "Variabel Baru", "tipe_data": "string"})),
        [401, 403, 403, 200, 200, 200],
    )
    .await;
    // Without an imported region list the regions endpoints say so, to everyone alike.
    check(&app, Method::GET, fixed("/api/v1/regions"), none, [404; 6]).await;

    // Once published, another OPD's produsen sees it but still may not change it.
    app.publish(&ds, b"a,b\n7,8\n").await;
    check(&app, Method::GET, fixed(&path), none, [200; 6]).await;
    check(
        &app,
        Method::PATCH,
        fixed(&path),
        |_| Payload::Json(json!({"satuan": "Buah"})),
        [401, 200, 403, 200, 200, 403],
    )
    .await;
    check(
        &app,
        Method::POST,
        fixed(&versions),
        |_| Payload::Csv(b"a,b\n5,6\n"),
        [401, 201, 403, 201, 201, 403],
    )
    .await;

    // Deleting: a fresh dataset per caller, so that each attempt meets a live one.
    let mut doomed = Vec::new();
    for caller in CALLERS {
        doomed.push(private_dataset(&app, &format!("Untuk Dihapus {caller}")).await);
    }
    check(
        &app,
        Method::DELETE,
        |c| format!("/api/v1/datasets/{}", doomed[c]),
        none,
        [401, 204, 404, 204, 204, 403],
    )
    .await;

    check(
        &app,
        Method::GET,
        fixed("/api/v1/me"),
        none,
        [401, 200, 200, 200, 200, 200],
    )
    .await;
    check(
        &app,
        Method::GET,
        fixed("/api/v1/me/tokens"),
        none,
        [401, 200, 200, 200, 200, 200],
    )
    .await;
    // Revoking someone else's token looks like a missing one; an admin may revoke any.
    let victim = app
        .catalog
        .account_by_email("pembina@bps.go.id")
        .await
        .expect("account");
    let mut ids = Vec::new();
    for _ in CALLERS {
        ids.push(
            app.catalog
                .issue_token(&victim, "korban", Some(1))
                .await
                .expect("token")
                .record
                .id,
        );
    }
    check(
        &app,
        Method::DELETE,
        |c| format!("/api/v1/me/tokens/{}", ids[c]),
        none,
        [401, 404, 404, 404, 200, 200],
    )
    .await;
    check(
        &app,
        Method::POST,
        fixed("/api/v1/auth/token"),
        |_| {
            Payload::Json(
                json!({"email": "admin@mojokertokota.go.id", "password": "bukan-kata-sandi"}),
            )
        },
        // Five failures for one account lock it for a while (hardening/sign_in.rs).
        [401, 401, 401, 401, 401, 429],
    )
    .await;
    check(
        &app,
        Method::GET,
        fixed("/api/v1/users"),
        none,
        [401, 403, 403, 200, 200, 403],
    )
    .await;
    check(&app, Method::POST, fixed("/api/v1/users"), |c| Payload::Json(json!({"email": format!("baru{c}@mojokertokota.go.id"), "name": "Baru", "role": "pembina"})), [401, 403, 403, 403, 201, 403]).await;
}

/// Submit, review, publish, history, downloads and withdrawal × every caller.
async fn lifecycle_matrix(app: TestApp) {
    let t = &app.tokens;
    let slug = app
        .dataset(json!({"title": "Matriks Alur", "organization": "dinkes"}))
        .await;
    for _ in CALLERS {
        app.upload(&slug, Some(&t.produsen), "text/csv", b"a,b\n1,2\n")
            .await
            .expect(StatusCode::CREATED);
    }
    let none = |_: usize| Payload::None;
    let base = format!("/api/v1/datasets/{slug}");
    let version = |action: &'static str| {
        let base = base.clone();
        move |c: usize| format!("{base}/versions/{}/{action}", c + 1)
    };
    // Private until published: the other OPD's produsen does not even see it.
    check(
        &app,
        Method::POST,
        version("submit"),
        none,
        [401, 200, 404, 200, 200, 403],
    )
    .await;
    for n in [1, 3, 6] {
        app.post_json(
            &format!("{base}/versions/{n}/submit"),
            Some(&t.walidata),
            json!({}),
        )
        .await
        .expect(StatusCode::OK);
    }
    check(
        &app,
        Method::POST,
        version("review"),
        |_| Payload::Json(json!({"decision": "approve"})),
        [401, 403, 404, 200, 200, 403],
    )
    .await;
    check(
        &app,
        Method::GET,
        fixed_uri(&format!("{base}/history")),
        none,
        [404, 200, 404, 200, 200, 200],
    )
    .await;
    // Versions 4 and 5 are approved: the walidata publishes 4, the admin 5.
    check(
        &app,
        Method::POST,
        |c| {
            let n = match c {
                3 => 4,
                4 => 5,
                _ => 1,
            };
            format!("{base}/versions/{n}/publish")
        },
        none,
        [401, 403, 403, 200, 200, 403],
    )
    .await;
    let data = format!("/datasets/{slug}/data.csv");
    check(&app, Method::GET, fixed_uri(&data), none, [200; 6]).await;
    check(
        &app,
        Method::GET,
        fixed_uri(&format!("{base}/history")),
        none,
        [200; 6],
    )
    .await;
    check(
        &app,
        Method::GET,
        fixed_uri(&format!("/datasets/{slug}/versions/1/data.csv")),
        none,
        [404; 6],
    )
    .await;
    check(
        &app,
        Method::POST,
        fixed_uri(&format!("{base}/unpublish")),
        |_| Payload::Json(json!({"reason": "Salah unggah"})),
        [401, 403, 403, 200, 409, 403],
    )
    .await;
    check(
        &app,
        Method::GET,
        fixed_uri(&data),
        none,
        [410, 200, 410, 200, 200, 200],
    )
    .await;
}

fn fixed_uri(uri: &str) -> impl Fn(usize) -> String {
    let uri = uri.to_owned();
    move |_| uri.clone()
}
