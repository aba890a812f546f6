//! Counts of datasets by filter, and where each catalogue page ended, kept for one catalogue
//! generation. Harvesters page through the same filter hundreds of times (`package_search` with
//! `start=N`, catalogue pages). On a large catalogue the count is most of the cost of a page (a
//! scan of every visible row), and a deep page's OFFSET scans every row before it; so the count
//! is computed once per filter, and a page that follows one already served starts after that
//! page's last id instead of skipping rows — exact while the catalogue does not change
//! ([`Catalog::generation`]).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use std::sync::Mutex;

use sea_orm::{EntityTrait, PaginatorTrait, QueryFilter, QueryTrait, sea_query::Condition};

use crate::entity::dataset;
use crate::{Catalog, Result};

/// Filters remembered per generation (a bound on memory).
const KEPT: usize = 10_000;

/// Counts of one generation.
#[derive(Debug, Default)]
pub(crate) struct CountCache {
    inner: Mutex<(i64, HashMap<String, u64>)>,
}

impl CountCache {
    pub(crate) fn get(&self, generation: i64, key: &str) -> Option<u64> {
        let inner = self.inner.lock().ok()?;
        (inner.0 == generation)
            .then(|| inner.1.get(key).copied())
            .flatten()
    }

    pub(crate) fn put(&self, generation: i64, key: String, count: u64) {
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        if generation > inner.0 || inner.1.len() >= KEPT {
            inner.1.clear();
            inner.0 = inner.0.max(generation);
        }
        if inner.0 == generation {
            inner.1.insert(key, count);
        }
    }
}

impl Catalog {
    /// The number of datasets matching `filter`, computed once per catalogue generation.
    pub(crate) async fn count_datasets(&self, filter: Condition) -> Result<u64> {
        let (generation, key) = self.filter_key(filter.clone()).await?;
        let key = format!("count|{key}");
        if let Some(count) = self.count_cache().get(generation, &key) {
            return Ok(count);
        }
        let count = dataset::Entity::find()
            .filter(filter)
            .count(self.db())
            .await?;
        self.count_cache().put(generation, key, count);
        Ok(count)
    }

    /// A time that depends only on the catalogue (such as the newest change), computed once per
    /// generation.
    pub(crate) async fn generation_time(
        &self,
        generation: i64,
        name: &str,
        compute: impl std::future::Future<
            Output = std::result::Result<Option<DateTime<Utc>>, sea_orm::DbErr>,
        >,
    ) -> Result<Option<DateTime<Utc>>> {
        let key = format!("time|{name}");
        if let Some(micros) = self.count_cache().get(generation, &key) {
            return Ok(i64::try_from(micros)
                .ok()
                .and_then(DateTime::from_timestamp_micros));
        }
        let time = compute.await?;
        if let Some(micros) = time.and_then(|t| u64::try_from(t.timestamp_micros()).ok()) {
            self.count_cache().put(generation, key, micros);
        }
        Ok(time)
    }

    /// The current generation and a key that identifies `filter` exactly (the statement with
    /// its values).
    pub(crate) async fn filter_key(&self, filter: Condition) -> Result<(i64, String)> {
        let select = dataset::Entity::find().filter(filter);
        let key = format!("{:?}", select.build(self.db().get_database_backend()));
        Ok((self.generation().await?, key))
    }
}

#[cfg(test)]
mod tests {
    use super::CountCache;

    #[test]
    fn counts_live_for_one_generation() {
        let cache = CountCache::default();
        cache.put(2, "a".into(), 10);
        assert_eq!(cache.get(2, "a"), Some(10));
        assert_eq!(cache.get(3, "a"), None);
        cache.put(3, "a".into(), 11);
        assert_eq!(cache.get(3, "a"), Some(11));
        assert_eq!(cache.get(2, "a"), None);
        // A count computed before the change arrives late: not kept.
        cache.put(2, "b".into(), 5);
        assert_eq!(cache.get(3, "b"), None);
    }
}
