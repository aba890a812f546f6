//! `GET /dataset`: search with facets, sort and paging; every state is a shareable URL.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use satudata_catalog::pages::{PortalQuery, PortalSort};
use satudata_catalog::paging::Page;
use serde::Serialize;

use super::cards::DatasetCard;
use super::{Hidden, Pagination, page_number, query_string};
use crate::filters::{format_int, key};
use crate::respond::PageResult;
use crate::state::{Visitor, WebState};

/// Results per page.
const PER_PAGE: u64 = 20;
/// The repeatable facet parameters, in the order the page lists them.
const FACETS: [&str; 6] = ["opd", "topik", "tahun", "format", "frekuensi", "akses"];

#[derive(Debug, Serialize)]
struct Bucket {
    value: String,
    label: Option<String>,
    count: u64,
    selected: bool,
}

#[derive(Debug, Serialize)]
struct FacetView {
    key: &'static str,
    buckets: Vec<Bucket>,
}

#[derive(Debug, Serialize)]
struct Active {
    key: String,
    value: String,
    label: Option<String>,
    remove_url: String,
}

#[derive(Debug, Serialize)]
struct Suggestion {
    label: String,
    url: String,
}

#[derive(Debug, Serialize)]
struct Search {
    q: String,
    total: u64,
    first: u64,
    last: u64,
    results: Vec<DatasetCard>,
    sort: &'static str,
    sort_options: Vec<&'static str>,
    facets: Vec<FacetView>,
    active: Vec<Active>,
    clear_url: String,
    keep_q: Vec<Hidden>,
    keep_facets: Vec<Hidden>,
    keep_sort: Vec<Hidden>,
    pagination: Pagination,
    suggestions: Vec<Suggestion>,
}

pub(crate) async fn show(State(state): State<WebState>, visitor: Visitor) -> Response {
    state.respond(&visitor, page(&state, &visitor)).await
}

fn sort_of(name: &str) -> Option<(PortalSort, &'static str)> {
    Some(match name {
        "relevan" => (PortalSort::Relevance, "relevan"),
        "terbaru" => (PortalSort::Newest, "terbaru"),
        "judul" => (PortalSort::Title, "judul"),
        "unduhan" => (PortalSort::Downloads, "unduhan"),
        _ => return None,
    })
}

async fn page(state: &WebState, visitor: &Visitor) -> PageResult {
    let signed_in = !matches!(visitor.actor, satudata_catalog::Actor::Anonymous);
    let pairs = visitor.pairs();
    let q = pairs
        .iter()
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default();
    // The selected facet values, as sent (kept in the URLs even when they match nothing).
    let selected: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, v)| {
            FACETS.contains(&k.as_str()) && !v.trim().is_empty() && (k != "akses" || signed_in)
        })
        .cloned()
        .collect();
    let values = |name: &str| -> Vec<String> {
        selected
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    };
    let asked_sort = pairs
        .iter()
        .find(|(k, _)| k == "urut")
        .and_then(|(_, v)| sort_of(v));
    let (sort, sort_name) = match asked_sort {
        Some((PortalSort::Relevance, _)) if q.is_empty() => (PortalSort::Newest, "terbaru"),
        Some(s) => s,
        None if q.is_empty() => (PortalSort::Newest, "terbaru"),
        None => (PortalSort::Relevance, "relevan"),
    };
    let urut: Vec<(String, String)> = asked_sort
        .map(|(_, name)| vec![("urut".to_owned(), name.to_owned())])
        .unwrap_or_default();
    let number = page_number(&pairs);
    let query = PortalQuery {
        q: q.clone(),
        opd: values("opd"),
        topik: values("topik"),
        tahun: values("tahun")
            .iter()
            .filter_map(|y| y.parse().ok())
            .collect(),
        format: values("format"),
        frekuensi: values("frekuensi"),
        akses: values("akses"),
        sort,
        page: Page {
            limit: PER_PAGE,
            offset: (number - 1) * PER_PAGE,
        },
    };
    let results = state.catalog.portal_search(&visitor.actor, &query).await?;
    let q_pair: Vec<(String, String)> = if q.is_empty() {
        Vec::new()
    } else {
        vec![("q".to_owned(), q.clone())]
    };
    let url = |pairs: &[(String, String)]| visitor.url(&format!("/dataset{}", query_string(pairs)));
    let here: Vec<(String, String)> = [q_pair.clone(), selected.clone(), urut.clone()].concat();
    let f = results.facets;
    let opd_names: Vec<(String, String)> = f
        .opd
        .values
        .iter()
        .map(|(o, _)| (o.slug.clone(), o.name.clone()))
        .collect();
    let raw = |values: Vec<(String, u64)>| values;
    let mut facets = vec![
        (
            "opd",
            f.opd.values.into_iter().map(|(o, n)| (o.slug, n)).collect(),
        ),
        ("topik", raw(f.topik.values)),
        (
            "tahun",
            f.tahun
                .values
                .into_iter()
                .map(|(y, n)| (y.to_string(), n))
                .collect(),
        ),
        ("format", raw(f.format.values)),
        ("frekuensi", raw(f.frekuensi.values)),
    ];
    if signed_in {
        facets.push(("akses", raw(f.akses.values)));
    }
    let label_of = |facet: &str, value: &str| -> Option<String> {
        (facet == "opd").then(|| {
            opd_names
                .iter()
                .find(|(slug, _)| slug == value)
                .map_or_else(|| value.to_owned(), |(_, name)| name.clone())
        })
    };
    let facets: Vec<FacetView> = facets
        .into_iter()
        .map(|(name, counts): (&'static str, Vec<(String, u64)>)| {
            let chosen = values(name);
            let mut buckets: Vec<Bucket> = counts
                .iter()
                .map(|(value, count)| Bucket {
                    label: label_of(name, value),
                    selected: chosen.contains(value),
                    value: value.clone(),
                    count: *count,
                })
                .collect();
            for value in chosen {
                if !counts.iter().any(|(v, _)| *v == value) {
                    buckets.push(Bucket {
                        label: label_of(name, &value),
                        value,
                        count: 0,
                        selected: true,
                    });
                }
            }
            FacetView { key: name, buckets }
        })
        .filter(|f| !f.buckets.is_empty())
        .collect();
    let active = selected
        .iter()
        .map(|(k, v)| {
            let rest: Vec<(String, String)> = here
                .iter()
                .filter(|(hk, hv)| !(hk == k && hv == v))
                .cloned()
                .collect();
            Active {
                key: k.clone(),
                value: v.clone(),
                label: label_of(k, v),
                remove_url: url(&rest),
            }
        })
        .collect();
    let total = results.total;
    let first = if results.items.is_empty() {
        0
    } else {
        (number - 1) * PER_PAGE + 1
    };
    let last = first.saturating_sub(1) + results.items.len() as u64;
    let suggestions = if total == 0 {
        suggestions(state, visitor, &q, !selected.is_empty()).await?
    } else {
        Vec::new()
    };
    let body = Search {
        total,
        first,
        last,
        results: DatasetCard::all(visitor, results.items),
        sort: sort_name,
        sort_options: if q.is_empty() {
            vec!["terbaru", "judul", "unduhan"]
        } else {
            vec!["relevan", "terbaru", "judul", "unduhan"]
        },
        facets,
        active,
        clear_url: url(&[q_pair.clone(), urut.clone()].concat()),
        keep_q: Hidden::of(&[selected.clone(), urut.clone()].concat()),
        keep_facets: Hidden::of(&[q_pair.clone(), urut.clone()].concat()),
        keep_sort: Hidden::of(&[q_pair, selected].concat()),
        pagination: Pagination::new(number, total, PER_PAGE, |n| {
            let mut pairs = here.clone();
            if n > 1 {
                pairs.push(("hal".into(), n.to_string()));
            }
            url(&pairs)
        }),
        suggestions,
        q,
    };
    let frame = state.frame(visitor, "dataset", false).await?;
    state.page(visitor, &frame, "public/search.html", &body, StatusCode::OK)
}

/// What to try when nothing matched: the same words without facets, and the largest topik.
async fn suggestions(
    state: &WebState,
    visitor: &Visitor,
    q: &str,
    had_facets: bool,
) -> Result<Vec<Suggestion>, crate::respond::WebError> {
    let catalogue = state.renderer.catalogue(visitor.lang)?;
    let mut out = Vec::new();
    if had_facets && !q.is_empty() {
        let plain = PortalQuery {
            q: q.to_owned(),
            page: Page {
                limit: 1,
                offset: 0,
            },
            ..PortalQuery::default()
        };
        let found = state.catalog.portal_search(&visitor.actor, &plain).await?;
        if found.total > 0 {
            let n = format_int(visitor.lang, i128::from(found.total), 0);
            out.push(Suggestion {
                label: catalogue.text("search.suggest_all", &[("q", q), ("n", &n)])?,
                url: visitor.url(&format!(
                    "/dataset{}",
                    query_string(&[("q".to_owned(), q.to_owned())])
                )),
            });
        }
    }
    let mut topics = state.catalog.portal_topics(&visitor.actor).await?;
    topics.retain(|(_, n)| *n > 0);
    topics.sort_by_key(|t| std::cmp::Reverse(t.1));
    for (name, _) in topics.into_iter().take(3) {
        let label = catalogue.text(&format!("topik.{}", key(name)), &[])?;
        out.push(Suggestion {
            label: catalogue.text("search.suggest_topic", &[("name", &label)])?,
            url: visitor.url(&format!("/topik/{}", key(name))),
        });
    }
    Ok(out)
}
