//! Prometheus metrics, served at `/metrics` in the Prometheus text format (version 0.0.4).
//!
//! One [`Metrics`] per [`AppState`](crate::AppState), with its own registry (no process-wide
//! state, so every test app counts for itself). Requests are counted and timed per route
//! template (axum's [`MatchedPath`], never the raw URL, so `/datasets/{slug}` is one series
//! however many datasets exist); the catalog reports uploads, validations, publications and
//! data-cache lookups through [`Observer`]; gauges (database pool, job queue, draining) are
//! read at each scrape.

use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};
use satudata_catalog::Catalog;
use satudata_catalog::observe::Observer;

/// The `Content-Type` of `/metrics`.
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

/// Upper bounds (seconds) of request latency buckets.
const LATENCY_BUCKETS: [f64; 14] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0,
];
/// Upper bounds (seconds) of validation and publication buckets: tables take from
/// milliseconds to minutes.
const WORK_BUCKETS: [f64; 12] = [
    0.01, 0.05, 0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 600.0,
];

/// Labels of a request counter.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: String,
    status: u16,
}

/// Labels of a latency histogram.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: &'static str,
    route: String,
}

/// Labels of a cache lookup counter: `hit` or `miss`.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CacheLabels {
    result: &'static str,
}

/// Labels of the build information gauge.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BuildLabels {
    version: &'static str,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

/// The service's metrics and their registry.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: HistogramFamily<RouteLabels>,
    in_flight: Gauge,
    upload_bytes: Counter,
    validation_rows: Counter,
    validation_seconds: Histogram,
    publish_seconds: Histogram,
    data_cache: Family<CacheLabels, Counter>,
    feed_cache: Family<CacheLabels, Counter>,
    pool_open: Gauge,
    pool_in_use: Gauge,
    pool_max: Gauge,
    job_queue_depth: Gauge,
    job_queue_oldest: Gauge<f64, AtomicU64>,
    draining: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Every metric, registered under the `satudata_` prefix.
    pub fn new() -> Self {
        let mut m = Self {
            requests: Family::default(),
            latency: Family::new_with_constructor(|| Histogram::new(LATENCY_BUCKETS)),
            in_flight: Gauge::default(),
            upload_bytes: Counter::default(),
            validation_rows: Counter::default(),
            validation_seconds: Histogram::new(WORK_BUCKETS),
            publish_seconds: Histogram::new(WORK_BUCKETS),
            data_cache: Family::default(),
            feed_cache: Family::default(),
            pool_open: Gauge::default(),
            pool_in_use: Gauge::default(),
            pool_max: Gauge::default(),
            job_queue_depth: Gauge::default(),
            job_queue_oldest: Gauge::default(),
            draining: Gauge::default(),
            registry: Registry::with_prefix("satudata"),
        };
        let r = &mut m.registry;
        r.register(
            "http_requests",
            "HTTP requests answered, by method, route template and status",
            m.requests.clone(),
        );
        r.register_with_unit(
            "http_request_duration",
            "Time to answer a request (until the response head), by method and route template",
            Unit::Seconds,
            m.latency.clone(),
        );
        r.register(
            "http_requests_in_flight",
            "Requests being answered now",
            m.in_flight.clone(),
        );
        r.register_with_unit(
            "upload",
            "Bytes of uploaded tables received and stored",
            Unit::Bytes,
            m.upload_bytes.clone(),
        );
        r.register(
            "validation_rows",
            "Data rows of uploaded tables validated (rows/s: rate of this over rate of \
             satudata_validation_duration_seconds_sum)",
            m.validation_rows.clone(),
        );
        r.register_with_unit(
            "validation_duration",
            "Time to validate an uploaded table",
            Unit::Seconds,
            m.validation_seconds.clone(),
        );
        r.register_with_unit(
            "publish_duration",
            "Time to publish a version: files written in every format and the commit",
            Unit::Seconds,
            m.publish_seconds.clone(),
        );
        r.register(
            "data_cache_lookups",
            "Data API page cache lookups, by result (hit or miss)",
            m.data_cache.clone(),
        );
        r.register(
            "feed_cache_lookups",
            "Anonymous harvest answer (CKAN, DCAT, data.json) cache lookups, by result",
            m.feed_cache.clone(),
        );
        r.register(
            "db_pool_connections",
            "Database connections open (idle or in use)",
            m.pool_open.clone(),
        );
        r.register(
            "db_pool_connections_in_use",
            "Database connections in use",
            m.pool_in_use.clone(),
        );
        r.register(
            "db_pool_connections_max",
            "Most database connections the pool opens",
            m.pool_max.clone(),
        );
        r.register(
            "job_queue_depth",
            "Background jobs waiting or running (0 until background jobs exist)",
            m.job_queue_depth.clone(),
        );
        r.register_with_unit(
            "job_queue_oldest_age",
            "Age of the oldest waiting or running background job (0 when none)",
            Unit::Seconds,
            m.job_queue_oldest.clone(),
        );
        r.register(
            "draining",
            "1 while the service shuts down (/readyz answers 503), else 0",
            m.draining.clone(),
        );
        // Both results exist from the start, so a hit ratio has a series to divide by.
        for hit in [true, false] {
            drop(m.data_cache.get_or_create(&cache_labels(hit)));
            drop(m.feed_cache.get_or_create(&cache_labels(hit)));
        }
        let build = Family::<BuildLabels, Gauge>::default();
        build
            .get_or_create(&BuildLabels {
                version: env!("CARGO_PKG_VERSION"),
            })
            .set(1);
        r.register("build_info", "The running version (always 1)", build);
        m
    }

    /// Counts a harvest cache lookup.
    pub fn feed_cache(&self, hit: bool) {
        self.feed_cache.get_or_create(&cache_labels(hit)).inc();
    }

    /// The metrics in the Prometheus text format, with the gauges read now.
    pub async fn render(&self, catalog: &Catalog, draining: bool) -> String {
        let pool = catalog.pool_status();
        self.pool_open.set(i64::from(pool.open));
        self.pool_in_use.set(i64::from(pool.in_use()));
        self.pool_max.set(i64::from(pool.max));
        match catalog.job_queue_status().await {
            Ok(queue) => {
                self.job_queue_depth
                    .set(i64::try_from(queue.depth).unwrap_or(i64::MAX));
                self.job_queue_oldest.set(queue.oldest_age.as_secs_f64());
            }
            Err(error) => tracing::warn!(%error, "job queue unreadable for /metrics"),
        }
        self.draining.set(i64::from(draining));
        let mut out = String::new();
        if let Err(error) =
            prometheus_client::encoding::prometheus_text::encode(&mut out, &self.registry)
        {
            tracing::error!(%error, "encoding /metrics failed");
        }
        out
    }

    /// Counts and times a request that is answered now.
    fn observe_request(&self, method: &'static str, route: String, status: u16, took: Duration) {
        self.latency
            .get_or_create(&RouteLabels {
                method,
                route: route.clone(),
            })
            .observe(took.as_secs_f64());
        self.requests
            .get_or_create(&RequestLabels {
                method,
                route,
                status,
            })
            .inc();
    }
}

impl Observer for Metrics {
    fn upload_received(&self, bytes: u64) {
        self.upload_bytes.inc_by(bytes);
    }

    fn validated(&self, rows: u64, took: Duration) {
        self.validation_rows.inc_by(rows);
        self.validation_seconds.observe(took.as_secs_f64());
    }

    fn published(&self, took: Duration) {
        self.publish_seconds.observe(took.as_secs_f64());
    }

    fn data_cache(&self, hit: bool) {
        self.data_cache.get_or_create(&cache_labels(hit)).inc();
    }
}

fn cache_labels(hit: bool) -> CacheLabels {
    CacheLabels {
        result: if hit { "hit" } else { "miss" },
    }
}

/// Middleware: counts and times every request by its route template. Requests that match no
/// route are counted as `unmatched`, so scanners cannot create series.
pub async fn track(
    State(metrics): State<std::sync::Arc<Metrics>>,
    request: Request,
    next: Next,
) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = method_label(request.method());
    let started = Instant::now();
    let _in_flight = InFlight::enter(&metrics.in_flight);
    let response = next.run(request).await;
    metrics.observe_request(method, route, response.status().as_u16(), started.elapsed());
    response
}

/// The methods the API knows, and `other`.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Holds one unit of the in-flight gauge, also when the request is cancelled.
struct InFlight<'a>(&'a Gauge);

impl<'a> InFlight<'a> {
    fn enter(gauge: &'a Gauge) -> Self {
        gauge.inc();
        Self(gauge)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.dec();
    }
}
