//! The CKAN Action API (read side) over our catalogue, so the national portal's CKAN harvester,
//! ckanapi and udata read us without changes. Packages are our datasets, organizations our OPDs,
//! groups the ten national topik, resources the published files of the current version (one per
//! format, with ids that stay the same across versions).
//!
//! - `fq.rs` parses Solr-style `q`/`fq`; `query.rs` turns it into SQL conditions;
//! - `search.rs` runs `package_search` with sorting and facets;
//! - `dict.rs` builds CKAN's dictionaries from the read model (`crate::read_model`);
//! - `datastore.rs` answers `datastore_search` with the data API engine.

mod datastore;
mod dict;
pub mod fq;
mod query;
mod search;

use std::collections::HashMap;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::{Value, json};

pub use datastore::DatastoreSearch;
pub use search::{FACET_FIELDS, PackageSearch, ROWS_MAX};

use satudata_catalog::entity::{dataset, dataset_tag, organization};
use satudata_catalog::paging::Window;
use satudata_catalog::visibility::visible;
use satudata_catalog::{Actor, vocab};

use crate::error::{Error, Result};
use crate::read_model::Site;
use crate::{Harvest, names};

/// The CKAN version whose API we reproduce (what `status_show` reports).
pub const CKAN_VERSION: &str = "2.9.11";

impl Harvest {
    /// CKAN `package_show` by id or name.
    pub async fn ckan_package_show(
        &self,
        actor: &Actor,
        base_url: &str,
        id: &str,
    ) -> Result<Value> {
        let row = self.catalog.dataset_row(actor, id).await?;
        self.package_dict(row, base_url).await
    }

    /// The package dictionary of a dataset row.
    async fn package_dict(&self, row: dataset::Model, base_url: &str) -> Result<Value> {
        let portal = self.catalog.portal().await?;
        let rows = self.package_rows(vec![row]).await?;
        let row = rows
            .first()
            .ok_or_else(|| Error::Invariant("dataset vanished".into()))?;
        Ok(dict::package(
            Site {
                base_url,
                portal: &portal,
            },
            row,
        ))
    }

    /// CKAN `package_list`: names of the public, published datasets.
    pub async fn ckan_package_list(
        &self,
        actor: &Actor,
        limit: Option<u64>,
        offset: u64,
    ) -> Result<Value> {
        // SQLite wants a LIMIT with every OFFSET.
        let select = dataset::Entity::find()
            .select_only()
            .column(dataset::Column::Slug)
            .filter(visible(actor, false, false))
            .order_by_asc(dataset::Column::Slug)
            .window(offset, limit.unwrap_or(u64::MAX));
        let names: Vec<String> = select.into_tuple().all(self.catalog.db()).await?;
        Ok(json!(names))
    }

    /// CKAN `current_package_list_with_resources`: packages, most recently modified first.
    pub async fn ckan_current_packages(
        &self,
        actor: &Actor,
        base_url: &str,
        limit: u64,
        offset: u64,
    ) -> Result<Value> {
        let rows = dataset::Entity::find()
            .filter(visible(actor, false, false))
            .order_by_desc(dataset::Column::UpdatedAt)
            .order_by_asc(dataset::Column::Uuid)
            .window(offset, std::cmp::min(limit, ROWS_MAX))
            .all(self.catalog.db())
            .await?;
        let portal = self.catalog.portal().await?;
        let site = Site {
            base_url,
            portal: &portal,
        };
        Ok(json!(
            self.package_rows(rows)
                .await?
                .iter()
                .map(|r| dict::package(site, r))
                .collect::<Vec<_>>()
        ))
    }

    /// Public, published datasets per OPD.
    async fn package_counts(&self, actor: &Actor) -> Result<HashMap<i32, u64>> {
        let public = dataset::Entity::find().filter(visible(actor, false, false));
        let counts = self
            .catalog
            .count_by(public, dataset::Column::OrganizationId, dataset::Column::Id)
            .await?;
        Ok(counts.into_iter().collect())
    }

    /// CKAN `organization_list`: names, or dictionaries with `all_fields`.
    pub async fn ckan_organization_list(&self, actor: &Actor, all_fields: bool) -> Result<Value> {
        let orgs = organization::Entity::find()
            .order_by_asc(organization::Column::Slug)
            .all(self.catalog.db())
            .await?;
        if !all_fields {
            return Ok(json!(orgs.iter().map(|o| &o.slug).collect::<Vec<_>>()));
        }
        let counts = self.package_counts(actor).await?;
        Ok(json!(
            orgs.iter()
                .map(|o| dict::organization_full(o, counts.get(&o.id).copied().unwrap_or(0)))
                .collect::<Vec<_>>()
        ))
    }

    /// CKAN `organization_show` by id or name, optionally with its packages.
    pub async fn ckan_organization_show(
        &self,
        actor: &Actor,
        base_url: &str,
        id: &str,
        include_datasets: bool,
    ) -> Result<Value> {
        let org = self.catalog.organization(id).await?;
        let counts = self.package_counts(actor).await?;
        let mut dict = dict::organization_full(&org, counts.get(&org.id).copied().unwrap_or(0));
        if include_datasets {
            let search = PackageSearch {
                fq: vec![format!("owner_org:{}", org.uuid)],
                rows: ROWS_MAX,
                sort: Some("name asc".into()),
                ..PackageSearch::default()
            };
            let found = self.ckan_package_search(actor, base_url, search).await?;
            dict["packages"] = found["results"].clone();
        }
        Ok(dict)
    }

    /// CKAN `group_list`: the topik, as names or dictionaries.
    pub async fn ckan_group_list(&self, actor: &Actor, all_fields: bool) -> Result<Value> {
        let counts = self.topik_counts(actor).await?;
        let mut topik: Vec<&str> = vocab::TOPIK.values.to_vec();
        topik.sort_by_key(|t| names::group_name(t));
        Ok(if all_fields {
            json!(
                topik
                    .iter()
                    .map(|t| dict::group_full(t, counts.get(*t).copied().unwrap_or(0)))
                    .collect::<Vec<_>>()
            )
        } else {
            json!(
                topik
                    .iter()
                    .map(|t| names::group_name(t))
                    .collect::<Vec<_>>()
            )
        })
    }

    /// CKAN `group_show` by name (or topik label).
    pub async fn ckan_group_show(
        &self,
        actor: &Actor,
        base_url: &str,
        id: &str,
        include_datasets: bool,
    ) -> Result<Value> {
        let topik =
            names::topik_of_group(id).ok_or_else(|| Error::not_found("Grup", "group", id))?;
        let counts = self.topik_counts(actor).await?;
        let mut dict = dict::group_full(topik, counts.get(topik).copied().unwrap_or(0));
        if include_datasets {
            let search = PackageSearch {
                fq: vec![format!("groups:{}", names::group_name(topik))],
                rows: ROWS_MAX,
                sort: Some("name asc".into()),
                ..PackageSearch::default()
            };
            let found = self.ckan_package_search(actor, base_url, search).await?;
            dict["packages"] = found["results"].clone();
        }
        Ok(dict)
    }

    async fn topik_counts(&self, actor: &Actor) -> Result<HashMap<String, u64>> {
        let public = dataset::Entity::find().filter(visible(actor, false, false));
        let counts = self
            .catalog
            .count_by(public, dataset::Column::Topik, dataset::Column::Id)
            .await?;
        Ok(counts.into_iter().collect())
    }

    /// CKAN `tag_list`: tags of public datasets, optionally those containing `query`.
    pub async fn ckan_tag_list(&self, actor: &Actor, query: Option<&str>) -> Result<Value> {
        let datasets = dataset::Entity::find()
            .select_only()
            .column(dataset::Column::Id)
            .filter(visible(actor, false, false));
        let mut select = dataset_tag::Entity::find()
            .select_only()
            .column(dataset_tag::Column::Tag)
            .distinct()
            .filter(
                dataset_tag::Column::DatasetId
                    .in_subquery(sea_orm::QueryTrait::into_query(datasets)),
            )
            .order_by_asc(dataset_tag::Column::Tag);
        if let Some(q) = query.map(str::trim).filter(|q| !q.is_empty()) {
            select = select.filter(dataset_tag::Column::Tag.contains(q.to_lowercase()));
        }
        let tags: Vec<String> = select.into_tuple().all(self.catalog.db()).await?;
        Ok(json!(tags))
    }

    /// CKAN `resource_show`.
    pub async fn ckan_resource_show(
        &self,
        actor: &Actor,
        base_url: &str,
        id: &str,
    ) -> Result<Value> {
        let not_found = || Error::not_found("Sumber daya", "resource", id);
        let (dataset_uuid, format) = names::parse_resource_id(id).ok_or_else(not_found)?;
        let row = self
            .catalog
            .dataset_row(actor, &dataset_uuid.to_string())
            .await
            .map_err(|e| Error::or_not_found(e, not_found))?;
        let wanted = names::resource_id(dataset_uuid, format).map(|u| u.to_string());
        // The resource exactly as its package lists it (same position and keys).
        let package = self.package_dict(row, base_url).await?;
        package["resources"]
            .as_array()
            .and_then(|all| all.iter().find(|r| r["id"].as_str() == wanted.as_deref()))
            .cloned()
            .ok_or_else(not_found)
    }
}

/// CKAN `license_list`.
pub fn license_list() -> Value {
    json!(
        names::LICENSES
            .iter()
            .map(|l| json!({
                "domain_content": true,
                "domain_data": true,
                "domain_software": false,
                "family": "",
                "id": l.id,
                "is_generic": false,
                "is_okd_compliant": true,
                "is_osi_compliant": false,
                "maintainer": "",
                "od_conformance": "approved",
                "osd_conformance": "not reviewed",
                "spdx": l.spdx,
                "status": "active",
                "title": l.title,
                "url": l.url,
            }))
            .collect::<Vec<_>>()
    )
}
