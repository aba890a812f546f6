//! Response types of versions and their published files.

use chrono::{DateTime, Utc};
use satudata_catalog::entity::{dataset_version, distribution};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::state::AppState;

/// One uploaded version of a dataset's table.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionResponse {
    /// Stable id.
    pub id: Uuid,
    /// 1, 2, 3 ... within the dataset.
    pub number: i32,
    /// SHA-256 of the bytes as uploaded, hex.
    pub sha256: String,
    /// Size in bytes.
    pub byte_size: i64,
    /// File name the uploader gave (display only).
    pub original_filename: Option<String>,
    /// Media type as uploaded.
    pub media_type: String,
    /// Uploaded at.
    pub created_at: DateTime<Utc>,
    /// Whether the file parsed as a delimited table.
    pub is_table: bool,
    /// Data rows after the header.
    pub row_count: Option<i64>,
    /// Columns in the header.
    pub column_count: Option<i64>,
    /// What the reader found: delimiter, encoding, header, ragged and blank rows.
    #[schema(value_type = Object)]
    pub table: serde_json::Value,
    /// Summary of the validation report; `null` when the table could not be validated.
    pub validation: Option<ValidationSummary>,
    /// DRAFT, MENUNGGU_PERSETUJUAN, DITOLAK, DISETUJUI, DITAYANGKAN, TIDAK_DITAYANGKAN or
    /// DIBATALKAN.
    pub status: String,
    /// The reviewer's note when returned, or the reason when withdrawn.
    pub status_note: Option<String>,
    /// Whether the walidata approved it.
    pub walidata_approved: bool,
    /// Whether a pembina approved it (needed for Data Prioritas).
    pub pembina_approved: bool,
    /// When it was published.
    pub published_at: Option<DateTime<Utc>>,
    /// What cleaning changed when it was published (rules, counts, examples, columns).
    #[schema(value_type = Option<Object>)]
    pub clean_log: Option<serde_json::Value>,
    /// The published files (empty until published).
    pub files: Vec<FileResponse>,
    /// The background job still working on this version (validating it, or publishing it),
    /// when the answer did not wait for it to finish (202).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job: Option<super::jobs::JobResponse>,
}

/// A published file of a version.
#[derive(Debug, Serialize, ToSchema)]
pub struct FileResponse {
    /// csv, json, parquet or xlsx.
    pub format: String,
    /// IANA media type.
    pub media_type: String,
    /// Download URL (this version's, never changing).
    pub url: String,
    /// SHA-256 of the bytes, hex (also the download's ETag).
    pub sha256: String,
    /// Size in bytes.
    pub byte_size: i64,
}

impl VersionResponse {
    /// Adds the version's published files with their download URLs.
    pub fn with_files(
        mut self,
        files: &[distribution::Model],
        slug: &str,
        state: &AppState,
    ) -> Self {
        self.files = files
            .iter()
            .map(|f| FileResponse {
                format: f.format.clone(),
                media_type: f.media_type.clone(),
                url: state.url(&format!(
                    "/datasets/{slug}/versions/{}/data.{}",
                    self.number, f.format
                )),
                sha256: f.sha256.clone(),
                byte_size: f.byte_size,
            })
            .collect();
        self
    }
}

/// The outcome of validating a version against the Satu Data rules.
#[derive(Debug, Serialize, ToSchema)]
pub struct ValidationSummary {
    /// No error-severity finding.
    pub valid: bool,
    /// Findings of severity error.
    pub error_count: i64,
    /// Findings of severity warning.
    pub warning_count: i64,
}

impl From<dataset_version::Model> for VersionResponse {
    fn from(v: dataset_version::Model) -> Self {
        Self {
            id: v.uuid,
            number: v.number,
            sha256: v.sha256,
            byte_size: v.byte_size,
            original_filename: v.original_filename,
            media_type: v.media_type,
            created_at: v.created_at,
            is_table: v.is_table,
            row_count: v.row_count,
            column_count: v.column_count,
            table: v.table_info,
            validation: match (v.report_valid, v.error_count, v.warning_count) {
                (Some(valid), Some(error_count), Some(warning_count)) => Some(ValidationSummary {
                    valid,
                    error_count,
                    warning_count,
                }),
                _ => None,
            },
            walidata_approved: v.walidata_approved_by.is_some() || v.status.approved(),
            pembina_approved: v.pembina_approved_by.is_some(),
            status: v.status.as_str().to_owned(),
            status_note: v.status_note,
            published_at: v.published_at,
            clean_log: v.clean_log,
            files: Vec::new(),
            job: None,
        }
    }
}

/// The versions of a dataset, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionListResponse {
    /// The versions.
    pub items: Vec<VersionResponse>,
}
