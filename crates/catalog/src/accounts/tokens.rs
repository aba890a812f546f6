//! API tokens: random, shown once, stored as their SHA-256; revocable, with an expiry.

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};
use sha2::{Digest, Sha256};

use super::{IssuedToken, TOKEN_PREFIX, principal};
use crate::entity::{account, api_token};
use crate::error::{Error, Result};
use crate::{Actor, Catalog, Principal, Role, fields};

impl Catalog {
    /// Issues a token for an account. `expires_in_days` of `None` means no expiry.
    pub async fn issue_token(
        &self,
        account: &account::Model,
        label: &str,
        expires_in_days: Option<u32>,
    ) -> Result<IssuedToken> {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).map_err(|e| Error::Internal {
            context: "drawing a token secret",
            // getrandom's error implements std's Error only with its `std` feature.
            source: e.to_string().into(),
        })?;
        let token = format!("{TOKEN_PREFIX}{}", hex::encode(secret));
        let now = Utc::now();
        let record = api_token::ActiveModel {
            account_id: Set(account.id),
            token_hash: Set(token_hash(&token)),
            prefix: Set(token[..TOKEN_PREFIX.len() + 6].to_owned()),
            label: Set(
                fields::optional("label", Some(label), 100)?.unwrap_or_else(|| "token".into())
            ),
            created_at: Set(now),
            expires_at: Set(expires_in_days.map(|d| now + Duration::days(i64::from(d)))),
            revoked_at: Set(None),
            last_used_at: Set(None),
            ..Default::default()
        }
        .insert(self.db())
        .await?;
        Ok(IssuedToken { token, record })
    }

    /// Resolves a bearer token to its account; unknown, revoked and expired tokens fail.
    pub async fn authenticate(&self, token: &str) -> Result<Principal> {
        let now = Utc::now();
        let found = api_token::Entity::find()
            .filter(api_token::Column::TokenHash.eq(token_hash(token.trim())))
            .find_also_related(account::Entity)
            .one(self.db())
            .await?;
        let Some((record, Some(account))) = found else {
            return Err(Error::unauthenticated());
        };
        let live = record.revoked_at.is_none()
            && record.expires_at.is_none_or(|at| at > now)
            && account.active;
        if !live {
            return Err(Error::unauthenticated());
        }
        if record
            .last_used_at
            .is_none_or(|at| now - at > Duration::minutes(5))
        {
            let mut touch = record.into_active_model();
            touch.last_used_at = Set(Some(now));
            touch.update(self.db()).await?;
        }
        principal(&account)
    }

    /// Creates a token for the calling account (the "my tokens" page): `label` is required,
    /// `expires_in_days` of `None` means no expiry, else 1 to `max_token_days`.
    pub async fn create_token(
        &self,
        actor: &Actor,
        label: &str,
        expires_in_days: Option<u32>,
    ) -> Result<IssuedToken> {
        let me = actor.principal()?;
        if label.trim().is_empty() {
            return Err(Error::invalid(
                "label",
                "Nama token wajib diisi",
                "The token needs a label",
            ));
        }
        let max = self.settings().sign_in.max_token_days;
        if expires_in_days.is_some_and(|d| d == 0 || d > max) {
            return Err(Error::invalid(
                "expires_in_days",
                format!("Masa berlaku token 1 sampai {max} hari"),
                format!("A token lives 1 to {max} days"),
            ));
        }
        let account = self.account(me).await?;
        self.issue_token(&account, label.trim(), expires_in_days)
            .await
    }

    /// Signs a session out: revokes the token whose secret is `token` (unknown or already
    /// revoked tokens are left as they are).
    pub async fn sign_out(&self, token: &str) -> Result<()> {
        let found = api_token::Entity::find()
            .filter(api_token::Column::TokenHash.eq(token_hash(token.trim())))
            .one(self.db())
            .await?;
        if let Some(record) = found.filter(|t| t.revoked_at.is_none()) {
            let mut row = record.into_active_model();
            row.revoked_at = Set(Some(Utc::now()));
            row.update(self.db()).await?;
        }
        Ok(())
    }

    /// The tokens of the calling account, newest first.
    pub async fn list_tokens(&self, actor: &Actor) -> Result<Vec<api_token::Model>> {
        let me = actor.principal()?;
        Ok(api_token::Entity::find()
            .filter(api_token::Column::AccountId.eq(me.account_id))
            .order_by_desc(api_token::Column::Id)
            .all(self.db())
            .await?)
    }

    /// Revokes one of the calling account's tokens (admins may revoke any).
    pub async fn revoke_token(&self, actor: &Actor, id: i32) -> Result<api_token::Model> {
        let me = actor.principal()?;
        let record = api_token::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .filter(|t| t.account_id == me.account_id || me.role == Role::Admin)
            .ok_or_else(|| Error::not_found("Token", "token", &id.to_string()))?;
        if record.revoked_at.is_some() {
            return Ok(record);
        }
        let mut row = record.into_active_model();
        row.revoked_at = Set(Some(Utc::now()));
        Ok(row.update(self.db()).await?)
    }
}

/// The stored form of a token: the hex SHA-256 of its secret (what `api_token.token_hash`
/// holds), so that a caller holding a secret can tell which record is its own.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}
