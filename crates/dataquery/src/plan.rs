//! Turning a [`DataQuery`] into a polars lazy plan over a Parquet file.

use std::path::Path;

use std::sync::Arc;

use polars::prelude::*;
use serde_json::Value;

use crate::convert::{cell_json, json_to_lit};
use crate::error::{Error, Result};
use crate::filter::{column, predicate, type_name};
use crate::params::bad;
use crate::{Agg, DataPage, DataQuery};

/// The row-number column used as the final sort key and for keyset cursors.
const ROW: &str = "__row";

/// What identifies a query's total: its filters and grouping (not its paging or sorting).
pub(crate) fn total_key(query: &DataQuery) -> String {
    format!(
        "{:?}|{:?}|{:?}|{:?}",
        query.filters, query.condition, query.group_by, query.aggs
    )
}

fn scan(path: &Path) -> Result<LazyFrame> {
    let path = PlRefPath::new(path.to_string_lossy().as_ref());
    LazyFrame::scan_parquet(path, ScanArgsParquet::default()).map_err(polars_error)
}

/// The file's schema, from a scan of its own. Asking the scan that the plan is then built on
/// (`collect_schema` caches the resolved scan in the frame) cost the pages 3.5x the CPU: 29 ms
/// instead of 8.6 ms per uncached page of the benchmark query on 1 M rows
/// (`examples/page_cpu.rs`), as the filter was no longer applied inside the scan.
///
/// Schemas are kept per file (path, size and modification time: a published file never
/// changes, and a replaced one has another identity), since reading one means decoding the
/// file's footer: on a 10 M-row table that was a third of a random page's CPU (3.3 against
/// 2.1 ms per page, `page_cpu FILE random`).
fn file_schema(path: &Path) -> Result<Schema> {
    static KEPT: std::sync::OnceLock<moka::sync::Cache<FileId, Arc<Schema>>> =
        std::sync::OnceLock::new();
    let kept = KEPT.get_or_init(|| moka::sync::Cache::new(SCHEMAS_KEPT));
    let id = FileId::of(path)?;
    if let Some(schema) = kept.get(&id) {
        return Ok((*schema).clone());
    }
    let schema = (*scan(path)?.collect_schema().map_err(polars_error)?).clone();
    kept.insert(id, Arc::new(schema.clone()));
    Ok(schema)
}

/// Schemas of files kept (a few kilobytes each).
const SCHEMAS_KEPT: u64 = 1024;

/// What tells one file from another at the same path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct FileId {
    path: std::path::PathBuf,
    len: u64,
    modified: Option<std::time::SystemTime>,
}

impl FileId {
    fn of(path: &Path) -> Result<Self> {
        let meta = std::fs::metadata(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Self {
            path: path.to_path_buf(),
            len: meta.len(),
            modified: meta.modified().ok(),
        })
    }
}

/// Runs a plan on polars' streaming engine: batches flow through filter and slice, so a page
/// stops reading once it has its rows and memory stays bounded.
fn collect(lf: LazyFrame) -> Result<DataFrame> {
    match lf
        .collect_with_engine(Engine::Streaming)
        .map_err(polars_error)?
    {
        polars_core::query_result::QueryResult::Single(frame) => Ok(frame),
        polars_core::query_result::QueryResult::Multiple(_) => {
            Err(Error::Unexpected("a plan gave several results"))
        }
    }
}

fn polars_error(e: PolarsError) -> Error {
    Error::Polars(e)
}

/// The plan of a non-aggregated query up to (not including) paging, and its output columns.
fn rows_plan(path: &Path, query: &DataQuery) -> Result<(LazyFrame, Schema, Vec<String>)> {
    let schema = file_schema(path)?;
    let columns: Vec<String> = if query.select.is_empty() {
        schema.iter_names().map(|n| n.to_string()).collect()
    } else {
        for name in &query.select {
            column(&schema, name, "select")?;
        }
        query.select.clone()
    };
    for (name, _) in &query.sort {
        column(&schema, name, "sort")?;
    }
    let mut lf = scan(path)?.with_row_index(ROW, None);
    if let Some(p) = predicate(&schema, query)? {
        lf = lf.filter(p);
    }
    Ok((lf, schema, columns))
}

/// Sort keys with the row number as the final tiebreaker, so that pages never overlap.
fn sorted(lf: LazyFrame, sort: &[(String, bool)]) -> LazyFrame {
    if sort.is_empty() {
        return lf;
    }
    let mut exprs: Vec<Expr> = sort.iter().map(|(c, _)| col(c.as_str())).collect();
    let mut desc: Vec<bool> = sort.iter().map(|(_, d)| *d).collect();
    exprs.push(col(ROW));
    desc.push(false);
    lf.sort_by_exprs(
        exprs,
        SortMultipleOptions::default()
            .with_order_descending_multi(desc)
            .with_nulls_last(true)
            .with_maintain_order(true),
    )
}

/// Rows strictly after the cursor in the sort order.
fn after(schema: &Schema, sort: &[(String, bool)], cursor: &str) -> Result<Expr> {
    let invalid = || bad("after", "kursor tidak sah", "invalid cursor");
    let bytes = hex::decode(cursor).map_err(|_| invalid())?;
    let values: Vec<Value> = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    if values.len() != sort.len() + 1 {
        return Err(invalid());
    }
    let mut keys: Vec<(Expr, bool, Expr)> = Vec::new();
    for ((name, desc), value) in sort.iter().zip(&values) {
        let dtype = column(schema, name, "sort")?;
        keys.push((
            col(name.as_str()),
            *desc,
            json_to_lit(value, dtype).ok_or_else(invalid)?,
        ));
    }
    let row = values.last().and_then(Value::as_u64).ok_or_else(invalid)?;
    keys.push((col(ROW), false, lit(row)));
    // (k1 > v1) or (k1 = v1 and k2 > v2) or ...
    let mut any: Option<Expr> = None;
    for i in 0..keys.len() {
        let (key, desc, value) = &keys[i];
        let mut term = if *desc {
            key.clone().lt(value.clone())
        } else {
            key.clone().gt(value.clone())
        };
        for (k, _, v) in &keys[..i] {
            term = k.clone().eq(v.clone()).and(term);
        }
        any = Some(match any {
            Some(a) => a.or(term),
            None => term,
        });
    }
    any.ok_or_else(invalid)
}

/// A page of rows or groups, and the total (counted unless `known`).
pub(crate) fn page(path: &Path, query: &DataQuery, known: Option<u64>) -> Result<(DataPage, u64)> {
    if !query.aggs.is_empty() || !query.group_by.is_empty() {
        return aggregated_page(path, query);
    }
    let (lf, schema, columns) = rows_plan(path, query)?;
    let total = match known {
        Some(t) => t,
        None => count(lf.clone())?,
    };
    let limit = query.limit.unwrap_or(crate::MAX_LIMIT);
    let mut paged = sorted(lf, &query.sort);
    if let Some(cursor) = &query.after {
        paged = paged.filter(after(&schema, &query.sort, cursor)?);
    }
    let mut wanted: Vec<Expr> = columns.iter().map(|c| col(c.as_str())).collect();
    for (name, _) in &query.sort {
        if !columns.contains(name) {
            wanted.push(col(name.as_str()));
        }
    }
    wanted.push(col(ROW));
    let offset = i64::try_from(query.offset).unwrap_or(i64::MAX);
    let frame = collect(
        paged
            .slice(offset, IdxSize::try_from(limit).unwrap_or(IdxSize::MAX))
            .select(wanted),
    )?;
    let rows = rows_of(&frame, &columns)?;
    let types = columns
        .iter()
        .map(|c| schema.get(c.as_str()).map_or("text", type_name))
        .collect();
    let ids = frame
        .column(ROW)
        .map_err(polars_error)?
        .as_materialized_series()
        .iter()
        .map(|v| v.extract::<u64>().unwrap_or_default() + 1)
        .collect();
    let next = if frame.height() == limit {
        cursor_of(&frame, &query.sort)?
    } else {
        None
    };
    Ok((
        DataPage {
            version: 0,
            columns,
            types,
            ids,
            rows,
            total,
            next,
        },
        total,
    ))
}

fn count(lf: LazyFrame) -> Result<u64> {
    let frame = lf
        .select([len().alias("n")])
        .collect()
        .map_err(polars_error)?;
    let n = frame
        .column("n")
        .map_err(polars_error)?
        .get(0)
        .map_err(polars_error)?;
    Ok(match n {
        AnyValue::UInt32(n) => u64::from(n),
        AnyValue::UInt64(n) => n,
        other => other.extract::<u64>().unwrap_or_default(),
    })
}

/// Groups and aggregates; groups are few, so they are computed whole and paged in memory.
fn aggregated_page(path: &Path, query: &DataQuery) -> Result<(DataPage, u64)> {
    let frame = collect(aggregated(path, query)?)?;
    let columns: Vec<String> = frame
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    let total = frame.height() as u64;
    let limit = query.limit.unwrap_or(crate::MAX_LIMIT);
    let offset = i64::try_from(query.offset).unwrap_or(i64::MAX);
    let frame = frame.slice(offset, limit);
    let rows = rows_of(&frame, &columns)?;
    let types = frame.dtypes().iter().map(type_name).collect();
    Ok((
        DataPage {
            version: 0,
            columns,
            types,
            ids: Vec::new(),
            rows,
            total,
            next: None,
        },
        total,
    ))
}

/// The aggregation plan: filter, group, aggregate, sort (by the groups unless told).
fn aggregated(path: &Path, query: &DataQuery) -> Result<LazyFrame> {
    let schema = file_schema(path)?;
    let mut lf = scan(path)?;
    for name in &query.group_by {
        column(&schema, name, "group_by")?;
    }
    let mut aggs: Vec<Expr> = Vec::new();
    for (agg, name) in &query.aggs {
        let expr = match (agg, name) {
            (Agg::Count, None) => len().alias("count"),
            (agg, Some(name)) => {
                let dtype = column(&schema, name, "agg")?;
                if !matches!(agg, Agg::Count | Agg::Min | Agg::Max) && !dtype.is_primitive_numeric()
                {
                    return Err(bad(
                        "agg",
                        format!("kolom '{name}' bukan angka"),
                        format!("column '{name}' is not numeric"),
                    ));
                }
                let c = col(name.as_str());
                let (label, e) = match agg {
                    Agg::Sum => ("sum", c.sum()),
                    Agg::Count => ("count", c.count()),
                    Agg::Mean => ("mean", c.mean()),
                    Agg::Min => ("min", c.min()),
                    Agg::Max => ("max", c.max()),
                };
                e.alias(format!("{label}_{name}"))
            }
            (_, None) => return Err(Error::Unexpected("an aggregation without a column")),
        };
        aggs.push(expr);
    }
    if aggs.is_empty() {
        aggs.push(len().alias("count"));
    }
    if let Some(p) = predicate(&schema, query)? {
        lf = lf.filter(p);
    }
    let grouped = if query.group_by.is_empty() {
        lf.select(aggs)
    } else {
        let keys: Vec<Expr> = query.group_by.iter().map(|c| col(c.as_str())).collect();
        lf.group_by(keys).agg(aggs)
    };
    let sort: Vec<(String, bool)> = if query.sort.is_empty() {
        query.group_by.iter().map(|c| (c.clone(), false)).collect()
    } else {
        query.sort.clone()
    };
    if sort.is_empty() {
        return Ok(grouped);
    }
    let out_schema = grouped.clone().collect_schema().map_err(polars_error)?;
    for (name, _) in &sort {
        column(&out_schema, name, "sort")?;
    }
    Ok(grouped.sort_by_exprs(
        sort.iter()
            .map(|(c, _)| col(c.as_str()))
            .collect::<Vec<_>>(),
        SortMultipleOptions::default()
            .with_order_descending_multi(sort.iter().map(|(_, d)| *d).collect::<Vec<_>>())
            .with_nulls_last(true)
            .with_maintain_order(true),
    ))
}

/// The lazy plan of an export and its output columns.
pub(crate) struct PreparedExport {
    pub plan: LazyFrame,
    pub columns: Vec<String>,
    pub schema: Schema,
    pub output: crate::Output,
}

pub(crate) fn prepare_export(path: &Path, query: &DataQuery) -> Result<PreparedExport> {
    let plan = if !query.aggs.is_empty() || !query.group_by.is_empty() {
        aggregated(path, query)?
    } else {
        let (lf, _, columns) = rows_plan(path, query)?;
        let plan = sorted(lf, &query.sort)
            .select(columns.iter().map(|c| col(c.as_str())).collect::<Vec<_>>());
        if query.offset > 0 {
            plan.slice(
                i64::try_from(query.offset).unwrap_or(i64::MAX),
                IdxSize::MAX,
            )
        } else {
            plan
        }
    };
    let mut plan = plan;
    let schema = (*plan.collect_schema().map_err(polars_error)?).clone();
    let columns = schema.iter_names().map(|n| n.to_string()).collect();
    Ok(PreparedExport {
        plan,
        columns,
        schema,
        output: query.output,
    })
}

/// Rows of the named columns as JSON values.
fn rows_of(frame: &DataFrame, columns: &[String]) -> Result<Vec<Vec<Value>>> {
    let cols: Vec<&Column> = columns
        .iter()
        .map(|c| frame.column(c.as_str()).map_err(polars_error))
        .collect::<Result<_>>()?;
    (0..frame.height())
        .map(|i| {
            cols.iter()
                .map(|c| c.get(i).map(cell_json).map_err(polars_error))
                .collect()
        })
        .collect()
}

/// The cursor after the last row: its sort values and row number.
fn cursor_of(frame: &DataFrame, sort: &[(String, bool)]) -> Result<Option<String>> {
    let Some(last) = frame.height().checked_sub(1) else {
        return Ok(None);
    };
    let mut values: Vec<Value> = Vec::new();
    for (name, _) in sort {
        let c = frame.column(name.as_str()).map_err(polars_error)?;
        values.push(cell_json(c.get(last).map_err(polars_error)?));
    }
    let row = frame.column(ROW).map_err(polars_error)?;
    values.push(cell_json(row.get(last).map_err(polars_error)?));
    let json = serde_json::to_vec(&values)?;
    Ok(Some(hex::encode(json)))
}

#[cfg(test)]
mod tests {
    use polars::prelude::*;

    use crate::DataQuery;

    fn write(path: &std::path::Path, mut frame: DataFrame) {
        let file = std::fs::File::create(path).expect("create");
        ParquetWriter::new(file).finish(&mut frame).expect("write");
    }

    fn columns(path: &std::path::Path) -> Vec<String> {
        let query = DataQuery {
            limit: Some(5),
            ..DataQuery::default()
        };
        super::page(path, &query, None).expect("page").0.columns
    }

    /// The schema is kept per file: a file replaced at the same path is read afresh.
    #[test]
    fn a_replaced_file_is_not_read_with_the_old_schema() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("table.parquet");
        write(
            &path,
            df!("a" => [1i64, 2], "b" => ["x", "y"]).expect("frame"),
        );
        assert_eq!(columns(&path), ["a", "b"]);
        assert_eq!(columns(&path), ["a", "b"]);
        write(
            &path,
            df!("tahun" => [2024i64], "nilai" => [1.5f64], "nama" => ["z"]).expect("frame"),
        );
        assert_eq!(columns(&path), ["tahun", "nilai", "nama"]);
        std::fs::remove_file(&path).expect("remove");
        assert!(matches!(
            super::page(&path, &DataQuery::default(), None),
            Err(crate::Error::Read { .. })
        ));
    }
}
