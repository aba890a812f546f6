//! The schema.org profile of a dataset (what dataset HTML pages will embed as JSON-LD, and what
//! search engines read).

use oxrdf::NamedNode;
use oxrdf::vocab::xsd;

use super::rdf::{Graph, ns};
use crate::error::Result;
use crate::names;
use crate::read_model::Site;
use crate::read_model::{PackageRow, format_label, landing_page};

fn schema(local: &str) -> NamedNode {
    ns("schema", local)
}

/// A `schema:Dataset` with its publisher and downloads.
pub(super) fn dataset(g: &mut Graph, site: Site<'_>, row: &PackageRow) -> Result<()> {
    let d = &row.record.dataset;
    let org = &row.record.organization;
    let node = Graph::iri(&format!("{}/dataset/{}", site.base_url, d.uuid))?;
    let description = if d.description.trim().is_empty() {
        &d.title
    } else {
        &d.description
    };
    g.typed(node.clone(), schema("Dataset"))
        .text(node.clone(), schema("name"), &d.title)
        .text(node.clone(), schema("description"), description)
        .string(node.clone(), schema("identifier"), &d.uuid.to_string())
        .string(node.clone(), schema("inLanguage"), "id")
        .add(
            node.clone(),
            schema("url"),
            Graph::iri(&landing_page(site, &d.slug))?,
        )
        .datetime(node.clone(), schema("dateModified"), d.updated_at);
    if let Some(at) = d.published_at {
        g.datetime(node.clone(), schema("datePublished"), at);
    }
    for tag in &row.record.tags {
        g.text(node.clone(), schema("keywords"), tag);
    }
    if let Some(l) = names::license(&d.license) {
        g.add(node.clone(), schema("license"), Graph::iri(l.url)?);
    }
    let publisher = Graph::iri(&format!("{}/organization/{}", site.base_url, org.uuid))?;
    g.typed(publisher.clone(), schema("GovernmentOrganization"))
        .text(publisher.clone(), schema("name"), &org.name)
        .add(node.clone(), schema("publisher"), publisher.clone())
        .add(node.clone(), schema("creator"), publisher);
    let place = Graph::iri(&format!(
        "{}/api/v1/regions/{}",
        site.base_url, site.portal.region_code
    ))?;
    g.typed(place.clone(), schema("Place"))
        .text(place.clone(), schema("name"), &site.portal.name)
        .add(node.clone(), schema("spatialCoverage"), place.clone());
    if let Some([west, south, east, north]) = site.portal.bbox() {
        let shape = Graph::iri(&format!(
            "{}/api/v1/regions/{}#geo",
            site.base_url, site.portal.region_code
        ))?;
        // schema.org's box is "south west north east".
        g.typed(shape.clone(), schema("GeoShape"))
            .string(
                shape.clone(),
                schema("box"),
                &format!("{south} {west} {north} {east}"),
            )
            .add(place, schema("geo"), shape);
    }
    if let (Some(start), Some(end)) = (d.temporal_start, d.temporal_end) {
        g.string(
            node.clone(),
            schema("temporalCoverage"),
            &format!("{start}/{end}"),
        );
    }
    for file in &row.files {
        let download = Graph::iri(&format!(
            "{}/dataset/{}/distribution/{}",
            site.base_url, d.uuid, file.format
        ))?;
        g.typed(download.clone(), schema("DataDownload"))
            .string(
                download.clone(),
                schema("encodingFormat"),
                file.media_type.split(';').next().unwrap_or_default().trim(),
            )
            .text(
                download.clone(),
                schema("name"),
                &format!("{} ({})", d.title, format_label(&file.format)),
            )
            .add(
                download.clone(),
                schema("contentUrl"),
                Graph::iri(&format!(
                    "{}/datasets/{}/data.{}",
                    site.base_url, d.slug, file.format
                ))?,
            )
            .typed_literal(
                download.clone(),
                schema("contentSize"),
                &file.byte_size.to_string(),
                xsd::INTEGER,
            )
            .string(download.clone(), schema("sha256"), &file.sha256);
        g.add(node.clone(), schema("distribution"), download);
    }
    Ok(())
}
