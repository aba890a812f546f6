//! Immutable uploads of a dataset's table.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dataset_version")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub uuid: Uuid,
    pub dataset_id: i32,
    /// 1, 2, 3 ... within the dataset.
    pub number: i32,
    pub object_key: String,
    pub sha256: String,
    pub byte_size: i64,
    pub original_filename: Option<String>,
    pub media_type: String,
    pub uploaded_by: Option<i32>,
    pub created_at: DateTimeUtc,
    pub is_table: bool,
    pub row_count: Option<i64>,
    pub column_count: Option<i64>,
    /// What the table probe found (delimiter, encoding, header, ragged and blank rows).
    #[sea_orm(column_type = "JsonBinary")]
    pub table_info: Json,
    /// The validation report (see schemas/validation-report.schema.json).
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub report: Option<Json>,
    pub report_valid: Option<bool>,
    pub error_count: Option<i64>,
    pub warning_count: Option<i64>,
    /// Where it is in the lifecycle (stored under the national status names).
    pub status: crate::lifecycle::VersionStatus,
    /// The last reviewer's note (why it was returned) or the withdrawal reason.
    pub status_note: Option<String>,
    /// The walidata (or admin) who approved it.
    pub walidata_approved_by: Option<i32>,
    /// The pembina who approved it (Data Prioritas only).
    pub pembina_approved_by: Option<i32>,
    /// When it was published.
    pub published_at: Option<DateTimeUtc>,
    /// What cleaning changed: written with the clean table when a valid version is uploaded
    /// (or, for a version uploaded before that, when it is published).
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub clean_log: Option<Json>,
    /// SHA-256 of the clean table (CSV), stored at `blobs/sha256/…`; the published CSV is
    /// this blob. None until a valid version's table has been cleaned.
    pub clean_sha256: Option<String>,
    /// Its size in bytes.
    pub clean_size: Option<i64>,
    #[sea_orm(belongs_to, from = "dataset_id", to = "id")]
    pub dataset: HasOne<super::dataset::Entity>,
    #[sea_orm(has_many)]
    pub distributions: HasMany<super::distribution::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
