//! `GET/POST /kelola/dataset/baru` (create) and `GET/POST /kelola/dataset/{slug}/metadata`
//! (edit): the metadata form, grouped like the national metadata (SDI fields, MS-Ind, MS-Keg).
//! The form's fields map onto the API's `DatasetInput` (`msind_*` → `msind.*`, `mskeg_*` →
//! `mskeg.*`); the catalog checks them as it checks the API's. Required fields and dates are
//! checked here first, so that every such error is listed at once; the catalog's own refusal
//! (a vocabulary value, a region code …) is shown at its field. The input is always kept.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use satudata_catalog::datasets::{DatasetInput, DatasetRecord};
use satudata_catalog::national::MSKEG_KEYS;
use satudata_catalog::paging::Page;
use satudata_catalog::{Error as CatalogError, Role, vocab};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::{
    Errors, FormError, Posted, SelectOption, WsDataset, message, no_store, see_other_with, text,
    with_role, ws_dataset,
};
use crate::respond::{PageResult, WebError};
use crate::session::Flash;
use crate::state::{Visitor, WebState};

const EDITORS: [Role; 3] = [Role::Produsen, Role::Walidata, Role::Admin];

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
struct Vocab {
    topik: &'static [&'static str],
    frekuensi: &'static [&'static str],
    akses: &'static [&'static str],
    tingkat: &'static [&'static str],
}

#[derive(Debug, Serialize)]
struct MskegGroup {
    key: &'static str,
    fields: Vec<&'static str>,
}

#[derive(Debug, Serialize)]
struct FormPage {
    mode: &'static str,
    action_url: String,
    ws: Option<WsDataset>,
    tab: &'static str,
    form: BTreeMap<String, String>,
    errors: Vec<FormError>,
    field_errors: BTreeMap<String, String>,
    organizations: Option<Vec<SelectOption>>,
    own_opd: Option<String>,
    vocab: Vocab,
    licenses: Vec<SelectOption>,
    mskeg_groups: Vec<MskegGroup>,
    mskeg_filled: usize,
    mskeg_open: bool,
}

/// Every form field name, in form order.
fn field_names() -> impl Iterator<Item = String> {
    FIELDS
        .iter()
        .map(|f| (*f).to_owned())
        .chain(MSIND.iter().map(|f| format!("msind_{f}")))
        .chain(MSKEG_KEYS.iter().map(|k| format!("mskeg_{k}")))
}

/// The MS-Keg keys by their national group (`i_…` … `viii_…`; the unprefixed identity keys
/// open group i).
fn mskeg_groups() -> Vec<MskegGroup> {
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
fn form_of(record: &DatasetRecord) -> BTreeMap<String, String> {
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
fn form_of_post(posted: &Posted) -> BTreeMap<String, String> {
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
fn input_of(
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
        } else if chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").is_ok() {
            body.insert(k.into(), Value::String(v.to_owned()));
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
fn label_key(field: &str) -> String {
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
fn form_has_organization(visitor: &Visitor) -> bool {
    visitor
        .actor
        .principal()
        .is_ok_and(|p| p.role != Role::Produsen)
}

/// The licences the catalog accepts, with their names (`license.*`).
fn licenses(state: &WebState, visitor: &Visitor) -> Result<Vec<SelectOption>, WebError> {
    vocab::LICENSE
        .values
        .iter()
        .map(|v| {
            let key = format!("license.{}", crate::filters::key(v));
            Ok(SelectOption {
                value: (*v).to_owned(),
                label: text(state, visitor, &key, &[])?,
            })
        })
        .collect()
}

struct Mode<'a> {
    /// The dataset being edited (None: a new one).
    record: Option<&'a DatasetRecord>,
    newest: Option<&'a satudata_catalog::entity::dataset_version::Model>,
}

async fn render(
    state: &WebState,
    visitor: &Visitor,
    mode: Mode<'_>,
    form: BTreeMap<String, String>,
    errors: Errors,
    status: StatusCode,
) -> PageResult {
    let me = with_role(visitor, &EDITORS)?;
    let (organizations, own_opd) = if me.role == Role::Produsen {
        let own = match me.organization_id {
            Some(id) => Some(state.catalog.organization_by_id(id).await?.name),
            None => None,
        };
        (None, own)
    } else {
        let page = Page {
            limit: 1000,
            offset: 0,
        };
        let all = state.catalog.list_organizations(page).await?;
        let options = all
            .items
            .into_iter()
            .map(|o| SelectOption {
                value: o.slug,
                label: o.name,
            })
            .collect();
        (Some(options), None)
    };
    let mskeg_filled = MSKEG_KEYS
        .iter()
        .filter(|k| {
            form.get(&format!("mskeg_{k}"))
                .is_some_and(|v| !v.is_empty())
        })
        .count();
    let mskeg_error = errors.by_field.keys().any(|k| k.starts_with("mskeg_"));
    let (mode_name, action_url, ws) = match mode.record {
        Some(record) => (
            "edit",
            visitor.url(&format!("/kelola/dataset/{}/metadata", record.dataset.slug)),
            Some(ws_dataset(visitor, record, mode.newest)),
        ),
        None => ("create", visitor.url("/kelola/dataset/baru"), None),
    };
    let body = FormPage {
        mode: mode_name,
        action_url,
        ws,
        tab: "metadata",
        form,
        errors: errors.list,
        field_errors: errors.by_field,
        organizations,
        own_opd,
        vocab: Vocab {
            topik: vocab::TOPIK.values,
            frekuensi: vocab::FREKUENSI.values,
            akses: vocab::AKSES.values,
            tingkat: vocab::TINGKAT_PENYAJIAN.values,
        },
        licenses: licenses(state, visitor)?,
        mskeg_groups: mskeg_groups(),
        mskeg_filled,
        mskeg_open: mskeg_filled > 0 || mskeg_error,
    };
    let frame = state.frame(visitor, "kelola", true).await?;
    Ok(no_store(state.page(
        visitor,
        &frame,
        "workspace/dataset_form.html",
        &body,
        status,
    )?))
}

/// A new dataset's form: the portal's defaults (Terbuka, CC-BY-4.0).
fn blank() -> BTreeMap<String, String> {
    let mut form: BTreeMap<String, String> = field_names().map(|f| (f, String::new())).collect();
    form.insert("akses".into(), "Terbuka".into());
    form.insert("license".into(), vocab::DEFAULT_LICENSE.into());
    form
}

/// `GET /kelola/dataset/baru`.
pub(crate) async fn new(State(state): State<WebState>, visitor: Visitor) -> Response {
    let page = render(
        &state,
        &visitor,
        Mode {
            record: None,
            newest: None,
        },
        blank(),
        Errors::default(),
        StatusCode::OK,
    );
    state.respond(&visitor, page).await
}

/// `GET /kelola/dataset/{slug}/metadata`.
pub(crate) async fn edit(
    State(state): State<WebState>,
    Path(slug): Path<String>,
    visitor: Visitor,
) -> Response {
    let page = async {
        with_role(&visitor, &EDITORS)?;
        let record = state.catalog.dataset(&visitor.actor, &slug).await?;
        visitor
            .actor
            .require_dataset_writer(record.dataset.organization_id)?;
        let versions = state.catalog.list_versions(&visitor.actor, &slug).await?;
        let form = form_of(&record);
        let mode = Mode {
            record: Some(&record),
            newest: versions.first(),
        };
        render(
            &state,
            &visitor,
            mode,
            form,
            Errors::default(),
            StatusCode::OK,
        )
        .await
    };
    state.respond(&visitor, page).await
}

/// The form field a catalog refusal is about (`msind.konsep` → `msind_konsep`).
fn field_of(error: &CatalogError) -> Option<String> {
    match error {
        CatalogError::Invalid { field, .. } => {
            let f = field
                .replacen("msind.", "msind_", 1)
                .replacen("mskeg.", "mskeg_", 1);
            let f = f.split(['[', '.']).next().unwrap_or_default().to_owned();
            Some(if field_names().any(|n| n == f) {
                f
            } else {
                "title".into()
            })
        }
        CatalogError::Conflict(_) => Some("title".into()),
        _ => None,
    }
}

/// `POST /kelola/dataset/baru`: creates the dataset → 303 to its overview.
pub(crate) async fn create(State(state): State<WebState>, posted: Posted) -> Response {
    let visitor = &posted.visitor;
    let page = async {
        let me = with_role(visitor, &EDITORS)?;
        let own = match (me.role, me.organization_id) {
            (Role::Produsen, Some(id)) => Some(state.catalog.organization_by_id(id).await?.slug),
            _ => None,
        };
        let form = form_of_post(&posted);
        let mut errors = Errors::default();
        let input = input_of(&state, visitor, &form, own.as_deref(), &mut errors)?;
        let mode = || Mode {
            record: None,
            newest: None,
        };
        if !errors.is_empty() {
            return render(
                &state,
                visitor,
                mode(),
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        match state.catalog.create_dataset(&visitor.actor, input).await {
            Ok(record) => Ok(see_other_with(
                &state,
                &visitor.url(&format!("/kelola/dataset/{}", record.dataset.slug)),
                &Flash::ok("dsform.created_flash", &[("title", &record.dataset.title)]),
            )),
            Err(e) => match field_of(&e) {
                Some(field) => {
                    errors.add(&field, refusal(visitor, &e));
                    render(
                        &state,
                        visitor,
                        mode(),
                        form,
                        errors,
                        StatusCode::UNPROCESSABLE_ENTITY,
                    )
                    .await
                }
                None => Err(e.into()),
            },
        }
    };
    state.respond(visitor, page).await
}

/// `POST /kelola/dataset/{slug}/metadata`: saves the metadata → 303 to the overview.
pub(crate) async fn save(
    State(state): State<WebState>,
    Path(slug): Path<String>,
    posted: Posted,
) -> Response {
    let visitor = &posted.visitor;
    let page = async {
        with_role(visitor, &EDITORS)?;
        let record = state.catalog.dataset(&visitor.actor, &slug).await?;
        visitor
            .actor
            .require_dataset_writer(record.dataset.organization_id)?;
        let versions = state.catalog.list_versions(&visitor.actor, &slug).await?;
        let mut form = form_of_post(&posted);
        // A produsen's OPD cannot change.
        if !form_has_organization(visitor) {
            form.insert("organization".into(), record.organization.slug.clone());
        }
        let mut errors = Errors::default();
        let mut input = input_of(&state, visitor, &form, None, &mut errors)?;
        input.slug = None;
        let mode = || Mode {
            record: Some(&record),
            newest: versions.first(),
        };
        if !errors.is_empty() {
            return render(
                &state,
                visitor,
                mode(),
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        match state
            .catalog
            .update_dataset(&visitor.actor, &slug, input)
            .await
        {
            Ok(saved) => Ok(see_other_with(
                &state,
                &visitor.url(&format!("/kelola/dataset/{slug}")),
                &Flash::ok("dsform.saved_flash", &[("title", &saved.dataset.title)]),
            )),
            Err(e) => match field_of(&e) {
                Some(field) => {
                    errors.add(&field, refusal(visitor, &e));
                    render(
                        &state,
                        visitor,
                        mode(),
                        form,
                        errors,
                        StatusCode::UNPROCESSABLE_ENTITY,
                    )
                    .await
                }
                None => Err(e.into()),
            },
        }
    };
    state.respond(visitor, page).await
}

fn refusal(visitor: &Visitor, error: &CatalogError) -> String {
    match error {
        CatalogError::Invalid { message: m, .. } | CatalogError::Conflict(m) => {
            message(visitor.lang, m)
        }
        other => other.to_string(),
    }
}
