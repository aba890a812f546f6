//! Counts of datasets by filter, the catalogue's dates, and where each page ended, kept for one
//! catalogue generation ([`satudata_catalog::generation`]). Harvesters page through the same filter
//! hundreds of times (`package_search` with `start=N`, catalogue pages). On a large catalogue
//! the count is most of the cost of a page (a scan of every visible row), and a deep page's
//! OFFSET scans every row before it; so the count is computed once per filter, and a page that
//! follows one already served starts after that page's last id instead of skipping rows —
//! exact while the catalogue does not change.

use chrono::{DateTime, Utc};
use sea_orm::{EntityTrait, PaginatorTrait, QueryFilter, QueryTrait, sea_query::Condition};

use satudata_catalog::entity::dataset;
use satudata_catalog::generation::GenerationMap;

use crate::Harvest;
use crate::error::Result;

/// Entries kept per generation (a bound on memory; each weighs 1 plus its key's length).
pub(crate) const BUDGET: usize = 4 * 1024 * 1024;

/// What is kept.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kept {
    /// A number of datasets.
    Count(u64),
    /// The id of the last dataset of a page.
    PageEnd(i32),
    /// A date of the catalogue (none when it has no dataset).
    Time(Option<DateTime<Utc>>),
}

/// A filter at the generation it was read at: the key of everything kept for it.
#[derive(Debug, Clone)]
pub(crate) struct FilterAt {
    pub(crate) generation: i64,
    /// The filter's statement with its values: identifies it exactly.
    key: String,
    filter: Condition,
}

impl FilterAt {
    /// The key of `what` for this filter.
    pub(crate) fn key(&self, what: &str) -> String {
        format!("{what}|{}", self.key)
    }
}

impl Harvest {
    /// Reads the generation once and identifies `filter`, for the methods below.
    pub(crate) async fn filter_at(&self, filter: Condition) -> Result<FilterAt> {
        let select = dataset::Entity::find().filter(filter.clone());
        let key = format!(
            "{:?}",
            select.build(self.catalog.db().get_database_backend())
        );
        Ok(FilterAt {
            generation: self.catalog.generation().await?,
            key,
            filter,
        })
    }

    /// The number of datasets matching the filter, computed once per generation.
    pub(crate) async fn count_datasets(&self, at: &FilterAt) -> Result<u64> {
        let key = at.key("count");
        if let Some(Kept::Count(count)) = self.kept().get(at.generation, &key) {
            return Ok(count);
        }
        let count = dataset::Entity::find()
            .filter(at.filter.clone())
            .count(self.catalog.db())
            .await?;
        self.kept().put(at.generation, key, Kept::Count(count), 1);
        Ok(count)
    }

    /// Where the page `what` ended, if it was served at this generation.
    pub(crate) fn page_end(&self, at: &FilterAt, what: &str) -> Option<i32> {
        match self.kept().get(at.generation, &at.key(what)) {
            Some(Kept::PageEnd(id)) => Some(id),
            _ => None,
        }
    }

    /// Remembers where the page `what` ended.
    pub(crate) fn remember_page_end(&self, at: &FilterAt, what: &str, last: i32) {
        self.kept()
            .put(at.generation, at.key(what), Kept::PageEnd(last), 1);
    }

    /// A date that depends only on the catalogue (such as the newest change), computed once
    /// per generation.
    pub(crate) async fn generation_time(
        &self,
        at: &FilterAt,
        name: &str,
        compute: impl std::future::Future<
            Output = std::result::Result<Option<DateTime<Utc>>, sea_orm::DbErr>,
        >,
    ) -> Result<Option<DateTime<Utc>>> {
        let key = format!("time|{name}");
        if let Some(Kept::Time(time)) = self.kept().get(at.generation, &key) {
            return Ok(time);
        }
        let time = compute.await?;
        self.kept().put(at.generation, key, Kept::Time(time), 1);
        Ok(time)
    }

    fn kept(&self) -> &GenerationMap<Kept> {
        &self.kept
    }
}
