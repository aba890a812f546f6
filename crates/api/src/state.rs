//! Application state shared by all handlers.

use satudata_catalog::Catalog;

/// What handlers need: the catalog and the public base URL for links.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The catalog.
    pub catalog: Catalog,
    /// Public URL of this service without a trailing slash, e.g. `https://data.mojokertokota.go.id`.
    pub base_url: String,
}

impl AppState {
    /// State from a catalog and a base URL.
    pub fn new(catalog: Catalog, base_url: &str) -> Self {
        Self {
            catalog,
            base_url: base_url.trim_end_matches('/').to_owned(),
        }
    }

    /// An absolute URL for a path starting with `/`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }
}
