//! The metadata form's fields: their names in form order, the values of a stored dataset or
//! of a post, and the `DatasetInput` they become (with the errors that need no catalog).

use std::collections::BTreeMap;

use satudata_catalog::datasets::{DatasetInput, DatasetRecord};
use satudata_catalog::national::MSKEG_KEYS;
use satudata_catalog::{Error as CatalogError, Role, vocab};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::super::{Errors, Posted, text};
use crate::respond::WebError;
use crate::state::{Visitor, WebState};

/// The SDI fields of the form, in form order (the error list follows it).
const FIELDS: [&str; 17] = [
    "title",
    "description",
    "organization",
    "topik",
    "tags",
    "akses",
    "license",
    "frekuensi",
    "tingkat_penyajian",
    "cakupan_wilayah",
    "temporal_start",
    "temporal_end",
    "prioritas_tahun",
    "ukuran",
    "satuan",
    "contact_name",
    "contact_email",
];
/// The MS-Ind fields (after `msind_`), in form order.
const MSIND: [&str; 12] = [
    "nama_indikator",
    "id_msind",
    "konsep",
    "definisi",
    "interpretasi",
    "metode_perhitungan",
    "klasifikasi_penyajian",
    "indikator_komposit",
    "indikator_pembangun",
    "kegiatan_penghasil",
    "variabel_pembangun",
    "level_estimasi",
];
/// Required in the form: what the national portal needs to list a dataset.
const REQUIRED: [&str; 7] = [
    "title",
    "description",
    "organization",
    "topik",
    "akses",
    "license",
    "frekuensi",
];

#[derive(Debug, Serialize)]
pub(super) struct MskegGroup {
    key: &'static str,
    fields: Vec<&'static str>,
}

/// Every form field name, in form order.
pub(super) fn field_names() -> impl Iterator<Item = String> {
    FIELDS
        .iter()
        .map(|f| (*f).to_owned())
        .chain(MSIND.iter().map(|f| format!("msind_{f}")))
        .chain(MSKEG_KEYS.iter().map(|k| format!("mskeg_{k}")))
}

/// The MS-Keg keys by their national group (`i_…` … `viii_…`; the unprefixed identity keys
/// open group i).
pub(super) fn mskeg_groups() -> Vec<MskegGroup> {
    const GROUPS: [&str; 8] = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii"];
    let group_of = |key: &str| {
        GROUPS
            .iter()
            .rev()
            .find(|g| key.starts_with(&format!("{g}_")))
            .copied()
            .unwrap_or("i")
    };
    GROUPS
        .iter()
        .map(|g| MskegGroup {
            key: g,
            fields: MSKEG_KEYS
                .iter()
                .copied()
                .filter(|k| group_of(k) == *g)
                .collect(),
        })
        .filter(|g| !g.fields.is_empty())
        .collect()
}

/// The form's values for a stored dataset.
pub(super) fn form_of(record: &DatasetRecord) -> BTreeMap<String, String> {
    let d = &record.dataset;
    let mut form: BTreeMap<String, String> = field_names().map(|f| (f, String::new())).collect();
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut set = |k: &str, v: String| {
        form.insert(k.to_owned(), v);
    };
    set("title", d.title.clone());
    set("description", d.description.clone());
    set("organization", record.organization.slug.clone());
    set("topik", text(&d.topik));
    set("tags", record.tags.join(", "));
    set("akses", d.akses.clone());
    set("license", d.license.clone());
    set("frekuensi", text(&d.frekuensi));
    set("tingkat_penyajian", text(&d.tingkat_penyajian));
    set("cakupan_wilayah", text(&d.cakupan_wilayah));
    set(
        "temporal_start",
        d.temporal_start.map(|x| x.to_string()).unwrap_or_default(),
    );
    set(
        "temporal_end",
        d.temporal_end.map(|x| x.to_string()).unwrap_or_default(),
    );
    set(
        "prioritas_tahun",
        d.prioritas_tahun.map(|y| y.to_string()).unwrap_or_default(),
    );
    set("ukuran", text(&d.ukuran));
    set("satuan", text(&d.satuan));
    set("contact_name", text(&d.contact_name));
    set("contact_email", text(&d.contact_email));
    let m = &d.msind;
    set("msind_id_msind", text(&m.id_msind));
    set("msind_nama_indikator", text(&m.nama_indikator));
    set("msind_konsep", text(&m.konsep));
    set("msind_definisi", text(&m.definisi));
    set("msind_interpretasi", text(&m.interpretasi));
    set("msind_metode_perhitungan", text(&m.metode_perhitungan));
    set(
        "msind_klasifikasi_penyajian",
        m.klasifikasi_penyajian.join(", "),
    );
    set(
        "msind_indikator_komposit",
        match m.indikator_komposit {
            Some(true) => "ya",
            Some(false) => "tidak",
            None => "",
        }
        .to_owned(),
    );
    set("msind_indikator_pembangun", text(&m.indikator_pembangun));
    set("msind_kegiatan_penghasil", text(&m.kegiatan_penghasil));
    set("msind_variabel_pembangun", text(&m.variabel_pembangun));
    set("msind_level_estimasi", text(&m.level_estimasi));
    if let Some(mskeg) = &d.mskeg {
        for (k, v) in &mskeg.0 {
            set(&format!("mskeg_{k}"), v.clone());
        }
    }
    form
}

/// The posted values of every field (trimmed).
pub(super) fn form_of_post(posted: &Posted) -> BTreeMap<String, String> {
    field_names()
        .map(|f| {
            let v = posted.get(&f).trim().to_owned();
            (f, v)
        })
        .collect()
}

fn list(v: &str) -> Vec<Value> {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| Value::String(s.to_owned()))
        .collect()
}

/// The `DatasetInput` of a form; `errors` gets what can be told without the catalog.
pub(super) fn input_of(
    state: &WebState,
    visitor: &Visitor,
    form: &BTreeMap<String, String>,
    own_opd: Option<&str>,
    errors: &mut Errors,
) -> Result<DatasetInput, WebError> {
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or_default();
    let opt = |k: &str| {
        let v = get(k);
        if v.is_empty() {
            Value::Null
        } else {
            Value::String(v.to_owned())
        }
    };
    let required = |k: &str| {
        let label = text(state, visitor, &label_key(k), &[])?;
        text(
            state,
            visitor,
            "dsform.error_required",
            &[("field", label.as_str())],
        )
    };
    for k in REQUIRED {
        if get(k).is_empty() && (k != "organization" || form_has_organization(visitor)) {
            errors.add(k, required(k)?);
        }
    }
    let mut body = Map::new();
    for k in [
        "title",
        "description",
        "topik",
        "akses",
        "license",
        "frekuensi",
        "tingkat_penyajian",
        "cakupan_wilayah",
        "ukuran",
        "satuan",
        "contact_name",
        "contact_email",
    ] {
        body.insert(k.to_owned(), opt(k));
    }
    if form_has_organization(visitor) {
        body.insert("organization".into(), opt("organization"));
    } else if let Some(own) = own_opd {
        // A produsen's new dataset belongs to their own OPD.
        body.insert("organization".into(), Value::String(own.to_owned()));
    }
    for k in ["temporal_start", "temporal_end"] {
        let v = get(k);
        if v.is_empty() {
            body.insert(k.into(), Value::Null);
        } else if let Some(day) = form_date(v) {
            body.insert(k.into(), Value::String(day.to_string()));
        } else {
            errors.add(k, text(state, visitor, "dsform.error_date", &[])?);
        }
    }
    match get("prioritas_tahun") {
        "" => {
            body.insert("prioritas_tahun".into(), Value::Null);
        }
        y => match y.parse::<i32>() {
            Ok(year) => {
                body.insert("prioritas_tahun".into(), json!(year));
            }
            Err(_) => errors.add(
                "prioritas_tahun",
                text(state, visitor, "dsform.error_year", &[])?,
            ),
        },
    }
    body.insert("tags".into(), Value::Array(list(get("tags"))));
    let mut msind = Map::new();
    for f in MSIND {
        let v = get(&format!("msind_{f}"));
        let value = match f {
            "klasifikasi_penyajian" => Value::Array(list(v)),
            "indikator_komposit" => match v {
                "ya" => Value::Bool(true),
                "tidak" => Value::Bool(false),
                _ => Value::Null,
            },
            _ if v.is_empty() => Value::Null,
            _ => Value::String(v.to_owned()),
        };
        msind.insert(f.to_owned(), value);
    }
    body.insert("msind".into(), Value::Object(msind));
    let mskeg: Map<String, Value> = MSKEG_KEYS
        .iter()
        .filter_map(|k| {
            let v = get(&format!("mskeg_{k}"));
            (!v.is_empty()).then(|| ((*k).to_owned(), Value::String(v.to_owned())))
        })
        .collect();
    body.insert(
        "mskeg".into(),
        if mskeg.is_empty() {
            Value::Null
        } else {
            Value::Object(mskeg)
        },
    );
    serde_json::from_value(Value::Object(body))
        .map_err(|e| WebError::Catalog(CatalogError::Invariant(format!("the form's input: {e}"))))
}

/// The catalogue key of a field's label.
pub(super) fn label_key(field: &str) -> String {
    match field {
        "tingkat_penyajian" => "dsform.tingkat".into(),
        "cakupan_wilayah" => "dsform.cakupan".into(),
        "prioritas_tahun" => "dsform.prioritas".into(),
        f if f.starts_with("msind_") => format!("msind.{}", &f[6..]),
        f if f.starts_with("mskeg_") => format!("mskeg.{}", &f[6..]),
        f => format!("dsform.{f}"),
    }
}

/// Whether the form offers the OPD (the walidata and the admin choose; a produsen's is theirs).
pub(super) fn form_has_organization(visitor: &Visitor) -> bool {
    visitor
        .actor
        .principal()
        .is_ok_and(|p| p.role != Role::Produsen)
}

/// A new dataset's form: the portal's defaults (Terbuka, CC-BY-4.0).
pub(super) fn blank() -> BTreeMap<String, String> {
    let mut form: BTreeMap<String, String> = field_names().map(|f| (f, String::new())).collect();
    form.insert("akses".into(), "Terbuka".into());
    form.insert("license".into(), vocab::DEFAULT_LICENSE.into());
    form
}

/// The form field a catalog refusal is about (`msind.konsep` → `msind_konsep`).
pub(super) fn field_of(path: &str) -> String {
    let f = path
        .replacen("msind.", "msind_", 1)
        .replacen("mskeg.", "mskeg_", 1);
    let f = f.split(['[', '.']).next().unwrap_or_default().to_owned();
    if field_names().any(|n| n == f) {
        f
    } else {
        "title".into()
    }
}

/// A date as a date field sends it (`2025-12-31`) or as a person types it where the browser
/// shows a plain text box (`31-12-2025`, `31/12/2025`). The year has four digits: `31-12-25`
/// is refused, not read as the year 25 (chrono's `%Y` takes fewer digits).
fn form_date(text: &str) -> Option<chrono::NaiveDate> {
    let text = text.trim();
    let parts: Vec<&str> = text.split(['-', '/']).collect();
    let digits = |s: &str, min: usize, max: usize| {
        (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    let format = match parts.as_slice() {
        [y, m, d]
            if digits(y, 4, 4) && digits(m, 2, 2) && digits(d, 2, 2) && !text.contains('/') =>
        {
            "%Y-%m-%d"
        }
        [d, m, y] if digits(d, 1, 2) && digits(m, 1, 2) && digits(y, 4, 4) => {
            if text.contains('/') {
                "%d/%m/%Y"
            } else {
                "%d-%m-%Y"
            }
        }
        _ => return None,
    };
    chrono::NaiveDate::parse_from_str(text, format).ok()
}

#[cfg(test)]
mod tests {
    use super::form_date;

    #[test]
    fn dates_as_sent_or_typed() {
        let day = chrono::NaiveDate::from_ymd_opt(2025, 12, 31);
        for text in ["2025-12-31", "31-12-2025", "31/12/2025", " 31-12-2025 "] {
            assert_eq!(form_date(text), day, "{text}");
        }
        assert_eq!(
            form_date("1/2/2025"),
            chrono::NaiveDate::from_ymd_opt(2025, 2, 1)
        );
        for text in [
            "31-12-25",
            "31/12/25",
            "25-12-31",
            "2025/12/31",
            "31-12/2025",
            "31-13-2025",
            "besok",
            "",
        ] {
            assert_eq!(form_date(text), None, "{text}");
        }
    }
}
