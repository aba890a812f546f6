//! CKAN's dictionaries (package, resource, organization, group, tag) built from our rows. Every
//! key CKAN 2.9 returns is present even when null: udata's CKAN harvester rejects less.

use serde_json::{Map, Value, json};

use satudata_catalog::datasets::DatasetRecord;
use satudata_catalog::entity::{distribution, organization};

use crate::names::{self, timestamp};
use crate::read_model::{PackageRow, Site, format_label, landing_page};

/// CKAN's package dictionary.
pub(crate) fn package(site: Site<'_>, row: &PackageRow) -> Value {
    let d = &row.record.dataset;
    let org = &row.record.organization;
    let licence = names::license(&d.license);
    let tags: Vec<Value> = row.record.tags.iter().map(|t| tag(t)).collect();
    let groups: Vec<Value> = d
        .topik
        .iter()
        .map(|t| {
            let name = names::group_name(t);
            json!({
                "description": "",
                "display_name": t,
                "id": name,
                "image_display_url": "",
                "name": name,
                "title": t,
            })
        })
        .collect();
    let resources: Vec<Value> = names::RESOURCE_FORMATS
        .iter()
        .filter_map(|f| row.files.iter().find(|file| file.format == *f))
        .enumerate()
        .map(|(position, file)| resource(site, row, file, position))
        .collect();
    json!({
        "author": org.name,
        "author_email": org.email,
        "creator_user_id": null,
        "extras": extras(site, &row.record),
        "groups": groups,
        "id": d.uuid,
        "isopen": licence.is_some(),
        "license_id": licence.map_or(d.license.as_str(), |l| l.id),
        "license_title": licence.map_or(d.license.as_str(), |l| l.title),
        "license_url": licence.map(|l| l.url),
        "maintainer": d.contact_name,
        "maintainer_email": d.contact_email,
        "metadata_created": timestamp(d.created_at),
        "metadata_modified": timestamp(d.updated_at),
        "name": d.slug,
        "notes": d.description,
        "num_resources": resources.len(),
        "num_tags": tags.len(),
        "organization": organization_dict(org),
        "owner_org": org.uuid,
        "private": d.akses != satudata_catalog::actor::AKSES_TERBUKA,
        "relationships_as_object": [],
        "relationships_as_subject": [],
        "resources": resources,
        "state": "active",
        "tags": tags,
        "title": d.title,
        "tracking_summary": {"total": row.downloads.total, "recent": row.downloads.recent},
        "type": "dataset",
        "url": landing_page(site, &d.slug),
        "version": row.version.as_ref().map(|v| v.number.to_string()),
    })
}

/// CKAN's resource dictionary of one published file of the current version.
fn resource(
    site: Site<'_>,
    row: &PackageRow,
    file: &distribution::Model,
    position: usize,
) -> Value {
    let d = &row.record.dataset;
    let published = row
        .version
        .as_ref()
        .and_then(|v| v.published_at)
        .unwrap_or(file.created_at);
    json!({
        "cache_last_updated": null,
        "cache_url": null,
        "created": timestamp(file.created_at),
        "datastore_active": true,
        "description": format!(
            "{} ({}), versi {}",
            d.title,
            file.format.to_uppercase(),
            row.version.as_ref().map_or(0, |v| v.number)
        ),
        "format": format_label(&file.format),
        "hash": file.sha256,
        "id": names::resource_id(d.uuid, &file.format),
        "last_modified": timestamp(published),
        "metadata_modified": timestamp(published),
        "mimetype": file.media_type.split(';').next().unwrap_or_default().trim(),
        "mimetype_inner": null,
        "name": format!("{} ({})", d.title, format_label(&file.format)),
        "package_id": d.uuid,
        "position": position,
        "resource_type": "file",
        "size": file.byte_size,
        "state": "active",
        "url": format!("{}/datasets/{}/data.{}", site.base_url, d.slug, file.format),
        "url_type": null,
    })
}

fn tag(name: &str) -> Value {
    json!({
        "display_name": name,
        "id": name,
        "name": name,
        "state": "active",
        "vocabulary_id": null,
    })
}

/// The Satu Data metadata as CKAN extras, with the key names the national portal reads. Only
/// keys with a value appear (CKAN extras are strings; null is not a value).
fn extras(site: Site<'_>, record: &DatasetRecord) -> Vec<Value> {
    crate::national::pairs(site, record)
        .into_iter()
        .map(|(key, value)| json!({"key": key, "value": value}))
        .collect()
}

/// CKAN's organization dictionary (the short form inside packages and lists).
pub(crate) fn organization_dict(org: &organization::Model) -> Value {
    json!({
        "approval_status": "approved",
        "created": timestamp(org.created_at),
        "description": org.description.clone().unwrap_or_default(),
        "display_name": org.name,
        "id": org.uuid,
        "image_display_url": "",
        "image_url": "",
        "is_organization": true,
        "name": org.slug,
        "revision_id": org.uuid,
        "revision_timestamp": timestamp(org.updated_at),
        "state": "active",
        "title": org.name,
        "type": "organization",
    })
}

/// The long form of `organization_show` and `organization_list?all_fields=true`.
pub(crate) fn organization_full(org: &organization::Model, package_count: u64) -> Value {
    let mut dict = organization_dict(org);
    if let Value::Object(map) = &mut dict {
        let extra = json!({
            "package_count": package_count,
            "num_followers": 0,
            "extras": [],
            "groups": [],
            "tags": [],
            "users": [],
            "email": org.email,
            "website": org.website,
        });
        if let Value::Object(more) = extra {
            map.extend(more);
        }
    }
    dict
}

/// CKAN's group dictionary for a topik.
pub(crate) fn group_full(topik: &str, package_count: u64) -> Value {
    let name = names::group_name(topik);
    json!({
        "approval_status": "approved",
        "created": null,
        "description": format!("Topik Satu Data: {topik}"),
        "display_name": topik,
        "extras": [],
        "groups": [],
        "id": name,
        "image_display_url": "",
        "image_url": "",
        "is_organization": false,
        "name": name,
        "num_followers": 0,
        "package_count": package_count,
        "state": "active",
        "tags": [],
        "title": topik,
        "type": "group",
        "users": [],
    })
}

/// A JSON object's entries sorted by key (CKAN facet maps read better that way).
pub(crate) fn object(pairs: impl IntoIterator<Item = (String, Value)>) -> Value {
    Value::Object(pairs.into_iter().collect::<Map<_, _>>())
}
