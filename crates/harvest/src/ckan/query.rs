//! A parsed `q`/`fq` ([`Node`]) as a condition on `dataset` rows. Field names are CKAN's
//! (`organization`, `groups`, `tags`, `res_format`, `license_id`, `metadata_modified`, ...) plus
//! the Satu Data keys national portals filter on (`prioritas_tahun`, `accessRights`, ...).

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, DbBackend};
use uuid::Uuid;

use super::fq::{Node, Value, syntax};
use crate::error::Result;
use crate::names;
use satudata_catalog::entity::{dataset, dataset_tag, distribution, organization};
use satudata_catalog::search::{full_text, words};
use satudata_catalog::vocab;

/// The condition a query puts on datasets.
pub(super) fn condition(backend: DbBackend, node: &Node) -> Result<Condition> {
    Ok(match node {
        Node::All => Condition::all(),
        Node::And(items) => items.iter().try_fold(Condition::all(), |c, n| {
            Ok::<_, crate::error::Error>(c.add(condition(backend, n)?))
        })?,
        Node::Or(items) => items.iter().try_fold(Condition::any(), |c, n| {
            Ok::<_, crate::error::Error>(c.add(condition(backend, n)?))
        })?,
        Node::Not(inner) => condition(backend, inner)?.not(),
        Node::Text(text) => text_condition(backend, text)?,
        Node::Field(field, value) => Condition::all().add(field_condition(backend, field, value)?),
    })
}

/// The words a query searches for (not under a NOT), for ranking by relevance.
pub(super) fn ranked_words(node: &Node) -> Vec<String> {
    match node {
        Node::Text(t) => words(t),
        Node::And(items) | Node::Or(items) => items.iter().flat_map(ranked_words).collect(),
        Node::All | Node::Not(_) | Node::Field(..) => Vec::new(),
    }
}

fn text_condition(backend: DbBackend, text: &str) -> Result<Condition> {
    let words = words(text);
    if words.is_empty() {
        return Ok(Condition::all());
    }
    Ok(Condition::all().add(full_text(backend, &words)?))
}

fn never() -> SimpleExpr {
    Expr::cust("1 = 0")
}

fn always() -> SimpleExpr {
    Expr::cust("1 = 1")
}

fn field_condition(backend: DbBackend, field: &str, value: &Value) -> Result<SimpleExpr> {
    use dataset::Column as D;
    let term = match value {
        Value::Term(t) => Some(t.as_str()),
        Value::Range { .. } => None,
    };
    let exists = term == Some("*")
        || matches!(
            value,
            Value::Range {
                from: None,
                to: None,
                ..
            }
        );
    Ok(match field {
        "text" | "notes" => {
            let text = term.ok_or_else(|| not_range(field))?;
            let words = words(text);
            if words.is_empty() {
                always()
            } else {
                full_text(backend, &words)?
            }
        }
        "id" if exists => always(),
        "id" => match value {
            Value::Term(t) => Uuid::parse_str(t).map_or_else(|_| never(), |u| D::Uuid.eq(u)),
            Value::Range { .. } => return Err(not_range(field)),
        },
        "name" => string_match(D::Slug.into_expr(), value, false)?,
        "title" | "title_string" => string_match(D::Title.into_expr(), value, true)?,
        "organization" | "owner_org" if exists => always(),
        "organization" | "owner_org" => {
            let key = term.ok_or_else(|| not_range(field))?;
            let mut orgs = Query::select();
            orgs.column(organization::Column::Id)
                .from(organization::Entity);
            if field == "organization" {
                orgs.and_where(organization::Column::Slug.eq(key));
            } else {
                let Ok(uuid) = Uuid::parse_str(key) else {
                    return Ok(never());
                };
                orgs.and_where(organization::Column::Uuid.eq(uuid));
            }
            D::OrganizationId.in_subquery(orgs.to_owned())
        }
        "groups" if exists => D::Topik.is_not_null(),
        "groups" => {
            let key = term.ok_or_else(|| not_range(field))?;
            names::topik_of_group(key).map_or_else(never, |t| D::Topik.eq(t))
        }
        "tags" => {
            let mut tagged = Query::select();
            tagged
                .column(dataset_tag::Column::DatasetId)
                .from(dataset_tag::Entity);
            if !exists {
                let tag = term.ok_or_else(|| not_range(field))?;
                tagged.and_where(dataset_tag::Column::Tag.eq(tag.trim().to_lowercase()));
            }
            D::Id.in_subquery(tagged.to_owned())
        }
        "res_format" => {
            let mut versions = Query::select();
            versions
                .column(distribution::Column::VersionId)
                .from(distribution::Entity);
            if !exists {
                let format = term.ok_or_else(|| not_range(field))?;
                versions.and_where(distribution::Column::Format.eq(format.to_lowercase()));
            }
            D::CurrentVersionId.in_subquery(versions.to_owned())
        }
        "license_id" if exists => always(),
        "license_id" => {
            let key = term.ok_or_else(|| not_range(field))?;
            names::spdx_of(key).map_or_else(never, |l| D::License.eq(l))
        }
        "metadata_modified" => date_match(D::UpdatedAt.into_expr(), value)?,
        "metadata_created" => date_match(D::CreatedAt.into_expr(), value)?,
        "state" | "type" | "dataset_type" | "site_id" if exists => always(),
        "state" => bool_expr(term == Some("active")),
        "type" | "dataset_type" => bool_expr(term == Some("dataset")),
        "site_id" => always(),
        "private" | "capacity" => {
            let private = match term {
                Some("true" | "private") => true,
                Some("false" | "public") => false,
                Some("*") => return Ok(always()),
                _ => return Ok(never()),
            };
            if private {
                D::Akses.ne(satudata_catalog::actor::AKSES_TERBUKA)
            } else {
                D::Akses.eq(satudata_catalog::actor::AKSES_TERBUKA)
            }
        }
        "prioritas_tahun" => int_match(D::PrioritasTahun.into_expr(), value)?,
        "accessRights" | "akses" => vocab_match(D::Akses, &vocab::AKSES, value)?,
        "accrualPeriodicity" | "frekuensi" => vocab_match(D::Frekuensi, &vocab::FREKUENSI, value)?,
        "tingkat_penyajian" => vocab_match(D::TingkatPenyajian, &vocab::TINGKAT_PENYAJIAN, value)?,
        "satuan" => string_match(D::Satuan.into_expr(), value, true)?,
        "ukuran" => string_match(D::Ukuran.into_expr(), value, true)?,
        other => {
            return Err(syntax(
                format!("Bidang '{other}' tidak dikenal dalam kueri"),
                format!("undefined field {other}"),
            ));
        }
    })
}

fn bool_expr(b: bool) -> SimpleExpr {
    if b { always() } else { never() }
}

fn not_range(field: &str) -> crate::error::Error {
    syntax(
        format!("Bidang '{field}' tidak mendukung rentang"),
        format!("Field '{field}' does not support ranges"),
    )
}

/// `field:*` (has a value), `field:term` (equal) or a range, with values parsed by `parse`.
fn compare<V>(
    column: SimpleExpr,
    value: &Value,
    parse: impl Fn(&str) -> Result<V>,
) -> Result<SimpleExpr>
where
    V: Into<sea_orm::Value>,
{
    Ok(match value {
        Value::Term(t) if t == "*" => column.is_not_null(),
        Value::Term(t) => ExprTrait::eq(column, parse(t)?),
        Value::Range {
            from,
            to,
            from_inclusive,
            to_inclusive,
        } => {
            let mut all = column.clone().is_not_null();
            if let Some(from) = from {
                let (e, v) = (Expr::expr(column.clone()), Expr::val(parse(from)?));
                all = all.and(if *from_inclusive { e.gte(v) } else { e.gt(v) });
            }
            if let Some(to) = to {
                let (e, v) = (Expr::expr(column), Expr::val(parse(to)?));
                all = all.and(if *to_inclusive { e.lte(v) } else { e.lt(v) });
            }
            all
        }
    })
}

/// Exact match, `prefix*` (or any `*` glob), or a lexical range; `contains` makes a plain term a
/// case-insensitive substring match (for titles and free-text fields).
fn string_match(column: SimpleExpr, value: &Value, contains: bool) -> Result<SimpleExpr> {
    match value {
        Value::Term(t) if t != "*" && (t.contains('*') || contains) => {
            let escaped = t.replace(['%', '_'], "");
            let pattern = if t.contains('*') {
                escaped.replace('*', "%")
            } else {
                format!("%{escaped}%")
            };
            Ok(Expr::expr(Func::lower(column)).like(pattern.to_lowercase()))
        }
        _ => compare(column, value, |s| Ok(s.to_owned())),
    }
}

fn int_match(column: SimpleExpr, value: &Value) -> Result<SimpleExpr> {
    compare(column, value, |s| {
        s.parse::<i32>().map_err(|_| {
            syntax(
                format!("'{s}' bukan bilangan bulat"),
                format!("'{s}' is not an integer"),
            )
        })
    })
}

fn vocab_match(
    column: dataset::Column,
    list: &vocab::Vocabulary,
    value: &Value,
) -> Result<SimpleExpr> {
    Ok(match value {
        Value::Term(t) if t == "*" => column.is_not_null(),
        Value::Term(t) => list.parse(t).map_or_else(|_| never(), |v| column.eq(v)),
        Value::Range { .. } => return Err(not_range(list.field)),
    })
}

fn date_match(column: SimpleExpr, value: &Value) -> Result<SimpleExpr> {
    compare(column, value, solr_date)
}

/// A Solr date: `2024-05-01T10:00:00.123456Z` (fraction and `Z` optional), `2024-05-01`,
/// `NOW`, `NOW-7DAYS`, `NOW-2HOURS`.
pub(super) fn solr_date(text: &str) -> Result<DateTime<Utc>> {
    let bad = || {
        syntax(
            format!("'{text}' bukan tanggal (contoh 2024-05-01T10:00:00.123456Z)"),
            format!("'{text}' is not a date (e.g. 2024-05-01T10:00:00.123456Z)"),
        )
    };
    if let Some(rest) = text.strip_prefix("NOW") {
        if rest.is_empty() {
            return Ok(Utc::now());
        }
        let (sign, amount) = match rest.split_at(1) {
            ("-", a) => (-1, a),
            ("+", a) => (1, a),
            _ => return Err(bad()),
        };
        let digits: String = amount.chars().take_while(char::is_ascii_digit).collect();
        let n: i64 = digits.parse().map_err(|_| bad())?;
        let unit = amount[digits.len()..].trim_end_matches('S');
        let delta = match unit {
            "DAY" => Duration::days(n),
            "HOUR" => Duration::hours(n),
            "MINUTE" => Duration::minutes(n),
            _ => return Err(bad()),
        };
        return Ok(Utc::now() + delta * sign);
    }
    let trimmed = text.trim_end_matches('Z');
    if let Ok(naive) = NaiveDateTime::parse_from_str(trimmed, "%Y-%m-%dT%H:%M:%S%.f") {
        return Ok(naive.and_utc());
    }
    NaiveDate::parse_from_str(trimmed, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
        .ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::solr_date;

    #[test]
    fn solr_dates() {
        let t = solr_date("2024-05-01T10:00:00.123456Z").expect("test value");
        assert_eq!(t.to_rfc3339(), "2024-05-01T10:00:00.123456+00:00");
        assert!(solr_date("2024-05-01").is_ok());
        assert!(solr_date("NOW-7DAYS").expect("test value") < chrono::Utc::now());
        assert!(solr_date("yesterday").is_err());
    }
}
