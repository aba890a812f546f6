//! The home page's figures and the OPD and topik listings, over the visitor's index.

use std::collections::HashMap;

use super::PortalCard;
use super::index::IndexEntry;
use super::schedule::{local_date, local_today, next_update};
use super::search::{PortalSort, order};
use crate::entity::organization;
use crate::error::Result;
use crate::paging::Page;
use crate::{Actor, Catalog, vocab};

/// Totals of what the visitor may see.
#[derive(Debug, Clone, Copy, Default)]
pub struct PortalTotals {
    /// Datasets.
    pub datasets: u64,
    /// OPDs with at least one of them.
    pub organizations: u64,
    /// Their downloads, all time.
    pub downloads: u64,
    /// Rows of their current versions.
    pub rows: u64,
}

/// An OPD with its visible datasets.
#[derive(Debug, Clone)]
pub struct OrganizationCount {
    /// The OPD.
    pub organization: organization::Model,
    /// Visible datasets.
    pub datasets: u64,
    /// Of those, the ones past their next expected update.
    pub overdue: u64,
}

/// What the home page shows.
#[derive(Debug, Clone)]
pub struct PortalHome {
    /// Totals.
    pub totals: PortalTotals,
    /// All ten topik with their datasets, in the national order.
    pub topics: Vec<(&'static str, u64)>,
    /// OPDs with datasets, most first (at most 12).
    pub organizations: Vec<OrganizationCount>,
    /// Most recently updated datasets (at most 5).
    pub newest: Vec<PortalCard>,
    /// Most downloaded datasets (at most 5, only those downloaded at all).
    pub popular: Vec<PortalCard>,
}

impl Catalog {
    /// The home page's figures for `actor`.
    pub async fn portal_home(&self, actor: &Actor) -> Result<PortalHome> {
        let index = self.portal_index(actor).await?;
        let downloads = self.download_totals().await?;
        let entries: Vec<&IndexEntry> = index.entries.iter().collect();
        let totals = PortalTotals {
            datasets: entries.len() as u64,
            organizations: {
                let mut ids: Vec<i32> = entries.iter().map(|e| e.organization_id).collect();
                ids.sort_unstable();
                ids.dedup();
                ids.len() as u64
            },
            downloads: entries
                .iter()
                .map(|e| downloads.get(&e.id).copied().unwrap_or_default())
                .sum(),
            rows: entries
                .iter()
                .map(|e| u64::try_from(e.row_count.unwrap_or_default()).unwrap_or_default())
                .sum(),
        };
        let mut newest = entries.clone();
        order(&mut newest, PortalSort::Newest, None, &downloads);
        let newest: Vec<i32> = newest.iter().take(5).map(|e| e.id).collect();
        let mut popular: Vec<&IndexEntry> = entries
            .iter()
            .copied()
            .filter(|e| downloads.get(&e.id).is_some_and(|n| *n > 0))
            .collect();
        order(&mut popular, PortalSort::Downloads, None, &downloads);
        let popular: Vec<i32> = popular.iter().take(5).map(|e| e.id).collect();
        let mut organizations = self.portal_organizations(actor).await?;
        organizations.retain(|o| o.datasets > 0);
        organizations.sort_by(|a, b| {
            b.datasets
                .cmp(&a.datasets)
                .then_with(|| a.organization.name.cmp(&b.organization.name))
        });
        organizations.truncate(12);
        Ok(PortalHome {
            totals,
            topics: self.portal_topics(actor).await?,
            organizations,
            newest: self.portal_cards(&index, &newest, &downloads).await?,
            popular: self.portal_cards(&index, &popular, &downloads).await?,
        })
    }

    /// The ten topik with the number of datasets `actor` may see in each, in national order.
    pub async fn portal_topics(&self, actor: &Actor) -> Result<Vec<(&'static str, u64)>> {
        let index = self.portal_index(actor).await?;
        let mut counts: HashMap<&str, u64> = HashMap::new();
        for e in &index.entries {
            if let Some(t) = &e.topik {
                *counts.entry(t.as_str()).or_default() += 1;
            }
        }
        Ok(vocab::TOPIK
            .values
            .iter()
            .map(|t| (*t, counts.get(t).copied().unwrap_or_default()))
            .collect())
    }

    /// Every OPD, by name, with the datasets `actor` may see and how many are overdue.
    pub async fn portal_organizations(&self, actor: &Actor) -> Result<Vec<OrganizationCount>> {
        let index = self.portal_index(actor).await?;
        let today = local_today();
        let mut counts: HashMap<i32, (u64, u64)> = HashMap::new();
        for e in &index.entries {
            let entry = counts.entry(e.organization_id).or_default();
            entry.0 += 1;
            let late = e
                .frekuensi
                .as_deref()
                .zip(e.data_updated_at)
                .and_then(|(f, at)| next_update(f, local_date(at)))
                .is_some_and(|due| due < today);
            if late {
                entry.1 += 1;
            }
        }
        let all = self.list_organizations(Page::new(Some(1000), None)).await?;
        Ok(all
            .items
            .into_iter()
            .map(|organization| {
                let (datasets, overdue) = counts.get(&organization.id).copied().unwrap_or_default();
                OrganizationCount {
                    organization,
                    datasets,
                    overdue,
                }
            })
            .collect())
    }
}
