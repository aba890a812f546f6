//! Issue 22: no single request may take the service down or eat its memory, and nobody widens
//! access alone. Each class of attack is tried with its reported example and a variant; the
//! service must still answer `/healthz` afterwards.

mod access;
mod numbers;
mod queries;
mod server;
mod sign_in;
mod uploads;
mod writers;

use axum::http::StatusCode;

use crate::support::TestApp;

/// The service still answers.
pub async fn still_healthy(app: &TestApp) {
    app.get("/healthz", None).await.expect(StatusCode::OK);
}
