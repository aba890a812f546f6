//! The published files of a version: one row per format, each a content-addressed object.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "distribution")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub version_id: i32,
    /// csv, json, parquet or xlsx.
    pub format: String,
    pub media_type: String,
    /// `blobs/sha256/<hex>`: the key is the content's hash, so the bytes can never differ from it.
    pub object_key: String,
    pub sha256: String,
    pub byte_size: i64,
    pub created_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "version_id", to = "id")]
    pub version: HasOne<super::dataset_version::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
