//! The dataset listing: visibility, filters, full-text search on both databases, and paging.

use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ColumnTrait, Condition, DbBackend, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::datasets::DatasetRecord;
use crate::entity::{dataset, dataset_tag};
use crate::error::{Error, Result};
use crate::paging::{Page, Paged};
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
            let (matches, rank) = full_text(backend, &words)?;
            filter = filter.add(matches);
            select = select.order_by(rank, Order::Asc);
        }
        let select = select
            .filter(filter)
            .order_by_desc(dataset::Column::UpdatedAt)
            .order_by_desc(dataset::Column::Id);
        let total = select.clone().count(self.db()).await?;
        let rows = select
            .offset(query.page.offset)
            .limit(query.page.limit)
            .all(self.db())
            .await?;
        Ok(Paged {
            items: self.records(rows).await?,
            total,
            page: query.page,
        })
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
pub(crate) fn words(q: &str) -> Vec<String> {
    q.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(16)
        .map(str::to_lowercase)
        .collect()
}

/// The match condition and an ascending rank expression for the backend's full-text engine.
pub(crate) fn full_text(backend: DbBackend, words: &[String]) -> Result<(Expr, Expr)> {
    match backend {
        DbBackend::Sqlite => {
            let fts = words
                .iter()
                .map(|w| format!("\"{w}\"*"))
                .collect::<Vec<_>>()
                .join(" ");
            let matches = Expr::cust_with_values(
                "dataset.id IN (SELECT rowid FROM dataset_fts WHERE dataset_fts MATCH ?)",
                [fts.clone()],
            );
            // bm25() is lower for better matches.
            let rank = Expr::cust_with_values(
                "(SELECT bm25(dataset_fts) FROM dataset_fts WHERE dataset_fts MATCH ? AND rowid = dataset.id)",
                [fts],
            );
            Ok((matches, rank))
        }
        DbBackend::Postgres => {
            let tsquery = words
                .iter()
                .map(|w| format!("{w}:*"))
                .collect::<Vec<_>>()
                .join(" & ");
            let matches = Expr::cust_with_values(
                "to_tsvector('simple', dataset.search_text) @@ to_tsquery('simple', $1)",
                [tsquery.clone()],
            );
            let rank = Expr::cust_with_values(
                "-ts_rank(to_tsvector('simple', dataset.search_text), to_tsquery('simple', $1))",
                [tsquery],
            );
            Ok((matches, rank))
        }
        other => Err(Error::Internal(format!(
            "no full-text search for {other:?}"
        ))),
    }
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
