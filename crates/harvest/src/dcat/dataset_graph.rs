//! A dataset as DCAT-AP: its properties and its distributions.

use oxrdf::NamedNode;
use oxrdf::vocab::xsd;

use super::rdf::{Graph, ns};
use super::{Ctx, agent, concept, contact, dcat, dct, licence, region, resource_node, vocab};
use crate::error::Result;
use crate::names;
use crate::read_model::{PackageRow, format_label, landing_page};

/// One dataset with its distributions.
pub(super) fn graph(g: &mut Graph, ctx: &Ctx<'_>, row: &PackageRow) -> Result<NamedNode> {
    let d = &row.record.dataset;
    let org = &row.record.organization;
    let node = ctx.iri(&format!("/dataset/{}", d.uuid))?;
    let description = if d.description.trim().is_empty() {
        &d.title
    } else {
        &d.description
    };
    g.typed(node.clone(), dcat("Dataset"))
        .text(node.clone(), dct("title"), &d.title)
        .text(node.clone(), dct("description"), description)
        .string(node.clone(), dct("identifier"), &d.uuid.to_string())
        .datetime(node.clone(), dct("modified"), d.updated_at);
    if let Some(at) = d.published_at {
        g.datetime(node.clone(), dct("issued"), at);
    }
    for tag in &row.record.tags {
        g.text(node.clone(), dcat("keyword"), tag);
    }
    let publisher = ctx.iri(&format!("/organization/{}", org.uuid))?;
    agent(g, &publisher, &org.name, "RegionalAuthority")?;
    g.add(node.clone(), dct("publisher"), publisher);
    let point = contact(
        g,
        ctx.iri(&format!("/dataset/{}#contact", d.uuid))?,
        d.contact_name.as_deref().unwrap_or(&org.name),
        d.contact_email.as_deref().or(org.email.as_deref()),
    )?;
    g.add(node.clone(), dcat("contactPoint"), point);
    let spatial = region(g, ctx)?;
    g.add(node.clone(), dct("spatial"), spatial);
    if d.temporal_start.is_some() || d.temporal_end.is_some() {
        let period = ctx.iri(&format!("/dataset/{}#temporal", d.uuid))?;
        g.typed(period.clone(), dct("PeriodOfTime"));
        if let Some(start) = d.temporal_start {
            g.typed_literal(
                period.clone(),
                dcat("startDate"),
                &start.to_string(),
                xsd::DATE,
            );
        }
        if let Some(end) = d.temporal_end {
            g.typed_literal(period.clone(), dcat("endDate"), &end.to_string(), xsd::DATE);
        }
        g.add(node.clone(), dct("temporal"), period);
    }
    if let Some(topik) = &d.topik {
        let eu = concept(
            g,
            &vocab::authority("data-theme", vocab::data_theme(topik)),
            ns("skos", "Concept"),
        )?;
        g.add(node.clone(), dcat("theme"), eu);
        let ours = ctx.iri(&format!("/topik/{}", names::group_name(topik)))?;
        g.typed(ours.clone(), ns("skos", "Concept"))
            .text(ours.clone(), ns("skos", "prefLabel"), topik)
            .add(ours.clone(), ns("skos", "inScheme"), ctx.iri("/topik")?);
        g.add(node.clone(), dcat("theme"), ours);
    }
    if let Some(f) = &d.frekuensi {
        let freq = concept(
            g,
            &vocab::authority("frequency", vocab::frequency(f)),
            dct("Frequency"),
        )?;
        g.add(node.clone(), dct("accrualPeriodicity"), freq);
    }
    let rights = concept(
        g,
        &vocab::authority("access-right", vocab::access_right(&d.akses)),
        dct("RightsStatement"),
    )?;
    g.add(node.clone(), dct("accessRights"), rights);
    let landing = Graph::iri(&landing_page(ctx.site(), &d.slug))?;
    g.typed(landing.clone(), ns("foaf", "Document"));
    g.add(node.clone(), dcat("landingPage"), landing.clone());
    if let Some(v) = &row.version {
        g.string(node.clone(), dcat("version"), &v.number.to_string());
    }
    if d.table_schema.is_some() {
        let standard = ctx.iri(&format!("/api/v1/datasets/{}/schema", d.slug))?;
        g.typed(standard.clone(), dct("Standard")).text(
            standard.clone(),
            dct("title"),
            &format!("Standar Data: {}", d.title),
        );
        g.add(node.clone(), dct("conformsTo"), standard);
    }
    let licence = licence(g, &d.license)?;
    for file in &row.files {
        let dist = ctx.iri(&format!("/dataset/{}/distribution/{}", d.uuid, file.format))?;
        let url = format!("{}/datasets/{}/data.{}", ctx.base, d.slug, file.format);
        let download = resource_node(g, &url)?;
        let media = file.media_type.split(';').next().unwrap_or_default().trim();
        let media = concept(
            g,
            &format!("http://www.iana.org/assignments/media-types/{media}"),
            dct("MediaType"),
        )?;
        let format = concept(
            g,
            &vocab::authority("file-type", vocab::file_type(&file.format)),
            dct("MediaTypeOrExtent"),
        )?;
        let availability = concept(
            g,
            "http://data.europa.eu/r5r/availability/stable",
            ns("skos", "Concept"),
        )?;
        let checksum = ctx.iri(&format!(
            "/dataset/{}/distribution/{}#sha256",
            d.uuid, file.format
        ))?;
        g.typed(
            ns("spdx", "checksumAlgorithm_sha256"),
            ns("spdx", "ChecksumAlgorithm"),
        );
        g.typed(checksum.clone(), ns("spdx", "Checksum"))
            .add(
                checksum.clone(),
                ns("spdx", "algorithm"),
                ns("spdx", "checksumAlgorithm_sha256"),
            )
            .typed_literal(
                checksum.clone(),
                ns("spdx", "checksumValue"),
                &file.sha256,
                xsd::HEX_BINARY,
            );
        g.typed(dist.clone(), dcat("Distribution"))
            .text(
                dist.clone(),
                dct("title"),
                &format!("{} ({})", d.title, format_label(&file.format)),
            )
            .text(
                dist.clone(),
                dct("description"),
                &format!("{} dalam format {}", d.title, format_label(&file.format)),
            )
            .add(dist.clone(), dcat("accessURL"), download.clone())
            .add(dist.clone(), dcat("downloadURL"), download)
            .add(dist.clone(), dcat("mediaType"), media)
            .add(dist.clone(), dct("format"), format)
            .add(dist.clone(), dct("license"), licence.clone())
            .add(dist.clone(), ns("dcatap", "availability"), availability)
            .add(dist.clone(), ns("spdx", "checksum"), checksum)
            .typed_literal(
                dist.clone(),
                dcat("byteSize"),
                &file.byte_size.to_string(),
                xsd::NON_NEGATIVE_INTEGER,
            )
            .datetime(dist.clone(), dct("issued"), file.created_at)
            .datetime(dist.clone(), dct("modified"), file.created_at);
        g.add(node.clone(), dcat("distribution"), dist);
    }
    Ok(node)
}
