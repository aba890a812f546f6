//! Harvest responses kept in memory for anonymous callers. Harvesters and portals repeat the
//! same requests (the first search page, the first catalogue page), and a response depends
//! only on the request and on the catalogue, so each entry is stored with the catalogue
//! generation it was computed at ([`satudata_catalog::Catalog::generation`]) and is used only
//! while the database still reports that generation. The first lookup that sees a newer
//! generation empties the cache; a full cache is emptied too (a crude but hard bound).
//! Concurrent misses of one key wait for a single computation instead of all computing it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

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
    budget: usize,
    inner: Mutex<Inner>,
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

#[derive(Debug, Default)]
struct Inner {
    generation: i64,
    bytes: usize,
    entries: HashMap<String, Cached>,
}

impl ResponseCache {
    /// A cache holding at most `budget` bytes of bodies (0: nothing is kept).
    pub fn new(budget: usize) -> Self {
        Self {
            budget,
            inner: Mutex::default(),
            flights: Mutex::default(),
        }
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

    /// Whether anything is ever kept.
    pub fn enabled(&self) -> bool {
        self.budget > 0
    }

    /// The response to `key` computed at `generation`, if there is one.
    pub fn get(&self, generation: i64, key: &str) -> Option<Cached> {
        let mut inner = self.inner.lock().ok()?;
        inner.advance(generation);
        (inner.generation == generation)
            .then(|| inner.entries.get(key).cloned())
            .flatten()
    }

    /// Keeps the response to `key` computed at `generation` (dropped when the cache has moved
    /// on to a newer generation, or when the body alone exceeds a quarter of the budget).
    pub fn put(&self, generation: i64, key: String, value: Cached) {
        let key_len = key.len();
        let size = value.body.len() + key_len;
        if size > self.budget / 4 {
            return;
        }
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        inner.advance(generation);
        if inner.generation != generation {
            return;
        }
        if inner.bytes + size > self.budget {
            inner.entries.clear();
            inner.bytes = 0;
        }
        if let Some(old) = inner.entries.insert(key, value) {
            inner.bytes -= old.body.len() + key_len;
        }
        inner.bytes += size;
    }
}

impl Inner {
    fn advance(&mut self, generation: i64) {
        if generation > self.generation {
            self.entries.clear();
            self.bytes = 0;
            self.generation = generation;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(text: &'static str) -> Cached {
        Cached {
            content_type: HeaderValue::from_static("text/plain"),
            body: Bytes::from_static(text.as_bytes()),
        }
    }

    #[test]
    fn a_newer_generation_empties_the_cache_and_older_results_are_not_kept() {
        let cache = ResponseCache::new(1000);
        cache.put(3, "a".into(), body("three"));
        assert_eq!(
            cache.get(3, "a").map(|c| c.body),
            Some(Bytes::from("three"))
        );
        assert!(cache.get(4, "a").is_none());
        // A response computed before the change arrives late: not kept.
        cache.put(3, "a".into(), body("stale"));
        assert!(cache.get(4, "a").is_none());
        assert!(cache.get(3, "a").is_none());
    }

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

    #[test]
    fn the_budget_bounds_what_is_kept() {
        let cache = ResponseCache::new(40);
        assert!(cache.enabled());
        cache.put(1, "big".into(), body("more than a quarter of forty"));
        assert!(cache.get(1, "big").is_none());
        cache.put(1, "a".into(), body("123456789"));
        cache.put(1, "b".into(), body("123456789"));
        cache.put(1, "a".into(), body("123456789"));
        assert!(cache.get(1, "b").is_some());
        cache.put(1, "c".into(), body("123456789"));
        cache.put(1, "d".into(), body("123456789"));
        assert!(cache.get(1, "a").is_some());
        cache.put(1, "e".into(), body("123456789"));
        // The fifth entry overflowed the budget: the cache was emptied first.
        assert!(cache.get(1, "a").is_none());
        assert!(cache.get(1, "e").is_some());
        assert!(!ResponseCache::new(0).enabled());
    }
}
