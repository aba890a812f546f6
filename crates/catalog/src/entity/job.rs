//! Background jobs: validating an upload, publishing a version.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub uuid: Uuid,
    pub kind: crate::jobs::JobKind,
    pub state: crate::jobs::JobState,
    pub dataset_id: Option<i32>,
    pub version_id: Option<i32>,
    /// What the job needs beyond its version (the layout asked for, who asked).
    #[sea_orm(column_type = "JsonBinary")]
    pub payload: Json,
    /// `{phase, rows, bytes}` as the work goes.
    #[sea_orm(column_type = "JsonBinary")]
    pub progress: Json,
    pub attempts: i32,
    pub max_attempts: i32,
    /// Not claimed before this (back-off after a failure).
    pub run_after: DateTimeUtc,
    /// The node running it, while it does.
    pub lease_owner: Option<String>,
    /// When a running job whose node stopped renewing its lease may be taken over.
    pub lease_expires_at: Option<DateTimeUtc>,
    /// The last failure, for people (Bahasa Indonesia / English).
    pub error: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
