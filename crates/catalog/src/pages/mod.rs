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

/// Values the pages keep per catalogue generation.
#[derive(Debug)]
pub(crate) struct PageCaches {
    /// The anonymous visitors' index.
    index: GenerationMap<Arc<PublicIndex>>,
    /// Datasets visible to anonymous visitors per Standar Data variable.
    standards_use: GenerationMap<Arc<std::collections::HashMap<String, u64>>>,
}

impl Default for PageCaches {
    fn default() -> Self {
        Self {
            index: GenerationMap::new(1024),
            standards_use: GenerationMap::new(1024),
        }
    }
}
