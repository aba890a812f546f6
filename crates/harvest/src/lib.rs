//! What other systems read: the CKAN Action API (read side), DCAT-AP 3.0.1 (Turtle, RDF/XML,
//! JSON-LD, schema.org), Project Open Data `data.json`, and a version's Frictionless Data
//! Package and CSVW metadata. National portals (data.go.id runs CKAN) harvest us through these
//! without any change to their harvesters.
//!
//! Everything here is a read model over the catalog: [`read_model`] loads a page of datasets
//! with their OPD, tags, current version and files; the catalog's one visibility rule
//! ([`satudata_catalog::visibility`]) decides what a caller sees; the catalog's
//! [`names`] (licences as CKAN lists them, resource ids; the portal shows them too) and
//! `national.rs` (the national metadata keys) hold the names other portals expect;
//! `counts.rs` keeps counts and page ends per catalogue generation, so a harvester's walk
//! never recounts or OFFSET-scans.
//!
//! Depends on `satudata-catalog` (and the data API engine for `datastore_search`); must not
//! depend on HTTP: the API crate wraps these answers in CKAN's envelope and in responses.

pub mod ckan;
mod counts;
pub mod datajson;
pub mod datapackage;
pub mod dcat;
mod error;
mod national;
pub mod read_model;

pub use satudata_catalog::names;

use std::sync::Arc;

use satudata_catalog::Catalog;
use satudata_catalog::generation::GenerationMap;

pub use error::{Error, Result};

/// The harvest read model over a catalog: cheap to clone, shared by all handlers.
#[derive(Debug, Clone)]
pub struct Harvest {
    catalog: Catalog,
    /// Dataset counts, dates and page ends per filter for the current catalogue generation.
    kept: Arc<GenerationMap<counts::Kept>>,
}

impl Harvest {
    /// The read model over `catalog`.
    pub fn new(catalog: Catalog) -> Self {
        Self {
            catalog,
            kept: Arc::new(GenerationMap::new(counts::BUDGET)),
        }
    }

    /// The catalog underneath.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }
}
