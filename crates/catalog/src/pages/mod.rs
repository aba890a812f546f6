//! What the public portal's pages read: the searchable index of the datasets a visitor may see
//! (with facet counts), the home page's figures, the OPD and topik listings, a dataset page's
//! versions, files and score, the Standar Data registry's use, and the region list.
//!
//! Everything here applies the catalog's one visibility rule ([`crate::visibility::visible`]):
//! a visitor never meets, in a page or a count, a dataset they may not read. Anonymous
//! visitors' index is kept per catalogue generation ([`crate::generation`]), so a search with
//! facets costs one full-text query (reusing [`crate::search::ranked`]) and work in memory.

mod dataset;
mod home;
mod index;
mod recap;
mod regions;
mod schedule;
mod search;
mod standards;
mod workspace;

use std::sync::Arc;

use crate::generation::GenerationMap;

pub use dataset::{DatasetPage, PublishedVersion, Withdrawal};
pub use home::{OrganizationCount, PortalHome, PortalTotals};
pub use index::{IndexEntry, PublicIndex};
pub use recap::{RECAP_STATUSES, Recap, RecapRow};
pub use regions::RegionMatch;
pub use schedule::{local_date, local_today, next_update};
pub use search::{Facet, PortalCard, PortalFacets, PortalQuery, PortalResults, PortalSort};
pub use workspace::{
    DueDataset, Managed, ManagedDataset, ManagedQuery, QueueEntry, QueueSort, ReviewQuery,
    VersionState,
};

/// Format bits of [`IndexEntry::formats`], in the order the portal lists downloads.
pub const FORMAT_BITS: [(&str, &str, u8); 4] = [
    ("csv", "CSV", 1),
    ("xlsx", "XLSX", 2),
    ("json", "JSON", 4),
    ("parquet", "Parquet", 8),
];

/// Diffs kept in memory (each is a summary with at most a page of changed rows).
const DIFFS_KEPT: u64 = 256;
/// Physical rows of an uploaded file: (row number, cells).
pub(crate) type Window = Vec<(u64, Vec<String>)>;

/// Bytes of upload windows kept in memory.
const WINDOW_BYTES: u64 = 16 * 1024 * 1024;

/// Values the pages keep per catalogue generation.
#[derive(Debug)]
pub(crate) struct PageCaches {
    /// The anonymous visitors' index.
    index: GenerationMap<Arc<PublicIndex>>,
    /// Datasets visible to anonymous visitors per Standar Data variable.
    standards_use: GenerationMap<Arc<std::collections::HashMap<String, u64>>>,
    /// Diffs of two stored clean tables by key columns (the tables never change under their
    /// object keys, so an entry never goes stale; the review and report pages and the public
    /// diff page show the same diff many times).
    pub(crate) diffs: moka::sync::Cache<String, Arc<serde_json::Value>>,
    /// Windows of uploaded files (the report's grid pages), by object, sheet and rows: the
    /// file is read from its start up to the window, so a far page is worth keeping.
    pub(crate) windows: moka::sync::Cache<String, Arc<Window>>,
}

impl Default for PageCaches {
    fn default() -> Self {
        Self {
            index: GenerationMap::new(1024),
            standards_use: GenerationMap::new(1024),
            diffs: moka::sync::Cache::new(DIFFS_KEPT),
            windows: moka::sync::Cache::builder()
                .weigher(|_, rows: &Arc<Window>| {
                    let bytes: usize = rows
                        .iter()
                        .map(|(_, cells)| cells.iter().map(|c| c.len() + 24).sum::<usize>())
                        .sum();
                    u32::try_from(bytes).unwrap_or(u32::MAX)
                })
                .max_capacity(WINDOW_BYTES)
                .build(),
        }
    }
}
