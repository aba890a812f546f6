//! `package_search`: CKAN's search over our catalogue, with Solr-style `q`/`fq`, sorting,
//! paging and facet counts computed by the database.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
    Select,
};
use serde_json::{Value, json};

use super::dict;
use super::fq::{self, search_error};
use super::query;
use crate::Harvest;
use crate::counts::FilterAt;
use crate::error::Result;
use crate::names;
use crate::read_model::{Site, format_label};
use satudata_catalog::Actor;
use satudata_catalog::entity::{dataset, dataset_tag, distribution};
use satudata_catalog::paging::Window;
use satudata_catalog::search::ranked;
use satudata_catalog::visibility::visible;

/// Largest `rows` (CKAN's `ckan.search.rows_max`); more is capped, as CKAN does.
pub const ROWS_MAX: u64 = 1000;

/// Facet fields `facet.field` may name.
pub const FACET_FIELDS: &[&str] = &[
    "organization",
    "groups",
    "tags",
    "res_format",
    "license_id",
    "accessRights",
    "accrualPeriodicity",
    "prioritas_tahun",
    "tingkat_penyajian",
];

/// The parameters of `package_search`.
#[derive(Debug, Clone)]
pub struct PackageSearch {
    /// Solr-style query (words and `field:value`).
    pub q: String,
    /// Filter queries, all of which must hold.
    pub fq: Vec<String>,
    /// Page size (capped at [`ROWS_MAX`]).
    pub rows: u64,
    /// Results to skip.
    pub start: u64,
    /// `field dir, ...`; CKAN's default is `score desc, metadata_modified desc`.
    pub sort: Option<String>,
    /// Fields to count values of.
    pub facet_fields: Vec<String>,
    /// Values per facet; negative = all.
    pub facet_limit: i64,
    /// Smallest count shown.
    pub facet_mincount: u64,
    /// Also Terbatas/Tertutup datasets the caller may read.
    pub include_private: bool,
    /// Also unpublished datasets the caller may see.
    pub include_drafts: bool,
}

impl Default for PackageSearch {
    fn default() -> Self {
        Self {
            q: String::new(),
            fq: Vec::new(),
            rows: 10,
            start: 0,
            sort: None,
            facet_fields: Vec::new(),
            facet_limit: 50,
            facet_mincount: 1,
            include_private: false,
            include_drafts: false,
        }
    }
}

impl Harvest {
    /// CKAN `package_search`: `{count, results, facets, search_facets, sort}`, results as full
    /// package dictionaries.
    pub async fn ckan_package_search(
        &self,
        actor: &Actor,
        base_url: &str,
        params: PackageSearch,
    ) -> Result<Value> {
        let backend = self.catalog.db().get_database_backend();
        let limits = &self.catalog.settings().query_limits;
        let q = fq::parse(&params.q, limits)?;
        let mut filter = visible(actor, params.include_private, params.include_drafts)
            .add(query::condition(backend, &q)?);
        for f in &params.fq {
            let condition = fq::parse(f, limits)
                .and_then(|node| query::condition(backend, &node))
                .map_err(|e| e.blame("fq"))?;
            filter = filter.add(condition);
        }
        let words = query::ranked_words(&q);
        let sort_text = params
            .sort
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| "score desc, metadata_modified desc".into());
        // Counted without the ranking join: the count needs no scores.
        let at = self.filter_at(filter.clone()).await?;
        let count = self.count_datasets(&at).await?;
        let mut select = dataset::Entity::find().filter(filter.clone());
        for (column, order) in sort_keys(&sort_text)? {
            match column {
                SortKey::Score if words.is_empty() => {}
                SortKey::Score => {
                    // The rank is ascending-better; "score desc" means best first.
                    let rank = ranked(backend, &mut select, &words)?;
                    let order = if order == Order::Desc {
                        Order::Asc
                    } else {
                        Order::Desc
                    };
                    select = select.order_by(rank, order);
                }
                SortKey::Column(c) => select = select.order_by(c, order),
            }
        }
        select = select.order_by_asc(dataset::Column::Uuid);
        let limit = std::cmp::min(params.rows, ROWS_MAX);
        let rows = self
            .search_page(select, &at, &sort_text, params.start, limit)
            .await?;
        let portal = self.catalog.portal().await?;
        let site = Site {
            base_url,
            portal: &portal,
        };
        let results: Vec<Value> = self
            .package_rows(rows)
            .await?
            .iter()
            .map(|row| dict::package(site, row))
            .collect();
        let mut facets = Vec::new();
        let mut search_facets = Vec::new();
        for field in &params.facet_fields {
            let items = self
                .facet(
                    field,
                    filter.clone(),
                    params.facet_limit,
                    params.facet_mincount,
                )
                .await?;
            facets.push((
                field.clone(),
                dict::object(items.iter().map(|(k, _, n)| (k.clone(), json!(n)))),
            ));
            let listed: Vec<Value> = items
                .iter()
                .map(|(k, display, n)| json!({"name": k, "display_name": display, "count": n}))
                .collect();
            search_facets.push((field.clone(), json!({"title": field, "items": listed})));
        }
        Ok(json!({
            "count": count,
            "facets": dict::object(facets),
            "results": results,
            "search_facets": dict::object(search_facets),
            "sort": sort_text,
        }))
    }

    /// `(value, display name, count)` of one facet over the matching datasets, most frequent
    /// first.
    async fn facet(
        &self,
        field: &str,
        filter: Condition,
        limit: i64,
        mincount: u64,
    ) -> Result<Vec<(String, String, u64)>> {
        let matching = || {
            dataset::Entity::find()
                .select_only()
                .column(dataset::Column::Id)
                .filter(filter.clone())
                .into_query()
        };
        let datasets = || dataset::Entity::find().filter(filter.clone());
        let mut display: HashMap<String, String> = HashMap::new();
        let counts: Vec<(String, u64)> = match field {
            "organization" => {
                let rows: Vec<(i32, u64)> = self
                    .catalog
                    .count_by(
                        datasets(),
                        dataset::Column::OrganizationId,
                        dataset::Column::Id,
                    )
                    .await?;
                let orgs = self
                    .catalog
                    .organizations_by_id(rows.iter().map(|r| r.0))
                    .await?;
                rows.into_iter()
                    .filter_map(|(id, n)| {
                        let org = orgs.get(&id)?;
                        display.insert(org.slug.clone(), org.name.clone());
                        Some((org.slug.clone(), n))
                    })
                    .collect()
            }
            "prioritas_tahun" => self
                .catalog
                .count_by::<_, _, i32>(
                    datasets(),
                    dataset::Column::PrioritasTahun,
                    dataset::Column::Id,
                )
                .await?
                .into_iter()
                .map(|(year, n)| (year.to_string(), n))
                .collect(),
            "groups" | "license_id" | "accessRights" | "accrualPeriodicity"
            | "tingkat_penyajian" => {
                let column = match field {
                    "groups" => dataset::Column::Topik,
                    "license_id" => dataset::Column::License,
                    "accessRights" => dataset::Column::Akses,
                    "accrualPeriodicity" => dataset::Column::Frekuensi,
                    _ => dataset::Column::TingkatPenyajian,
                };
                self.catalog
                    .count_by(datasets(), column, dataset::Column::Id)
                    .await?
            }
            "tags" => {
                let tagged = dataset_tag::Entity::find()
                    .filter(dataset_tag::Column::DatasetId.in_subquery(matching()));
                self.catalog
                    .count_by(
                        tagged,
                        dataset_tag::Column::Tag,
                        dataset_tag::Column::DatasetId,
                    )
                    .await?
            }
            "res_format" => {
                let versions = dataset::Entity::find()
                    .select_only()
                    .column(dataset::Column::CurrentVersionId)
                    .filter(filter.clone())
                    .into_query();
                let files = distribution::Entity::find()
                    .filter(distribution::Column::VersionId.in_subquery(versions));
                self.catalog
                    .count_by::<_, _, String>(
                        files,
                        distribution::Column::Format,
                        distribution::Column::Id,
                    )
                    .await?
                    .into_iter()
                    .map(|(f, n)| (format_label(&f).to_owned(), n))
                    .collect()
            }
            other => {
                return Err(search_error(
                    "facet.field",
                    format!(
                        "Facet '{other}' tidak dikenal. Pilihan: {}",
                        FACET_FIELDS.join(", ")
                    ),
                    format!(
                        "Unknown facet field '{other}'. Accepted: {}",
                        FACET_FIELDS.join(", ")
                    ),
                ));
            }
        };
        let mut items: Vec<(String, String, u64)> = counts
            .into_iter()
            .filter(|(_, n)| *n >= mincount)
            .map(|(key, n)| {
                let (name, shown) = match field {
                    "groups" => (names::group_name(&key), key),
                    "license_id" => names::license(&key).map_or_else(
                        || (key.clone(), key.clone()),
                        |l| (l.id.to_owned(), l.title.to_owned()),
                    ),
                    "organization" => {
                        let shown = display.get(&key).cloned().unwrap_or_else(|| key.clone());
                        (key, shown)
                    }
                    _ => (key.clone(), key),
                };
                (name, shown, n)
            })
            .collect();
        items.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
        if let Ok(limit) = usize::try_from(limit) {
            items.truncate(limit);
        }
        Ok(items)
    }
}

enum SortKey {
    Score,
    Column(SimpleExpr),
}

/// `id asc, metadata_modified desc` as sort keys.
impl Harvest {
    /// One page of a search. The CKAN harvester's walk (`sort=id asc`, `start` growing by
    /// `rows`) starts after the previous page's last dataset when that page was served at this
    /// catalogue generation (counts.rs), instead of an OFFSET scan over every earlier row.
    async fn search_page(
        &self,
        select: Select<dataset::Entity>,
        at: &FilterAt,
        sort_text: &str,
        start: u64,
        limit: u64,
    ) -> Result<Vec<dataset::Model>> {
        let by_id = sort_text.split_whitespace().collect::<Vec<_>>() == ["id", "asc"];
        if !by_id || limit == 0 {
            return Ok(select.window(start, limit).all(self.catalog.db()).await?);
        }
        let ended = |start: u64| format!("ckan-page|{limit}|{start}");
        let previous = match start.checked_sub(limit) {
            Some(before) if start > 0 => self.page_end(at, &ended(before)),
            _ => None,
        };
        let after = match previous {
            Some(id) => dataset::Entity::find_by_id(id)
                .one(self.catalog.db())
                .await?
                .map(|d| d.uuid),
            None => None,
        };
        let rows = match after {
            Some(uuid) => {
                select
                    .filter(dataset::Column::Uuid.gt(uuid))
                    .window(0, limit)
                    .all(self.catalog.db())
                    .await?
            }
            None => select.window(start, limit).all(self.catalog.db()).await?,
        };
        if let Some(last) = rows.last() {
            self.remember_page_end(at, &ended(start), last.id);
        }
        Ok(rows)
    }
}

fn sort_keys(text: &str) -> Result<Vec<(SortKey, Order)>> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|part| {
            let mut words = part.split_whitespace();
            let field = words.next().unwrap_or_default();
            let order = match words.next().unwrap_or("asc") {
                "asc" => Order::Asc,
                "desc" => Order::Desc,
                other => {
                    return Err(search_error(
                        "sort",
                        format!("Arah urutan '{other}' tidak sah (asc atau desc)"),
                        format!("Invalid sort direction '{other}' (asc or desc)"),
                    ));
                }
            };
            let key = match field {
                "score" => SortKey::Score,
                "id" => SortKey::Column(Expr::col(dataset::Column::Uuid)),
                "name" => SortKey::Column(Expr::col(dataset::Column::Slug)),
                "title" | "title_string" => SortKey::Column(Expr::col(dataset::Column::Title)),
                "metadata_modified" => SortKey::Column(Expr::col(dataset::Column::UpdatedAt)),
                "metadata_created" => SortKey::Column(Expr::col(dataset::Column::CreatedAt)),
                other => {
                    return Err(search_error(
                        "sort",
                        format!("Tidak dapat mengurutkan menurut '{other}'"),
                        format!("Can not sort by '{other}'"),
                    ));
                }
            };
            Ok((key, order))
        })
        .collect()
}
