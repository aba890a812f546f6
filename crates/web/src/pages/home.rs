//! `GET /` (`/en/`): the home page.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;

use super::cards::DatasetCard;
use crate::filters::key;
use crate::respond::PageResult;
use crate::state::{Visitor, WebState};

#[derive(Debug, Serialize)]
struct Totals {
    datasets: u64,
    opd: u64,
    downloads: u64,
    rows: u64,
}

#[derive(Debug, Serialize)]
pub(crate) struct Counted {
    pub name: String,
    pub url: String,
    pub count: u64,
}

#[derive(Debug, Serialize)]
struct Home {
    intro: Option<String>,
    totals: Totals,
    topics: Vec<Counted>,
    opds: Vec<Counted>,
    opds_more_url: String,
    newest: Vec<DatasetCard>,
    popular: Vec<DatasetCard>,
}

/// The ten topik as tiles with their counts.
pub(crate) fn topic_tiles(visitor: &Visitor, topics: Vec<(&'static str, u64)>) -> Vec<Counted> {
    topics
        .into_iter()
        .map(|(name, count)| Counted {
            url: visitor.url(&format!("/topik/{}", key(name))),
            name: name.to_owned(),
            count,
        })
        .collect()
}

pub(crate) async fn show(State(state): State<WebState>, visitor: Visitor) -> Response {
    state.respond(&visitor, page(&state, &visitor)).await
}

async fn page(state: &WebState, visitor: &Visitor) -> PageResult {
    let home = state.catalog.portal_home(&visitor.actor).await?;
    let frame = state.frame(visitor, "beranda", false).await?;
    let body = Home {
        intro: None,
        totals: Totals {
            datasets: home.totals.datasets,
            opd: home.totals.organizations,
            downloads: home.totals.downloads,
            rows: home.totals.rows,
        },
        topics: topic_tiles(visitor, home.topics),
        opds: home
            .organizations
            .into_iter()
            .map(|o| Counted {
                url: visitor.url(&format!("/opd/{}", o.organization.slug)),
                name: o.organization.name,
                count: o.datasets,
            })
            .collect(),
        opds_more_url: visitor.url("/opd"),
        newest: DatasetCard::all(visitor, home.newest),
        popular: DatasetCard::all(visitor, home.popular),
    };
    state.page(visitor, &frame, "public/home.html", &body, StatusCode::OK)
}
