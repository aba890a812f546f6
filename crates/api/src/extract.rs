//! Extractors whose rejections use our error envelope, and the caller's identity.

use axum::extract::{FromRequest, FromRequestParts};
use axum::http::{header, request::Parts};
use satudata_catalog::Actor;

use crate::error::ApiError;
use crate::state::AppState;

/// `axum::Json` with our envelope on rejection.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct AppJson<T>(pub T);

/// `axum::extract::Query` with our envelope on rejection.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct AppQuery<T>(pub T);

/// `axum::extract::Path` with our envelope on rejection.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct AppPath<T>(pub T);

/// The client's address: the peer, or, when the peer is a trusted reverse proxy, the last
/// address its `X-Forwarded-For` adds. `None` when the server does not know (tests).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<std::net::IpAddr>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self(satudata_web::client_addr(
            parts,
            &state.trusted_proxies,
        )))
    }
}

/// Who is calling: anonymous without an `Authorization` header, otherwise the token's account.
/// A header with a bad, revoked or expired token is rejected (401), never treated as anonymous.
#[derive(Debug)]
pub struct Auth(pub Actor);

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Ok(Self(Actor::Anonymous));
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ApiError::from(satudata_catalog::Error::unauthenticated()))?;
        let principal = state.catalog.authenticate(token).await?;
        Ok(Self(Actor::Account(principal)))
    }
}
