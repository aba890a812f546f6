//! Maintenance leases in the database: named, owned, expiring claims that other nodes respect.
//! A running backup holds `backup`, and gc removes nothing while it does (the backup copies
//! what its snapshot references, some of which may no longer be referenced live).

use chrono::{Duration, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use crate::Catalog;
use crate::entity::maintenance_lease;
use crate::error::Result;

/// The lease a running backup holds.
pub const BACKUP: &str = "backup";

impl Catalog {
    /// Takes or renews the lease `name` for `owner` until `ttl` from now. Returns false when
    /// another owner holds it and it has not expired.
    pub async fn take_lease(&self, name: &str, owner: &str, ttl: Duration) -> Result<bool> {
        let now = Utc::now();
        let current = maintenance_lease::Entity::find_by_id(name.to_owned())
            .one(self.db())
            .await?;
        if let Some(lease) = &current
            && lease.owner != owner
            && lease.expires_at > now
        {
            return Ok(false);
        }
        maintenance_lease::Entity::insert(maintenance_lease::ActiveModel {
            name: Set(name.to_owned()),
            owner: Set(owner.to_owned()),
            expires_at: Set(now + ttl),
        })
        .on_conflict(
            OnConflict::column(maintenance_lease::Column::Name)
                .update_columns([
                    maintenance_lease::Column::Owner,
                    maintenance_lease::Column::ExpiresAt,
                ])
                .to_owned(),
        )
        .exec(self.db())
        .await?;
        Ok(true)
    }

    /// Gives up the lease `name` if `owner` holds it.
    pub async fn drop_lease(&self, name: &str, owner: &str) -> Result<()> {
        maintenance_lease::Entity::delete_many()
            .filter(maintenance_lease::Column::Name.eq(name))
            .filter(maintenance_lease::Column::Owner.eq(owner))
            .exec(self.db())
            .await?;
        Ok(())
    }

    /// Whether a backup holds its lease now.
    pub async fn backup_running(&self) -> Result<bool> {
        Ok(maintenance_lease::Entity::find_by_id(BACKUP.to_owned())
            .one(self.db())
            .await?
            .is_some_and(|lease| lease.expires_at > Utc::now()))
    }
}
