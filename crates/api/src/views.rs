//! Response types: what the API returns, separate from the database entities.

use chrono::{DateTime, NaiveDate, Utc};
use satudata_catalog::datasets::DatasetRecord;
use satudata_catalog::entity::dataset::{MsInd, MsKeg};
use satudata_catalog::entity::{account, api_token, organization, portal};
use satudata_catalog::lifecycle::VersionStatus;
use satudata_catalog::paging::Paged;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::state::AppState;

pub mod jobs;
mod versions;

pub use versions::{FileResponse, ValidationSummary, VersionListResponse, VersionResponse};

/// The portal: the Pemda running this service.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortalResponse {
    /// Name of the Pemda.
    pub name: String,
    /// Kemendagri region code (`00` until set).
    pub region_code: String,
    /// Public URL.
    pub base_url: Option<String>,
    /// Contact person or unit.
    pub contact_name: Option<String>,
    /// Contact e-mail.
    pub contact_email: Option<String>,
    /// The region's bounding box `[west, south, east, north]` (WGS 84), when set.
    pub bbox: Option<[f64; 4]>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<portal::Model> for PortalResponse {
    fn from(p: portal::Model) -> Self {
        Self {
            bbox: p.bbox(),
            name: p.name,
            region_code: p.region_code,
            base_url: p.base_url,
            contact_name: p.contact_name,
            contact_email: p.contact_email,
            updated_at: p.updated_at,
        }
    }
}

/// An OPD.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationResponse {
    /// Stable id.
    pub id: Uuid,
    /// URL name.
    pub slug: String,
    /// Full name.
    pub name: String,
    /// Short name.
    pub short_name: Option<String>,
    /// Kind of OPD.
    pub kind: String,
    /// Description.
    pub description: Option<String>,
    /// Contact e-mail.
    pub email: Option<String>,
    /// Contact phone.
    pub phone: Option<String>,
    /// Website.
    pub website: Option<String>,
    /// Postal address.
    pub address: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<organization::Model> for OrganizationResponse {
    fn from(o: organization::Model) -> Self {
        Self {
            id: o.uuid,
            slug: o.slug,
            name: o.name,
            short_name: o.short_name,
            kind: o.kind,
            description: o.description,
            email: o.email,
            phone: o.phone,
            website: o.website,
            address: o.address,
            created_at: o.created_at,
            updated_at: o.updated_at,
        }
    }
}

/// An OPD as it appears inside another object.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationSummary {
    /// Stable id.
    pub id: Uuid,
    /// URL name.
    pub slug: String,
    /// Full name.
    pub name: String,
    /// Short name.
    pub short_name: Option<String>,
}

impl From<&organization::Model> for OrganizationSummary {
    fn from(o: &organization::Model) -> Self {
        Self {
            id: o.uuid,
            slug: o.slug.clone(),
            name: o.name.clone(),
            short_name: o.short_name.clone(),
        }
    }
}

/// A page of OPDs.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationListResponse {
    /// The OPDs.
    pub items: Vec<OrganizationResponse>,
    /// Matches in all pages.
    pub total: u64,
    /// Page size used.
    pub limit: u64,
    /// Items skipped.
    pub offset: u64,
}

impl From<Paged<organization::Model>> for OrganizationListResponse {
    fn from(p: Paged<organization::Model>) -> Self {
        Self {
            items: p.items.into_iter().map(Into::into).collect(),
            total: p.total,
            limit: p.page.limit,
            offset: p.page.offset,
        }
    }
}

/// A dataset with its Satu Data metadata.
#[derive(Debug, Serialize, ToSchema)]
pub struct DatasetResponse {
    /// Stable id.
    pub id: Uuid,
    /// URL name.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Owning OPD.
    pub organization: OrganizationSummary,
    /// Topic group.
    pub topik: Option<String>,
    /// Keywords.
    pub tags: Vec<String>,
    /// SPDX licence id.
    pub license: String,
    /// Terbuka, Terbatas or Tertutup.
    pub akses: String,
    /// Update frequency.
    pub frekuensi: Option<String>,
    /// Presentation level.
    pub tingkat_penyajian: Option<String>,
    /// Kemendagri code of the region covered.
    pub cakupan_wilayah: Option<String>,
    /// First day covered.
    pub temporal_start: Option<NaiveDate>,
    /// Last day covered.
    pub temporal_end: Option<NaiveDate>,
    /// Measure.
    pub ukuran: Option<String>,
    /// Unit.
    pub satuan: Option<String>,
    /// Contact point's name.
    pub contact_name: Option<String>,
    /// Contact point's e-mail.
    pub contact_email: Option<String>,
    /// Data Prioritas year.
    pub prioritas_tahun: Option<i32>,
    /// MS-Ind metadata.
    pub msind: MsInd,
    /// MS-Keg metadata (national key names), when given.
    #[schema(value_type = Option<std::collections::BTreeMap<String, String>>)]
    pub mskeg: Option<MsKeg>,
    /// DRAFT until first published, then DITAYANGKAN, or TIDAK_DITAYANGKAN when withdrawn.
    pub status: &'static str,
    /// First published.
    pub published_at: Option<DateTime<Utc>>,
    /// Why it was withdrawn, when it is.
    pub withdrawn_reason: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Links to related resources.
    pub links: DatasetLinks,
}

/// Links of a dataset.
#[derive(Debug, Serialize, ToSchema)]
pub struct DatasetLinks {
    /// This dataset.
    #[serde(rename = "self")]
    pub self_: String,
    /// Its versions.
    pub versions: String,
    /// Its history.
    pub history: String,
    /// The published table as CSV (`data.json`, `data.parquet`, `data.xlsx` alike), once
    /// published.
    pub data: Option<String>,
}

impl DatasetResponse {
    /// The response for a record.
    pub fn new(record: DatasetRecord, state: &AppState) -> Self {
        let DatasetRecord {
            dataset: d,
            organization,
            tags,
        } = record;
        let base = state.url(&format!("/api/v1/datasets/{}", d.slug));
        let status = match (d.current_version_id, d.withdrawn_at) {
            (Some(_), None) => VersionStatus::Ditayangkan,
            (Some(_), Some(_)) => VersionStatus::TidakDitayangkan,
            (None, _) => VersionStatus::Draft,
        }
        .as_str();
        Self {
            id: d.uuid,
            organization: OrganizationSummary::from(&organization),
            tags,
            links: DatasetLinks {
                versions: format!("{base}/versions"),
                history: format!("{base}/history"),
                data: d
                    .is_live()
                    .then(|| state.url(&format!("/datasets/{}/data.csv", d.slug))),
                self_: base,
            },
            status,
            published_at: d.published_at,
            withdrawn_reason: d.withdrawn_reason,
            slug: d.slug,
            title: d.title,
            description: d.description,
            topik: d.topik,
            license: d.license,
            akses: d.akses,
            frekuensi: d.frekuensi,
            tingkat_penyajian: d.tingkat_penyajian,
            cakupan_wilayah: d.cakupan_wilayah,
            temporal_start: d.temporal_start,
            temporal_end: d.temporal_end,
            ukuran: d.ukuran,
            satuan: d.satuan,
            contact_name: d.contact_name,
            contact_email: d.contact_email,
            prioritas_tahun: d.prioritas_tahun,
            msind: d.msind,
            mskeg: d.mskeg,
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }
}

/// A page of datasets.
#[derive(Debug, Serialize, ToSchema)]
pub struct DatasetListResponse {
    /// The datasets.
    pub items: Vec<DatasetResponse>,
    /// Matches in all pages.
    pub total: u64,
    /// Page size used.
    pub limit: u64,
    /// Items skipped.
    pub offset: u64,
}

/// An account.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountResponse {
    /// Stable id.
    pub id: Uuid,
    /// E-mail.
    pub email: String,
    /// Display name.
    pub name: String,
    /// admin, walidata, produsen or pembina.
    pub role: String,
    /// The OPD of a produsen.
    pub organization: Option<OrganizationSummary>,
    /// Whether the account may sign in.
    pub active: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
}

impl AccountResponse {
    /// The response for an account and its OPD.
    pub fn new(a: account::Model, organization: Option<&organization::Model>) -> Self {
        Self {
            id: a.uuid,
            email: a.email,
            name: a.name,
            role: a.role,
            organization: organization.map(Into::into),
            active: a.active,
            created_at: a.created_at,
        }
    }
}

/// An API token without its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// Id, for revoking.
    pub id: i32,
    /// The token's first characters.
    pub prefix: String,
    /// Label.
    pub label: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Expiry, if any.
    pub expires_at: Option<DateTime<Utc>>,
    /// Revoked at, if revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// Last used (to the nearest few minutes).
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<api_token::Model> for TokenResponse {
    fn from(t: api_token::Model) -> Self {
        Self {
            id: t.id,
            prefix: t.prefix,
            label: t.label,
            created_at: t.created_at,
            expires_at: t.expires_at,
            revoked_at: t.revoked_at,
            last_used_at: t.last_used_at,
        }
    }
}

/// A new token; `token` is shown this once only.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenCreateResponse {
    /// The secret: send it as `Authorization: Bearer <token>`.
    pub token: String,
    /// The token's record.
    #[serde(flatten)]
    pub record: TokenResponse,
}

/// A list of tokens.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenListResponse {
    /// The tokens, newest first.
    pub items: Vec<TokenResponse>,
}

/// A list of accounts.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountListResponse {
    /// The accounts.
    pub items: Vec<AccountResponse>,
}

/// Health of the service.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthResponse {
    /// `ok` (`/healthz`: the database answers; `/livez`: the process answers) or `ready`
    /// (`/readyz`).
    pub status: &'static str,
    /// Version of satudata.
    pub version: &'static str,
}

/// A domain value returned as a free-form JSON document (reports, scores, Table Schemas).
pub fn json_document<T: Serialize>(
    value: T,
) -> crate::error::ApiResult<axum::Json<serde_json::Value>> {
    serde_json::to_value(value)
        .map(axum::Json)
        .map_err(|e| crate::error::ApiError::internal("serialising a response", &e))
}
