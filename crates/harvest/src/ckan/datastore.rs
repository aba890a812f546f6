//! `datastore_search` over the data API engine: CKAN 2.12's filter syntax (equality, lists,
//! ranges, `$or` / `$and`), `q`, `fields`, `sort`, `limit`, `offset`, `include_total` and
//! `records_format` (objects, lists, csv, tsv), with `_links` and `next_page`.

use serde_json::{Map, Value, json};

use crate::Harvest;
use crate::error::{Error, Result};
use crate::names;
use satudata_catalog::Actor;
use satudata_dataquery::{DataPage, DataQuery, Filter, MAX_LIMIT, Op, Where};

/// The parameters of `datastore_search`.
#[derive(Debug, Clone, Default)]
pub struct DatastoreSearch {
    /// The resource (any format of the dataset: they hold the same table).
    pub resource_id: String,
    /// `{"col": value | [values] | {"gte": x}, "$or": [{...}], "$and": [{...}]}`.
    pub filters: Option<Value>,
    /// Words searched in every text column, or `{"col": "words"}`.
    pub q: Option<Value>,
    /// Columns to return.
    pub fields: Vec<String>,
    /// `col asc, col2 desc`.
    pub sort: Option<String>,
    /// Page size (default 100, capped at the data API's maximum).
    pub limit: Option<usize>,
    /// Rows to skip.
    pub offset: usize,
    /// Keyset cursor from a previous `next_page` (faster than a deep offset).
    pub after: Option<String>,
    /// Whether to return `total`.
    pub include_total: bool,
    /// `objects`, `lists`, `csv` or `tsv`.
    pub records_format: String,
}

fn invalid(param: &str, id: impl Into<String>, en: impl Into<String>) -> Error {
    Error::bad_parameter(param, id.into(), en.into())
}

/// A JSON scalar as the engine's textual value.
fn scalar(param: &str, value: &Value) -> Result<String> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err(invalid(
            param,
            "Nilai filter harus teks, angka atau boolean",
            "A filter value must be a string, number or boolean",
        )),
    }
}

fn is_scalar(value: &Value) -> bool {
    matches!(value, Value::String(_) | Value::Number(_) | Value::Bool(_))
}

fn leaf(column: &str, op: Op, value: &Value) -> Result<Where> {
    let param = format!("filters.{column}");
    Ok(Where::Filter(Filter {
        value: scalar(&param, value)?,
        param,
        column: column.to_owned(),
        op,
    }))
}

/// `{"gte": 1, "lt": 5}` on a column.
fn operators(column: &str, ops: &Map<String, Value>) -> Result<Where> {
    let mut parts = Vec::new();
    for (name, value) in ops {
        let op = match name.as_str() {
            "eq" => Op::Eq,
            "gt" => Op::Gt,
            "gte" => Op::Gte,
            "lt" => Op::Lt,
            "lte" => Op::Lte,
            other => {
                return Err(invalid(
                    &format!("filters.{column}"),
                    format!("Operator '{other}' tidak dikenal (eq, gt, gte, lt, lte)"),
                    format!("Unknown operator '{other}' (eq, gt, gte, lt, lte)"),
                ));
            }
        };
        parts.push(leaf(column, op, value)?);
    }
    Ok(Where::All(parts))
}

/// CKAN's filters as a condition.
pub(crate) fn filters(value: &Value) -> Result<Where> {
    match value {
        Value::Object(map) => {
            let mut parts = Vec::new();
            for (key, value) in map {
                parts.push(match (key.as_str(), value) {
                    ("$or", Value::Array(items)) => {
                        Where::Any(items.iter().map(filters).collect::<Result<_>>()?)
                    }
                    ("$and", Value::Array(items)) => {
                        Where::All(items.iter().map(filters).collect::<Result<_>>()?)
                    }
                    ("$or" | "$and", _) => {
                        return Err(invalid(
                            "filters",
                            format!("'{key}' harus berisi daftar filter"),
                            format!("'{key}' must hold a list of filters"),
                        ));
                    }
                    // A list of values: one set-membership test, however long.
                    (column, Value::Array(items)) if items.iter().all(is_scalar) => {
                        let param = format!("filters.{column}");
                        Where::OneOf {
                            values: items
                                .iter()
                                .map(|item| scalar(&param, item))
                                .collect::<Result<_>>()?,
                            param,
                            column: column.to_owned(),
                        }
                    }
                    (column, Value::Array(items)) => Where::Any(
                        items
                            .iter()
                            .map(|item| match item {
                                Value::Object(ops) => operators(column, ops),
                                other => leaf(column, Op::Eq, other),
                            })
                            .collect::<Result<_>>()?,
                    ),
                    (column, Value::Object(ops)) => operators(column, ops)?,
                    (column, other) => leaf(column, Op::Eq, other)?,
                });
            }
            Ok(Where::All(parts))
        }
        Value::Array(items) => Ok(Where::Any(
            items.iter().map(filters).collect::<Result<_>>()?,
        )),
        _ => Err(invalid(
            "filters",
            "filters harus berupa objek JSON",
            "filters must be a JSON object",
        )),
    }
}

fn text_search(q: &Value) -> Result<Option<Where>> {
    match q {
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => Ok(Some(Where::Text {
            param: "q".into(),
            columns: Vec::new(),
            text: s.clone(),
        })),
        Value::Object(map) => Ok(Some(Where::All(
            map.iter()
                .map(|(column, text)| {
                    Ok(Where::Text {
                        param: format!("q.{column}"),
                        columns: vec![column.clone()],
                        text: scalar("q", text)?,
                    })
                })
                .collect::<Result<_>>()?,
        ))),
        Value::Null => Ok(None),
        _ => Err(invalid(
            "q",
            "q harus berupa teks atau objek",
            "q must be a string or an object",
        )),
    }
}

/// `col asc, "col 2" desc` as sort keys; `_id` is the table's own order.
fn sort_keys(text: &str) -> Result<Vec<(String, bool)>> {
    let mut keys = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (column, dir) = match part.rsplit_once(char::is_whitespace) {
            Some((c, d)) if d.eq_ignore_ascii_case("asc") || d.eq_ignore_ascii_case("desc") => {
                (c.trim(), d.eq_ignore_ascii_case("desc"))
            }
            _ => (part, false),
        };
        let column = column.trim_matches('"');
        if column == "_id" {
            if dir {
                return Err(invalid(
                    "sort",
                    "Urutan menurun menurut _id tidak didukung",
                    "Descending _id order is not supported",
                ));
            }
            continue;
        }
        keys.push((column.to_owned(), dir));
    }
    Ok(keys)
}

impl Harvest {
    /// CKAN `datastore_search` on a published resource.
    pub async fn ckan_datastore_search(
        &self,
        actor: &Actor,
        params: DatastoreSearch,
    ) -> Result<Value> {
        let not_found = || Error::not_found("Sumber daya", "resource", &params.resource_id);
        let (dataset, _format) =
            names::parse_resource_id(&params.resource_id).ok_or_else(not_found)?;
        let limit = params.limit.unwrap_or(100).min(MAX_LIMIT);
        let mut parts = Vec::new();
        if let Some(f) = &params.filters {
            parts.push(filters(f)?);
        }
        if let Some(q) = &params.q
            && let Some(text) = text_search(q)?
        {
            parts.push(text);
        }
        let query = DataQuery {
            select: params
                .fields
                .iter()
                .filter(|f| f.as_str() != "_id")
                .cloned()
                .collect(),
            condition: (!parts.is_empty()).then_some(Where::All(parts)),
            sort: params
                .sort
                .as_deref()
                .map(sort_keys)
                .transpose()?
                .unwrap_or_default(),
            limit: Some(limit),
            offset: params.offset,
            after: params.after.clone(),
            ..DataQuery::default()
        };
        let page = self
            .catalog
            .query_data(actor, &dataset.to_string(), &query)
            .await
            .map_err(|e| Error::or_not_found(e, not_found))?;
        let with_id = params.fields.is_empty() || params.fields.iter().any(|f| f == "_id");
        Ok(response(&params, &page, limit, with_id))
    }
}

fn response(params: &DatastoreSearch, page: &DataPage, limit: usize, with_id: bool) -> Value {
    let mut fields: Vec<Value> = Vec::new();
    if with_id {
        fields.push(json!({"id": "_id", "type": "int"}));
    }
    for (name, kind) in page.columns.iter().zip(&page.types) {
        fields.push(json!({"id": name, "type": kind}));
    }
    let row_values = |i: usize, row: &[Value]| -> Vec<Value> {
        let mut values = Vec::with_capacity(row.len() + 1);
        if with_id {
            values.push(json!(page.ids.get(i)));
        }
        values.extend(row.iter().cloned());
        values
    };
    let names: Vec<String> = fields
        .iter()
        .filter_map(|f| f["id"].as_str().map(str::to_owned))
        .collect();
    let records = match params.records_format.as_str() {
        "lists" => json!(
            page.rows
                .iter()
                .enumerate()
                .map(|(i, r)| row_values(i, r))
                .collect::<Vec<_>>()
        ),
        "csv" | "tsv" => {
            let sep = if params.records_format == "csv" {
                ","
            } else {
                "\t"
            };
            let mut text = String::new();
            for (i, row) in page.rows.iter().enumerate() {
                let cells: Vec<String> = row_values(i, row).iter().map(|v| cell(v, sep)).collect();
                text.push_str(&cells.join(sep));
                text.push('\n');
            }
            json!(text)
        }
        _ => json!(
            page.rows
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    names
                        .iter()
                        .cloned()
                        .zip(row_values(i, r))
                        .collect::<Map<_, _>>()
                })
                .collect::<Vec<_>>()
        ),
    };
    let mut base: Vec<(&str, String)> = vec![("resource_id", params.resource_id.clone())];
    if let Some(f) = &params.filters {
        base.push(("filters", f.to_string()));
    }
    if let Some(q) = &params.q {
        base.push(("q", q.as_str().map_or_else(|| q.to_string(), str::to_owned)));
    }
    if let Some(s) = &params.sort {
        base.push(("sort", s.clone()));
    }
    if !params.fields.is_empty() {
        base.push(("fields", params.fields.join(",")));
    }
    let link = |extra: &[(&str, String)]| {
        let mut url = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in base.iter().chain(extra) {
            url.append_pair(k, v);
        }
        format!("/api/3/action/datastore_search?{}", url.finish())
    };
    let full = page.rows.len() == limit;
    let mut links = json!({"start": link(&[])});
    if full {
        links["next"] = json!(link(&[("offset", (params.offset + limit).to_string())]));
    }
    let mut out = json!({
        "_links": links,
        "fields": fields,
        "include_total": params.include_total,
        "limit": limit,
        "records": records,
        "records_format": params.records_format,
        "resource_id": params.resource_id,
        "total_estimation_threshold": null,
        "total_was_estimated": false,
    });
    if params.include_total {
        out["total"] = json!(page.total);
    }
    if params.offset > 0 {
        out["offset"] = json!(params.offset);
    }
    if let (true, Some(cursor)) = (full, &page.next) {
        let mut next: Map<String, Value> = base
            .iter()
            .map(|(k, v)| ((*k).to_owned(), json!(v)))
            .collect();
        if let Some(f) = &params.filters {
            next.insert("filters".into(), f.clone());
        }
        next.insert("limit".into(), json!(limit));
        next.insert("after".into(), json!(cursor));
        out["next_page"] = Value::Object(next);
    }
    out
}

/// A CSV/TSV cell, quoted when needed.
fn cell(value: &Value, sep: &str) -> String {
    let text = match value {
        Value::Null => return String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.contains(sep) || text.contains(['"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ckan_filters_become_conditions() {
        let f = filters(&json!({
            "kecamatan": "Prajurit Kulon",
            "tahun": [2021, {"gte": 2023, "lte": 2024}],
            "$or": [{"jenis_kelamin": "L"}, {"jumlah": {"gt": 10}}]
        }))
        .expect("test value");
        let Where::All(parts) = f else {
            panic!("not all: {f:?}")
        };
        assert_eq!(parts.len(), 3);
        let alternatives = parts
            .iter()
            .filter(|p| matches!(p, Where::Any(items) if items.len() == 2))
            .count();
        assert_eq!(alternatives, 2, "{parts:?}");
        // A list of plain values is one set-membership test, however long.
        let values: Vec<u32> = (0..1_000).collect();
        let Where::All(parts) = filters(&json!({ "tahun": values })).expect("test value") else {
            panic!("not all")
        };
        assert!(
            matches!(&parts[..], [Where::OneOf { column, values, .. }] if column == "tahun" && values.len() == 1_000),
            "{parts:?}"
        );
        assert!(filters(&json!({"a": {"like": 1}})).is_err());
        assert!(filters(&json!({"a": null})).is_err());
        assert!(filters(&json!("a=1")).is_err());
    }

    #[test]
    fn sort_keys_accept_ckan_forms() {
        assert_eq!(
            sort_keys("tahun desc, \"kecamatan\" asc, _id").expect("test value"),
            [("tahun".to_owned(), true), ("kecamatan".to_owned(), false)]
        );
    }
}
