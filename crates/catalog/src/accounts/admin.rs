//! What an admin does to other accounts: change the role, OPD, name and whether it may sign
//! in (a deactivated account's tokens are revoked with it), set a new password, revoke every
//! token and session.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use super::check_password;
use crate::entity::{account, api_token};
use crate::error::{Error, Result};
use crate::{Actor, Catalog, Role, fields};

/// Changes to an account.
#[derive(Debug, Clone)]
pub struct AccountChange {
    /// Display name.
    pub name: String,
    /// Role (`admin`, `walidata`, `produsen`, `pembina`).
    pub role: String,
    /// The OPD's slug (required for a produsen; ignored otherwise when empty).
    pub organization: Option<String>,
    /// Whether it may sign in.
    pub active: bool,
}

/// An account as the admin pages show it.
#[derive(Debug, Clone)]
pub struct AccountDetail {
    /// The row.
    pub account: account::Model,
    /// The OPD's slug.
    pub organization: Option<String>,
    /// Tokens neither revoked nor expired.
    pub active_tokens: u64,
}

impl Catalog {
    /// One account with its OPD and live tokens (admin only).
    pub async fn account_detail(&self, actor: &Actor, id: i32) -> Result<AccountDetail> {
        actor.require_admin()?;
        let account = account::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .ok_or_else(|| Error::not_found("Akun", "account", &id.to_string()))?;
        let organization = match account.organization_id {
            Some(org) => Some(self.organization_by_id(org).await?.slug),
            None => None,
        };
        let now = Utc::now();
        let active_tokens = api_token::Entity::find()
            .filter(api_token::Column::AccountId.eq(id))
            .filter(api_token::Column::RevokedAt.is_null())
            .all(self.db())
            .await?
            .into_iter()
            .filter(|t| t.expires_at.is_none_or(|at| at > now))
            .count() as u64;
        Ok(AccountDetail {
            account,
            organization,
            active_tokens,
        })
    }

    /// Changes an account (admin only). An admin cannot take away their own admin role or
    /// deactivate themselves (someone must be left to undo it).
    pub async fn change_account(
        &self,
        actor: &Actor,
        id: i32,
        change: AccountChange,
    ) -> Result<account::Model> {
        actor.require_admin()?;
        let me = actor.principal()?;
        let role = Role::parse(&change.role)?;
        if me.account_id == id && (role != Role::Admin || !change.active) {
            return Err(Error::invalid(
                "role",
                "Anda tidak dapat mencabut peran admin atau menonaktifkan akun Anda sendiri",
                "You cannot take away your own admin role or deactivate your own account",
            ));
        }
        let detail = self.account_detail(actor, id).await?;
        let organization_id = match (role, change.organization.as_deref().map(str::trim)) {
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
        let mut row: account::ActiveModel = detail.account.into();
        row.name = Set(fields::required("name", &change.name, 200)?);
        row.role = Set(role.as_str().to_owned());
        row.organization_id = Set(organization_id);
        row.active = Set(change.active);
        let saved = row.update(self.db()).await?;
        if !change.active {
            self.revoke_account_tokens(actor, id).await?;
        }
        Ok(saved)
    }

    /// Sets a new password for an account (admin only), checked against the policy, and
    /// revokes its sessions and tokens.
    pub async fn reset_password(&self, actor: &Actor, id: i32, password: &str) -> Result<()> {
        actor.require_admin()?;
        check_password(password, &self.settings().sign_in)?;
        let detail = self.account_detail(actor, id).await?;
        let hash = self.hash_password(password).await?;
        let mut row: account::ActiveModel = detail.account.into();
        row.password_hash = Set(Some(hash));
        row.update(self.db()).await?;
        // Whoever signed in with the old password is signed out.
        self.revoke_account_tokens(actor, id).await?;
        Ok(())
    }

    /// Revokes every live token and session of an account (admin only); returns how many.
    pub async fn revoke_account_tokens(&self, actor: &Actor, id: i32) -> Result<u64> {
        actor.require_admin()?;
        let done = api_token::Entity::update_many()
            .col_expr(api_token::Column::RevokedAt, Expr::value(Utc::now()))
            .filter(api_token::Column::AccountId.eq(id))
            .filter(api_token::Column::RevokedAt.is_null())
            .exec(self.db())
            .await?;
        Ok(done.rows_affected)
    }
}

/// What the admin's OPD list counts per OPD: (datasets not deleted, accounts).
pub type OrganizationUsage = std::collections::HashMap<i32, (u64, u64)>;

impl Catalog {
    /// Datasets and accounts per OPD id (admin or walidata).
    pub async fn organization_usage(&self, actor: &Actor) -> Result<OrganizationUsage> {
        use sea_orm::QuerySelect;
        actor.require_steward()?;
        let mut usage = OrganizationUsage::new();
        let datasets: Vec<i32> = crate::entity::dataset::Entity::find()
            .select_only()
            .column(crate::entity::dataset::Column::OrganizationId)
            .filter(crate::entity::dataset::Column::DeletedAt.is_null())
            .into_tuple()
            .all(self.db())
            .await?;
        for id in datasets {
            usage.entry(id).or_default().0 += 1;
        }
        let accounts: Vec<Option<i32>> = account::Entity::find()
            .select_only()
            .column(account::Column::OrganizationId)
            .into_tuple()
            .all(self.db())
            .await?;
        for id in accounts.into_iter().flatten() {
            usage.entry(id).or_default().1 += 1;
        }
        Ok(usage)
    }

    /// When each account last used a token or session (admin only).
    pub async fn last_activity(
        &self,
        actor: &Actor,
    ) -> Result<std::collections::HashMap<i32, chrono::DateTime<Utc>>> {
        use sea_orm::QuerySelect;
        actor.require_admin()?;
        let used: Vec<(i32, Option<chrono::DateTime<Utc>>)> = api_token::Entity::find()
            .select_only()
            .columns([api_token::Column::AccountId, api_token::Column::LastUsedAt])
            .filter(api_token::Column::LastUsedAt.is_not_null())
            .into_tuple()
            .all(self.db())
            .await?;
        let mut last = std::collections::HashMap::new();
        for (id, at) in used {
            if let Some(at) = at {
                let entry = last.entry(id).or_insert(at);
                if at > *entry {
                    *entry = at;
                }
            }
        }
        Ok(last)
    }
}
