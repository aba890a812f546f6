//! The national portal's names for a dataset's Satu Data metadata. data.go.id's CKAN schema and
//! its DCAT-JSON converter read these exact keys (CKAN extras, and extra top-level keys of a
//! data.json dataset): the SDI keys, the MS-Ind keys it knows, and the MS-Keg sections I–VIII
//! of Perba BPS 5/2020 with their roman-numeral prefixes.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::ckan::Site;
use crate::datasets::DatasetRecord;
use crate::entity::dataset::MsInd;
use crate::error::{Error, Result};

/// MS-Keg keys as the national portal spells them (including its `penyelanggara`).
pub const MSKEG_KEYS: &[&str] = &[
    "id_mskeg",
    "id_kegiatan",
    "judul_kegiatan",
    "tahun_kegiatan",
    "jenis_statistik",
    "cara_pengumpulan_data",
    "sektor_kegiatan",
    "identitas_rekomendasi",
    "i_instansi_penyelanggara",
    "i_alamat",
    "i_telepon",
    "i_email",
    "i_faksimile",
    "ii_unit_eselon1",
    "ii_unit_eselon2",
    "ii_pj_nama",
    "ii_pj_jabatan",
    "ii_pj_alamat",
    "ii_pj_telepon",
    "ii_pj_email",
    "ii_pj_faksimile",
    "iii_latar_belakang_kegiatan",
    "iii_tujuan_kegiatan",
    "iv_kegiatan_ini_dilakukan",
    "iv_frekuensi_penyelanggara",
    "iv_tipe_pengumpulan_data",
    "iv_cakupan_wilayah_pengumpulan_data",
    "iv_metode_pengumpulan_data",
    "iv_sarana_pengumpulan_data",
    "iv_unit_pengumpulan_data",
    "v_jenis_rancangan_sampel",
    "v_metode_pemilihan_sampel_tahap_terakhir",
    "v_metode_yang_digunakan",
    "v_kerangka_sampel_tahap_terakhir",
    "v_fraksi_sampel_keseluruhan",
    "v_nilai_perkiraan_sampling_error_variabel_utama",
    "v_unit_sampel",
    "v_unit_observasi",
    "vi_apakah_melakukan_uji_coba",
    "vi_metode_pemeriksaan_kualitas_pengumpulan_data",
    "vi_apakah_melakukan_penyesuaian_nonrespon",
    "vi_petugas_pengumpulan_data",
    "vi_persyaratan_pendidikan_terendah_petugas_pengumpulan_data",
    "vi_jumlah_petugas_supervisor",
    "vi_jumlah_petugas_enumerator",
    "vi_apakah_melakukan_pelatihan_petugas",
    "vii_tahapan_pengolahan_data",
    "vii_metode_analisis",
    "vii_unit_analisis",
    "vii_tingkat_penyajian_hasil_analisis",
    "viii_ketersediaan_produk_tercetak",
    "viii_ketersediaan_produk_digital",
    "viii_ketersediaan_produk_mikrodata",
];

/// Checks an MS-Keg document: only the national keys, values as text (numbers and booleans
/// are written out), at most 5,000 characters each; empty values are dropped.
pub(crate) fn mskeg(input: &BTreeMap<String, Value>) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for (key, value) in input {
        let field = format!("mskeg.{key}");
        if !MSKEG_KEYS.contains(&key.as_str()) {
            return Err(Error::invalid(
                field,
                format!("'{key}' bukan kunci MS-Keg portal nasional (lihat MSKEG_KEYS)"),
                format!("'{key}' is not an MS-Keg key of the national portal"),
            ));
        }
        let text = match value {
            Value::Null => continue,
            Value::String(s) => s.trim().to_owned(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => yes_no(*b),
            Value::Array(_) | Value::Object(_) => {
                return Err(Error::invalid(
                    field,
                    "Nilai MS-Keg harus teks, angka atau ya/tidak",
                    "An MS-Keg value must be text, a number or a boolean",
                ));
            }
        };
        if text.chars().count() > 5000 {
            return Err(Error::invalid(
                field,
                "Paling banyak 5000 karakter",
                "At most 5000 characters",
            ));
        }
        if !text.is_empty() {
            out.insert(key.clone(), text);
        }
    }
    Ok(out)
}

/// A yes/no answer as the national forms write it.
fn yes_no(answer: bool) -> String {
    if answer { "Ya" } else { "Tidak" }.to_owned()
}

/// MS-Ind fields the national portal has its own key for; the others travel as `msind_<field>`.
fn msind_key(field: &str) -> String {
    match field {
        "id_msind" | "interpretasi" | "metode_perhitungan" | "level_estimasi" => field.to_owned(),
        "indikator_komposit" => "apakah_indikator_komposit".to_owned(),
        other => format!("msind_{other}"),
    }
}

fn msind_pairs(msind: &MsInd) -> Vec<(String, String)> {
    let Ok(Value::Object(fields)) = serde_json::to_value(msind) else {
        return Vec::new();
    };
    fields
        .into_iter()
        .filter_map(|(field, value)| {
            let text = match value {
                Value::Null => return None,
                Value::String(s) if s.is_empty() => return None,
                Value::String(s) => s,
                Value::Bool(b) => yes_no(b),
                Value::Array(items) if items.is_empty() => return None,
                Value::Array(items) => items
                    .iter()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                    .collect::<Vec<_>>()
                    .join(", "),
                other => other.to_string(),
            };
            Some((msind_key(&field), text))
        })
        .collect()
}

/// The dataset's Satu Data metadata under the national key names, values as text, sorted by
/// key; only keys with a value.
pub(crate) fn pairs(site: Site<'_>, record: &DatasetRecord) -> Vec<(String, String)> {
    let d = &record.dataset;
    let region = &site.portal.region_code;
    let province = region.split('.').next().unwrap_or_default();
    let mut out: Vec<(String, String)> = vec![
        ("accessRights".into(), d.akses.clone()),
        (
            "produsen_data_name".into(),
            record.organization.name.clone(),
        ),
        ("produsen_data_province_code".into(), province.to_owned()),
        ("produsen_data_city_code".into(), region.clone()),
    ];
    let optional = [
        ("prioritas_tahun", d.prioritas_tahun.map(|y| y.to_string())),
        ("accrualPeriodicity", d.frekuensi.clone()),
        ("satuan", d.satuan.clone()),
        ("ukuran", d.ukuran.clone()),
        ("topik", d.topik.clone()),
        ("tingkat_penyajian", d.tingkat_penyajian.clone()),
        ("cakupan_wilayah", d.cakupan_wilayah.clone()),
        ("temporal_start", d.temporal_start.map(|t| t.to_string())),
        ("temporal_end", d.temporal_end.map(|t| t.to_string())),
    ];
    out.extend(
        optional
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v))),
    );
    out.extend(msind_pairs(&d.msind));
    if let Some(mskeg) = &d.mskeg {
        out.extend(mskeg.0.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn mskeg_keeps_national_keys_as_text_and_rejects_others() {
        let input: BTreeMap<String, Value> = serde_json::from_value(json!({
            "judul_kegiatan": "  Survei Kesehatan Daerah ",
            "tahun_kegiatan": 2024,
            "vi_apakah_melakukan_uji_coba": true,
            "i_alamat": "",
            "ii_pj_nama": null,
        }))
        .expect("json");
        let out = mskeg(&input).expect("valid");
        assert_eq!(out["judul_kegiatan"], "Survei Kesehatan Daerah");
        assert_eq!(out["tahun_kegiatan"], "2024");
        assert_eq!(out["vi_apakah_melakukan_uji_coba"], "Ya");
        assert_eq!(out.len(), 3);
        let bad: BTreeMap<String, Value> =
            serde_json::from_value(json!({"judul": "x"})).expect("json");
        assert!(mskeg(&bad).is_err());
        let nested: BTreeMap<String, Value> =
            serde_json::from_value(json!({"i_email": ["a"]})).expect("json");
        assert!(mskeg(&nested).is_err());
    }

    #[test]
    fn msind_fields_with_a_national_key_use_it() {
        let msind = MsInd {
            id_msind: Some("MSIND-3576-0001".into()),
            interpretasi: Some("Makin tinggi makin baik".into()),
            konsep: Some("Penduduk".into()),
            indikator_komposit: Some(false),
            ..MsInd::default()
        };
        let pairs = msind_pairs(&msind);
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("id_msind"), Some("MSIND-3576-0001"));
        assert_eq!(get("interpretasi"), Some("Makin tinggi makin baik"));
        assert_eq!(get("msind_konsep"), Some("Penduduk"));
        assert_eq!(get("apakah_indikator_komposit"), Some("Tidak"));
        assert_eq!(get("msind_interpretasi"), None);
    }
}
