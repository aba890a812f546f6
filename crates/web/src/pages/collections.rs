//! `GET /opd`, `/opd/{slug}`, `/topik`, `/topik/{slug}`: who publishes, and what is published
//! on a topic.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use satudata_catalog::pages::{PortalQuery, PortalSort};
use satudata_catalog::paging::Page;
use satudata_catalog::vocab;
use serde::Serialize;

use super::cards::DatasetCard;
use super::home::{Counted, topic_tiles};
use super::{Pagination, page_number, query_string};
use crate::filters::key;
use crate::respond::{PageResult, WebError};
use crate::state::{Visitor, WebState};

const PER_PAGE: u64 = 20;

#[derive(Debug, Serialize)]
struct OpdRow {
    name: String,
    short_name: Option<String>,
    kind: String,
    url: String,
    count: u64,
    overdue: u64,
}

#[derive(Debug, Serialize)]
struct OpdList {
    opds: Vec<OpdRow>,
}

#[derive(Debug, Serialize)]
struct TopikList {
    topics: Vec<Counted>,
}

#[derive(Debug, Serialize)]
struct Contact {
    email: Option<String>,
    phone: Option<String>,
    website: Option<String>,
    address: Option<String>,
}

#[derive(Debug, Serialize)]
struct Collection {
    name: String,
    description: Option<String>,
    contact: Option<Contact>,
    search_url: String,
    count: u64,
}

#[derive(Debug, Serialize)]
struct CollectionPage {
    kind: &'static str,
    collection: Collection,
    datasets: Vec<DatasetCard>,
    pagination: Pagination,
    first: u64,
    last: u64,
}

pub(crate) async fn opd_list(State(state): State<WebState>, visitor: Visitor) -> Response {
    let page = async {
        let all = state.catalog.portal_organizations(&visitor.actor).await?;
        let body = OpdList {
            opds: all
                .into_iter()
                .map(|o| OpdRow {
                    url: visitor.url(&format!("/opd/{}", o.organization.slug)),
                    name: o.organization.name,
                    short_name: o.organization.short_name,
                    kind: o.organization.kind,
                    count: o.datasets,
                    overdue: o.overdue,
                })
                .collect(),
        };
        let frame = state.frame(&visitor, "opd", false).await?;
        state.page(
            &visitor,
            &frame,
            "public/opd_list.html",
            &body,
            StatusCode::OK,
        )
    };
    state.respond(&visitor, page).await
}

pub(crate) async fn topik_list(State(state): State<WebState>, visitor: Visitor) -> Response {
    let page = async {
        let topics = state.catalog.portal_topics(&visitor.actor).await?;
        let body = TopikList {
            topics: topic_tiles(&visitor, topics),
        };
        let frame = state.frame(&visitor, "topik", false).await?;
        state.page(
            &visitor,
            &frame,
            "public/topik_list.html",
            &body,
            StatusCode::OK,
        )
    };
    state.respond(&visitor, page).await
}

pub(crate) async fn opd(
    State(state): State<WebState>,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Response {
    let page = async {
        let org = state.catalog.organization(&slug).await?;
        let contact = Contact {
            email: org.email.clone(),
            phone: org.phone.clone(),
            website: org.website.clone(),
            address: org.address.clone(),
        };
        let any = contact.email.is_some()
            || contact.phone.is_some()
            || contact.website.is_some()
            || contact.address.is_some();
        let filter = ("opd".to_owned(), org.slug.clone());
        let collection = Collection {
            name: org.name.clone(),
            description: org.description.clone(),
            contact: any.then_some(contact),
            search_url: visitor.url(&format!("/dataset{}", query_string(&[filter]))),
            count: 0,
        };
        let query = PortalQuery {
            opd: vec![org.slug.clone()],
            ..PortalQuery::default()
        };
        listing(
            &state,
            &visitor,
            "opd",
            collection,
            query,
            &format!("/opd/{}", org.slug),
        )
        .await
    };
    state.respond(&visitor, page).await
}

pub(crate) async fn topik(
    State(state): State<WebState>,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> Response {
    let page = async {
        let name = vocab::TOPIK
            .values
            .iter()
            .find(|t| key(t) == slug)
            .ok_or(WebError::Status(StatusCode::NOT_FOUND))?;
        let filter = ("topik".to_owned(), (*name).to_owned());
        let collection = Collection {
            name: (*name).to_owned(),
            description: None,
            contact: None,
            search_url: visitor.url(&format!("/dataset{}", query_string(&[filter]))),
            count: 0,
        };
        let query = PortalQuery {
            topik: vec![(*name).to_owned()],
            ..PortalQuery::default()
        };
        listing(
            &state,
            &visitor,
            "topik",
            collection,
            query,
            &format!("/topik/{slug}"),
        )
        .await
    };
    state.respond(&visitor, page).await
}

/// One OPD's or topik's datasets, newest first, 20 a page.
async fn listing(
    state: &WebState,
    visitor: &Visitor,
    kind: &'static str,
    mut collection: Collection,
    mut query: PortalQuery,
    path: &str,
) -> PageResult {
    let number = page_number(&visitor.pairs());
    query.sort = PortalSort::Newest;
    query.page = Page {
        limit: PER_PAGE,
        offset: (number - 1) * PER_PAGE,
    };
    let results = state.catalog.portal_search(&visitor.actor, &query).await?;
    collection.count = results.total;
    let first = if results.items.is_empty() {
        0
    } else {
        (number - 1) * PER_PAGE + 1
    };
    let last = first.saturating_sub(1) + results.items.len() as u64;
    let body = CollectionPage {
        kind,
        pagination: Pagination::new(number, results.total, PER_PAGE, |n| {
            let pairs = if n > 1 {
                vec![("hal".to_owned(), n.to_string())]
            } else {
                Vec::new()
            };
            visitor.url(&format!("{path}{}", query_string(&pairs)))
        }),
        datasets: DatasetCard::all(visitor, results.items),
        collection,
        first,
        last,
    };
    let frame = state.frame(visitor, kind, false).await?;
    state.page(
        visitor,
        &frame,
        "public/collection.html",
        &body,
        StatusCode::OK,
    )
}
