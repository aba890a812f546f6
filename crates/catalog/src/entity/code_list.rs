//! Code lists (kode referensi) defined by the walidata, e.g. jenis kelamin.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "code_list")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    /// `[{"code": "1", "label": "Laki-laki"}, ...]` in order.
    #[sea_orm(column_type = "JsonBinary")]
    pub items: Json,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
