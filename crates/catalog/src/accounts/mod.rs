//! Accounts, passwords (argon2id) and API tokens (random, shown once, stored as SHA-256).

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::entity::{account, api_token};
use crate::error::{Error, Message, Result};
use crate::{Actor, Catalog, Principal, Role, fields};

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

mod admin;
mod passwords;
mod tokens;

pub use admin::{AccountChange, AccountDetail, OrganizationUsage};
pub(crate) use passwords::Guard;
pub use passwords::{SignInLimits, check_password};
pub use tokens::token_hash;

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
            Some(password) => Some(self.hash_password(password).await?),
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

    /// The actor an account id stands for in work done later on its behalf (a job): the
    /// account as it is now, or the operator when there is none any more.
    pub(crate) async fn actor_of(&self, account_id: Option<i64>) -> Result<Actor> {
        let Some(id) = account_id.and_then(|id| i32::try_from(id).ok()) else {
            return Ok(Actor::Operator);
        };
        Ok(
            match account::Entity::find_by_id(id).one(self.db()).await? {
                Some(account) => Actor::Account(principal(&account)?),
                None => Actor::Operator,
            },
        )
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
