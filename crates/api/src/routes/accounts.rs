//! Accounts and tokens: `/api/v1/me`, `/api/v1/users`, `/api/v1/auth/token`, `/api/v1/me/tokens`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use satudata_catalog::accounts::NewAccount;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::ApiResult;
use crate::extract::{AppJson, AppPath, Auth, ClientAddr};
use crate::responses::{
    BadRequest, Conflict, Invalid, JsonBody, NotFound, SignedIn, TooManyRequests, Unauthenticated,
    WriteErrors,
};
use crate::state::AppState;
use crate::views::{
    AccountListResponse, AccountResponse, TokenCreateResponse, TokenListResponse, TokenResponse,
};

/// The signed-in account.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "OK", body = AccountResponse),
        Unauthenticated,
    )
)]
pub async fn show_me(
    State(state): State<AppState>,
    Auth(actor): Auth,
) -> ApiResult<Json<AccountResponse>> {
    let principal = actor.principal()?;
    let account = state.catalog.account(principal).await?;
    let org = match account.organization_id {
        Some(id) => Some(state.catalog.organization_by_id(id).await?),
        None => None,
    };
    Ok(Json(AccountResponse::new(account, org.as_ref())))
}

/// Accounts (admin, walidata).
#[utoipa::path(
    get,
    path = "/api/v1/users",
    tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "OK", body = AccountListResponse),
        SignedIn,
    )
)]
pub async fn list_users(
    State(state): State<AppState>,
    Auth(actor): Auth,
) -> ApiResult<Json<AccountListResponse>> {
    let accounts = state.catalog.list_accounts(&actor).await?;
    let items = accounts
        .into_iter()
        .map(|(a, org)| AccountResponse::new(a, org.as_ref()))
        .collect();
    Ok(Json(AccountListResponse { items }))
}

/// Creates an account (admin).
#[utoipa::path(
    post,
    path = "/api/v1/users",
    tag = "accounts",
    request_body = NewAccount,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = AccountResponse),
        WriteErrors,
        NotFound,
        Conflict,
        JsonBody,
    )
)]
pub async fn create_user(
    State(state): State<AppState>,
    Auth(actor): Auth,
    AppJson(new): AppJson<NewAccount>,
) -> ApiResult<(StatusCode, Json<AccountResponse>)> {
    let org_key = new.organization.clone();
    let account = state.catalog.create_account(&actor, new).await?;
    let org = match org_key {
        Some(key) => Some(state.catalog.organization(&key).await?),
        None => None,
    };
    Ok((
        StatusCode::CREATED,
        Json(AccountResponse::new(account, org.as_ref())),
    ))
}

/// E-mail and password, exchanged for a token.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    /// E-mail.
    pub email: String,
    /// Password.
    pub password: String,
    /// Days until the token expires (default 30; at most the server's `token_max_days`, 365
    /// unless configured).
    pub expires_in_days: Option<u32>,
}

/// Signs in: returns a new token, shown this once.
#[utoipa::path(
    post,
    path = "/api/v1/auth/token",
    tag = "accounts",
    request_body = SignInRequest,
    responses(
        (status = 201, description = "Created", body = TokenCreateResponse),
        BadRequest,
        Unauthenticated,
        Invalid,
        TooManyRequests,
        JsonBody,
    )
)]
pub async fn sign_in(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    AppJson(request): AppJson<SignInRequest>,
) -> ApiResult<(StatusCode, Json<TokenCreateResponse>)> {
    let issued = state
        .catalog
        .sign_in(
            &request.email,
            &request.password,
            request.expires_in_days,
            client,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(TokenCreateResponse {
            token: issued.token,
            record: issued.record.into(),
        }),
    ))
}

/// The caller's tokens.
#[utoipa::path(
    get,
    path = "/api/v1/me/tokens",
    tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "OK", body = TokenListResponse),
        Unauthenticated,
    )
)]
pub async fn list_tokens(
    State(state): State<AppState>,
    Auth(actor): Auth,
) -> ApiResult<Json<TokenListResponse>> {
    let tokens = state.catalog.list_tokens(&actor).await?;
    Ok(Json(TokenListResponse {
        items: tokens.into_iter().map(Into::into).collect(),
    }))
}

/// Revokes one of the caller's tokens.
#[utoipa::path(
    delete,
    path = "/api/v1/me/tokens/{id}",
    tag = "accounts",
    params(("id" = i32, Path, description = "Token id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "OK", body = TokenResponse),
        Unauthenticated,
        NotFound,
    )
)]
pub async fn revoke_token(
    State(state): State<AppState>,
    Auth(actor): Auth,
    AppPath(id): AppPath<i32>,
) -> ApiResult<Json<TokenResponse>> {
    Ok(Json(state.catalog.revoke_token(&actor, id).await?.into()))
}
