//! The data API's query string, parsed into a [`DataQuery`]. Errors name the parameter at fault.

use crate::error::{Error, Result};
use crate::{Agg, DataQuery, Filter, Op, Output};

/// Largest page of the paged API; exports (`limit=all`) have no cap.
pub const MAX_LIMIT: usize = 1000;
/// Page size when `limit` is absent.
pub const DEFAULT_LIMIT: usize = 100;

impl DataQuery {
    /// Parses `select`, `filter[col]` / `filter[col][op]`, `sort`, `limit`, `offset`, `after`,
    /// `group_by`, `agg`, `format` and `version` from decoded query pairs.
    pub fn parse(pairs: &[(String, String)]) -> Result<Self> {
        let mut query = Self {
            limit: Some(DEFAULT_LIMIT),
            ..Self::default()
        };
        for (key, value) in pairs {
            match key.as_str() {
                "select" => query.select = list(value),
                "sort" => {
                    query.sort = list(value)
                        .into_iter()
                        .map(|c| match c.strip_prefix('-') {
                            Some(name) => (name.to_owned(), true),
                            None => (c, false),
                        })
                        .collect();
                }
                "limit" if value == "all" => query.limit = None,
                "limit" => {
                    let n = number(key, value)?;
                    if n == 0 || n > MAX_LIMIT {
                        return Err(bad(
                            key,
                            format!("limit harus 1..{MAX_LIMIT} atau 'all' (untuk ekspor)"),
                            format!("limit must be 1..{MAX_LIMIT} or 'all' (for exports)"),
                        ));
                    }
                    query.limit = Some(n);
                }
                "offset" => query.offset = number(key, value)?,
                "after" => query.after = Some(value.clone()),
                "group_by" => query.group_by = list(value),
                "agg" => {
                    for spec in list(value) {
                        query.aggs.push(agg(&spec)?);
                    }
                }
                "format" => {
                    query.output = match value.as_str() {
                        "json" => Output::Json,
                        "csv" => Output::Csv,
                        "parquet" => Output::Parquet,
                        _ => {
                            return Err(bad(
                                key,
                                "format harus json, csv atau parquet",
                                "format must be json, csv or parquet",
                            ));
                        }
                    };
                }
                "version" => {
                    let n = number(key, value)?;
                    query.version =
                        Some(i32::try_from(n).map_err(|_| {
                            bad(key, "nomor versi tidak sah", "not a version number")
                        })?);
                }
                _ if key.starts_with("filter[") => query.filters.push(filter(key, value)?),
                _ => {
                    return Err(bad(
                        key,
                        format!("parameter '{key}' tidak dikenal"),
                        format!("unknown parameter '{key}'"),
                    ));
                }
            }
        }
        if query.after.is_some() && query.offset > 0 {
            return Err(bad(
                "after",
                "after dan offset tidak dapat dipakai bersamaan",
                "after and offset cannot be combined",
            ));
        }
        if !query.aggs.is_empty() && query.after.is_some() {
            return Err(bad(
                "after",
                "after tidak berlaku untuk agregasi; pakai offset",
                "after does not apply to aggregations; use offset",
            ));
        }
        if query.output == Output::Parquet && query.limit.is_some() {
            return Err(bad(
                "format",
                "format=parquet hanya untuk ekspor (limit=all)",
                "format=parquet is for exports only (limit=all)",
            ));
        }
        Ok(query)
    }
}

/// `filter[col]=v` (equality) or `filter[col][op]=v`.
fn filter(key: &str, value: &str) -> Result<Filter> {
    let inner = &key["filter[".len()..];
    let (column, rest) = inner.split_once(']').ok_or_else(|| {
        bad(
            key,
            "bentuk filter: filter[kolom][op]=nilai",
            "filter syntax: filter[column][op]=value",
        )
    })?;
    let op = match rest {
        "" | "[eq]" => Op::Eq,
        "[ne]" => Op::Ne,
        "[gt]" => Op::Gt,
        "[gte]" => Op::Gte,
        "[lt]" => Op::Lt,
        "[lte]" => Op::Lte,
        "[in]" => Op::In,
        "[contains]" => Op::Contains,
        _ => {
            return Err(bad(
                key,
                format!(
                    "operator '{rest}' tidak dikenal; pakai eq, ne, gt, gte, lt, lte, in atau contains"
                ),
                format!("unknown operator '{rest}'; use eq, ne, gt, gte, lt, lte, in or contains"),
            ));
        }
    };
    if column.is_empty() {
        return Err(bad(key, "nama kolom kosong", "empty column name"));
    }
    Ok(Filter {
        param: key.to_owned(),
        column: column.to_owned(),
        op,
        value: value.to_owned(),
    })
}

/// `sum:jumlah`, `count`, `count:kolom`, `mean:x`, `min:x`, `max:x`.
fn agg(spec: &str) -> Result<(Agg, Option<String>)> {
    let (name, column) = match spec.split_once(':') {
        Some((n, c)) => (n, Some(c.to_owned())),
        None => (spec, None),
    };
    let agg = match name {
        "sum" => Agg::Sum,
        "count" => Agg::Count,
        "mean" => Agg::Mean,
        "min" => Agg::Min,
        "max" => Agg::Max,
        _ => {
            return Err(bad(
                "agg",
                format!("agregasi '{name}' tidak dikenal; pakai sum, count, mean, min atau max"),
                format!("unknown aggregation '{name}'; use sum, count, mean, min or max"),
            ));
        }
    };
    if column.is_none() && agg != Agg::Count {
        return Err(bad(
            "agg",
            format!("agregasi '{name}' memerlukan kolom, mis. {name}:jumlah"),
            format!("aggregation '{name}' needs a column, e.g. {name}:jumlah"),
        ));
    }
    Ok((agg, column))
}

fn list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn number(key: &str, value: &str) -> Result<usize> {
    value.trim().parse().map_err(|_| {
        bad(
            key,
            format!("{key} harus bilangan bulat tak negatif"),
            format!("{key} must be a non-negative integer"),
        )
    })
}

/// A 400-class error naming the parameter.
pub(crate) fn bad(
    param: &str,
    id: impl Into<std::borrow::Cow<'static, str>>,
    en: impl Into<std::borrow::Cow<'static, str>>,
) -> Error {
    Error::BadParameter {
        param: param.to_owned(),
        id: id.into(),
        en: en.into(),
    }
}
