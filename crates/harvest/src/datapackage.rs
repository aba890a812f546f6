//! The descriptions of a published version's clean CSV: the Frictionless Data Package (v2) with
//! the CSV as its resource, and the CSVW metadata document (`data.csv-metadata.json`). Both
//! carry the Table Schema of the clean table (types from the applied schema, titles,
//! descriptions and constraints from the dataset's declared schema where a column keeps its
//! name).

use serde_json::{Map, Value, json};

use crate::Harvest;
use crate::error::{Error, Result};
use crate::names;
use satudata_catalog::Actor;
use satudata_catalog::entity::{dataset_version, distribution};

/// A published version's clean CSV with what describes it.
struct PublishedTable {
    record: satudata_catalog::datasets::DatasetRecord,
    version: dataset_version::Model,
    csv: distribution::Model,
    /// The Table Schema of the clean table.
    schema: Value,
}

impl Harvest {
    /// The clean CSV of a published version (`None`: the current one) and its Table Schema.
    async fn published_table(
        &self,
        actor: &Actor,
        key: &str,
        number: Option<i32>,
    ) -> Result<PublishedTable> {
        let record = self.catalog.dataset(actor, key).await?;
        let d = &record.dataset;
        let version = self.catalog.published_version(actor, d, number).await?;
        let files = self.catalog.distributions(version.id).await?;
        let csv = files
            .into_iter()
            .find(|f| f.format == "csv")
            .ok_or_else(|| Error::Invariant(format!("version {} has no CSV", version.id)))?;
        let declared = self.catalog.schema_of(d).await?;
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
                let value = serde_json::to_value(declared)?;
                for key in ["title", "description", "constraints"] {
                    if let Some(v) = value.get(key) {
                        field.insert(key.into(), v.clone());
                    }
                }
            }
            fields.push(Value::Object(field));
        }
        let column_names: Vec<&str> = columns.iter().filter_map(|c| c["name"].as_str()).collect();
        let mut schema = json!({"fields": fields});
        if let Some(key) = declared
            .as_ref()
            .map(|s| s.primary_key.clone())
            .filter(|k| !k.is_empty() && k.iter().all(|c| column_names.contains(&c.as_str())))
        {
            schema["primaryKey"] = json!(key);
        }
        Ok(PublishedTable {
            schema,
            csv,
            version,
            record,
        })
    }

    /// The `datapackage.json` of a published version (`None`: the current one); URLs start
    /// with `base_url`.
    pub async fn datapackage(
        &self,
        actor: &Actor,
        key: &str,
        number: Option<i32>,
        base_url: &str,
    ) -> Result<Value> {
        let PublishedTable {
            record,
            version,
            csv,
            schema,
        } = self.published_table(actor, key, number).await?;
        let d = &record.dataset;
        let version_path = format!("{base_url}/datasets/{}/versions/{}", d.slug, version.number);
        let mut license = json!({"name": d.license});
        if let Some(l) = names::license(&d.license) {
            license["path"] = json!(l.url);
        }
        let resource_name = resource_name(&d.slug);
        let mut package = json!({
            "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
            "name": resource_name,
            "id": format!("{base_url}/datasets/{}", d.slug),
            "title": d.title,
            "version": version.number.to_string(),
            "homepage": format!("{base_url}/dataset/{}", d.slug),
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

impl Harvest {
    /// The CSVW metadata document (`data.csv-metadata.json`) of a published version's CSV,
    /// whose URL is `csv_url`.
    pub async fn csvw_metadata(
        &self,
        actor: &Actor,
        key: &str,
        number: Option<i32>,
        csv_url: &str,
    ) -> Result<Value> {
        let table = self.published_table(actor, key, number).await?;
        let d = &table.record.dataset;
        let columns: Vec<Value> = table.schema["fields"]
            .as_array()
            .map(|fields| fields.iter().map(csvw_column).collect())
            .unwrap_or_default();
        let mut schema = json!({"columns": columns});
        if let Some(key) = table.schema.get("primaryKey") {
            schema["primaryKey"] = key.clone();
        }
        let mut doc = json!({
            "@context": ["http://www.w3.org/ns/csvw", {"@language": "id"}],
            "url": csv_url,
            "dc:title": d.title,
            "dc:publisher": table.record.organization.name,
            "dc:identifier": d.uuid.to_string(),
            "dcat:keyword": table.record.tags,
            "dialect": {"header": true, "delimiter": ",", "encoding": "utf-8", "lineTerminators": ["\r\n", "\n"]},
            "tableSchema": schema,
        });
        if !d.description.is_empty() {
            doc["dc:description"] = json!(d.description);
        }
        if let Some(l) = names::license(&d.license) {
            doc["dc:license"] = json!({"@id": l.url});
        }
        if let Some(at) = table.version.published_at {
            doc["dc:modified"] = json!(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        }
        doc["dc:hasVersion"] = json!(table.version.number.to_string());
        doc["dc:extent"] = json!(table.csv.byte_size);
        Ok(doc)
    }
}

/// A Table Schema field as a CSVW column.
fn csvw_column(field: &Value) -> Value {
    let name = field["name"].as_str().unwrap_or_default();
    let base = match field["type"].as_str().unwrap_or("string") {
        "integer" => "integer",
        "number" => "double",
        "boolean" => "boolean",
        "date" => "date",
        "datetime" => "dateTime",
        "time" => "time",
        "year" => "gYear",
        "yearmonth" => "gYearMonth",
        "duration" => "duration",
        "object" | "array" | "geojson" => "json",
        _ => "string",
    };
    // `titles` must match the CSV header, which is the field name; a human title goes in
    // dc:title.
    let mut column = json!({"name": name, "titles": name, "datatype": base});
    for (ours, theirs) in [("title", "dc:title"), ("description", "dc:description")] {
        if let Some(v) = field.get(ours) {
            column[theirs] = v.clone();
        }
    }
    let constraints = &field["constraints"];
    if constraints["required"] == json!(true) {
        column["required"] = json!(true);
    }
    let bounds: Vec<(&str, Value)> = ["minimum", "maximum"]
        .into_iter()
        .filter_map(|k| constraints.get(k).map(|v| (k, v.clone())))
        .collect();
    if !bounds.is_empty() {
        let mut datatype = json!({"base": base});
        for (k, v) in bounds {
            datatype[k] = v;
        }
        column["datatype"] = datatype;
    }
    column
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
