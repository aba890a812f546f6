//! The national portal's MS-Keg form: the keys data.go.id knows (sections I–VIII of Perba BPS
//! 5/2020 with their roman-numeral prefixes) and the check a dataset's MS-Keg passes before it
//! is stored. How the metadata is written out under the national key names is the harvest
//! crate's business.

use std::collections::BTreeMap;

use serde_json::Value;

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
pub fn yes_no(answer: bool) -> String {
    if answer { "Ya" } else { "Tidak" }.to_owned()
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
}
