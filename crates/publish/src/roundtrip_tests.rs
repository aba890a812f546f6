//! The guard of the hand-tuned publish path: arbitrary clean tables (quotes, line breaks,
//! unicode, controls, backslashes, long cells, numbers at their types' limits, empty cells)
//! are published, then read back with independent readers — the JSON with serde_json, the
//! Parquet with polars, the workbook with calamine — and compared cell by cell with the table
//! the clean CSV holds. Any change to `batch.rs`, `copy.rs`, `cell.rs`, `direct.rs` or the
//! writers must keep this green.

use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};
use polars::prelude::{AnyValue, ParquetReader, SerReader};
use proptest::prelude::*;
use satudata_validation::{CleanColumn, FieldType};

use crate::{XLSX_MAX_CELL_CHARS, build, csv_writer};

/// A table as the cleaning step writes it: typed columns, canonical cells, `""` for empty.
#[derive(Debug, Clone)]
struct Table {
    columns: Vec<CleanColumn>,
    rows: Vec<Vec<String>>,
}

const KINDS: [FieldType; 6] = [
    FieldType::String,
    FieldType::Integer,
    FieldType::Number,
    FieldType::Boolean,
    FieldType::Date,
    FieldType::Year,
];

/// Text that is hard on a CSV reader, a JSON escaper and an XML writer.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-zA-Z0-9 .,;:'\"\\\\/_-]{0,24}",
        2 => "[\"',\r\n\t ]{1,6}",
        2 => "\\PC{0,12}",
        1 => "[\u{0}-\u{1f}\u{7f}\u{fffe}\u{ffff}]{1,4}",
        1 => Just("_x0041_ and _x005F_".to_owned()),
        1 => Just("=SUM(A1:A2)".to_owned()),
        1 => Just("😀 Kab. Mojokertó ﷺ".to_owned()),
        1 => (1usize..3).prop_map(|n| "é".repeat(XLSX_MAX_CELL_CHARS - 2 + n)),
    ]
}

fn integer() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<i64>(),
        1 => prop_oneof![Just(i64::MIN), Just(i64::MAX), Just(0), Just(-1)],
        2 => -1000i64..1000,
    ]
    .prop_map(|n| n.to_string())
}

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<f64>()
            .prop_filter("finite", |n| n.is_finite())
            .prop_map(|n| n.to_string()),
        2 => (-1_000_000i64..1_000_000, 0u32..4).prop_map(|(n, places)| {
            let scale = 10f64.powi(i32::try_from(places).unwrap_or(0));
            format!("{:.*}", places as usize, n as f64 / scale)
        }),
        1 => prop_oneof![
            Just("1.7976931348623157e308".to_owned()),
            Just("-2.2250738585072014e-308".to_owned()),
            Just("5e-324".to_owned()),
            Just(".5".to_owned()),
            Just("7.".to_owned()),
            Just("-0".to_owned()),
            Just("0.1".to_owned()),
            Just("123456789012345678901234567890".to_owned()),
        ],
    ]
}

fn cell(kind: FieldType) -> BoxedStrategy<String> {
    let value = match kind {
        FieldType::Integer => integer().boxed(),
        FieldType::Number => number().boxed(),
        FieldType::Boolean => {
            prop_oneof![Just("true".to_owned()), Just("false".to_owned())].boxed()
        }
        FieldType::Date => (1900i32..2100, 1u32..13, 1u32..29)
            .prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"))
            .boxed(),
        FieldType::Year => (1000i32..10_000).prop_map(|y| y.to_string()).boxed(),
        _ => text().boxed(),
    };
    prop_oneof![1 => Just(String::new()), 6 => value].boxed()
}

fn table() -> impl Strategy<Value = Table> {
    proptest::collection::vec(proptest::sample::select(KINDS.to_vec()), 1..7)
        .prop_flat_map(|kinds| {
            let row = kinds.iter().map(|&k| cell(k)).collect::<Vec<_>>();
            // Now and then more rows than one batch of the reader holds (8,192).
            let rows = prop_oneof![15 => 0usize..40, 1 => 8190usize..8200];
            (
                Just(kinds),
                rows.prop_flat_map(move |n| proptest::collection::vec(row.clone(), n)),
            )
        })
        .prop_map(|(kinds, rows)| Table {
            columns: kinds
                .iter()
                .enumerate()
                .map(|(i, &kind)| CleanColumn {
                    name: format!("kolom_{i}"),
                    kind,
                })
                .collect(),
            rows,
        })
}

/// Writes the clean CSV in the published dialect; returns its size.
fn write_csv(table: &Table, path: &Path) -> u64 {
    let mut out = Vec::new();
    {
        let mut w = csv_writer(&mut out);
        w.write_record(table.columns.iter().map(|c| c.name.as_str()))
            .expect("header");
        for row in &table.rows {
            w.write_record(row).expect("row");
        }
        w.flush().expect("flush");
    }
    std::fs::write(path, &out).expect("write csv");
    out.len() as u64
}

fn check_json(table: &Table, path: &Path) {
    let records: Vec<serde_json::Map<String, serde_json::Value>> =
        serde_json::from_slice(&std::fs::read(path).expect("json")).expect("valid JSON");
    assert_eq!(records.len(), table.rows.len());
    for (r, (row, record)) in table.rows.iter().zip(&records).enumerate() {
        let keys: Vec<&String> = record.keys().collect();
        let names: Vec<&String> = table.columns.iter().map(|c| &c.name).collect();
        assert_eq!(keys, names, "row {r}: keys in column order");
        for (column, cell) in table.columns.iter().zip(row) {
            let value = &record[&column.name];
            let at = format!("row {r} {} {cell:?}: {value}", column.name);
            match column.kind {
                _ if cell.is_empty() => assert!(value.is_null(), "{at}"),
                FieldType::Integer | FieldType::Year => {
                    assert_eq!(value.as_i64(), cell.parse().ok(), "{at}");
                }
                FieldType::Number => {
                    let expected: f64 = cell.parse().expect("a number");
                    assert_eq!(value.as_f64(), Some(expected), "{at}");
                }
                FieldType::Boolean => assert_eq!(value.as_bool(), cell.parse().ok(), "{at}"),
                _ => assert_eq!(value.as_str(), Some(cell.as_str()), "{at}"),
            }
        }
    }
}

fn check_parquet(table: &Table, path: &Path) {
    let file = std::fs::File::open(path).expect("parquet");
    let frame = ParquetReader::new(file).finish().expect("read parquet");
    assert_eq!(frame.height(), table.rows.len());
    assert_eq!(frame.width(), table.columns.len());
    for (c, column) in table.columns.iter().enumerate() {
        let series = frame.column(&column.name).expect("column");
        for (r, row) in table.rows.iter().enumerate() {
            let cell = &row[c];
            let value = series.get(r).expect("value");
            let at = format!("row {r} {} {cell:?}: {value:?}", column.name);
            match (column.kind, value) {
                (_, AnyValue::Null) => assert!(cell.is_empty(), "{at}"),
                (FieldType::Integer | FieldType::Year, AnyValue::Int64(n)) => {
                    assert_eq!(Some(n), cell.parse().ok(), "{at}");
                }
                (FieldType::Number, AnyValue::Float64(n)) => {
                    assert_eq!(Some(n), cell.parse().ok(), "{at}");
                }
                (FieldType::Boolean, AnyValue::Boolean(b)) => {
                    assert_eq!(Some(b), cell.parse().ok(), "{at}");
                }
                (_, AnyValue::String(s)) => assert_eq!(s, cell, "{at}"),
                (_, AnyValue::StringOwned(s)) => assert_eq!(s.as_str(), cell, "{at}"),
                _ => panic!("unexpected Parquet value at {at}"),
            }
        }
    }
}

/// What Excel shows for a text cell: the writer escapes characters XML cannot carry as
/// `_xHHHH_` (and a literal `_xHHHH_` as `_x005F_xHHHH_`), which calamine, as Excel, reads back.
fn check_xlsx(table: &Table, path: &Path) {
    let mut book: Xlsx<_> = open_workbook(path).expect("open workbook");
    let range = book.worksheet_range("data").expect("sheet");
    let rows: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
    // calamine's range ends at the last cell with a value: trailing empty rows read as none.
    assert!(rows.len() <= table.rows.len() + 1, "header and rows");
    for (c, column) in table.columns.iter().enumerate() {
        assert_eq!(rows[0][c], Data::String(column.name.clone()));
    }
    for (r, row) in table.rows.iter().enumerate() {
        let read = rows.get(r + 1);
        for (c, (column, cell)) in table.columns.iter().zip(row).enumerate() {
            let value = read
                .and_then(|read| read.get(c))
                .cloned()
                .unwrap_or(Data::Empty);
            let at = format!("row {r} {} {cell:?}: {value:?}", column.name);
            match (column.kind, &value) {
                (_, Data::Empty) => assert!(cell.is_empty(), "{at}"),
                (FieldType::Integer | FieldType::Year, Data::Float(n)) => {
                    // Excel's numbers are doubles.
                    let expected: i64 = cell.parse().expect("an integer");
                    assert_eq!(*n, expected as f64, "{at}");
                }
                (FieldType::Integer | FieldType::Year, Data::Int(n)) => {
                    assert_eq!(Some(*n), cell.parse().ok(), "{at}");
                }
                (FieldType::Number, Data::Float(n)) => {
                    assert_eq!(Some(*n), cell.parse().ok(), "{at}");
                }
                (FieldType::Boolean, Data::Bool(b)) => {
                    assert_eq!(Some(*b), cell.parse().ok(), "{at}");
                }
                (_, Data::String(s)) => assert_eq!(s, cell, "{at}"),
                _ => panic!("unexpected cell at {at}"),
            }
        }
    }
}

fn fits_a_worksheet(table: &Table) -> bool {
    table
        .rows
        .iter()
        .flatten()
        .all(|cell| cell.encode_utf16().count() <= XLSX_MAX_CELL_CHARS)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_format_reads_back_as_the_clean_table(table in table()) {
        let dir = tempfile::tempdir().expect("tempdir");
        let csv = dir.path().join("data.csv");
        let size = write_csv(&table, &csv);
        let files = build(&csv, &table.columns, table.rows.len() as u64, size, dir.path())
            .expect("publish");
        let names: Vec<&str> = files.iter().map(|f| f.format.name).collect();
        let expected: &[&str] = if fits_a_worksheet(&table) {
            &["json", "parquet", "xlsx"]
        } else {
            &["json", "parquet"]
        };
        prop_assert_eq!(names, expected);
        check_json(&table, &files[0].path);
        check_parquet(&table, &files[1].path);
        if let Some(xlsx) = files.get(2) {
            check_xlsx(&table, &xlsx.path);
        }
    }
}
