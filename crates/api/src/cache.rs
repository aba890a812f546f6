//! Harvest responses kept in memory for anonymous callers. Harvesters and portals repeat the
//! same requests (the first search page, the first catalogue page), and a response depends
//! only on the request and on the catalogue, so responses live in a
//! [`GenerationMap`](satudata_catalog::generation::GenerationMap): used only while the
//! database still reports the generation they were computed at, within a byte budget.
//! Concurrent misses of one key wait for a single computation instead of all computing it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
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
    /// One gate per key being computed.
    flights: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// The right to compute one key; others asking for it wait until it is dropped.
#[derive(Debug)]
pub struct Flight<'a> {
    cache: &'a ResponseCache,
    key: String,
    turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl Drop for Flight<'_> {
    fn drop(&mut self) {
        let Some(turn) = self.turn.take() else {
            return;
        };
        let gate = Arc::clone(tokio::sync::OwnedMutexGuard::mutex(&turn));
        drop(turn);
        if let Ok(mut flights) = self.cache.flights.lock() {
            // The map and this clone: nobody else is waiting.
            if Arc::strong_count(&gate) <= 2 {
                flights.remove(&self.key);
            }
        }
    }
}

impl ResponseCache {
    /// A cache holding at most `budget` bytes of bodies (0: nothing is kept).
    pub fn new(budget: usize) -> Self {
        Self {
            responses: GenerationMap::new(budget),
            flights: Mutex::default(),
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

    /// Waits for the turn to compute `key` (immediately, unless another request is computing
    /// it; look in the cache again after the wait).
    pub async fn flight(&self, key: &str) -> Flight<'_> {
        let gate = self
            .flights
            .lock()
            .ok()
            .map(|mut flights| Arc::clone(flights.entry(key.to_owned()).or_default()));
        let turn = match gate {
            Some(gate) => Some(gate.lock_owned().await),
            None => None,
        };
        Flight {
            cache: self,
            key: key.to_owned(),
            turn,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_request_computes_while_the_others_wait() {
        let cache = ResponseCache::new(1000);
        let first = cache.flight("k").await;
        let waiting = cache.flight("k");
        tokio::pin!(waiting);
        // The second caller cannot get its turn while the first holds it.
        let blocked =
            tokio::time::timeout(std::time::Duration::from_millis(50), &mut waiting).await;
        assert!(blocked.is_err());
        drop(first);
        let second = waiting.await;
        drop(second);
        assert!(cache.flights.lock().expect("lock").is_empty());
    }
}
