//! The filters of a query as one polars predicate: `filter[col][op]` values typed by the
//! column, CKAN's `$or`/`$and` trees and text search. Errors name the parameter at fault.

use polars::prelude::*;

use crate::error::Result;
use crate::params::bad;
use crate::{DataQuery, Filter, Op, Where};

/// Checks a column exists, naming the parameter when it does not.
pub(crate) fn column<'a>(schema: &'a Schema, name: &str, param: &str) -> Result<&'a DataType> {
    schema.get(name).ok_or_else(|| {
        let known: Vec<&str> = schema.iter_names().map(PlSmallStr::as_str).collect();
        bad(
            param,
            format!(
                "kolom '{name}' tidak ada; kolom yang ada: {}",
                known.join(", ")
            ),
            format!("no column '{name}'; the columns are: {}", known.join(", ")),
        )
    })
}

/// The conjunction of the filters and the condition.
pub(crate) fn predicate(schema: &Schema, query: &DataQuery) -> Result<Option<Expr>> {
    let mut all: Option<Expr> = None;
    let parts = query
        .filters
        .iter()
        .map(|f| filter_expr(schema, f))
        .chain(query.condition.iter().map(|w| where_expr(schema, w)));
    for expr in parts {
        let expr = expr?;
        all = Some(match all {
            Some(a) => a.and(expr),
            None => expr,
        });
    }
    Ok(all)
}

fn fold(exprs: Vec<Expr>, and: bool) -> Expr {
    exprs
        .into_iter()
        .reduce(|a, b| if and { a.and(b) } else { a.or(b) })
        .unwrap_or_else(|| lit(and))
}

fn where_expr(schema: &Schema, condition: &Where) -> Result<Expr> {
    Ok(match condition {
        Where::Filter(f) => filter_expr(schema, f)?,
        Where::All(parts) => fold(
            parts
                .iter()
                .map(|w| where_expr(schema, w))
                .collect::<Result<_>>()?,
            true,
        ),
        Where::Any(parts) => fold(
            parts
                .iter()
                .map(|w| where_expr(schema, w))
                .collect::<Result<_>>()?,
            false,
        ),
        Where::OneOf {
            param,
            column: name,
            values,
        } => {
            let dtype = column(schema, name, param)?;
            let values: Vec<&str> = values.iter().map(String::as_str).collect();
            one_of(col(name.as_str()), dtype, &values, param)?
        }
        Where::Text {
            param,
            columns,
            text,
        } => {
            let searched: Vec<String> = if columns.is_empty() {
                schema
                    .iter()
                    .filter(|(_, t)| t.is_string())
                    .map(|(n, _)| n.to_string())
                    .collect()
            } else {
                for c in columns {
                    column(schema, c, param)?;
                }
                columns.clone()
            };
            let words = text.split_whitespace().map(|w| {
                let pattern = format!("(?i){}", regex::escape(w));
                fold(
                    searched
                        .iter()
                        .map(|c| {
                            col(c.as_str())
                                .cast(DataType::String)
                                .str()
                                .contains(lit(pattern.clone()), false)
                        })
                        .collect(),
                    false,
                )
            });
            fold(words.collect(), true)
        }
    })
}

/// One filter as an expression.
fn filter_expr(schema: &Schema, f: &Filter) -> Result<Expr> {
    let dtype = column(schema, &f.column, &f.param)?;
    let value = |raw: &str| typed_literal(dtype, raw, &f.param);
    let c = col(f.column.as_str());
    Ok(match f.op {
        Op::Eq => c.eq(value(&f.value)?),
        Op::Ne => c.neq(value(&f.value)?),
        Op::Gt => c.gt(value(&f.value)?),
        Op::Gte => c.gt_eq(value(&f.value)?),
        Op::Lt => c.lt(value(&f.value)?),
        Op::Lte => c.lt_eq(value(&f.value)?),
        Op::In => {
            let values: Vec<&str> = f.value.split(',').map(str::trim).collect();
            one_of(c, dtype, &values, &f.param)?
        }
        Op::Contains => c
            .cast(DataType::String)
            .str()
            .contains(lit(format!("(?i){}", regex::escape(&f.value))), false),
    })
}

/// `column IN (values)` as one set-membership test (an OR chain of a thousand equalities made
/// polars' planner take seconds and gigabytes).
fn one_of(column: Expr, dtype: &DataType, values: &[&str], param: &str) -> Result<Expr> {
    if values.is_empty() {
        return Err(bad(param, "daftar nilai kosong", "empty list"));
    }
    let name = PlSmallStr::EMPTY;
    let wrong = |raw: &str, kind_id: &str, kind_en: &str| {
        bad(
            param,
            format!("'{raw}' bukan {kind_id}, tipe kolom ini"),
            format!("'{raw}' is not {kind_en}, this column's type"),
        )
    };
    let series = if dtype.is_integer() {
        let parsed: Result<Vec<i64>> = values
            .iter()
            .map(|v| {
                v.parse()
                    .map_err(|_| wrong(v, "bilangan bulat", "an integer"))
            })
            .collect();
        Series::new(name, parsed?)
    } else if dtype.is_float() {
        let parsed: Result<Vec<f64>> = values
            .iter()
            .map(|v| v.parse().map_err(|_| wrong(v, "angka", "a number")))
            .collect();
        Series::new(name, parsed?)
    } else if dtype.is_bool() {
        let parsed: Result<Vec<bool>> = values
            .iter()
            .map(|v| match *v {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => Err(wrong(v, "true/false", "true/false")),
            })
            .collect();
        Series::new(name, parsed?)
    } else {
        Series::new(name, values.to_vec())
    };
    Ok(column.is_in(lit(series).implode(false), false))
}

/// CKAN datastore's name of a column type.
pub(crate) fn type_name(dtype: &DataType) -> &'static str {
    if dtype.is_integer() {
        "int"
    } else if dtype.is_float() {
        "numeric"
    } else if dtype.is_bool() {
        "bool"
    } else if dtype.is_temporal() {
        "date"
    } else {
        "text"
    }
}

/// A literal of the column's type, or a 400 naming the parameter.
fn typed_literal(dtype: &DataType, raw: &str, param: &str) -> Result<Expr> {
    let wrong = |kind_id: &str, kind_en: &str| {
        bad(
            param,
            format!("'{raw}' bukan {kind_id}, tipe kolom ini"),
            format!("'{raw}' is not {kind_en}, this column's type"),
        )
    };
    Ok(if dtype.is_integer() {
        lit(raw
            .trim()
            .parse::<i64>()
            .map_err(|_| wrong("bilangan bulat", "an integer"))?)
    } else if dtype.is_float() {
        lit(raw
            .trim()
            .parse::<f64>()
            .map_err(|_| wrong("angka", "a number"))?)
    } else if dtype.is_bool() {
        match raw.trim() {
            "true" => lit(true),
            "false" => lit(false),
            _ => return Err(wrong("true/false", "true/false")),
        }
    } else {
        lit(raw)
    })
}
