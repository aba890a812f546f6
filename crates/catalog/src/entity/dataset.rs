//! Datasets with their Satu Data metadata.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Metadata Statistik Indikator (MS-Ind, Perba BPS 5/2020), stored as one JSON document.
/// Every field is optional while a dataset is drafted; completeness is scored by validation.
#[derive(
    Clone,
    Debug,
    Default,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    FromJsonQueryResult,
    utoipa::ToSchema,
)]
#[serde(default)]
pub struct MsInd {
    /// The indicator's MS-Ind id in the national metadata registry (the national portal's
    /// `id_msind`), when it has one.
    pub id_msind: Option<String>,
    /// Nama indikator.
    pub nama_indikator: Option<String>,
    /// Konsep.
    pub konsep: Option<String>,
    /// Definisi.
    pub definisi: Option<String>,
    /// Interpretasi.
    pub interpretasi: Option<String>,
    /// Metode / rumus penghitungan.
    pub metode_perhitungan: Option<String>,
    /// Klasifikasi penyajian (e.g. jenis kelamin, kecamatan).
    pub klasifikasi_penyajian: Vec<String>,
    /// Whether the indicator is composite (indikator komposit).
    pub indikator_komposit: Option<bool>,
    /// Indikator pembangun; required when the indicator is composite.
    pub indikator_pembangun: Option<String>,
    /// Kegiatan penghasil (the statistical activity).
    pub kegiatan_penghasil: Option<String>,
    /// Variabel pembangun.
    pub variabel_pembangun: Option<String>,
    /// Level estimasi: Nasional, Provinsi, Kabupaten/Kota, Kecamatan or Desa/Kelurahan.
    pub level_estimasi: Option<String>,
}

/// Metadata Statistik Kegiatan (MS-Ind's sibling for the statistical activity, Perba BPS
/// 5/2020), keyed by the national portal's names (`crate::national::MSKEG_KEYS`), values as
/// text.
#[derive(
    Clone,
    Debug,
    Default,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    FromJsonQueryResult,
    utoipa::ToSchema,
)]
#[schema(value_type = std::collections::BTreeMap<String, String>, example = json!({"judul_kegiatan": "Survei Kesehatan Daerah", "tahun_kegiatan": "2024", "cara_pengumpulan_data": "Survei"}))]
pub struct MsKeg(pub std::collections::BTreeMap<String, String>);

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dataset")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub uuid: Uuid,
    #[sea_orm(unique)]
    pub slug: String,
    pub title: String,
    pub description: String,
    pub organization_id: i32,
    pub topik: Option<String>,
    pub license: String,
    pub akses: String,
    pub frekuensi: Option<String>,
    pub tingkat_penyajian: Option<String>,
    pub cakupan_wilayah: Option<String>,
    pub temporal_start: Option<Date>,
    pub temporal_end: Option<Date>,
    pub ukuran: Option<String>,
    pub satuan: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub prioritas_tahun: Option<i32>,
    #[sea_orm(column_type = "JsonBinary")]
    pub msind: MsInd,
    /// The MS-Keg of the activity that produced the data; `None` when not given.
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub mskeg: Option<MsKeg>,
    /// The published version (`dataset_version.id`) the public sees; `None` until published.
    pub current_version_id: Option<i32>,
    /// When the dataset was first published.
    pub published_at: Option<DateTimeUtc>,
    /// When the walidata withdrew the dataset (TIDAK_DITAYANGKAN); its URLs then answer 410.
    pub withdrawn_at: Option<DateTimeUtc>,
    /// Why it was withdrawn, shown with the 410.
    pub withdrawn_reason: Option<String>,
    /// The Frictionless Table Schema the dataset declares (fields may name a Standar Data
    /// variable in `standar_data`).
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub table_schema: Option<Json>,
    /// Title, description, tags and OPD names: what full-text search indexes.
    pub search_text: String,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
    #[sea_orm(belongs_to, from = "organization_id", to = "id")]
    pub organization: HasOne<super::organization::Entity>,
    #[sea_orm(has_many)]
    pub versions: HasMany<super::dataset_version::Entity>,
    #[sea_orm(has_many)]
    pub tags: HasMany<super::dataset_tag::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// Published and not withdrawn.
    pub fn is_live(&self) -> bool {
        self.current_version_id.is_some() && self.withdrawn_at.is_none()
    }
}
