//! People who sign in: admin, walidata, produsen (bound to one OPD) and pembina.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub uuid: Uuid,
    #[sea_orm(unique)]
    pub email: String,
    pub name: String,
    pub role: String,
    pub organization_id: Option<i32>,
    /// Argon2id PHC string; `None` for accounts that only use API tokens.
    pub password_hash: Option<String>,
    pub active: bool,
    pub created_at: DateTimeUtc,
    #[sea_orm(has_many)]
    pub tokens: HasMany<super::api_token::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
