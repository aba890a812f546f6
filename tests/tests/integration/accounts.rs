//! Sign-in with a password, tokens that expire and are revoked.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::{TestApp, twin};

twin!(password_sign_in_and_token_lifecycle);

async fn password_sign_in_and_token_lifecycle(app: TestApp) {
    let admin = Some(app.tokens.admin.as_str());
    let created = app
        .post_json(
            "/api/v1/users",
            admin,
            json!({"email": "Steward@Dinkes.go.id", "name": "Steward", "role": "produsen", "organization": "dinkes", "password": "kata-sandi-rahasia"}),
        )
        .await
        .expect(StatusCode::CREATED);
    assert_eq!(created.json["email"], "steward@dinkes.go.id");
    assert_eq!(created.json["organization"]["slug"], "dinkes");
    assert!(created.json.get("password_hash").is_none());

    app.post_json(
        "/api/v1/auth/token",
        None,
        json!({"email": "steward@dinkes.go.id", "password": "salah-sekali"}),
    )
    .await
    .expect(StatusCode::UNAUTHORIZED);
    app.post_json(
        "/api/v1/auth/token",
        None,
        json!({"email": "tidak@ada.go.id", "password": "kata-sandi-rahasia"}),
    )
    .await
    .expect(StatusCode::UNAUTHORIZED);
    let issued = app
        .post_json(
            "/api/v1/auth/token",
            None,
            json!({"email": "steward@dinkes.go.id", "password": "kata-sandi-rahasia"}),
        )
        .await
        .expect(StatusCode::CREATED);
    let token = issued.json["token"].as_str().expect("token").to_owned();
    assert!(token.starts_with("sdt_"));
    assert!(
        issued.json["expires_at"].is_string(),
        "sign-in tokens expire"
    );

    let me = app
        .get("/api/v1/me", Some(&token))
        .await
        .expect(StatusCode::OK);
    assert_eq!(me.json["role"], "produsen");
    assert_eq!(me.json["organization"]["slug"], "dinkes");

    let tokens = app
        .get("/api/v1/me/tokens", Some(&token))
        .await
        .expect(StatusCode::OK);
    let listed = tokens.json["items"].as_array().expect("items");
    assert_eq!(listed.len(), 1);
    assert!(
        listed[0].get("token").is_none(),
        "a token's secret is shown once only"
    );
    assert!(token.starts_with(listed[0]["prefix"].as_str().expect("prefix")));
    let id = listed[0]["id"].as_i64().expect("id");

    // Someone else cannot revoke it.
    app.delete(
        &format!("/api/v1/me/tokens/{id}"),
        Some(&app.tokens.walidata),
    )
    .await
    .expect(StatusCode::NOT_FOUND);
    let revoked = app
        .delete(&format!("/api/v1/me/tokens/{id}"), Some(&token))
        .await
        .expect(StatusCode::OK);
    assert!(revoked.json["revoked_at"].is_string());
    app.get("/api/v1/me", Some(&token))
        .await
        .expect(StatusCode::UNAUTHORIZED);

    // An expired token is refused: issue one with zero days of life.
    let account = app
        .catalog
        .account_by_email("steward@dinkes.go.id")
        .await
        .expect("account");
    let expired = app
        .catalog
        .issue_token(&account, "kedaluwarsa", Some(0))
        .await
        .expect("token");
    app.get("/api/v1/me", Some(&expired.token))
        .await
        .expect(StatusCode::UNAUTHORIZED);
}
