//! The dataset page's API box: the data API URL of the table as shown (its filters, sort and
//! page) and ready examples in curl, Python, R and JavaScript, plus CKAN's `datastore_search`.

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::preview::{ROWS, TableState};
use super::query_string;

#[derive(Debug, Serialize)]
struct Example {
    lang: &'static str,
    code: String,
}

/// `api` of `public/dataset.html`.
#[derive(Debug, Serialize)]
pub(crate) struct ApiBox {
    endpoint: String,
    examples: Vec<Example>,
    docs_url: &'static str,
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// The box for `slug`, whose CSV resource has CKAN id `resource_id`.
pub(crate) fn api_box(base_url: &str, slug: &str, resource_id: &str, state: &TableState) -> ApiBox {
    let offset = (state.page - 1) * ROWS;
    let mut pairs = [state.filter_pairs(), state.sort_pairs()].concat();
    pairs.push(("limit".into(), ROWS.to_string()));
    if offset > 0 {
        pairs.push(("offset".into(), offset.to_string()));
    }
    let url = format!("{base_url}/api/v1/datasets/{slug}/data");
    let endpoint = format!("{url}{}", query_string(&pairs));
    let python_params = pairs
        .iter()
        .map(|(k, v)| match k.as_str() {
            "limit" | "offset" => format!("{}: {v}", quoted(k)),
            _ => format!("{}: {}", quoted(k), quoted(v)),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let js_params = pairs
        .iter()
        .map(|(k, v)| format!("url.searchParams.set({}, {});", quoted(k), quoted(v)))
        .collect::<Vec<_>>()
        .join("\n");
    let python = format!(
        "import requests\n\nurl = {}\nparams = {{{python_params}}}\nhalaman = requests.get(url, params=params, timeout=30).json()\nfor baris in halaman[\"items\"]:\n    print(baris)",
        quoted(&url)
    );
    let r = format!(
        "library(jsonlite)\n\nurl <- {}\nhalaman <- fromJSON(url)\nhead(halaman$items)",
        quoted(&endpoint)
    );
    let javascript = format!(
        "const url = new URL({});\n{js_params}\nconst halaman = await (await fetch(url)).json();\nconsole.table(halaman.items);",
        quoted(&url)
    );
    // CKAN's datastore_search: equality and ranges as `filters`, text in a column as `q`
    // (its words, ignoring case), `sort` as "col desc".
    let mut filters = Map::new();
    let mut text = Map::new();
    for f in &state.filters {
        match f.op {
            "eq" => {
                filters.insert(f.column.clone(), Value::String(f.value.clone()));
            }
            "contains" => {
                text.insert(f.column.clone(), Value::String(f.value.clone()));
            }
            op => {
                let entry = filters.entry(f.column.clone()).or_insert_with(|| json!({}));
                if let Value::Object(range) = entry {
                    range.insert(op.to_owned(), Value::String(f.value.clone()));
                }
            }
        }
    }
    let mut ckan = vec![("resource_id".to_owned(), resource_id.to_owned())];
    if !filters.is_empty() {
        ckan.push(("filters".into(), Value::Object(filters).to_string()));
    }
    if !text.is_empty() {
        ckan.push(("q".into(), Value::Object(text).to_string()));
    }
    if let Some((column, desc)) = &state.sort {
        ckan.push((
            "sort".into(),
            format!("{column} {}", if *desc { "desc" } else { "asc" }),
        ));
    }
    ckan.push(("limit".into(), ROWS.to_string()));
    if offset > 0 {
        ckan.push(("offset".into(), offset.to_string()));
    }
    let ckan_url = format!(
        "{base_url}/api/3/action/datastore_search{}",
        query_string(&ckan)
    );
    ApiBox {
        examples: vec![
            Example {
                lang: "curl",
                code: format!("curl '{endpoint}'"),
            },
            Example {
                lang: "python",
                code: python,
            },
            Example { lang: "r", code: r },
            Example {
                lang: "javascript",
                code: javascript,
            },
            Example {
                lang: "ckan",
                code: format!("curl '{ckan_url}'"),
            },
        ],
        endpoint,
        docs_url: "/api/docs",
    }
}
