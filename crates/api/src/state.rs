//! Application state shared by all handlers.

use std::future::Future;
use std::sync::Arc;

use satudata_catalog::Catalog;
use satudata_harvest::Harvest;

use crate::cache::{Cached, ResponseCache};
use crate::metrics::Metrics;
use crate::server::Draining;

/// What handlers need: the catalog, the public base URL for links, the harvest response cache
/// and the portal's pages.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The catalog.
    pub catalog: Catalog,
    /// The harvest read model over the same catalog (CKAN, DCAT, data.json ...).
    pub harvest: Harvest,
    /// Public URL of this service without a trailing slash, e.g. `https://data.mojokertokota.go.id`.
    pub base_url: String,
    /// Responses to anonymous harvest requests (`Settings::feed_cache_bytes`).
    pub cache: Arc<ResponseCache>,
    /// The public portal's pages (`satudata-web`), which answer every path the API does not.
    pub web: axum::Router,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Arc<[std::net::IpAddr]>,
    /// How long a request body may pause between two chunks.
    pub body_timeout: std::time::Duration,
    /// The metrics served at `/metrics` (the catalog reports to them too).
    pub metrics: Arc<Metrics>,
    /// Set once the service shuts down: `/readyz` then answers 503.
    pub draining: Draining,
}

impl AppState {
    /// State from a catalog and a base URL; the catalog reports to the state's metrics.
    pub fn new(catalog: Catalog, base_url: &str) -> Self {
        let cache = Arc::new(ResponseCache::new(catalog.settings().feed_cache_bytes));
        let metrics = Arc::new(Metrics::new());
        let catalog = catalog.observed_by(metrics.clone());
        let harvest = Harvest::new(catalog.clone());
        let web = satudata_web::router(satudata_web::WebState::new(catalog.clone(), base_url));
        Self {
            harvest,
            catalog,
            base_url: base_url.trim_end_matches('/').to_owned(),
            cache,
            web,
            trusted_proxies: Arc::from([]),
            body_timeout: std::time::Duration::from_secs(60),
            metrics,
            draining: Draining::default(),
        }
    }

    /// The same state with the HTTP settings of `config`.
    pub fn configured(mut self, config: &crate::Config) -> Self {
        self.trusted_proxies = Arc::from(config.trusted_proxies.clone());
        self.web = satudata_web::router(
            satudata_web::WebState::new(self.catalog.clone(), &self.base_url)
                .with_cookie_secure(config.cookie_secure)
                .with_trusted_proxies(&config.trusted_proxies),
        );
        self.body_timeout = std::time::Duration::from_secs(config.body_timeout_secs);
        self
    }

    /// The response to an anonymous request, from the cache while the catalogue generation is
    /// the one it was computed at, else from `compute` (whose successful answer is then
    /// kept). Only for requests whose answer depends on nothing but `key` and the catalogue.
    pub async fn cached<E, F>(&self, key: String, compute: F) -> Result<Cached, E>
    where
        F: Future<Output = Result<Cached, E>>,
    {
        if !self.cache.enabled() {
            return compute.await;
        }
        let generation = match self.catalog.generation().await {
            Ok(generation) => generation,
            Err(error) => {
                tracing::warn!(%error, "catalogue generation unreadable; not caching");
                return compute.await;
            }
        };
        if let Some(hit) = self.cache.get(generation, &key) {
            self.metrics.feed_cache(true);
            return Ok(hit);
        }
        // Concurrent misses compute once; the others find the answer after their wait.
        let _flight = self.cache.flight(&key).await;
        if let Some(hit) = self.cache.get(generation, &key) {
            self.metrics.feed_cache(true);
            return Ok(hit);
        }
        self.metrics.feed_cache(false);
        let fresh = compute.await?;
        self.cache.put(generation, key, fresh.clone());
        Ok(fresh)
    }

    /// An absolute URL for a path starting with `/`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }
}
