//! Content-addressed blobs being stored: a writer pins a key before it puts the blob, and gc
//! locks the pin before it removes the key (see `gc.rs`).

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "blob_pin")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub object_key: String,
    pub pinned_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
