//! DCAT-AP 3.0.1: the catalogue (paged with Hydra) and each dataset as RDF, built as triples
//! with oxrdf and serialised by the oxigraph parsers' serialisers; plus a schema.org profile of
//! a dataset. The graphs carry every mandatory and recommended property we have data for.
//!
//! - `dataset_graph.rs`: a dataset and its distributions;
//! - `rdf.rs`: triple collector and serialisation (Turtle, RDF/XML, JSON-LD);
//! - `vocab.rs`: our vocabularies → EU authority tables;
//! - `schemaorg.rs`: the schema.org profile.

mod dataset_graph;
pub mod rdf;
mod schemaorg;
mod vocab;

use chrono::{DateTime, Utc};
use oxrdf::NamedNode;
use oxrdf::vocab::xsd;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::Harvest;
use crate::error::{Error, Result};
use crate::names;
pub use rdf::RdfFormat;
use rdf::{Graph, ns};
use satudata_catalog::Actor;
use satudata_catalog::entity::{dataset, portal};
use satudata_catalog::paging::Window;
use satudata_catalog::search::{full_text, words};
use satudata_catalog::visibility::visible;

/// Datasets per catalogue page unless asked otherwise.
pub const DEFAULT_PAGE_SIZE: u64 = 100;
/// Largest page size.
pub const MAX_PAGE_SIZE: u64 = 1000;

/// Which catalogue page to build.
#[derive(Debug, Clone, Default)]
pub struct CatalogPage {
    /// 1-based page number.
    pub page: u64,
    /// Datasets per page.
    pub per_page: u64,
    /// Only datasets modified at or after this time.
    pub modified_since: Option<DateTime<Utc>>,
    /// Words to search for.
    pub q: Option<String>,
}

struct Ctx<'a> {
    base: &'a str,
    portal: &'a portal::Model,
}

impl Ctx<'_> {
    fn iri(&self, path: &str) -> Result<NamedNode> {
        Graph::iri(&format!("{}{path}", self.base))
    }

    fn site(&self) -> crate::read_model::Site<'_> {
        crate::read_model::Site {
            base_url: self.base,
            portal: self.portal,
        }
    }
}

fn dct(local: &str) -> NamedNode {
    ns("dct", local)
}

fn dcat(local: &str) -> NamedNode {
    ns("dcat", local)
}

/// A typed node of an authority table (a `skos:Concept` or the class DCAT-AP's range wants).
/// Concepts get their code (the IRI's last segment) as `skos:prefLabel`, which DCAT-AP requires
/// of every `skos:Concept` in the graph.
fn concept(g: &mut Graph, iri: &str, class: NamedNode) -> Result<NamedNode> {
    let node = Graph::iri(iri)?;
    if class == ns("skos", "Concept") {
        let code = iri.rsplit('/').next().unwrap_or(iri);
        g.string(node.clone(), ns("skos", "prefLabel"), code);
    }
    g.typed(node.clone(), class);
    Ok(node)
}

/// A `foaf:Agent` with a name and an ADMS publisher type.
fn agent(g: &mut Graph, node: &NamedNode, name: &str, kind: &str) -> Result<()> {
    g.typed(node.clone(), ns("foaf", "Agent"))
        .typed(node.clone(), ns("foaf", "Organization"))
        .text(node.clone(), ns("foaf", "name"), name);
    let kind = concept(
        g,
        &format!("http://purl.org/adms/publishertype/{kind}"),
        ns("skos", "Concept"),
    )?;
    g.add(node.clone(), dct("type"), kind);
    Ok(())
}

/// A contact point (`vcard:Kind`).
fn contact(g: &mut Graph, node: NamedNode, name: &str, email: Option<&str>) -> Result<NamedNode> {
    g.typed(node.clone(), ns("vcard", "Kind"))
        .typed(node.clone(), ns("vcard", "Organization"))
        .string(node.clone(), ns("vcard", "fn"), name);
    if let Some(email) = email.filter(|e| e.contains('@')) {
        g.add(
            node.clone(),
            ns("vcard", "hasEmail"),
            Graph::iri(&format!("mailto:{email}"))?,
        );
    }
    Ok(node)
}

fn licence(g: &mut Graph, spdx: &str) -> Result<NamedNode> {
    let url = names::license(spdx).map_or("https://spdx.org/licenses/", |l| l.url);
    let node = concept(g, url, dct("LicenseDocument"))?;
    let kind = concept(
        g,
        "http://purl.org/adms/licencetype/Attribution",
        ns("skos", "Concept"),
    )?;
    g.add(node.clone(), dct("type"), kind);
    Ok(node)
}

/// The Kemendagri region of the portal as a `dct:Location`.
fn region(g: &mut Graph, ctx: &Ctx<'_>) -> Result<NamedNode> {
    let node = ctx.iri(&format!("/api/v1/regions/{}", ctx.portal.region_code))?;
    g.typed(node.clone(), dct("Location"))
        .string(
            node.clone(),
            ns("skos", "notation"),
            &ctx.portal.region_code,
        )
        .text(node.clone(), ns("skos", "prefLabel"), &ctx.portal.name);
    // Coordinates come from the portal's configured extent (the Kemendagri list has none).
    if let Some([west, south, east, north]) = ctx.portal.bbox() {
        let wkt = ns("gsp", "wktLiteral");
        let polygon = format!(
            "POLYGON(({west} {south}, {east} {south}, {east} {north}, {west} {north}, {west} {south}))"
        );
        let centre = format!("POINT({} {})", (west + east) / 2.0, (south + north) / 2.0);
        g.typed_literal(node.clone(), dcat("bbox"), &polygon, wkt.as_ref())
            .typed_literal(node.clone(), dcat("centroid"), &centre, wkt.as_ref());
    }
    Ok(node)
}

fn resource_node(g: &mut Graph, url: &str) -> Result<NamedNode> {
    concept(g, url, ns("rdfs", "Resource"))
}

/// The catalogue node, its data service and its paging.
fn catalog_graph(
    g: &mut Graph,
    ctx: &Ctx<'_>,
    datasets: &[NamedNode],
    issued: DateTime<Utc>,
    modified: DateTime<Utc>,
) -> Result<NamedNode> {
    let node = ctx.iri("/catalog")?;
    let publisher = ctx.iri("/organization/pemda")?;
    agent(g, &publisher, &ctx.portal.name, "RegionalAuthority")?;
    let homepage = ctx.iri("/")?;
    g.typed(homepage.clone(), ns("foaf", "Document"));
    let language = concept(
        g,
        &vocab::authority("language", "IND"),
        dct("LinguisticSystem"),
    )?;
    let spatial = region(g, ctx)?;
    let licence = licence(g, satudata_catalog::vocab::DEFAULT_LICENSE)?;
    let topik = ctx.iri("/topik")?;
    g.typed(topik.clone(), ns("skos", "ConceptScheme")).text(
        topik.clone(),
        dct("title"),
        "Topik Satu Data Indonesia",
    );
    let eu_themes = concept(
        g,
        "http://publications.europa.eu/resource/authority/data-theme",
        ns("skos", "ConceptScheme"),
    )?;
    g.string(eu_themes.clone(), dct("title"), "Data Theme");
    g.typed(node.clone(), dcat("Catalog"))
        .text(node.clone(), dct("title"), &ctx.portal.name)
        .text(
            node.clone(),
            dct("description"),
            &format!("Katalog Satu Data {}", ctx.portal.name),
        )
        .add(node.clone(), dct("publisher"), publisher.clone())
        .add(node.clone(), ns("foaf", "homepage"), homepage)
        .add(node.clone(), dct("language"), language)
        .add(node.clone(), dct("spatial"), spatial)
        .add(node.clone(), dct("license"), licence)
        .add(node.clone(), dcat("themeTaxonomy"), topik)
        .add(node.clone(), dcat("themeTaxonomy"), eu_themes)
        .datetime(node.clone(), dct("issued"), issued)
        .datetime(node.clone(), dct("modified"), modified);
    // The API as a data service.
    let service = ctx.iri("/api")?;
    let endpoint = resource_node(g, &format!("{}/api/3/action/package_search", ctx.base))?;
    let description = resource_node(g, &format!("{}/api/openapi.json", ctx.base))?;
    let oas = concept(g, "https://spec.openapis.org/oas/v3.1.0", dct("Standard"))?;
    let point = contact(
        g,
        ctx.iri("/api#contact")?,
        ctx.portal
            .contact_name
            .as_deref()
            .unwrap_or(&ctx.portal.name),
        ctx.portal.contact_email.as_deref(),
    )?;
    let theme = concept(
        g,
        &vocab::authority("data-theme", "GOVE"),
        ns("skos", "Concept"),
    )?;
    g.typed(service.clone(), dcat("DataService"))
        .text(
            service.clone(),
            dct("title"),
            "API Satu Data (CKAN, data API)",
        )
        .add(service.clone(), dcat("endpointURL"), endpoint)
        .add(service.clone(), dcat("endpointDescription"), description)
        .add(service.clone(), dct("conformsTo"), oas)
        .add(service.clone(), dcat("contactPoint"), point)
        .add(service.clone(), dct("publisher"), publisher)
        .add(service.clone(), dcat("theme"), theme)
        .text(service.clone(), dcat("keyword"), "API");
    g.add(node.clone(), dcat("service"), service.clone());
    for d in datasets {
        g.add(node.clone(), dcat("dataset"), d.clone());
        g.add(service.clone(), dcat("servesDataset"), d.clone());
    }
    Ok(node)
}

impl Harvest {
    /// One page of the public catalogue as DCAT-AP, with Hydra paging.
    pub async fn dcat_catalog(
        &self,
        base_url: &str,
        page: CatalogPage,
        format: RdfFormat,
        page_url: impl Fn(u64) -> String,
    ) -> Result<Vec<u8>> {
        let actor = Actor::Anonymous;
        let mut filter = visible(&actor, false, false);
        if let Some(since) = page.modified_since {
            filter = filter.add(dataset::Column::UpdatedAt.gte(since));
        }
        let words = page.q.as_deref().map(words).unwrap_or_default();
        if !words.is_empty() {
            let backend = self.catalog.db().get_database_backend();
            filter = filter.add(full_text(backend, &words)?);
        }
        let per_page = page.per_page.clamp(1, MAX_PAGE_SIZE);
        let number = page.page.max(1);
        let select = dataset::Entity::find()
            .filter(filter.clone())
            .order_by_asc(dataset::Column::Id);
        let at = self.filter_at(filter).await?;
        let total = self.count_datasets(&at).await?;
        // A page that follows one served at this generation starts after its last id (no
        // OFFSET scan of every earlier row): what a harvester walking hydra:next gets.
        let ended = |n: u64| format!("dcat-page|{per_page}|{n}");
        let previous_end = match number {
            1 => None,
            n => self.page_end(&at, &ended(n - 1)),
        };
        let page_rows = match previous_end {
            Some(after) => {
                select
                    .filter(dataset::Column::Id.gt(after))
                    .window(0, per_page)
                    .all(self.catalog.db())
                    .await?
            }
            None => {
                select
                    .window(number.saturating_sub(1).saturating_mul(per_page), per_page)
                    .all(self.catalog.db())
                    .await?
            }
        };
        if let Some(last) = page_rows.last() {
            self.remember_page_end(&at, &ended(number), last.id);
        }
        let rows = self.package_rows(page_rows).await?;
        // The catalogue's issued and modified dates: the first dataset created and the last one
        // changed, each found by walking an index rather than aggregating every row, and kept
        // for the generation (some SQLite planners scan for the second).
        let first = self
            .generation_time(&at, "first", async {
                dataset::Entity::find()
                    .select_only()
                    .column(dataset::Column::CreatedAt)
                    .filter(visible(&actor, false, false))
                    .order_by_asc(dataset::Column::Id)
                    .into_tuple()
                    .one(self.catalog.db())
                    .await
            })
            .await?;
        let last = self
            .generation_time(&at, "last", async {
                dataset::Entity::find()
                    .select_only()
                    .column(dataset::Column::UpdatedAt)
                    .filter(visible(&actor, false, false))
                    .order_by_desc(dataset::Column::UpdatedAt)
                    .into_tuple()
                    .one(self.catalog.db())
                    .await
            })
            .await?;
        let portal = self.catalog.portal().await?;
        let ctx = Ctx {
            base: base_url,
            portal: &portal,
        };
        let mut g = Graph::default();
        let mut nodes = Vec::with_capacity(rows.len());
        for row in &rows {
            nodes.push(dataset_graph::graph(&mut g, &ctx, row)?);
        }
        let issued = first.unwrap_or(portal.updated_at);
        let modified = last.unwrap_or(portal.updated_at);
        catalog_graph(&mut g, &ctx, &nodes, issued, modified)?;
        // Hydra paging.
        let last = total.div_ceil(per_page).max(1);
        let here = Graph::iri(&page_url(number))?;
        let hydra = |l: &str| ns("hydra", l);
        g.typed(here.clone(), hydra("PagedCollection"))
            .typed_literal(
                here.clone(),
                hydra("totalItems"),
                &total.to_string(),
                xsd::INTEGER,
            )
            .typed_literal(
                here.clone(),
                hydra("itemsPerPage"),
                &per_page.to_string(),
                xsd::INTEGER,
            )
            .add(here.clone(), hydra("firstPage"), Graph::iri(&page_url(1))?)
            .add(
                here.clone(),
                hydra("lastPage"),
                Graph::iri(&page_url(last))?,
            );
        if number < last {
            let next = Graph::iri(&page_url(number + 1))?;
            g.add(here.clone(), hydra("next"), next.clone()).add(
                here.clone(),
                hydra("nextPage"),
                next,
            );
        }
        if number > 1 {
            let previous = Graph::iri(&page_url(number - 1))?;
            g.add(here.clone(), hydra("previous"), previous.clone())
                .add(here, hydra("previousPage"), previous);
        }
        g.serialize(format)
    }

    /// One dataset as DCAT-AP (or schema.org), if the actor may read it.
    pub async fn dcat_dataset(
        &self,
        actor: &Actor,
        base_url: &str,
        key: &str,
        format: RdfFormat,
        schema_org: bool,
    ) -> Result<Vec<u8>> {
        let row = self.catalog.dataset_row(actor, key).await?;
        let portal = self.catalog.portal().await?;
        let ctx = Ctx {
            base: base_url,
            portal: &portal,
        };
        let rows = self.package_rows(vec![row]).await?;
        let row = rows
            .first()
            .ok_or_else(|| Error::Invariant("dataset vanished".into()))?;
        let mut g = Graph::default();
        if schema_org {
            schemaorg::dataset(&mut g, ctx.site(), row)?;
        } else {
            dataset_graph::graph(&mut g, &ctx, row)?;
        }
        g.serialize(format)
    }
}
