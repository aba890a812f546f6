//! The portal's dataset search: full text (the catalog's own engine, [`crate::search`]), facets
//! with several values each (OR within a facet, AND across facets), counts per facet value over
//! the other facets' selection (so that a visitor sees what each box would give), sorting and
//! paging, over the visitor's [`PublicIndex`].

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect};

use super::FORMAT_BITS;
use super::index::{IndexEntry, PublicIndex, portal_visible};
use crate::datasets::DatasetRecord;
use crate::entity::{dataset, organization};
use crate::error::Result;
use crate::paging::Page;
use crate::{Actor, Catalog, search};

/// Values listed per facet at most.
const FACET_VALUES: usize = 50;

/// How results are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PortalSort {
    /// Best match first (newest without words).
    #[default]
    Relevance,
    /// Most recently updated data first.
    Newest,
    /// By title.
    Title,
    /// Most downloaded first.
    Downloads,
}

/// What a visitor searches for.
#[derive(Debug, Clone, Default)]
pub struct PortalQuery {
    /// Words (all must occur; prefixes match).
    pub q: String,
    /// OPD slugs.
    pub opd: Vec<String>,
    /// Topik names.
    pub topik: Vec<String>,
    /// Years the coverage must include (any of them).
    pub tahun: Vec<i32>,
    /// Formats (`CSV`, `XLSX`, `JSON`, `Parquet`).
    pub format: Vec<String>,
    /// Frekuensi names.
    pub frekuensi: Vec<String>,
    /// Akses names (only narrows what the visitor may see anyway).
    pub akses: Vec<String>,
    /// Order.
    pub sort: PortalSort,
    /// The page.
    pub page: Page,
}

/// One facet's values with the number of datasets each would give.
#[derive(Debug, Clone)]
pub struct Facet<K> {
    /// Values, most datasets first (years: newest first), at most 50.
    pub values: Vec<(K, u64)>,
}

/// The counts of every facet.
#[derive(Debug, Clone)]
pub struct PortalFacets {
    /// OPDs.
    pub opd: Facet<organization::Model>,
    /// Topik.
    pub topik: Facet<String>,
    /// Years.
    pub tahun: Facet<i32>,
    /// Format labels.
    pub format: Facet<String>,
    /// Frekuensi.
    pub frekuensi: Facet<String>,
    /// Akses.
    pub akses: Facet<String>,
}

/// A dataset as a result card.
#[derive(Debug, Clone)]
pub struct PortalCard {
    /// The dataset, its OPD and tags.
    pub record: DatasetRecord,
    /// Labels of its current files (`CSV`, `XLSX`, `JSON`, `Parquet`).
    pub formats: Vec<&'static str>,
    /// When its current version was published.
    pub data_updated_at: Option<DateTime<Utc>>,
    /// Rows of its current version.
    pub row_count: Option<i64>,
    /// Downloads, all time.
    pub download_count: u64,
}

/// A page of results.
#[derive(Debug, Clone)]
pub struct PortalResults {
    /// The cards of this page.
    pub items: Vec<PortalCard>,
    /// Matching datasets in all pages.
    pub total: u64,
    /// Facet counts.
    pub facets: PortalFacets,
}

/// Facets, in the order of [`Selection::passes`].
const OPD: usize = 0;
const TOPIK: usize = 1;
const TAHUN: usize = 2;
const FORMAT: usize = 3;
const FREKUENSI: usize = 4;
const AKSES: usize = 5;

/// The query's facet selection, resolved.
struct Selection<'q> {
    opd: Vec<i32>,
    opd_asked: bool,
    query: &'q PortalQuery,
    formats: u8,
}

impl Selection<'_> {
    /// Which facets an entry passes (an empty selection passes everything).
    fn passes(&self, e: &IndexEntry) -> [bool; 6] {
        let q = self.query;
        let within = |values: &[String], v: &Option<String>| {
            values.is_empty() || v.as_ref().is_some_and(|v| values.contains(v))
        };
        [
            !self.opd_asked || self.opd.contains(&e.organization_id),
            within(&q.topik, &e.topik),
            q.tahun.is_empty() || q.tahun.iter().any(|y| e.covers(*y)),
            q.format.is_empty() || e.formats & self.formats != 0,
            within(&q.frekuensi, &e.frekuensi),
            q.akses.is_empty() || q.akses.contains(&e.akses),
        ]
    }
}

impl Catalog {
    /// One page of the datasets `actor` may see that match `query`, with facet counts.
    pub async fn portal_search(&self, actor: &Actor, query: &PortalQuery) -> Result<PortalResults> {
        let index = self.portal_index(actor).await?;
        let words = search::words(&query.q);
        // Rank of each matching dataset (0 = best), when searching for words.
        let ranks: Option<HashMap<i32, usize>> = if words.is_empty() {
            None
        } else {
            Some(self.ranked_ids(actor, &words).await?)
        };
        let mut opd = Vec::new();
        for slug in &query.opd {
            if let Some(o) = self.find_organization_row(slug).await? {
                opd.push(o.id);
            }
        }
        let selection = Selection {
            opd,
            opd_asked: !query.opd.is_empty(),
            query,
            formats: FORMAT_BITS
                .iter()
                .filter(|(_, label, _)| query.format.iter().any(|f| f.eq_ignore_ascii_case(label)))
                .fold(0, |bits, (_, _, bit)| bits | bit),
        };
        let candidates: Vec<(&IndexEntry, [bool; 6])> = index
            .entries
            .iter()
            .filter(|e| ranks.as_ref().is_none_or(|r| r.contains_key(&e.id)))
            .map(|e| (e, selection.passes(e)))
            .collect();
        let facets = self.count_facets(&candidates).await?;
        let mut hits: Vec<&IndexEntry> = candidates
            .iter()
            .filter(|(_, p)| p.iter().all(|ok| *ok))
            .map(|(e, _)| *e)
            .collect();
        let downloads = self.download_totals().await?;
        let sort = match (query.sort, &ranks) {
            (PortalSort::Relevance, None) => PortalSort::Newest,
            (sort, _) => sort,
        };
        order(&mut hits, sort, ranks.as_ref(), &downloads);
        let total = hits.len() as u64;
        let page: Vec<i32> = hits
            .iter()
            .skip(usize::try_from(query.page.offset).unwrap_or(usize::MAX))
            .take(usize::try_from(query.page.limit).unwrap_or(usize::MAX))
            .map(|e| e.id)
            .collect();
        Ok(PortalResults {
            items: self.portal_cards(&index, &page, &downloads).await?,
            total,
            facets,
        })
    }

    /// Ids of visible datasets matching the words, best first.
    async fn ranked_ids(&self, actor: &Actor, words: &[String]) -> Result<HashMap<i32, usize>> {
        let backend = self.db().get_database_backend();
        let mut select = dataset::Entity::find()
            .select_only()
            .column(dataset::Column::Id);
        let rank = search::ranked(backend, &mut select, words)?;
        let ids: Vec<i32> = select
            .filter(portal_visible(actor))
            .order_by(rank, Order::Asc)
            .into_tuple()
            .all(self.db())
            .await?;
        Ok(ids.into_iter().enumerate().map(|(i, id)| (id, i)).collect())
    }

    /// Counts per facet value over the candidates that pass every other facet.
    async fn count_facets(&self, candidates: &[(&IndexEntry, [bool; 6])]) -> Result<PortalFacets> {
        let others = |p: &[bool; 6], k: usize| p.iter().enumerate().all(|(i, ok)| i == k || *ok);
        // Counted by borrowed keys (no string is copied per dataset); every search page does
        // this over the whole index.
        let mut opd: HashMap<i32, u64> = HashMap::new();
        let mut topik: HashMap<&str, u64> = HashMap::new();
        let mut format: HashMap<&'static str, u64> = HashMap::new();
        let mut frekuensi: HashMap<&str, u64> = HashMap::new();
        let mut akses: HashMap<&str, u64> = HashMap::new();
        let mut with_years: Vec<&IndexEntry> = Vec::new();
        for (e, p) in candidates {
            if others(p, OPD) {
                *opd.entry(e.organization_id).or_default() += 1;
            }
            if others(p, TOPIK)
                && let Some(t) = &e.topik
            {
                *topik.entry(t.as_str()).or_default() += 1;
            }
            if others(p, TAHUN) && e.years != (None, None) {
                with_years.push(e);
            }
            if others(p, FORMAT) {
                for (_, label, bit) in FORMAT_BITS {
                    if e.formats & bit != 0 {
                        *format.entry(label).or_default() += 1;
                    }
                }
            }
            if others(p, FREKUENSI)
                && let Some(f) = &e.frekuensi
            {
                *frekuensi.entry(f.as_str()).or_default() += 1;
            }
            if others(p, AKSES) {
                *akses.entry(e.akses.as_str()).or_default() += 1;
            }
        }
        let this_year = chrono::Datelike::year(&Utc::now());
        let tahun = year_counts(with_years.iter().map(|e| e.years), this_year);
        let orgs = self.organizations_by_id(opd.keys().copied()).await?;
        let mut opd: Vec<(organization::Model, u64)> = opd
            .into_iter()
            .filter_map(|(id, n)| Some((orgs.get(&id)?.clone(), n)))
            .collect();
        opd.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.name.cmp(&b.0.name)));
        opd.truncate(FACET_VALUES);
        Ok(PortalFacets {
            opd: Facet { values: opd },
            topik: most_first(topik),
            tahun: Facet {
                values: tahun.into_iter().rev().take(FACET_VALUES).collect(),
            },
            format: most_first(format),
            frekuensi: most_first(frekuensi),
            akses: most_first(akses),
        })
    }

    /// Cards of datasets in the order given (ids not in the index are left out).
    pub async fn portal_cards(
        &self,
        index: &PublicIndex,
        ids: &[i32],
        downloads: &HashMap<i32, u64>,
    ) -> Result<Vec<PortalCard>> {
        let rows = dataset::Entity::find()
            .filter(dataset::Column::Id.is_in(ids.iter().copied()))
            .all(self.db())
            .await?;
        let mut records: HashMap<i32, DatasetRecord> = self
            .records(rows)
            .await?
            .into_iter()
            .map(|r| (r.dataset.id, r))
            .collect();
        Ok(ids
            .iter()
            .filter_map(|id| {
                let entry = index.get(*id)?;
                Some(PortalCard {
                    record: records.remove(id)?,
                    formats: entry.format_labels(),
                    data_updated_at: entry.data_updated_at,
                    row_count: entry.row_count,
                    download_count: downloads.get(id).copied().unwrap_or_default(),
                })
            })
            .collect())
    }
}

/// Datasets per year of coverage: the years from the earliest stated to the latest (an open
/// end counts up to `this_year`), the newest [`FACET_VALUES`] at most. Each coverage adds one
/// to the years of the window it spans (a difference array: one pass over the datasets, not
/// one per year).
fn year_counts(
    coverages: impl Iterator<Item = (Option<i32>, Option<i32>)> + Clone,
    this_year: i32,
) -> BTreeMap<i32, u64> {
    let mut counts = BTreeMap::new();
    let coverages = coverages.filter(|c| *c != (None, None));
    let (lo, hi) = coverages
        .clone()
        .flat_map(|(start, end)| {
            [
                start.or(end),
                end.or(Some(this_year.max(start.unwrap_or(this_year)))),
            ]
        })
        .flatten()
        .fold((i32::MAX, i32::MIN), |(lo, hi), y| (lo.min(y), hi.max(y)));
    if lo > hi {
        return counts;
    }
    let first = lo.max(hi - (FACET_VALUES as i32 - 1));
    let width = usize::try_from(hi - first + 1).unwrap_or_default();
    let mut steps = vec![0i64; width + 1];
    let at = |y: i32| usize::try_from(y - first).unwrap_or_default();
    for (start, end) in coverages {
        let from = start.unwrap_or(i32::MIN).max(first);
        let to = end.unwrap_or(i32::MAX).min(hi);
        if from <= to {
            steps[at(from)] += 1;
            steps[at(to) + 1] -= 1;
        }
    }
    let mut n = 0i64;
    for (i, step) in steps.iter().take(width).enumerate() {
        n += step;
        if n > 0 {
            let year = first + i32::try_from(i).unwrap_or_default();
            counts.insert(year, u64::try_from(n).unwrap_or_default());
        }
    }
    counts
}

fn most_first(counts: HashMap<&str, u64>) -> Facet<String> {
    let mut values: Vec<(&str, u64)> = counts.into_iter().collect();
    values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    values.truncate(FACET_VALUES);
    Facet {
        values: values.into_iter().map(|(k, n)| (k.to_owned(), n)).collect(),
    }
}

/// Orders hits; ties go to the newer dataset id.
pub(super) fn order(
    hits: &mut [&IndexEntry],
    sort: PortalSort,
    ranks: Option<&HashMap<i32, usize>>,
    downloads: &HashMap<i32, u64>,
) {
    match sort {
        PortalSort::Relevance => hits.sort_by_key(|e| {
            (
                ranks
                    .and_then(|r| r.get(&e.id).copied())
                    .unwrap_or(usize::MAX),
                Reverse(e.id),
            )
        }),
        PortalSort::Newest => {
            hits.sort_by_key(|e| (Reverse(e.data_updated_at.or(e.published_at)), Reverse(e.id)));
        }
        PortalSort::Title => {
            hits.sort_by(|a, b| a.title_key.cmp(&b.title_key).then(b.id.cmp(&a.id)))
        }
        PortalSort::Downloads => hits.sort_by_key(|e| {
            (
                Reverse(downloads.get(&e.id).copied().unwrap_or_default()),
                Reverse(e.id),
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::{FACET_VALUES, year_counts};

    /// The count per year is the number of coverages that include it, as `covers` says.
    #[test]
    fn year_counts_agree_with_counting_each_year() {
        let coverages = [
            (Some(2010), Some(2012)),
            (Some(2011), None),
            (None, Some(2009)),
            (Some(1950), Some(1951)),
            (None, None),
            (Some(2015), Some(2015)),
        ];
        let this_year = 2026;
        let counts = year_counts(coverages.iter().copied(), this_year);
        let covers = |(s, e): (Option<i32>, Option<i32>), y: i32| {
            (s, e) != (None, None) && s.is_none_or(|s| s <= y) && e.is_none_or(|e| e >= y)
        };
        let first = this_year - (FACET_VALUES as i32 - 1);
        for y in first..=this_year {
            let n = coverages.iter().filter(|c| covers(**c, y)).count() as u64;
            assert_eq!(counts.get(&y).copied().unwrap_or(0), n, "year {y}");
        }
        assert_eq!(
            counts.keys().next(),
            Some(&first),
            "the newest 50 years only"
        );
        assert!(year_counts([(None, None)].into_iter(), this_year).is_empty());
    }
}
