//! The Frictionless Data Package (v2) of a published version: its clean CSV as the resource,
//! described by the Table Schema of the clean table (types from the applied schema, titles,
//! descriptions and constraints from the dataset's declared schema where a column keeps its
//! name).

use serde_json::{Map, Value, json};

use crate::error::{Error, Result};
use crate::{Actor, Catalog};

/// SPDX licence ids and their canonical pages.
fn license_path(id: &str) -> Option<&'static str> {
    Some(match id {
        "CC-BY-4.0" => "https://creativecommons.org/licenses/by/4.0/",
        "CC-BY-SA-4.0" => "https://creativecommons.org/licenses/by-sa/4.0/",
        "CC0-1.0" => "https://creativecommons.org/publicdomain/zero/1.0/",
        "ODC-By-1.0" => "https://opendatacommons.org/licenses/by/1-0/",
        "ODbL-1.0" => "https://opendatacommons.org/licenses/odbl/1-0/",
        "PDDL-1.0" => "https://opendatacommons.org/licenses/pddl/1-0/",
        _ => return None,
    })
}

impl Catalog {
    /// The `datapackage.json` of a published version (`None`: the current one); URLs start
    /// with `base_url`.
    pub async fn datapackage(
        &self,
        actor: &Actor,
        key: &str,
        number: Option<i32>,
        base_url: &str,
    ) -> Result<Value> {
        let record = self.dataset(actor, key).await?;
        let d = &record.dataset;
        let version = self.published_version(actor, d, number).await?;
        let files = self.distributions(version.id).await?;
        let csv = files
            .iter()
            .find(|f| f.format == "csv")
            .ok_or_else(|| Error::Internal(format!("version {} has no CSV", version.id)))?;
        let declared = self.schema_of(d).await?;
        let columns = version
            .clean_log
            .as_ref()
            .and_then(|log| log.get("columns"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut fields = Vec::new();
        for column in &columns {
            let name = column["name"].as_str().unwrap_or_default();
            let mut field = Map::new();
            field.insert("name".into(), json!(name));
            field.insert("type".into(), column["type"].clone());
            if let Some(declared) = declared
                .as_ref()
                .and_then(|s| s.fields.iter().find(|f| f.name == name))
            {
                let value =
                    serde_json::to_value(declared).map_err(|e| Error::Internal(e.to_string()))?;
                for key in ["title", "description", "constraints"] {
                    if let Some(v) = value.get(key) {
                        field.insert(key.into(), v.clone());
                    }
                }
            }
            fields.push(Value::Object(field));
        }
        let names: Vec<&str> = columns.iter().filter_map(|c| c["name"].as_str()).collect();
        let mut schema = json!({"fields": fields});
        if let Some(key) = declared
            .as_ref()
            .map(|s| s.primary_key.clone())
            .filter(|k| !k.is_empty() && k.iter().all(|c| names.contains(&c.as_str())))
        {
            schema["primaryKey"] = json!(key);
        }
        let version_path = format!("{base_url}/datasets/{}/versions/{}", d.slug, version.number);
        let mut license = json!({"name": d.license});
        if let Some(path) = license_path(&d.license) {
            license["path"] = json!(path);
        }
        let resource_name = resource_name(&d.slug);
        let mut package = json!({
            "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
            "name": resource_name,
            "id": format!("{base_url}/datasets/{}", d.slug),
            "title": d.title,
            "version": version.number.to_string(),
            "homepage": format!("{base_url}/api/v1/datasets/{}", d.slug),
            "licenses": [license],
            "contributors": [{"title": record.organization.name, "roles": ["publisher"]}],
            "keywords": record.tags,
            "resources": [{
                "name": resource_name,
                "type": "table",
                "path": format!("{version_path}/data.csv"),
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": csv.byte_size,
                "hash": format!("sha256:{}", csv.sha256),
                "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": true},
                "schema": schema,
            }],
        });
        if !d.description.is_empty() {
            package["description"] = json!(d.description);
        }
        if let Some(at) = version.published_at {
            package["created"] = json!(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        }
        Ok(package)
    }
}

/// A Data Package name: lower case letters, digits, `-`, `_` and `.`.
fn resource_name(slug: &str) -> String {
    slug.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}
