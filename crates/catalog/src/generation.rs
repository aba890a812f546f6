//! The catalogue generation and the one mechanism that keeps values for it.
//!
//! Database triggers (migration 000007) raise `catalogue_state.generation` in the same
//! transaction as every change to what the public feeds show, whichever process or tool makes
//! it. A value computed after reading generation `g` stays true while the counter reads `g`, so
//! [`GenerationMap`] keeps values tagged with the generation they were computed at: a lookup
//! with a newer generation empties the map, a value computed at an older one is not kept, and a
//! full map is emptied (a crude but hard bound). The catalog keeps dataset counts and page ends
//! in one; the API keeps whole harvest responses in another.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::{Catalog, Error, Result};

/// Values of one catalogue generation, keyed by string, within a weight budget.
#[derive(Debug)]
pub struct GenerationMap<V> {
    budget: usize,
    inner: Mutex<State<V>>,
}

#[derive(Debug)]
struct State<V> {
    generation: i64,
    weight: usize,
    entries: HashMap<String, (V, usize)>,
}

impl<V: Clone> GenerationMap<V> {
    /// A map holding at most `budget` units of weight (0: nothing is kept).
    pub fn new(budget: usize) -> Self {
        Self {
            budget,
            inner: Mutex::new(State {
                generation: i64::MIN,
                weight: 0,
                entries: HashMap::new(),
            }),
        }
    }

    /// Whether anything is ever kept.
    pub fn enabled(&self) -> bool {
        self.budget > 0
    }

    /// The value of `key` computed at `generation`, if there is one.
    pub fn get(&self, generation: i64, key: &str) -> Option<V> {
        let mut state = self.inner.lock().ok()?;
        state.advance(generation);
        (state.generation == generation)
            .then(|| state.entries.get(key).map(|(v, _)| v.clone()))
            .flatten()
    }

    /// Keeps the value of `key` computed at `generation`, weighing `weight` (dropped when the
    /// map has moved on to a newer generation, or when it alone weighs over a quarter of the
    /// budget).
    pub fn put(&self, generation: i64, key: String, value: V, weight: usize) {
        let weight = weight + key.len();
        if weight > self.budget / 4 {
            return;
        }
        let Ok(mut state) = self.inner.lock() else {
            return;
        };
        state.advance(generation);
        if state.generation != generation {
            return;
        }
        if state.weight + weight > self.budget {
            state.entries.clear();
            state.weight = 0;
        }
        if let Some((_, old)) = state.entries.insert(key, (value, weight)) {
            state.weight -= old;
        }
        state.weight += weight;
    }
}

impl<V> State<V> {
    fn advance(&mut self, generation: i64) {
        if generation > self.generation {
            self.entries.clear();
            self.weight = 0;
            self.generation = generation;
        }
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
            .ok_or_else(|| Error::Internal("catalogue_state has no row".into()))?;
        Ok(row.try_get::<i64>("", "generation")?)
    }
}

#[cfg(test)]
mod tests {
    use super::GenerationMap;

    #[test]
    fn a_newer_generation_empties_the_map_and_older_values_are_not_kept() {
        let map = GenerationMap::new(1000);
        map.put(3, "a".into(), "three", 5);
        assert_eq!(map.get(3, "a"), Some("three"));
        assert!(map.get(4, "a").is_none());
        // A value computed before the change arrives late: not kept.
        map.put(3, "a".into(), "stale", 5);
        assert!(map.get(4, "a").is_none());
        assert!(map.get(3, "a").is_none());
    }

    #[test]
    fn the_budget_bounds_what_is_kept() {
        let map = GenerationMap::new(40);
        assert!(map.enabled());
        map.put(1, "big".into(), 0, 20);
        assert!(map.get(1, "big").is_none());
        for key in ["a", "b", "a", "c", "d"] {
            map.put(1, key.into(), 0, 9);
        }
        assert!(map.get(1, "a").is_some());
        map.put(1, "e".into(), 0, 9);
        // The fifth entry overflowed the budget: the map was emptied first.
        assert!(map.get(1, "a").is_none());
        assert!(map.get(1, "e").is_some());
        assert!(!GenerationMap::<u8>::new(0).enabled());
    }
}
