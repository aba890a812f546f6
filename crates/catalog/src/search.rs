//! The dataset listing: visibility, filters, full-text search on both databases, and paging.

use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, Condition, DbBackend, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select, TryGetable,
};

use crate::datasets::DatasetRecord;
use crate::entity::{dataset, dataset_tag};
use crate::error::{Error, Result};
use crate::paging::{Page, Paged, Window};
use crate::{Actor, Catalog, vocab};

/// What to look for. Every filter narrows the result.
#[derive(Debug, Clone, Default)]
pub struct DatasetQuery {
    /// Words to find in title, description, tags and OPD names (all must occur; prefixes match).
    pub q: Option<String>,
    /// Slug of the owning OPD.
    pub organization: Option<String>,
    /// Topic group.
    pub topik: Option<String>,
    /// Tag.
    pub tag: Option<String>,
    /// Year the temporal coverage must include.
    pub tahun: Option<i32>,
    /// The page.
    pub page: Page,
}

impl Catalog {
    /// Datasets the actor may see that match the query: by relevance when searching for words,
    /// otherwise most recently changed first.
    pub async fn search_datasets(
        &self,
        actor: &Actor,
        query: DatasetQuery,
    ) -> Result<Paged<DatasetRecord>> {
        let backend = self.db().get_database_backend();
        let mut filter = Condition::all().add(dataset::Column::DeletedAt.is_null());
        filter = filter.add(actor.readable());
        if let Some(key) = query.organization.as_deref().filter(|k| !k.is_empty()) {
            let id = self.find_organization_row(key).await?.map_or(-1, |o| o.id);
            filter = filter.add(dataset::Column::OrganizationId.eq(id));
        }
        if let Some(topik) = query.topik.as_deref().filter(|k| !k.is_empty()) {
            filter = filter.add(dataset::Column::Topik.eq(vocab::TOPIK.parse(topik)?));
        }
        if let Some(tag) = query.tag.as_deref().filter(|k| !k.is_empty()) {
            let tagged = Query::select()
                .column(dataset_tag::Column::DatasetId)
                .from(dataset_tag::Entity)
                .and_where(dataset_tag::Column::Tag.eq(tag.trim().to_lowercase()))
                .to_owned();
            filter = filter.add(dataset::Column::Id.in_subquery(tagged));
        }
        if let Some(year) = query.tahun {
            filter = filter.add(covers_year(year)?);
        }
        let words = query.q.as_deref().map(words).unwrap_or_default();
        let mut select = dataset::Entity::find();
        if !words.is_empty() {
            let rank = ranked(backend, &mut select, &words)?;
            select = select.order_by(rank, Order::Asc);
        }
        let select = select
            .filter(filter)
            .order_by_desc(dataset::Column::UpdatedAt)
            .order_by_desc(dataset::Column::Id);
        let total = select.clone().count(self.db()).await?;
        let rows = select
            .window(query.page.offset, query.page.limit)
            .all(self.db())
            .await?;
        Ok(Paged {
            items: self.records(rows).await?,
            total,
            page: query.page,
        })
    }

    /// Rows of `select` per non-null value of `key` (counting `counted`): facet counts.
    pub async fn count_by<E, C, K>(
        &self,
        select: Select<E>,
        key: C,
        counted: C,
    ) -> Result<Vec<(K, u64)>>
    where
        E: EntityTrait<Column = C>,
        C: ColumnTrait,
        K: TryGetable,
    {
        let rows: Vec<(Option<K>, i64)> = select
            .select_only()
            .column_as(key, "key")
            .column_as(Expr::col(counted).count(), "n")
            .filter(key.is_not_null())
            .group_by(key)
            .into_tuple()
            .all(self.db())
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(k, n)| Some((k?, u64::try_from(n).unwrap_or(0))))
            .collect())
    }
}

/// Datasets whose temporal coverage includes some day of `year`.
fn covers_year(year: i32) -> Result<Condition> {
    let bad = || {
        Error::invalid(
            "tahun",
            format!("Tahun {year} tidak sah"),
            format!("Invalid year {year}"),
        )
    };
    let first = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(bad)?;
    let last = NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(bad)?;
    Ok(Condition::all()
        .add(
            Condition::any()
                .add(dataset::Column::TemporalStart.is_not_null())
                .add(dataset::Column::TemporalEnd.is_not_null()),
        )
        .add(
            Condition::any()
                .add(dataset::Column::TemporalStart.is_null())
                .add(dataset::Column::TemporalStart.lte(last)),
        )
        .add(
            Condition::any()
                .add(dataset::Column::TemporalEnd.is_null())
                .add(dataset::Column::TemporalEnd.gte(first)),
        ))
}

/// Splits a query into lower-case words of letters and digits (everything else separates), so
/// that no search operator of either database can be injected.
pub fn words(q: &str) -> Vec<String> {
    q.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(16)
        .map(str::to_lowercase)
        .collect()
}

/// The condition "matches the words" for the backend's full-text engine.
pub fn full_text(backend: DbBackend, words: &[String]) -> Result<Expr> {
    match backend {
        DbBackend::Sqlite => Ok(Expr::cust_with_values(
            "dataset.id IN (SELECT rowid FROM dataset_fts WHERE dataset_fts MATCH ?)",
            [fts_query(words)],
        )),
        DbBackend::Postgres => Ok(Expr::cust_with_values(
            "to_tsvector('simple', dataset.search_text) @@ to_tsquery('simple', $1)",
            [ts_query(words)],
        )),
        other => Err(Error::Invariant(format!(
            "no full-text search for {other:?}"
        ))),
    }
}

/// Restricts `select` to datasets matching the words and returns their rank (ascending is
/// better). SQLite's bm25() comes from one FTS query joined in, not a correlated subquery,
/// which would run the FTS query again for every matching row.
pub fn ranked(
    backend: DbBackend,
    select: &mut sea_orm::Select<dataset::Entity>,
    words: &[String],
) -> Result<Expr> {
    use sea_orm::QueryTrait;
    use sea_orm::sea_query::{Alias, ExprTrait, JoinType};
    match backend {
        DbBackend::Sqlite => {
            let hits = Query::select()
                .expr_as(Expr::cust("rowid"), Alias::new("hit_id"))
                .expr_as(Expr::cust("bm25(dataset_fts)"), Alias::new("hit_rank"))
                .from(Alias::new("dataset_fts"))
                .and_where(Expr::cust_with_values(
                    "dataset_fts MATCH ?",
                    [fts_query(words)],
                ))
                // A LIMIT keeps SQLite from flattening the subquery into the join, where it
                // would re-run the MATCH once per dataset row (2,500 matches: 430 ms, not 10).
                .limit(i64::MAX.unsigned_abs())
                .to_owned();
            QueryTrait::query(select).join_subquery(
                JoinType::InnerJoin,
                hits,
                Alias::new("hits"),
                Expr::col((Alias::new("hits"), Alias::new("hit_id")))
                    .equals((dataset::Entity, dataset::Column::Id)),
            );
            Ok(Expr::col((Alias::new("hits"), Alias::new("hit_rank"))))
        }
        DbBackend::Postgres => {
            QueryTrait::query(select).and_where(full_text(backend, words)?);
            Ok(Expr::cust_with_values(
                "-ts_rank(to_tsvector('simple', dataset.search_text), to_tsquery('simple', $1))",
                [ts_query(words)],
            ))
        }
        other => Err(Error::Invariant(format!(
            "no full-text search for {other:?}"
        ))),
    }
}

/// FTS5 query: every word as a quoted prefix.
fn fts_query(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("\"{w}\"*"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// PostgreSQL tsquery: every word as a prefix.
fn ts_query(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("{w}:*"))
        .collect::<Vec<_>>()
        .join(" & ")
}

#[cfg(test)]
mod tests {
    use super::words;

    #[test]
    fn search_words_drop_operators() {
        assert_eq!(
            words("penduduk \"OR\" NEAR(x*) 2024"),
            ["penduduk", "or", "near", "x", "2024"]
        );
        assert!(words("*** -- ()").is_empty());
    }
}
