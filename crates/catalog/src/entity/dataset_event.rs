//! The history of a dataset: every lifecycle transition and metadata change, append-only.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dataset_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub dataset_id: i32,
    /// The version concerned, when the event is about one.
    pub version_number: Option<i32>,
    /// upload, submit, approve, return, publish, unpublish, cancel or metadata.
    pub action: crate::lifecycle::EventKind,
    pub from_status: Option<crate::lifecycle::VersionStatus>,
    pub to_status: Option<crate::lifecycle::VersionStatus>,
    pub note: Option<String>,
    /// For metadata edits: `{field: {"from": .., "to": ..}}`.
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub changes: Option<Json>,
    pub actor_id: Option<i32>,
    /// The actor's name at the time (accounts may be renamed later).
    pub actor_name: String,
    pub at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "dataset_id", to = "id")]
    pub dataset: HasOne<super::dataset::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
