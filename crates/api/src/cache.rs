//! Harvest responses kept in memory for anonymous callers. Harvesters and portals repeat the
//! same requests (the first search page, the first catalogue page), and a response depends
//! only on the request and on the catalogue, so responses live in a
//! [`GenerationMap`](satudata_catalog::generation::GenerationMap): used only while the
//! database still reports the generation they were computed at, within a byte budget.
//! Concurrent misses of one key wait for a single computation instead of all computing it.

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use satudata_catalog::flights::{Flight, Flights};
use satudata_catalog::generation::GenerationMap;

/// A cached body and its content type.
#[derive(Debug, Clone)]
pub struct Cached {
    /// `Content-Type` of the body.
    pub content_type: HeaderValue,
    /// The body.
    pub body: Bytes,
}

impl IntoResponse for Cached {
    fn into_response(self) -> Response {
        let mut response = Body::from(self.body).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, self.content_type);
        response
    }
}

/// Responses keyed by request, all of one generation.
#[derive(Debug)]
pub struct ResponseCache {
    responses: GenerationMap<Cached>,
    flights: Flights,
}

impl ResponseCache {
    /// A cache holding at most `budget` bytes of bodies (0: nothing is kept).
    pub fn new(budget: usize) -> Self {
        Self {
            responses: GenerationMap::new(budget),
            flights: Flights::default(),
        }
    }

    /// Whether anything is ever kept.
    pub fn enabled(&self) -> bool {
        self.responses.enabled()
    }

    /// The response to `key` computed at `generation`, if there is one.
    pub fn get(&self, generation: i64, key: &str) -> Option<Cached> {
        self.responses.get(generation, key)
    }

    /// Keeps the response to `key` computed at `generation`.
    pub fn put(&self, generation: i64, key: String, value: Cached) {
        let weight = value.body.len();
        self.responses.put(generation, key, value, weight);
    }

    /// Waits for the turn to compute `key` (see [`Flights::turn`]).
    pub async fn flight(&self, key: &str) -> Flight<'_> {
        self.flights.turn(key).await
    }
}
