//! `/data.json`: the catalogue in Project Open Data v1.1 (non-federal), which the national
//! portal's DCAT-JSON harvester reads, with the Satu Data keys it looks for as extra top-level
//! dataset keys. Streamed in batches, so the whole catalogue is never held in memory.

use bytes::Bytes;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::Harvest;
use crate::error::{Error, Result};
use crate::names;
use crate::read_model::{PackageRow, Site, format_label, landing_page};
use satudata_catalog::Actor;
use satudata_catalog::entity::dataset;
use satudata_catalog::visibility::visible;

/// Datasets read per query while streaming.
const BATCH: u64 = 500;

/// POD's accrualPeriodicity (ISO 8601 repeating duration) of a frekuensi.
pub fn iso_frequency(frekuensi: &str) -> &'static str {
    match frekuensi {
        "Harian" => "R/P1D",
        "Mingguan" => "R/P1W",
        "Bulanan" => "R/P1M",
        "Triwulanan" => "R/P3M",
        "Empat Bulanan" => "R/P4M",
        "Semesteran" => "R/P6M",
        "Tahunan" => "R/P1Y",
        "Dua Tahunan" => "R/P2Y",
        _ => "irregular",
    }
}

fn access_level(akses: &str) -> &'static str {
    match akses {
        "Terbuka" => "public",
        "Terbatas" => "restricted public",
        _ => "non-public",
    }
}

/// One POD dataset.
pub(crate) fn pod_dataset(site: Site<'_>, row: &PackageRow) -> Value {
    let d = &row.record.dataset;
    let org = &row.record.organization;
    let mut out = json!({
        "@type": "dcat:Dataset",
        "title": d.title,
        "description": if d.description.trim().is_empty() { d.title.clone() } else { d.description.clone() },
        "identifier": format!("{}/dataset/{}", site.base_url, d.uuid),
        "accessLevel": access_level(&d.akses),
        "modified": d.updated_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "publisher": {
            "@type": "org:Organization",
            "name": org.name,
            "subOrganizationOf": {"@type": "org:Organization", "name": site.portal.name},
        },
        "contactPoint": contact(d.contact_name.as_deref(), d.contact_email.as_deref(), org),
        "landingPage": landing_page(site, &d.slug),
        "language": ["id"],
        "license": names::license(&d.license).map(|l| l.url),
        "accrualPeriodicity": d.frekuensi.as_deref().map_or("irregular", iso_frequency),
        "distribution": row.files.iter().map(|f| json!({
            "@type": "dcat:Distribution",
            "title": format!("{} ({})", d.title, format_label(&f.format)),
            "downloadURL": format!("{}/datasets/{}/data.{}", site.base_url, d.slug, f.format),
            "mediaType": f.media_type.split(';').next().unwrap_or_default().trim(),
            "format": format_label(&f.format),
        })).collect::<Vec<_>>(),
        // The Satu Data keys the national portal's converter reads.
        "accessRights": d.akses,
        "produsen_data_name": org.name,
        "produsen_data_province_code": site.portal.region_code.split('.').next().unwrap_or_default(),
        "produsen_data_city_code": site.portal.region_code,
        "frekuensi": d.frekuensi,
        "satuan": d.satuan,
        "ukuran": d.ukuran,
        "prioritas_tahun": d.prioritas_tahun,
        "topik": d.topik,
        "tingkat_penyajian": d.tingkat_penyajian,
    });
    // The rest of the national keys (MS-Ind, MS-Keg, coverage), as text. POD's own
    // accrualPeriodicity (ISO 8601) stays; the Satu Data frequency is `frekuensi`.
    for (key, value) in crate::national::pairs(site, &row.record) {
        if key != "accrualPeriodicity" && out.get(&key).is_none() {
            out[key] = json!(value);
        }
    }
    if !row.record.tags.is_empty() {
        out["keyword"] = json!(row.record.tags);
    }
    if let Some(t) = &d.topik {
        out["theme"] = json!([t]);
    }
    if let Some(published) = d.published_at {
        out["issued"] = json!(published.format("%Y-%m-%d").to_string());
    }
    if let (Some(start), Some(end)) = (d.temporal_start, d.temporal_end) {
        out["temporal"] = json!(format!("{start}/{end}"));
    }
    if let Some(area) = d
        .cakupan_wilayah
        .as_deref()
        .filter(|a| !a.trim().is_empty())
    {
        out["spatial"] = json!(area);
    }
    if let Some(version) = &row.version {
        out["describedBy"] = json!(format!(
            "{}/datasets/{}/versions/{}/datapackage.json",
            site.base_url, d.slug, version.number
        ));
        out["describedByType"] = json!("application/json");
    }
    out
}

fn contact(
    name: Option<&str>,
    email: Option<&str>,
    org: &satudata_catalog::entity::organization::Model,
) -> Value {
    let mut c = json!({
        "@type": "vcard:Contact",
        "fn": name.filter(|n| !n.trim().is_empty()).unwrap_or(&org.name),
    });
    if let Some(email) = email.or(org.email.as_deref()).filter(|e| e.contains('@')) {
        c["hasEmail"] = json!(format!("mailto:{email}"));
    }
    c
}

type Chunk = std::result::Result<Bytes, std::io::Error>;

impl Harvest {
    /// The public catalogue as POD data.json, streamed as it is read.
    pub fn data_json(&self, actor: Actor, base_url: String) -> mpsc::Receiver<Chunk> {
        let (tx, rx) = mpsc::channel(4);
        let catalog = self.clone();
        tokio::spawn(async move {
            if let Err(e) = catalog.write_data_json(&actor, &base_url, &tx).await {
                tracing::error!(error = %e, "data.json stream failed");
                let _ = tx.send(Err(std::io::Error::other(e.to_string()))).await;
            }
        });
        rx
    }

    async fn write_data_json(
        &self,
        actor: &Actor,
        base_url: &str,
        tx: &mpsc::Sender<Chunk>,
    ) -> Result<()> {
        let closed = || Error::Closed;
        let portal = self.catalog.portal().await?;
        let site = Site {
            base_url,
            portal: &portal,
        };
        let head = json!({
            "@context": "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld",
            "@id": format!("{base_url}/data.json"),
            "@type": "dcat:Catalog",
            "conformsTo": "https://project-open-data.cio.gov/v1.1/schema",
            "describedBy": "https://project-open-data.cio.gov/v1.1/schema/catalog.json",
        })
        .to_string();
        let open = format!("{},\"dataset\":[", head.trim_end_matches('}'));
        tx.send(Ok(Bytes::from(open))).await.map_err(|_| closed())?;
        let mut last = 0;
        let mut first = true;
        loop {
            let rows = dataset::Entity::find()
                .filter(visible(actor, false, false))
                .filter(dataset::Column::Id.gt(last))
                .order_by_asc(dataset::Column::Id)
                .limit(BATCH)
                .all(self.catalog.db())
                .await?;
            let Some(end) = rows.last().map(|d| d.id) else {
                break;
            };
            last = end;
            let mut chunk = String::new();
            for row in self.package_rows(rows).await? {
                if !first {
                    chunk.push(',');
                }
                first = false;
                chunk.push_str(&pod_dataset(site, &row).to_string());
            }
            tx.send(Ok(Bytes::from(chunk)))
                .await
                .map_err(|_| closed())?;
        }
        tx.send(Ok(Bytes::from_static(b"]}")))
            .await
            .map_err(|_| closed())?;
        Ok(())
    }
}
