//! `GET /dataset/{slug}`: the dataset page (and, for htmx, only its table or chart), and the
//! 410 page of a withdrawn dataset.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use satudata_catalog::names;
use satudata_catalog::pages::DatasetPage;
use satudata_catalog::validation::FieldType;
use satudata_catalog::{Error as CatalogError, entity::distribution};
use serde::Serialize;

use super::api_box::{ApiBox, api_box};
use super::chart_view::{self, ChartView};
use super::preview::{ColumnInfo, Preview, TableState, preview};
use super::quality::{Quality, quality};
use crate::filters::key;
use crate::respond::{PageResult, WebError, html_response};
use crate::state::{Visitor, WebState};

#[derive(Debug, Serialize)]
struct Link {
    name: String,
    url: String,
}

#[derive(Debug, Serialize)]
struct License {
    id: String,
    title: String,
    url: Option<String>,
}

#[derive(Debug, Serialize)]
struct Region {
    code: String,
    name: String,
    url: String,
}

#[derive(Debug, Serialize)]
struct MsInd {
    id_msind: Option<String>,
    nama_indikator: Option<String>,
    konsep: Option<String>,
    definisi: Option<String>,
    interpretasi: Option<String>,
    metode_perhitungan: Option<String>,
    ukuran: Option<String>,
    satuan: Option<String>,
    klasifikasi_penyajian: Vec<String>,
    indikator_komposit: Option<bool>,
    indikator_pembangun: Option<String>,
    kegiatan_penghasil: Option<String>,
    variabel_pembangun: Option<String>,
    level_estimasi: Option<String>,
}

#[derive(Debug, Serialize)]
struct Entry {
    key: String,
    value: String,
}

#[derive(Debug, Serialize)]
struct DatasetView {
    slug: String,
    title: String,
    url: String,
    description: String,
    organization: Link,
    topik: Option<String>,
    topik_url: Option<String>,
    tags: Vec<Link>,
    frekuensi: Option<String>,
    next_update: Option<String>,
    overdue: bool,
    license: Option<License>,
    akses: String,
    data_updated_at: String,
    metadata_updated_at: String,
    published_at: String,
    version: i32,
    row_count: i64,
    column_count: i64,
    tingkat_penyajian: Option<String>,
    cakupan_wilayah: Option<Region>,
    temporal_start: Option<String>,
    temporal_end: Option<String>,
    ukuran: Option<String>,
    satuan: Option<String>,
    prioritas_tahun: Option<i32>,
    contact_name: Option<String>,
    contact_email: Option<String>,
    download_count: u64,
    msind: Option<MsInd>,
    mskeg: Vec<Entry>,
    can_edit: bool,
    manage_url: Option<String>,
}

#[derive(Debug, Serialize)]
struct Download {
    format: &'static str,
    url: String,
    byte_size: i64,
}

#[derive(Debug, Serialize)]
struct Extra {
    csv_bom_url: String,
    datapackage_url: String,
    csvw_url: String,
}

#[derive(Debug, Serialize)]
struct Standar {
    kode: String,
    nama: String,
    konsep: Option<String>,
    definisi: Option<String>,
    url: String,
}

#[derive(Debug, Serialize)]
struct Variable {
    name: String,
    #[serde(rename = "type")]
    kind: &'static str,
    title: Option<String>,
    description: Option<String>,
    satuan: Option<String>,
    standar: Option<Standar>,
}

#[derive(Debug, Serialize)]
struct VersionView {
    number: i32,
    published_at: String,
    row_count: i64,
    current: bool,
    note: Option<String>,
    downloads: Vec<Download>,
    diff_url: Option<String>,
}

/// Which parts are sent out of band with an htmx fragment.
#[derive(Debug, Default, Serialize)]
struct Oob {
    preview: bool,
    chart: bool,
    api: bool,
}

#[derive(Debug, Serialize)]
struct Body {
    oob: Oob,
    dataset: DatasetView,
    downloads: Vec<Download>,
    extra_downloads: Extra,
    preview: Preview,
    chart: Option<ChartView>,
    variables: Vec<Variable>,
    quality: Quality,
    api: ApiBox,
    versions: Vec<VersionView>,
}

pub(crate) async fn show(
    State(state): State<WebState>,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Response {
    state.respond(&visitor, page(&state, &visitor, &slug)).await
}

fn type_name(kind: &FieldType) -> &'static str {
    match kind {
        FieldType::Integer => "integer",
        FieldType::Number => "number",
        FieldType::Boolean => "boolean",
        FieldType::Date => "date",
        FieldType::Year => "year",
        _ => "string",
    }
}

/// Downloads of a version, in the portal's order, named by format.
fn downloads(base: &str, files: &[distribution::Model]) -> Vec<Download> {
    satudata_catalog::pages::FORMAT_BITS
        .iter()
        .filter_map(|(format, label, _)| {
            let file = files.iter().find(|f| f.format == *format)?;
            Some(Download {
                format: label,
                url: format!("{base}/data.{format}"),
                byte_size: file.byte_size,
            })
        })
        .collect()
}

async fn page(state: &WebState, visitor: &Visitor, slug: &str) -> PageResult {
    let catalog = &state.catalog;
    let actor = &visitor.actor;
    let data = match catalog.dataset_page(actor, slug).await {
        Ok(data) => data,
        Err(CatalogError::Gone(_)) => {
            return Err(WebError::Withdrawn(Box::new(
                catalog.withdrawal(actor, slug).await?,
            )));
        }
        Err(e) => return Err(e.into()),
    };
    let lang = visitor.lang;
    let catalogue = state.renderer.catalogue(lang)?;
    let d = &data.record.dataset;
    let here = visitor.url(&format!("/dataset/{}", d.slug));
    let fields = data
        .schema
        .as_ref()
        .map(|s| s.fields.as_slice())
        .unwrap_or_default();
    let info: Vec<ColumnInfo> = fields
        .iter()
        .map(|f| ColumnInfo {
            name: f.name.clone(),
            title: f
                .standar_data
                .as_ref()
                .and_then(|k| data.standards.get(k))
                .map(|v| v.nama.clone()),
            year: matches!(f.kind, FieldType::Year),
        })
        .collect();
    let names: Vec<String> = info.iter().map(|c| c.name.clone()).collect();
    let table = TableState::parse(&visitor.pairs(), &names);
    let rows = catalog
        .query_data(actor, &d.slug, &table.data_query())
        .await?;
    let target = visitor.htmx_target();
    let columns = chart_view::typed(&rows.columns, &rows.types, &info);
    let chart =
        chart_view::chart(catalog, actor, &d.slug, lang, &catalogue, &table, &columns).await?;
    let api_url = format!("/api/v1/datasets/{}/data", d.slug);
    let total_all = u64::try_from(data.current.row_count.unwrap_or_default()).unwrap_or_default();
    let preview = preview(lang, &here, &api_url, &table, &info, &rows, total_all);
    let resource = names::resource_id(d.uuid, "csv")
        .map(|id| id.to_string())
        .unwrap_or_default();
    let api = api_box(&state.base_url, &d.slug, &resource, &table);
    let quality = quality(
        lang,
        &catalogue,
        &data.score,
        &data.facts,
        !d.description.trim().is_empty(),
        usize::try_from(data.current.column_count.unwrap_or_default()).unwrap_or_default(),
    )?;
    let body = Body {
        oob: Oob::default(),
        downloads: downloads(&format!("/datasets/{}", d.slug), &data.current.files),
        extra_downloads: Extra {
            csv_bom_url: format!("/datasets/{}/data.csv?bom=1", d.slug),
            datapackage_url: format!("/datasets/{}/datapackage.json", d.slug),
            csvw_url: format!("/datasets/{}/data.csv-metadata.json", d.slug),
        },
        variables: variables(visitor, &data),
        versions: versions(visitor, &data),
        dataset: view(visitor, &catalogue, &data, here),
        preview,
        chart,
        quality,
        api,
    };
    // An htmx request for one part gets that part, and the parts whose links or content
    // depend on what changed out of band: the table carries the chart (it follows the
    // filters) and the API box; the chart carries the table (its links keep the chart).
    let (parts, oob): (&[&str], Oob) = match target {
        Some("pratinjau") => (
            &[
                "public/_preview.html",
                "public/_chart.html",
                "public/_api.html",
            ],
            Oob {
                preview: false,
                chart: true,
                api: true,
            },
        ),
        Some("grafik") => (
            &["public/_chart.html", "public/_preview.html"],
            Oob {
                preview: true,
                chart: false,
                api: false,
            },
        ),
        _ => (&["public/dataset.html"], Oob::default()),
    };
    let body = Body { oob, ..body };
    let frame = state.frame(visitor, "dataset", false).await?;
    let html = state.render_all(visitor, &frame, parts, &body)?;
    Ok(html_response(visitor, StatusCode::OK, html, true))
}

fn view(
    visitor: &Visitor,
    catalogue: &crate::i18n::Catalogue,
    data: &DatasetPage,
    url: String,
) -> DatasetView {
    let d = &data.record.dataset;
    let org = &data.record.organization;
    let m = &d.msind;
    let filled = m.id_msind.is_some()
        || m.nama_indikator.is_some()
        || m.konsep.is_some()
        || m.definisi.is_some()
        || m.interpretasi.is_some()
        || m.metode_perhitungan.is_some()
        || !m.klasifikasi_penyajian.is_empty()
        || m.indikator_komposit.is_some()
        || m.kegiatan_penghasil.is_some()
        || m.variabel_pembangun.is_some()
        || m.level_estimasi.is_some();
    let license = names::license(&d.license).map(|l| License {
        id: l.spdx.to_owned(),
        title: l.title.to_owned(),
        url: Some(l.url.to_owned()),
    });
    DatasetView {
        slug: d.slug.clone(),
        title: d.title.clone(),
        url,
        description: d.description.clone(),
        organization: Link {
            name: org.name.clone(),
            url: visitor.url(&format!("/opd/{}", org.slug)),
        },
        topik: d.topik.clone(),
        topik_url: d
            .topik
            .as_ref()
            .map(|t| visitor.url(&format!("/topik/{}", key(t)))),
        tags: data
            .record
            .tags
            .iter()
            .map(|t| Link {
                name: t.clone(),
                url: visitor.url(&format!(
                    "/dataset{}",
                    super::query_string(&[("q".to_owned(), t.clone())])
                )),
            })
            .collect(),
        frekuensi: d.frekuensi.clone(),
        next_update: data.next_update.map(|n| n.to_string()),
        overdue: data.overdue,
        license: license.or_else(|| {
            Some(License {
                id: d.license.clone(),
                title: d.license.clone(),
                url: None,
            })
        }),
        akses: d.akses.clone(),
        data_updated_at: data.current.published_at.to_rfc3339(),
        metadata_updated_at: d.updated_at.to_rfc3339(),
        published_at: d
            .published_at
            .unwrap_or(data.current.published_at)
            .to_rfc3339(),
        version: data.current.number,
        row_count: data.current.row_count.unwrap_or_default(),
        column_count: data.current.column_count.unwrap_or_default(),
        tingkat_penyajian: d.tingkat_penyajian.clone(),
        cakupan_wilayah: data.region.as_ref().map(|(code, name)| Region {
            code: code.clone(),
            name: crate::respond::title_case(name),
            url: visitor.url(&format!("/kode-referensi/{code}")),
        }),
        temporal_start: d.temporal_start.map(|t| t.to_string()),
        temporal_end: d.temporal_end.map(|t| t.to_string()),
        ukuran: d.ukuran.clone(),
        satuan: d.satuan.clone(),
        prioritas_tahun: d.prioritas_tahun,
        contact_name: d.contact_name.clone(),
        contact_email: d.contact_email.clone(),
        download_count: data.downloads.total,
        msind: filled.then(|| MsInd {
            id_msind: m.id_msind.clone(),
            nama_indikator: m.nama_indikator.clone(),
            konsep: m.konsep.clone(),
            definisi: m.definisi.clone(),
            interpretasi: m.interpretasi.clone(),
            metode_perhitungan: m.metode_perhitungan.clone(),
            ukuran: d.ukuran.clone(),
            satuan: d.satuan.clone(),
            klasifikasi_penyajian: m.klasifikasi_penyajian.clone(),
            indikator_komposit: m.indikator_komposit,
            indikator_pembangun: m.indikator_pembangun.clone(),
            kegiatan_penghasil: m.kegiatan_penghasil.clone(),
            variabel_pembangun: m.variabel_pembangun.clone(),
            level_estimasi: m.level_estimasi.clone(),
        }),
        // Only the keys the catalogue can name (every national MS-Keg key).
        mskeg: d
            .mskeg
            .iter()
            .flat_map(|k| k.0.iter())
            .filter(|(k, v)| {
                !v.trim().is_empty() && catalogue.text(&format!("mskeg.{k}"), &[]).is_ok()
            })
            .map(|(k, v)| Entry {
                key: k.clone(),
                value: v.clone(),
            })
            .collect(),
        can_edit: false,
        manage_url: None,
    }
}

fn variables(visitor: &Visitor, data: &DatasetPage) -> Vec<Variable> {
    let fields = data
        .schema
        .as_ref()
        .map(|s| s.fields.as_slice())
        .unwrap_or_default();
    fields
        .iter()
        .map(|f| {
            let standard = f.standar_data.as_ref().and_then(|k| data.standards.get(k));
            Variable {
                name: f.name.clone(),
                kind: type_name(&f.kind),
                title: f.title.clone(),
                description: f.description.clone(),
                satuan: standard.and_then(|s| s.satuan.clone()),
                standar: standard.map(|s| Standar {
                    url: visitor.url(&format!("/standar-data#var-{}", s.kode)),
                    kode: s.kode.clone(),
                    nama: s.nama.clone(),
                    konsep: s.konsep.clone(),
                    definisi: s.definisi.clone(),
                }),
            }
        })
        .collect()
}

fn versions(visitor: &Visitor, data: &DatasetPage) -> Vec<VersionView> {
    let slug = &data.record.dataset.slug;
    data.versions
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let previous = data.versions.get(i + 1).map(|p| p.number);
            VersionView {
                number: v.number,
                published_at: v.published_at.to_rfc3339(),
                row_count: v.row_count.unwrap_or_default(),
                current: v.number == data.current.number,
                note: None,
                downloads: downloads(&format!("/datasets/{slug}/versions/{}", v.number), &v.files),
                diff_url: previous
                    .map(|p| visitor.url(&format!("/dataset/{slug}/diff/{p}/{}", v.number))),
            }
        })
        .collect()
}
