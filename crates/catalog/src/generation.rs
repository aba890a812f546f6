//! The catalogue generation and the one mechanism that keeps values for it.
//!
//! Database triggers (migration 000007) raise `catalogue_state.generation` in the same
//! transaction as every change to what the public feeds show, whichever process or tool makes
//! it. A value computed after reading generation `g` stays true while the counter reads `g`, so
//! [`GenerationMap`] keeps values tagged with the generation they were computed at: a lookup
//! finds only values of the generation it asks for, a newer generation drops the older values,
//! and a weight budget bounds the rest (moka's size-aware eviction). The harvest crate keeps
//! dataset counts and page ends in one; the API keeps whole harvest responses in another.

use std::sync::atomic::{AtomicI64, Ordering};

use crate::{Catalog, Error, Result};

/// Values of one catalogue generation, keyed by string, within a weight budget.
#[derive(Debug)]
pub struct GenerationMap<V: Clone + Send + Sync + 'static> {
    budget: usize,
    /// The newest generation seen.
    generation: AtomicI64,
    /// Values with the generation they were computed at and their weight.
    entries: moka::sync::Cache<String, (i64, V, u32)>,
}

impl<V: Clone + Send + Sync + 'static> GenerationMap<V> {
    /// A map holding at most `budget` units of weight (0: nothing is kept).
    pub fn new(budget: usize) -> Self {
        Self {
            budget,
            generation: AtomicI64::new(i64::MIN),
            entries: moka::sync::Cache::builder()
                .max_capacity(u64::try_from(budget).unwrap_or(u64::MAX))
                .weigher(|_, (_, _, weight): &(i64, V, u32)| *weight)
                .build(),
        }
    }

    /// Whether anything is ever kept.
    pub fn enabled(&self) -> bool {
        self.budget > 0
    }

    /// The value of `key` computed at `generation`, if there is one.
    pub fn get(&self, generation: i64, key: &str) -> Option<V> {
        self.advance(generation);
        match self.entries.get(key) {
            Some((at, value, _)) if at == generation => Some(value),
            _ => None,
        }
    }

    /// Keeps the value of `key` computed at `generation`, weighing `weight` plus its key's
    /// length (not kept when a newer generation has been seen, or when it alone weighs over a
    /// quarter of the budget).
    pub fn put(&self, generation: i64, key: String, value: V, weight: usize) {
        let weight = weight.saturating_add(key.len());
        if !self.enabled() || weight > self.budget / 4 {
            return;
        }
        self.advance(generation);
        if self.generation.load(Ordering::Acquire) != generation {
            return;
        }
        let weight = u32::try_from(weight).unwrap_or(u32::MAX);
        self.entries.insert(key, (generation, value, weight));
    }

    /// Notes a generation; a newer one than any seen frees the values of the older ones
    /// (a lookup would never return them anyway).
    fn advance(&self, generation: i64) {
        if self.generation.fetch_max(generation, Ordering::AcqRel) < generation {
            self.entries.invalidate_all();
        }
    }

    /// The weight of what is kept, once pending evictions have run (for tests and metrics).
    pub fn weight(&self) -> u64 {
        self.entries.run_pending_tasks();
        self.entries.weighted_size()
    }
}

impl Catalog {
    /// The catalogue generation (see the module comment). A value computed after reading
    /// generation `g` is valid for as long as the counter reads `g`.
    pub async fn generation(&self) -> Result<i64> {
        use sea_orm::{ConnectionTrait, Statement};
        let sql = "SELECT generation FROM catalogue_state WHERE id = 1";
        let db = self.db();
        let row = db
            .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
            .await?
            .ok_or_else(|| Error::Invariant("catalogue_state has no row".into()))?;
        Ok(row.try_get::<i64>("", "generation")?)
    }
}

#[cfg(test)]
mod tests {
    use super::GenerationMap;

    #[test]
    fn a_newer_generation_hides_older_values_and_older_values_are_not_kept() {
        let map = GenerationMap::new(1000);
        map.put(3, "a".into(), "three", 5);
        assert_eq!(map.get(3, "a"), Some("three"));
        assert!(map.get(4, "a").is_none());
        // A value computed before the change arrives late: not kept.
        map.put(3, "a".into(), "stale", 5);
        assert!(map.get(4, "a").is_none());
        assert!(map.get(3, "a").is_none());
        map.put(4, "a".into(), "four", 5);
        assert_eq!(map.get(4, "a"), Some("four"));
    }

    #[test]
    fn the_budget_bounds_what_is_kept() {
        let map = GenerationMap::new(400);
        assert!(map.enabled());
        map.put(1, "big".into(), 0, 200);
        assert!(map.get(1, "big").is_none(), "over a quarter of the budget");
        for i in 0..100 {
            map.put(1, format!("k{i:02}"), i, 7);
        }
        assert!(map.weight() <= 400, "{}", map.weight());
        assert!(map.weight() > 0);
        let disabled = GenerationMap::<u8>::new(0);
        disabled.put(1, "a".into(), 1, 0);
        assert!(!disabled.enabled());
        assert!(disabled.get(1, "a").is_none());
    }
}
