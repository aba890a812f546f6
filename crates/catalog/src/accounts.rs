//! Accounts, passwords (argon2id) and API tokens (random, shown once, stored as SHA-256).

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::entity::{account, api_token};
use crate::error::{Error, Message, Result};
use crate::{Actor, Catalog, Principal, Role, fields};

/// Shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 10;
/// Prefix of every token, so that secret scanners can recognise them.
pub const TOKEN_PREFIX: &str = "sdt_";

/// A new account.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    /// E-mail, used to sign in.
    pub email: String,
    /// Display name.
    pub name: String,
    /// admin, walidata, produsen or pembina.
    pub role: String,
    /// Slug of the OPD; required for produsen.
    pub organization: Option<String>,
    /// Password (at least 10 characters); without one the account signs in with tokens only.
    pub password: Option<String>,
}

/// A token as created: the secret is in `token` and is never shown again.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    /// The secret to send as `Authorization: Bearer <token>`.
    pub token: String,
    /// The stored record.
    pub record: api_token::Model,
}

impl Catalog {
    /// Creates an account (admin, or the operator through the CLI).
    pub async fn create_account(&self, actor: &Actor, new: NewAccount) -> Result<account::Model> {
        actor.require_admin()?;
        let email = fields::email("email", Some(&new.email))?
            .ok_or_else(|| Error::invalid("email", "email wajib diisi", "email is required"))?;
        let role = Role::parse(&new.role)?;
        let organization_id = match (role, new.organization.as_deref().map(str::trim)) {
            (_, Some(slug)) if !slug.is_empty() => Some(self.organization(slug).await?.id),
            (Role::Produsen, _) => {
                return Err(Error::invalid(
                    "organization",
                    "Akun produsen harus terikat pada satu OPD",
                    "A produsen account must belong to an OPD",
                ));
            }
            _ => None,
        };
        let password_hash = match new.password.as_deref() {
            Some(password) => Some(hash_password(password)?),
            None => None,
        };
        let exists = account::Entity::find()
            .filter(account::Column::Email.eq(&email))
            .one(self.db())
            .await?;
        if exists.is_some() {
            return Err(Error::Conflict(Message::new(
                format!("Akun dengan surel '{email}' sudah ada"),
                format!("an account with e-mail '{email}' already exists"),
            )));
        }
        let row = account::ActiveModel {
            uuid: Set(Uuid::new_v4()),
            email: Set(email),
            name: Set(fields::required("name", &new.name, 200)?),
            role: Set(role.as_str().to_owned()),
            organization_id: Set(organization_id),
            password_hash: Set(password_hash),
            active: Set(true),
            created_at: Set(Utc::now()),
            ..Default::default()
        };
        Ok(row.insert(self.db()).await?)
    }

    /// Accounts with their OPDs, for admins and walidata.
    pub async fn list_accounts(
        &self,
        actor: &Actor,
    ) -> Result<Vec<(account::Model, Option<crate::entity::organization::Model>)>> {
        actor.require_steward()?;
        let accounts = account::Entity::find()
            .order_by_asc(account::Column::Email)
            .all(self.db())
            .await?;
        let orgs = self
            .organizations_by_id(accounts.iter().filter_map(|a| a.organization_id))
            .await?;
        Ok(accounts
            .into_iter()
            .map(|a| {
                let org = a.organization_id.and_then(|id| orgs.get(&id).cloned());
                (a, org)
            })
            .collect())
    }

    /// An account by e-mail.
    pub async fn account_by_email(&self, email: &str) -> Result<account::Model> {
        account::Entity::find()
            .filter(account::Column::Email.eq(email.trim().to_lowercase()))
            .one(self.db())
            .await?
            .ok_or_else(|| Error::not_found("Akun", "account", email))
    }

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

    /// Exchanges e-mail and password for a token.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        expires_in_days: Option<u32>,
    ) -> Result<IssuedToken> {
        let wrong = || {
            Error::Unauthenticated(Message::new(
                "Surel atau kata sandi salah",
                "Wrong e-mail or password",
            ))
        };
        let account = self.account_by_email(email).await.map_err(|_| wrong())?;
        let Some(stored) = account.password_hash.as_deref().filter(|_| account.active) else {
            return Err(wrong());
        };
        let parsed = PasswordHash::new(stored).map_err(|e| Error::Internal {
            context: "reading a stored password hash",
            source: Box::new(e),
        })?;
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .map_err(|_| wrong())?;
        self.issue_token(&account, "sign-in", expires_in_days.or(Some(30)))
            .await
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

    /// The account behind a principal, fresh from the database.
    pub async fn account(&self, principal: &Principal) -> Result<account::Model> {
        account::Entity::find_by_id(principal.account_id)
            .one(self.db())
            .await?
            .ok_or_else(|| Error::not_found("Akun", "account", &principal.email))
    }
}

/// The principal of an account row.
pub fn principal(account: &account::Model) -> Result<Principal> {
    Ok(Principal {
        account_id: account.id,
        uuid: account.uuid,
        email: account.email.clone(),
        name: account.name.clone(),
        role: Role::parse(&account.role)?,
        organization_id: account.organization_id,
    })
}

fn hash_password(password: &str) -> Result<String> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(Error::invalid(
            "password",
            format!("Kata sandi minimal {MIN_PASSWORD_LEN} karakter"),
            format!("The password needs at least {MIN_PASSWORD_LEN} characters"),
        ));
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal {
            context: "hashing a password",
            source: Box::new(e),
        })
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}
