//! What the chart shows: x, y and the aggregate from the URL or, by default, from the column
//! roles (`tahun` → a line over the years; region names → bars), computed by the data API
//! (`group_by=x&agg=…:y` over the table's filtered rows), and the context of `_chart.html`.

use satudata_catalog::dataquery::{Agg, DataQuery};
use satudata_catalog::{Actor, Catalog};
use serde::Serialize;

use super::Hidden;
use super::chart::{self, MAX_CATEGORIES, Svg};
use super::preview::{ColumnInfo, TableState, cell, column_label};
use crate::filters::month_short;
use crate::i18n::Catalogue;
use crate::lang::Lang;
use crate::respond::WebError;

/// Columns whose values are points in time: charted as a line. By default the chart is over
/// the first one the table has, or the next when that has a single value (one year of months).
const TIME_COLUMNS: [&str; 5] = ["tahun", "bulan", "triwulan", "semester", "tanggal"];

/// First words of measures that do not add up (shares, rates, averages, indices, prices):
/// charted as a mean by default, since a total of percentages means nothing. Whole words:
/// `angkatan_kerja` (the labour force) adds up, `angka_partisipasi_sekolah` does not.
const NOT_ADDITIVE: [&str; 16] = [
    "persen",
    "persentase",
    "prosentase",
    "rasio",
    "rata",
    "rerata",
    "indeks",
    "tingkat",
    "laju",
    "angka",
    "proporsi",
    "prevalensi",
    "harga",
    "kepadatan",
    "suhu",
    "ipm",
];

/// A column offered in a select: its name (sent) and what a person reads.
#[derive(Debug, Serialize)]
struct Choice {
    value: String,
    label: String,
}

#[derive(Debug, Serialize)]
struct Row {
    label: String,
    value: String,
}

/// `chart` of `_chart.html`.
#[derive(Debug, Serialize)]
pub(crate) struct ChartView {
    x: String,
    y: String,
    agg: &'static str,
    jenis: &'static str,
    x_options: Vec<Choice>,
    y_options: Vec<Choice>,
    title: String,
    /// The table's headers: the category column as the filter form names it, the measure as
    /// the title does.
    x_label: String,
    y_label: String,
    rows: Vec<Row>,
    truncated: bool,
    category_count: u64,
    keep: Vec<Hidden>,
    svg: Svg,
}

/// A column of the table with its data API type.
#[derive(Debug, Clone)]
pub(crate) struct TypedColumn {
    pub name: String,
    /// The Standar Data name of a bound column.
    pub title: Option<String>,
    /// `int`, `numeric`, `text`, `bool` or `date`.
    pub kind: String,
    pub year: bool,
}

fn agg_of(name: &str) -> Option<(Agg, &'static str)> {
    Some(match name {
        "sum" => (Agg::Sum, "sum"),
        "mean" => (Agg::Mean, "mean"),
        "count" => (Agg::Count, "count"),
        "min" => (Agg::Min, "min"),
        "max" => (Agg::Max, "max"),
        _ => return None,
    })
}

/// The columns with their kinds, from the preview's answer and the schema.
pub(crate) fn typed(columns: &[String], kinds: &[&str], info: &[ColumnInfo]) -> Vec<TypedColumn> {
    columns
        .iter()
        .zip(kinds)
        .map(|(name, kind)| TypedColumn {
            year: name == "tahun" || info.iter().any(|c| c.name == *name && c.year),
            title: info
                .iter()
                .find(|c| c.name == *name)
                .and_then(|c| c.title.clone()),
            name: name.clone(),
            kind: (*kind).to_owned(),
        })
        .collect()
}

/// The chart of the table, or `None` when the table has no numeric column.
pub(crate) async fn chart(
    catalog: &Catalog,
    actor: &Actor,
    key: &str,
    lang: Lang,
    catalogue: &Catalogue,
    state: &TableState,
    columns: &[TypedColumn],
) -> Result<Option<ChartView>, WebError> {
    let numeric: Vec<&TypedColumn> = columns
        .iter()
        .filter(|c| matches!(c.kind.as_str(), "int" | "numeric") && !c.year)
        .collect();
    if numeric.is_empty() {
        return Ok(None);
    }
    let asked = |k: &str| {
        state
            .chart
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
    };
    let y = asked("y")
        .filter(|y| numeric.iter().any(|c| c.name == *y))
        .map(str::to_owned)
        .unwrap_or_else(|| default_y(&numeric));
    let (agg, agg_name) = asked("agg")
        .and_then(agg_of)
        .unwrap_or_else(|| default_agg(&y));
    // An x asked for is kept; by default the next time column is tried while the chart would
    // be a single point (one year of months), if it is a number or a date (month names would
    // sort as words); when none has two values, the first is drawn.
    let candidates = match asked("x").filter(|x| columns.iter().any(|c| c.name == *x)) {
        Some(x) => vec![x.to_owned()],
        None => default_xs(columns),
    };
    let ordered = |name: &str| {
        columns
            .iter()
            .any(|c| c.name == name && (c.year || matches!(c.kind.as_str(), "int" | "date")))
    };
    let (mut first, mut chosen) = (None, None);
    for (i, x) in candidates.into_iter().enumerate() {
        if i > 0 && !ordered(&x) {
            continue;
        }
        let time = TIME_COLUMNS.contains(&x.as_str())
            || columns
                .iter()
                .any(|c| c.name == x && (c.year || c.kind == "date"));
        let jenis = match asked("jenis") {
            Some("batang") => "batang",
            Some("garis") => "garis",
            _ if time => "garis",
            _ => "batang",
        };
        let query = DataQuery {
            filters: state.api_filters(),
            group_by: vec![x.clone()],
            aggs: vec![(agg, Some(y.clone()))],
            sort: vec![if jenis == "batang" {
                (format!("{agg_name}_{y}"), true)
            } else {
                (x.clone(), true)
            }],
            limit: Some(MAX_CATEGORIES),
            ..DataQuery::default()
        };
        let data = catalog.query_data(actor, key, &query).await?;
        let total = data.total;
        if total > 1 {
            chosen = Some((x, jenis, data));
            break;
        }
        if first.is_none() {
            first = Some((x, jenis, data));
        }
        if total == 0 {
            // No rows (a filter matched nothing): no other column has more.
            break;
        }
    }
    let Some((x, jenis, data)) = chosen.or(first) else {
        return Ok(None);
    };
    let mut rows: Vec<(String, f64)> = data
        .rows
        .iter()
        .map(|r| {
            let label = match r.first() {
                Some(serde_json::Value::Number(n)) if x == "bulan" => n
                    .as_i64()
                    .and_then(|m| month_short(lang, m))
                    .map_or_else(|| n.to_string(), str::to_owned),
                Some(v) => cell(lang, v, None),
                None => String::new(),
            };
            let value = r.get(1).and_then(serde_json::Value::as_f64).unwrap_or(0.0);
            (
                if label.is_empty() {
                    "–".to_owned()
                } else {
                    label
                },
                value,
            )
        })
        .collect();
    if jenis == "garis" {
        // The latest categories, drawn in their own order.
        rows.reverse();
    }
    let svg = if jenis == "batang" {
        chart::bars(lang, &rows)
    } else {
        chart::line(lang, &rows)
    };
    let agg_label = catalogue.text(&format!("agg.{agg_name}"), &[])?;
    let (y_label, x_label) = (label(columns, &y), label(columns, &x));
    let title = catalogue.text(
        "chart.title",
        &[("agg", &agg_label), ("y", &y_label), ("x", &x_label)],
    )?;
    let keep = [
        state.filter_pairs(),
        state.sort_pairs(),
        if state.page > 1 {
            vec![("hal".to_owned(), state.page.to_string())]
        } else {
            Vec::new()
        },
    ]
    .concat();
    Ok(Some(ChartView {
        rows: rows
            .iter()
            .map(|(label, v)| Row {
                label: label.clone(),
                value: chart::number(lang, *v),
            })
            .collect(),
        truncated: data.total > MAX_CATEGORIES as u64,
        category_count: data.total,
        x_label: choice(columns, &x).label,
        y_label: y_label.clone(),
        x_options: columns.iter().map(|c| choice(columns, &c.name)).collect(),
        y_options: numeric.iter().map(|c| choice(columns, &c.name)).collect(),
        keep: Hidden::of(&keep),
        svg,
        title,
        x,
        y,
        agg: agg_name,
        jenis,
    }))
}

/// The time columns the table has, in [`TIME_COLUMNS`]' order; without one, the most specific
/// region name, else the first text column that is not a code, else the first column.
fn default_xs(columns: &[TypedColumn]) -> Vec<String> {
    let has = |name: &str| columns.iter().any(|c| c.name == name);
    let times: Vec<String> = TIME_COLUMNS
        .iter()
        .filter(|name| has(name))
        .map(|name| (*name).to_owned())
        .collect();
    if !times.is_empty() {
        return times;
    }
    for name in [
        "nama_desa_kelurahan",
        "nama_kelurahan",
        "nama_desa",
        "nama_kecamatan",
        "nama_kabupaten_kota",
        "nama_provinsi",
    ] {
        if has(name) {
            return vec![name.to_owned()];
        }
    }
    columns
        .iter()
        .find(|c| c.kind == "text" && !c.name.starts_with("kode") && c.name != "satuan")
        .or_else(|| columns.first())
        .map(|c| vec![c.name.clone()])
        .unwrap_or_default()
}

/// The mean for a measure that does not add up, named by its first word ([`NOT_ADDITIVE`]:
/// `persentase_…`, `rata_rata_…`, `indeks_…`), else the total (`jumlah_sekolah_tingkat_sd`
/// adds up).
fn default_agg(y: &str) -> (Agg, &'static str) {
    let first = y.split('_').next().unwrap_or_default().to_lowercase();
    if NOT_ADDITIVE.contains(&first.as_str()) {
        (Agg::Mean, "mean")
    } else {
        (Agg::Sum, "sum")
    }
}

/// A measure: `jumlah…`, `nilai…`, `total…`, else the last numeric column that is not an id.
fn default_y(numeric: &[&TypedColumn]) -> String {
    numeric
        .iter()
        .find(|c| {
            ["jumlah", "nilai", "total", "persentase"]
                .iter()
                .any(|p| c.name.starts_with(p))
        })
        .or_else(|| {
            numeric
                .iter()
                .rev()
                .find(|c| c.name != "id" && !c.name.ends_with("_id"))
        })
        .or_else(|| numeric.first())
        .map(|c| c.name.clone())
        .unwrap_or_default()
}

/// How a column is named in a sentence: its Standar Data name, else its name with spaces for
/// underscores (`jumlah_kunjungan` → `jumlah kunjungan`).
fn choice(columns: &[TypedColumn], name: &str) -> Choice {
    Choice {
        value: name.to_owned(),
        label: title_of(columns, name).unwrap_or_else(|| column_label(name)),
    }
}

/// The Standar Data name of a bound column.
fn title_of(columns: &[TypedColumn], name: &str) -> Option<String> {
    columns
        .iter()
        .find(|c| c.name == name)
        .and_then(|c| c.title.clone())
}

fn label(columns: &[TypedColumn], name: &str) -> String {
    title_of(columns, name).unwrap_or_else(|| name.replace('_', " "))
}

#[cfg(test)]
mod tests {
    use super::default_agg;

    #[test]
    fn measures_that_do_not_add_up_are_averaged() {
        for y in [
            "persentase_capaian",
            "rata_rata_lama_sekolah",
            "angka_partisipasi_sekolah",
            "IPM",
            "tingkat_pengangguran",
        ] {
            assert_eq!(default_agg(y).1, "mean", "{y}");
        }
        for y in [
            "jumlah_penduduk",
            "angkatan_kerja",
            "jumlah_sekolah_tingkat_sd",
            "nilai",
            "hargaan",
        ] {
            assert_eq!(default_agg(y).1, "sum", "{y}");
        }
    }
}
