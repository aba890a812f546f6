//! The pages: one module per page family, each a thin handler (who asks, which query) over one
//! catalog call, and the context its template documents.

pub(crate) mod api_box;
pub(crate) mod cards;
pub(crate) mod chart;
pub(crate) mod chart_view;
pub(crate) mod collections;
pub(crate) mod dataset;
pub(crate) mod diff;
pub(crate) mod home;
pub(crate) mod preview;
pub(crate) mod quality;
pub(crate) mod regions;
pub(crate) mod search;
pub(crate) mod standards;
pub(crate) mod ws;

use serde::Serialize;

/// `Hidden` of macros.html: state a GET form carries.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Hidden {
    pub name: String,
    pub value: String,
}

impl Hidden {
    pub(crate) fn of(pairs: &[(String, String)]) -> Vec<Self> {
        pairs
            .iter()
            .map(|(name, value)| Self {
                name: name.clone(),
                value: value.clone(),
            })
            .collect()
    }
}

/// One link of a pager.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PageLink {
    pub page: Option<u64>,
    pub url: Option<String>,
    pub current: bool,
    pub gap: bool,
}

/// `Pagination` of macros.html: first, last, current ± 2, gaps between.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Pagination {
    pub page: u64,
    pub pages: u64,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
    pub links: Vec<PageLink>,
}

impl Pagination {
    /// The pager of page `page` (1-based) of `total` items, `per_page` a page.
    pub(crate) fn new(page: u64, total: u64, per_page: u64, url: impl Fn(u64) -> String) -> Self {
        let pages = total.div_ceil(per_page.max(1)).max(1);
        if pages <= 1 {
            return Self {
                page,
                pages,
                prev_url: None,
                next_url: None,
                links: Vec::new(),
            };
        }
        let mut shown: Vec<u64> = vec![1, pages];
        shown.extend(page.saturating_sub(2).max(1)..=(page + 2).min(pages));
        shown.sort_unstable();
        shown.dedup();
        let mut links = Vec::new();
        let mut last = 0;
        for n in shown {
            if n - last > 1 {
                links.push(PageLink {
                    page: None,
                    url: None,
                    current: false,
                    gap: true,
                });
            }
            links.push(PageLink {
                page: Some(n),
                url: Some(url(n)),
                current: n == page,
                gap: false,
            });
            last = n;
        }
        Self {
            page,
            pages,
            prev_url: (page > 1).then(|| url(page - 1)),
            next_url: (page < pages).then(|| url(page + 1)),
            links,
        }
    }
}

/// A query string from pairs (`?a=1&b=2`, or "" when there are none).
pub(crate) fn query_string(pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return String::new();
    }
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        q.append_pair(k, v);
    }
    format!("?{}", q.finish())
}

/// The 1-based page number of `hal` (1 when absent or not a number).
pub(crate) fn page_number(pairs: &[(String, String)]) -> u64 {
    pairs
        .iter()
        .find(|(k, _)| k == "hal")
        .and_then(|(_, v)| v.trim().parse::<u64>().ok())
        .filter(|n| *n >= 1 && *n <= 1_000_000_000)
        .unwrap_or(1)
}

/// A label for the first `max` characters of a text (plain text, an ellipsis when cut).
pub(crate) fn shorten(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::query_string;

    #[test]
    fn query_strings() {
        assert_eq!(query_string(&[]), "");
        let pairs = [
            ("q".to_owned(), "a b".to_owned()),
            ("filter[x]".to_owned(), "1".to_owned()),
        ];
        assert_eq!(query_string(&pairs), "?q=a+b&filter%5Bx%5D=1");
    }
}
