//! The CKAN Action API (read side): parameter handling and dispatch to the catalog's CKAN
//! services. Routes are in `routes/ckan.rs`.

pub mod envelope;

use axum::http::HeaderMap;
use satudata_catalog::{Actor, Error as CatalogError};
use satudata_harvest::ckan::{self, DatastoreSearch, PackageSearch};
use serde_json::{Value, json};

use crate::state::AppState;
use envelope::{CkanError, Params};

/// The actions we answer, with the help text `help_show` returns.
pub const ACTIONS: &[(&str, &str)] = &[
    (
        "package_search",
        "Searches for datasets. Parameters: q (Solr syntax: words, field:value, -field:value, OR, \
         parentheses, ranges [a TO b]), fq, rows (max 1000), start, sort (id, name, title, \
         metadata_modified, metadata_created, score; asc/desc), facet.field (JSON list), \
         facet.limit, facet.mincount, include_private, include_drafts. Returns count, results \
         (full package dictionaries), facets and search_facets.",
    ),
    (
        "package_show",
        "Returns the metadata of a dataset and its resources. Parameters: id (id or name).",
    ),
    (
        "package_list",
        "Returns the names of the public datasets. Parameters: limit, offset.",
    ),
    (
        "current_package_list_with_resources",
        "Returns public datasets with their resources, most recently modified first. \
         Parameters: limit (max 1000), offset.",
    ),
    (
        "organization_list",
        "Returns the organizations (OPD). Parameters: all_fields.",
    ),
    (
        "organization_show",
        "Returns an organization. Parameters: id (id or name), include_datasets.",
    ),
    (
        "group_list",
        "Returns the groups (the national topik). Parameters: all_fields.",
    ),
    (
        "group_show",
        "Returns a group. Parameters: id (name), include_datasets.",
    ),
    (
        "tag_list",
        "Returns the tags of public datasets. Parameters: query.",
    ),
    (
        "resource_show",
        "Returns a resource (a published file of the current version). Parameters: id.",
    ),
    ("license_list", "Returns the licences datasets may use."),
    (
        "status_show",
        "Returns the site's name, URL and CKAN API version.",
    ),
    (
        "help_show",
        "Returns the help text of an action. Parameters: name.",
    ),
    (
        "datastore_search",
        "Queries the table of a resource. Parameters: resource_id, filters ({col: value | \
         [values] | {gte, lte, gt, lt, eq}}, $or, $and), q (text or {col: text}), fields, sort \
         ('col asc, col2 desc'), limit (max 1000), offset, include_total, records_format \
         (objects, lists, csv, tsv), after (cursor from next_page). Returns fields, records, \
         total, _links and next_page.",
    ),
];

/// The caller: a token in `X-CKAN-API-Key` or `Authorization` (bare or `Bearer`), else
/// anonymous. A bad token is an Authorization Error, never anonymous.
pub async fn actor(state: &AppState, headers: &HeaderMap) -> Result<Actor, CkanError> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let token = header("x-ckan-api-key").or_else(|| {
        header("authorization").map(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
                .unwrap_or(v)
                .trim()
        })
    });
    let Some(token) = token else {
        return Ok(Actor::Anonymous);
    };
    let principal = state.catalog.authenticate(token).await?;
    Ok(Actor::Account(principal))
}

/// Runs one action.
pub async fn run(
    state: &AppState,
    actor: &Actor,
    name: &str,
    p: &Params,
) -> Result<Value, CkanError> {
    let catalog = &state.catalog;
    let harvest = &state.harvest;
    let base = state.base_url.as_str();
    Ok(match name {
        "package_search" => {
            let mut fq = p.list("fq_list")?;
            if let Some(f) = p.str("fq").filter(|f| !f.trim().is_empty()) {
                fq.push(f);
            }
            let search = PackageSearch {
                q: p.str("q").unwrap_or_default(),
                fq,
                rows: p.uint("rows")?.unwrap_or(10),
                start: p.uint("start")?.unwrap_or(0),
                sort: p.str("sort"),
                facet_fields: p.list("facet.field")?,
                facet_limit: p.int("facet.limit")?.unwrap_or(50),
                facet_mincount: p.uint("facet.mincount")?.unwrap_or(1),
                include_private: p.bool("include_private", false)?,
                include_drafts: p.bool("include_drafts", false)?,
            };
            harvest.ckan_package_search(actor, base, search).await?
        }
        "package_show" => {
            let id = p.required("id")?;
            harvest.ckan_package_show(actor, base, &id).await?
        }
        "package_list" => {
            let offset = p.uint("offset")?.unwrap_or(0);
            harvest
                .ckan_package_list(actor, p.uint("limit")?, offset)
                .await?
        }
        "current_package_list_with_resources" => {
            let limit = p.uint("limit")?.unwrap_or(ckan::ROWS_MAX);
            let offset = p.uint("offset")?.unwrap_or(0);
            harvest
                .ckan_current_packages(actor, base, limit, offset)
                .await?
        }
        "organization_list" => {
            harvest
                .ckan_organization_list(actor, p.bool("all_fields", false)?)
                .await?
        }
        "organization_show" => {
            let id = p.required("id")?;
            let with = p.bool("include_datasets", false)?;
            harvest
                .ckan_organization_show(actor, base, &id, with)
                .await?
        }
        "group_list" => {
            harvest
                .ckan_group_list(actor, p.bool("all_fields", false)?)
                .await?
        }
        "group_show" => {
            let id = p.required("id")?;
            let with = p.bool("include_datasets", false)?;
            harvest.ckan_group_show(actor, base, &id, with).await?
        }
        "tag_list" => {
            harvest
                .ckan_tag_list(actor, p.str("query").as_deref())
                .await?
        }
        "resource_show" => {
            let id = p.required("id")?;
            harvest.ckan_resource_show(actor, base, &id).await?
        }
        "license_list" => ckan::license_list(),
        "status_show" => {
            let portal = catalog.portal().await?;
            json!({
                "ckan_version": ckan::CKAN_VERSION,
                "site_title": portal.name,
                "site_description": "Portal Satu Data (satudata)",
                "site_url": base,
                "locale_default": "id",
                "error_emails_to": null,
                "extensions": ["satudata", "datastore"],
                "satudata_version": env!("CARGO_PKG_VERSION"),
            })
        }
        "help_show" => {
            let wanted = p.required("name")?;
            let (_, help) = ACTIONS.iter().find(|(n, _)| *n == wanted).ok_or_else(|| {
                CkanError::from(CatalogError::not_found("Aksi", "action", &wanted))
            })?;
            json!(help)
        }
        "datastore_search" => {
            let search = DatastoreSearch {
                resource_id: p.required("resource_id")?,
                filters: p.json("filters")?,
                q: match p.0.get("q") {
                    Some(Value::String(s)) if s.trim_start().starts_with('{') => p.json("q")?,
                    other => other.cloned(),
                },
                fields: p.list("fields")?,
                sort: p.str("sort"),
                limit: p
                    .uint("limit")?
                    .map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
                offset: p
                    .uint("offset")?
                    .map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX)),
                after: p.str("after"),
                include_total: p.bool("include_total", true)?,
                records_format: match p.str("records_format").as_deref() {
                    None | Some("objects") => "objects".into(),
                    Some(f @ ("lists" | "csv" | "tsv")) => f.into(),
                    Some(_) => {
                        return Err(CkanError::validation(
                            "records_format",
                            "Value must be one of ['objects', 'lists', 'csv', 'tsv']",
                        ));
                    }
                },
            };
            harvest.ckan_datastore_search(actor, search).await?
        }
        other => return Err(CkanError::unknown_action(other)),
    })
}
