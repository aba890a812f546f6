//! A resumable upload from the workspace, received in chunks (`versions/chunked.rs`).

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "upload_session")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub uuid: Uuid,
    pub dataset_id: i32,
    /// Who opened it; only they may send chunks.
    pub account_id: i32,
    pub filename: String,
    pub media_type: String,
    /// The file's size, declared when the upload was opened.
    pub size: i64,
    /// Bytes received so far (the offset the next chunk must start at).
    pub received: i64,
    pub chunk_size: i32,
    /// The chunks' object keys, in order.
    #[sea_orm(column_type = "JsonBinary")]
    pub parts: Json,
    /// `receiving`, `assembling`, `validating` (a version and its job exist), `failed`.
    pub state: String,
    /// Clean a wide table into the long layout.
    pub long: bool,
    pub version_id: Option<i32>,
    pub job_uuid: Option<Uuid>,
    /// Why it failed (Bahasa Indonesia, then English after " / ").
    pub error: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
