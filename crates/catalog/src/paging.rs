//! Paging of listings.

use sea_orm::QuerySelect;
use serde::{Deserialize, Serialize};

/// Largest page size accepted.
pub const MAX_LIMIT: u64 = 1000;
/// Page size when none is asked for.
pub const DEFAULT_LIMIT: u64 = 20;

/// Which page to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    /// Items to return (1..=1000).
    pub limit: u64,
    /// Items to skip.
    pub offset: u64,
}

impl Page {
    /// A page from optional query values; the limit is clamped to `1..=MAX_LIMIT`.
    pub fn new(limit: Option<u64>, offset: Option<u64>) -> Self {
        Self {
            limit: limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT),
            offset: offset.unwrap_or(0),
        }
    }
}

impl Default for Page {
    fn default() -> Self {
        Self::new(None, None)
    }
}

/// One page of results and the total count.
#[derive(Debug, Clone)]
pub struct Paged<T> {
    /// The items.
    pub items: Vec<T>,
    /// Items matching in all pages.
    pub total: u64,
    /// The page returned.
    pub page: Page,
}

/// The largest offset or limit a database is given: SQLite binds integers as `i64`, and a
/// larger value (a client's `start=18446744073709551615`) would fail inside the driver.
pub const SQL_MAX: u64 = i64::MAX.unsigned_abs();

/// `OFFSET` and `LIMIT` from numbers a client chose, clamped to what the database takes.
pub trait Window: QuerySelect + Sized {
    /// Skips `offset` rows and returns at most `limit`.
    fn window(self, offset: u64, limit: u64) -> Self {
        self.offset(offset.min(SQL_MAX)).limit(limit.min(SQL_MAX))
    }
}

impl<T: QuerySelect> Window for T {}
