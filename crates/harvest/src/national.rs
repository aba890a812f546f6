//! The national portal's names for a dataset's Satu Data metadata. data.go.id's CKAN schema and
//! its DCAT-JSON converter read these exact keys (CKAN extras, and extra top-level keys of a
//! data.json dataset): the SDI keys, the MS-Ind keys it knows, and the MS-Keg keys.

use satudata_catalog::datasets::DatasetRecord;
use satudata_catalog::entity::dataset::MsInd;
use satudata_catalog::national::yes_no;
use serde_json::Value;

use crate::read_model::Site;

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
