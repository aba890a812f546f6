//! The dataset page's table: its state in the URL (`filter[col]`, `filter[col][gte|lte]`,
//! `filter[col][contains]` (text, ignoring case),
//! `sort`, `hal`, and the chart's `x`, `y`, `agg`, `jenis` carried along), the data API query
//! it makes, and the context of `public/_preview.html`.

use satudata_catalog::dataquery::{DataPage, DataQuery, Filter, Op};
use serde::Serialize;
use serde_json::Value;

use super::{Hidden, Pagination, query_string};
use crate::filters::{decimals_shown, format_float, format_int};
use crate::lang::Lang;

/// Rows per preview page.
pub(crate) const ROWS: u64 = 25;
/// The chart's parameters, kept in the table's links.
const CHART_KEYS: [&str; 4] = ["x", "y", "agg", "jenis"];

/// A filter of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ColumnFilter {
    pub column: String,
    /// `eq`, `gte`, `lte` or `contains`.
    pub op: &'static str,
    pub value: String,
}

/// What the URL says about the table and chart.
#[derive(Debug, Clone, Default)]
pub(crate) struct TableState {
    pub filters: Vec<ColumnFilter>,
    pub sort: Option<(String, bool)>,
    pub page: u64,
    /// The chart's parameters as sent.
    pub chart: Vec<(String, String)>,
}

impl TableState {
    /// Reads the state from query pairs, keeping only filters and sorts on `columns` (all
    /// columns when empty) and non-empty values.
    pub(crate) fn parse(pairs: &[(String, String)], columns: &[String]) -> Self {
        let known = |c: &str| columns.is_empty() || columns.iter().any(|k| k == c);
        let mut state = Self {
            page: super::page_number(pairs),
            ..Self::default()
        };
        for (key, value) in pairs {
            let value = value.trim();
            if let Some(inner) = key.strip_prefix("filter[") {
                let Some((column, rest)) = inner.split_once(']') else {
                    continue;
                };
                let op = match rest {
                    "" | "[eq]" => "eq",
                    "[gte]" => "gte",
                    "[lte]" => "lte",
                    "[contains]" => "contains",
                    _ => continue,
                };
                if !value.is_empty() && known(column) {
                    state.filters.push(ColumnFilter {
                        column: column.to_owned(),
                        op,
                        value: value.to_owned(),
                    });
                }
            } else if key == "sort" && !value.is_empty() {
                let (name, desc) = match value.strip_prefix('-') {
                    Some(name) => (name, true),
                    None => (value, false),
                };
                if known(name) {
                    state.sort = Some((name.to_owned(), desc));
                }
            } else if CHART_KEYS.contains(&key.as_str()) && !value.is_empty() {
                state.chart.push((key.clone(), value.to_owned()));
            }
        }
        state
    }

    /// `filter[...]` pairs.
    pub(crate) fn filter_pairs(&self) -> Vec<(String, String)> {
        self.filters
            .iter()
            .map(|f| {
                let key = match f.op {
                    "eq" => format!("filter[{}]", f.column),
                    op => format!("filter[{}][{op}]", f.column),
                };
                (key, f.value.clone())
            })
            .collect()
    }

    /// The `sort` pair, if sorted.
    pub(crate) fn sort_pairs(&self) -> Vec<(String, String)> {
        self.sort
            .iter()
            .map(|(c, desc)| {
                (
                    "sort".to_owned(),
                    if *desc { format!("-{c}") } else { c.clone() },
                )
            })
            .collect()
    }

    /// Filters, sort and chart, without the page: the state a new page starts from.
    pub(crate) fn pairs_without_page(&self) -> Vec<(String, String)> {
        [self.filter_pairs(), self.sort_pairs(), self.chart.clone()].concat()
    }

    /// The data API query of the preview page.
    pub(crate) fn data_query(&self) -> DataQuery {
        DataQuery {
            filters: self.api_filters(),
            sort: self.sort.iter().cloned().collect(),
            limit: Some(usize::try_from(ROWS).unwrap_or(25)),
            offset: usize::try_from((self.page - 1) * ROWS).unwrap_or(usize::MAX),
            ..DataQuery::default()
        }
    }

    /// The filters as the data API takes them.
    pub(crate) fn api_filters(&self) -> Vec<Filter> {
        self.filter_pairs()
            .into_iter()
            .zip(&self.filters)
            .map(|((param, value), f)| Filter {
                param,
                column: f.column.clone(),
                op: match f.op {
                    "gte" => Op::Gte,
                    "lte" => Op::Lte,
                    "contains" => Op::Contains,
                    _ => Op::Eq,
                },
                value,
            })
            .collect()
    }
}

#[derive(Debug, Serialize)]
struct Column {
    name: String,
    title: Option<String>,
    /// What a person reads: the Standar Data name, else the name with spaces.
    label: String,
    numeric: bool,
    range: bool,
    sort: Option<&'static str>,
    sort_url: String,
    filter_eq: String,
    filter_gte: String,
    filter_lte: String,
    filter_contains: String,
}

#[derive(Debug, Serialize)]
struct ActiveFilter {
    column: String,
    /// The column as the filter form labels it (the Standar Data name, else the name with
    /// spaces).
    label: String,
    op: &'static str,
    value: String,
    remove_url: String,
}

/// `preview` of `_preview.html`.
#[derive(Debug, Serialize)]
pub(crate) struct Preview {
    columns: Vec<Column>,
    rows: Vec<Vec<String>>,
    row_numbers: Vec<u64>,
    first: u64,
    last: u64,
    total: u64,
    total_all: u64,
    filtered: bool,
    active: Vec<ActiveFilter>,
    clear_url: String,
    keep: Vec<Hidden>,
    pagination: Pagination,
    csv_url: String,
    json_url: String,
}

/// What the preview needs to know of a column besides the data API's answer.
#[derive(Debug, Clone)]
pub(crate) struct ColumnInfo {
    pub name: String,
    /// The Standar Data name of a bound column.
    pub title: Option<String>,
    /// A year column (numeric, but not summed or grouped by thousands).
    pub year: bool,
}

/// A column's name as a label: `nama_kecamatan` → `Nama kecamatan`.
pub(crate) fn column_label(name: &str) -> String {
    let spaced = name.replace('_', " ");
    let mut chars = spaced.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// A cell as the table shows it: in a numeric column (`decimals` given: its fractions' places)
/// numbers in the language's form; elsewhere (years, codes) values as stored; missing values
/// empty.
pub(crate) fn cell(lang: Lang, value: &Value, decimals: Option<usize>) -> String {
    match value {
        Value::Null => String::new(),
        Value::Number(n) if decimals.is_some() => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => format_int(lang, i128::from(i), 0),
            (None, Some(f)) => format_float(lang, f, decimals),
            _ => n.to_string(),
        },
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The decimals a numeric column's fractions get on this page: as many as its most precise
/// value shows by default ([`decimals_shown`]), so that the column lines up.
fn column_decimals<'a>(values: impl Iterator<Item = &'a Value>) -> usize {
    values
        .filter_map(|v| match v {
            Value::Number(n) if n.as_i64().is_none() => n.as_f64(),
            _ => None,
        })
        .filter(|f| f.is_finite())
        .map(decimals_shown)
        .max()
        .unwrap_or(0)
}

/// The preview's context from the data API page.
pub(crate) fn preview(
    lang: Lang,
    page_url: &str,
    api_url: &str,
    state: &TableState,
    info: &[ColumnInfo],
    data: &DataPage,
    total_all: u64,
) -> Preview {
    let link =
        |pairs: Vec<(String, String)>| format!("{page_url}{}#pratinjau", query_string(&pairs));
    let base = state.pairs_without_page();
    let with_page = |n: u64| {
        let mut pairs = base.clone();
        if n > 1 {
            pairs.push(("hal".into(), n.to_string()));
        }
        link(pairs)
    };
    let columns: Vec<Column> = data
        .columns
        .iter()
        .zip(&data.types)
        .map(|(name, kind)| {
            let known = info.iter().find(|c| c.name == *name);
            let year = known.is_some_and(|c| c.year) || name == "tahun";
            let number = matches!(*kind, "int" | "numeric");
            let sort = match &state.sort {
                Some((c, false)) if c == name => Some("asc"),
                Some((c, true)) if c == name => Some("desc"),
                _ => None,
            };
            let next = if sort == Some("asc") {
                format!("-{name}")
            } else {
                name.clone()
            };
            let mut pairs = [
                state.filter_pairs(),
                vec![("sort".to_owned(), next)],
                state.chart.clone(),
            ]
            .concat();
            pairs.retain(|(k, _)| k != "hal");
            let value_of = |op: &str| {
                state
                    .filters
                    .iter()
                    .find(|f| f.column == *name && f.op == op)
                    .map(|f| f.value.clone())
                    .unwrap_or_default()
            };
            Column {
                name: name.clone(),
                title: known.and_then(|c| c.title.clone()),
                label: known
                    .and_then(|c| c.title.clone())
                    .unwrap_or_else(|| column_label(name)),
                numeric: number && !year,
                range: number || year,
                sort,
                sort_url: link(pairs),
                filter_eq: value_of("eq"),
                filter_gte: value_of("gte"),
                filter_lte: value_of("lte"),
                filter_contains: value_of("contains"),
            }
        })
        .collect();
    // A numeric column's decimals line up on the page: 87,50 · 89,75 · 92,00.
    let decimals: Vec<Option<usize>> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            c.numeric
                .then(|| column_decimals(data.rows.iter().filter_map(|r| r.get(i))))
        })
        .collect();
    let rows: Vec<Vec<String>> = data
        .rows
        .iter()
        .map(|row| {
            row.iter()
                .zip(&decimals)
                .map(|(v, decimals)| cell(lang, v, *decimals))
                .collect()
        })
        .collect();
    let offset = (state.page - 1) * ROWS;
    let row_numbers: Vec<u64> = (1..=rows.len() as u64).map(|i| offset + i).collect();
    let active = state
        .filters
        .iter()
        .map(|f| {
            let mut rest = state.clone();
            rest.filters.retain(|other| other != f);
            let label = columns
                .iter()
                .find(|c| c.name == f.column)
                .map_or_else(|| column_label(&f.column), |c| c.label.clone());
            ActiveFilter {
                column: f.column.clone(),
                label,
                op: f.op,
                value: f.value.clone(),
                remove_url: link(rest.pairs_without_page()),
            }
        })
        .collect();
    // A filter the form has no field for (from a shared URL: an exact text, a range
    // column's text search) rides along hidden, so applying the form keeps it; its chip
    // above says it is there and removes it.
    let unshown: Vec<(String, String)> = {
        let mut rest = state.clone();
        rest.filters.retain(|f| {
            let range = columns.iter().any(|c| c.name == f.column && c.range);
            range == (f.op == "contains")
        });
        rest.filter_pairs()
    };
    let api_pairs = [state.filter_pairs(), state.sort_pairs()].concat();
    let mut json_pairs = api_pairs.clone();
    json_pairs.push(("limit".into(), ROWS.to_string()));
    if offset > 0 {
        json_pairs.push(("offset".into(), offset.to_string()));
    }
    let mut csv_pairs = api_pairs;
    csv_pairs.push(("format".into(), "csv".into()));
    csv_pairs.push(("limit".into(), "all".into()));
    Preview {
        first: row_numbers.first().copied().unwrap_or(0),
        last: row_numbers.last().copied().unwrap_or(0),
        total: data.total,
        total_all,
        filtered: !state.filters.is_empty(),
        active,
        clear_url: link([state.sort_pairs(), state.chart.clone()].concat()),
        keep: Hidden::of(&[unshown, state.sort_pairs(), state.chart.clone()].concat()),
        pagination: Pagination::new(state.page, data.total, ROWS, with_page),
        csv_url: format!("{api_url}{}", query_string(&csv_pairs)),
        json_url: format!("{api_url}{}", query_string(&json_pairs)),
        columns,
        rows,
        row_numbers,
    }
}
