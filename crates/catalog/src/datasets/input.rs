//! What a client sends to create or change a dataset, and how each field is checked.

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::entity::dataset::MsInd;
use crate::error::{Error, Result};
use crate::fields::{self, patch};
use crate::vocab;

/// Dataset metadata. On create, `title` and `organization` are required and everything else is
/// optional; on change (PATCH) it is a JSON merge-patch: absent fields stay, `null` clears.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DatasetInput {
    /// Title, e.g. "Jumlah Penduduk Berdasarkan Jenis Kelamin di Kota Mojokerto".
    pub title: Option<String>,
    /// URL name; made from the title when absent. Cannot be changed later.
    pub slug: Option<String>,
    /// Slug of the owning OPD. Only admin and walidata may move a dataset to another OPD.
    pub organization: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// One of the national portal's ten topic groups.
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, example = "Perlindungan Sosial dan Kesehatan")]
    pub topik: Option<Option<String>>,
    /// SPDX licence id; CC-BY-4.0 by default.
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, example = "CC-BY-4.0")]
    pub license: Option<Option<String>>,
    /// Terbuka (default), Terbatas or Tertutup.
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, example = "Terbuka")]
    pub akses: Option<Option<String>>,
    /// Update frequency: Harian, Mingguan, Bulanan, Triwulanan, Empat Bulanan, Semesteran,
    /// Tahunan, Dua Tahunan or Ad-hoc.
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, example = "Tahunan")]
    pub frekuensi: Option<Option<String>>,
    /// Nasional, Provinsi, Kabupaten/Kota, Kecamatan or Desa/Kelurahan.
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, example = "Kecamatan")]
    pub tingkat_penyajian: Option<Option<String>>,
    /// Kemendagri code of the region covered, e.g. `35.76`.
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, example = "35.76")]
    pub cakupan_wilayah: Option<Option<String>>,
    /// First day covered (YYYY-MM-DD).
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<NaiveDate>)]
    pub temporal_start: Option<Option<NaiveDate>>,
    /// Last day covered (YYYY-MM-DD).
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<NaiveDate>)]
    pub temporal_end: Option<Option<NaiveDate>>,
    /// Measure, e.g. "Jumlah".
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub ukuran: Option<Option<String>>,
    /// Unit, e.g. "Jiwa".
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub satuan: Option<Option<String>>,
    /// Contact point's name.
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub contact_name: Option<Option<String>>,
    /// Contact point's e-mail.
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub contact_email: Option<Option<String>>,
    /// Year in which the dataset is Data Prioritas; `null` when it is not.
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<i32>)]
    pub prioritas_tahun: Option<Option<i32>>,
    /// Keywords; replaces all tags when given.
    pub tags: Option<Vec<String>>,
    /// The MS-Ind block; replaces the whole block when given.
    pub msind: Option<MsInd>,
    /// The MS-Keg of the activity that produced the data, under the national portal's key
    /// names (`id_mskeg`, `judul_kegiatan`, `tahun_kegiatan`, `cara_pengumpulan_data`,
    /// `i_instansi_penyelanggara`, ... `viii_ketersediaan_produk_mikrodata`); replaces the
    /// whole block when given, `null` removes it.
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<std::collections::BTreeMap<String, String>>)]
    pub mskeg: Option<Option<std::collections::BTreeMap<String, serde_json::Value>>>,
}

/// A double option flattened for a create: absent and null both mean "not set".
pub(crate) fn flat<T: Clone>(value: &Option<Option<T>>) -> Option<T> {
    value.clone().flatten()
}

/// Checks a vocabulary value.
pub(crate) fn vocab_value(
    vocabulary: &vocab::Vocabulary,
    value: Option<&str>,
) -> Result<Option<String>> {
    Ok(vocabulary.parse_opt(value)?.map(str::to_owned))
}

/// Checks a region code.
pub(crate) fn region(value: Option<&str>) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(code) => {
            vocab::check_region_code("cakupan_wilayah", code).map(|()| Some(code.to_owned()))
        }
    }
}

/// Checks a Data Prioritas year.
pub(crate) fn prioritas(value: Option<i32>) -> Result<Option<i32>> {
    match value {
        Some(year) if !(2000..=2100).contains(&year) => Err(Error::invalid(
            "prioritas_tahun",
            format!("Tahun data prioritas {year} di luar rentang 2000-2100"),
            format!("Data Prioritas year {year} is outside 2000-2100"),
        )),
        other => Ok(other),
    }
}

/// Checks that the temporal coverage does not end before it starts.
pub(crate) fn temporal(start: Option<NaiveDate>, end: Option<NaiveDate>) -> Result<()> {
    match (start, end) {
        (Some(s), Some(e)) if e < s => Err(Error::invalid(
            "temporal_end",
            format!("Akhir cakupan waktu ({e}) sebelum awalnya ({s})"),
            format!("Temporal coverage ends ({e}) before it starts ({s})"),
        )),
        _ => Ok(()),
    }
}

/// Normalises tags: trimmed, lower-case, unique, 1 to 100 characters of letters, digits, spaces,
/// hyphens, underscores and dots; at most 50.
pub(crate) fn tags(values: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for raw in values {
        let tag = raw.trim().to_lowercase();
        let ok = (1..=100).contains(&tag.chars().count())
            && tag
                .chars()
                .all(|c| c.is_alphanumeric() || " -_.".contains(c));
        if !ok {
            return Err(Error::invalid(
                "tags",
                format!("Tag '{raw}' tidak sah: 1-100 karakter huruf, angka, spasi, - _ ."),
                format!(
                    "Tag '{raw}' is invalid: 1-100 characters of letters, digits, spaces, - _ ."
                ),
            ));
        }
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    if out.len() > 50 {
        return Err(Error::invalid(
            "tags",
            "Paling banyak 50 tag",
            "At most 50 tags",
        ));
    }
    out.sort();
    Ok(out)
}

/// Checks the MS-Ind block and returns it normalised.
pub(crate) fn msind(block: &MsInd) -> Result<MsInd> {
    let text =
        |field: &'static str, v: &Option<String>, max| fields::optional(field, v.as_deref(), max);
    let out = MsInd {
        id_msind: text("msind.id_msind", &block.id_msind, 100)?,
        nama_indikator: text("msind.nama_indikator", &block.nama_indikator, 300)?,
        konsep: text("msind.konsep", &block.konsep, 5000)?,
        definisi: text("msind.definisi", &block.definisi, 5000)?,
        interpretasi: text("msind.interpretasi", &block.interpretasi, 5000)?,
        metode_perhitungan: text("msind.metode_perhitungan", &block.metode_perhitungan, 5000)?,
        klasifikasi_penyajian: block
            .klasifikasi_penyajian
            .iter()
            .map(|k| fields::required("msind.klasifikasi_penyajian", k, 200))
            .collect::<Result<_>>()?,
        indikator_komposit: block.indikator_komposit,
        indikator_pembangun: text(
            "msind.indikator_pembangun",
            &block.indikator_pembangun,
            2000,
        )?,
        kegiatan_penghasil: text("msind.kegiatan_penghasil", &block.kegiatan_penghasil, 500)?,
        variabel_pembangun: text("msind.variabel_pembangun", &block.variabel_pembangun, 2000)?,
        level_estimasi: vocab_value(&vocab::LEVEL_ESTIMASI, block.level_estimasi.as_deref())?,
    };
    if out.indikator_komposit == Some(true) && out.indikator_pembangun.is_none() {
        return Err(Error::invalid(
            "msind.indikator_pembangun",
            "Indikator komposit harus menyebut indikator pembangunnya",
            "A composite indicator must name the indicators it is built from",
        ));
    }
    Ok(out)
}
