//! HTTP layer of satudata: axum routes, the error envelope, OpenAPI, configuration, the CLI and
//! the start-up of the service. Handlers are thin: extract, call one catalog (or harvest)
//! service, map to a response type.
//!
//! The top of the dependency graph: it may use every crate, and no crate uses it. It must not
//! hold domain rules or SQL; those belong to `satudata-catalog`.

pub mod cache;
pub mod ckan;
pub mod cli;
pub mod config;
pub mod error;
pub mod extract;
pub mod healthcheck;
pub mod logging;
pub mod metrics;
pub mod responses;
mod routes;
pub mod server;
pub mod state;
pub mod validate_cli;
pub mod views;

use satudata_catalog::{Catalog, S3Options, Settings, Storage, db};

pub use config::Config;
pub use routes::{openapi, router};
pub use state::AppState;

/// The S3 settings of `config`.
pub(crate) fn s3_options(config: &Config) -> S3Options {
    S3Options {
        endpoint: config.s3_endpoint.clone(),
        region: config.s3_region.clone(),
        allow_http: config.s3_allow_http,
    }
}

/// Opens the database (running migrations) and the object store that `config` names.
pub async fn open_catalog(config: &Config) -> satudata_catalog::Result<Catalog> {
    let storage = Storage::open(&config.storage, &s3_options(config))?;
    let conn = db::connect(&config.database_url).await?;
    db::migrate(&conn).await?;
    let catalog = Catalog::new(
        conn,
        storage,
        Settings {
            max_upload_bytes: config.max_upload_bytes,
            cache_dir: config.cache_dir.clone(),
            page_cache_entries: config.data_cache_entries,
            feed_cache_bytes: config.feed_cache_mb.saturating_mul(1024 * 1024),
            query_limits: config.query_limits(),
            sign_in: config.sign_in_limits(),
            read_limits: config.read_limits(),
            jobs: config.job_settings(),
        },
    );
    catalog.portal().await?;
    if catalog.load_regions().await?.is_none() {
        match &config.reference {
            Some(path) => {
                let counts = catalog
                    .import_regions(&satudata_catalog::Actor::Operator, path)
                    .await?;
                tracing::info!(?counts, path = %path.display(), "imported the Kemendagri region list");
            }
            None => tracing::warn!("{}", satudata_catalog::regions::missing_reference_hint().en),
        }
    }
    Ok(catalog)
}
