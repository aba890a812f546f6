use std::path::Path;

use polars::prelude::{
    DataFrame, LazyCsvReader, LazyFileListReader, ParquetReader, PlRefPath, PlSmallStr, Schema,
    SerReader,
};
use satudata_validation::{CleanColumn, FieldType, Options, validate};

use super::batch::{BATCH, csv_batches};
use super::hashing::hash_file;
use super::writers::{escaped_len, parquet_type, write_xlsx};
use super::{BuiltFile, build, clean};
use satudata_validation::CleanLog;

/// A messy export: title and footnote lines, a semicolon, Indonesian numbers, blanks and quotes.
fn messy(rows: usize) -> String {
    let mut text = String::from(
        "Data Kunjungan Puskesmas\r\nKode;Nama Puskesmas;Jumlah;Rasio;Aktif;Catatan\r\n",
    );
    for i in 0..rows {
        let name = match i % 4 {
            0 => "Puskesmas \"Kranggan\"".to_owned(),
            1 => " Gedongan ".to_owned(),
            2 => String::new(),
            _ => format!("Wates, unit {i}"),
        };
        let jumlah = if i % 5 == 0 {
            String::new()
        } else {
            format!("{}.{:03}", i % 7 + 1, i % 1000)
        };
        let rasio = if i % 3 == 0 {
            String::new()
        } else {
            format!("{i},25")
        };
        let aktif = if i % 2 == 0 { "true" } else { "false" };
        text.push_str(&format!(
            "35.76.{:02};\"{name}\";{jumlah};{rasio};{aktif};é ñ {i}\r\n",
            i % 90 + 1
        ));
    }
    text.push_str("Sumber: Dinkes\r\n");
    text
}

/// A version's files: its clean CSV (as an upload writes it) and the formats built from it.
struct Published {
    csv: std::path::PathBuf,
    csv_hash: (String, u64),
    log: CleanLog,
    files: Vec<BuiltFile>,
}

fn built(source: &str, dir: &Path) -> Published {
    let mut report = validate(source.as_bytes(), &Options::default()).expect("validate");
    // The types a steward would confirm for the columns inference leaves as text.
    for field in &mut report.schema.fields {
        match field.name.as_str() {
            "Rasio" => field.kind = FieldType::Number,
            "Aktif" => field.kind = FieldType::Boolean,
            _ => {}
        }
    }
    let csv = dir.join("data.csv");
    let (sha256, size, log) = clean(
        source.as_bytes(),
        &report.table,
        &report.schema,
        None,
        &csv,
        &satudata_validation::CleanOptions::default(),
    )
    .expect("clean");
    let files = build(&csv, &log.columns, report.table.row_count, size, dir).expect("build");
    Published {
        csv,
        csv_hash: (sha256, size),
        log,
        files,
    }
}

/// The clean CSV read by polars with the clean table's types: what the Parquet file must hold.
fn csv_frame(path: &Path, columns: &[CleanColumn]) -> DataFrame {
    let schema: Schema = columns
        .iter()
        .map(|c| (PlSmallStr::from(c.name.as_str()), parquet_type(c.kind)))
        .collect();
    LazyCsvReader::new(PlRefPath::new(path.to_string_lossy().as_ref()))
        .with_has_header(true)
        .with_schema(Some(std::sync::Arc::new(schema)))
        .finish()
        .and_then(polars::prelude::LazyFrame::collect)
        .expect("read the clean CSV")
}

#[test]
fn every_format_is_written_from_the_clean_csv_and_holds_the_clean_table() {
    let dir = tempfile::tempdir().expect("tempdir");
    // More than one batch and a partial last one.
    let rows = BATCH * 2 + 123;
    let built = built(&messy(rows), dir.path());
    assert_eq!(built.log.rows_written, rows as u64);
    let names: Vec<&str> = built.files.iter().map(|f| f.format.name).collect();
    assert_eq!(names, ["json", "parquet", "xlsx"]);
    assert_eq!(hash_file(&built.csv).expect("hash"), built.csv_hash);
    for file in &built.files {
        assert_eq!(
            hash_file(&file.path).expect("hash"),
            (file.sha256.clone(), file.size)
        );
    }
    let kinds: Vec<FieldType> = built.log.columns.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        [
            FieldType::String,
            FieldType::String,
            FieldType::Integer,
            FieldType::Number,
            FieldType::Boolean,
            FieldType::String
        ]
    );

    // Parquet: the same frame polars reads from the clean CSV.
    let expected = csv_frame(&built.csv, &built.log.columns);
    let file = std::fs::File::open(&built.files[1].path).expect("open parquet");
    let parquet = ParquetReader::new(file).finish().expect("read parquet");
    assert!(
        parquet.equals_missing(&expected),
        "{parquet:?}\n{expected:?}"
    );

    // JSON: one record per row, typed, in order.
    let json: Vec<serde_json::Map<String, serde_json::Value>> =
        serde_json::from_slice(&std::fs::read(&built.files[0].path).expect("read json"))
            .expect("parse json");
    assert_eq!(json.len(), rows);
    let mut csv = csv::Reader::from_path(&built.csv).expect("csv");
    for (record, object) in csv.records().zip(&json) {
        let record = record.expect("record");
        for (column, cell) in built.log.columns.iter().zip(record.iter()) {
            let value = &object[&column.name];
            match (cell, column.kind) {
                ("", _) => assert!(value.is_null()),
                (text, FieldType::Integer | FieldType::Year) => {
                    assert_eq!(value.as_i64(), text.parse().ok());
                }
                (text, FieldType::Number) => assert_eq!(value.as_f64(), text.parse().ok()),
                (text, FieldType::Boolean) => assert_eq!(value.as_bool(), text.parse().ok()),
                (text, _) => assert_eq!(value.as_str(), Some(text)),
            }
        }
    }

    // XLSX: written with the other formats, byte for byte what the clean CSV alone gives.
    let again = dir.path().join("again.xlsx");
    let batches = csv_batches(&built.csv, &built.log.columns).expect("batches");
    let hashed = write_xlsx(batches, &again, &built.log.columns, false).expect("xlsx");
    assert_eq!(hashed, Some(hash_file(&again).expect("hash")));
    assert_eq!(
        std::fs::read(&again).expect("again"),
        std::fs::read(&built.files[2].path).expect("streamed")
    );
}

#[test]
fn an_empty_table_still_gets_every_format() {
    let dir = tempfile::tempdir().expect("tempdir");
    let built = built("kode,nama,jumlah\r\n", dir.path());
    assert_eq!(built.log.rows_written, 0);
    assert_eq!(built.files.len(), 3);
    assert_eq!(std::fs::read(&built.files[0].path).expect("json"), b"[]\n");
    let file = std::fs::File::open(&built.files[1].path).expect("open parquet");
    let parquet = ParquetReader::new(file).finish().expect("read parquet");
    assert_eq!(parquet.height(), 0);
    assert_eq!(parquet.width(), built.log.columns.len());
}

#[test]
fn zip64_is_chosen_for_worksheets_that_may_pass_4_gib() {
    // The benchmark's million rows of 14 columns stay a plain zip; a full sheet of 64 text
    // columns (inline strings take ~60 bytes of markup each) does not.
    assert!(!super::zip64(1_000_000, 14, 2 * 117_681_931));
    assert!(super::zip64(super::XLSX_MAX_ROWS, 64, 0));
    assert!(super::zip64(10, 2, u64::from(u32::MAX)));
}

#[test]
fn a_cell_longer_than_excel_holds_leaves_no_workbook_and_loses_nothing() {
    let limit = super::XLSX_MAX_CELL_CHARS;
    for (length, workbook) in [(limit, true), (limit + 1, false)] {
        let dir = tempfile::tempdir().expect("tempdir");
        // Two bytes per character in UTF-8, one UTF-16 unit: the limit counts characters.
        let long = "é".repeat(length);
        let source = format!("kode,catatan\r\n1,pendek\r\n2,{long}\r\n");
        let built = built(&source, dir.path());
        let names: Vec<&str> = built.files.iter().map(|f| f.format.name).collect();
        let expected: &[&str] = if workbook {
            &["json", "parquet", "xlsx"]
        } else {
            &["json", "parquet"]
        };
        assert_eq!(names, expected, "{length} characters");
        assert_eq!(dir.path().join("data.xlsx").exists(), workbook);
        let json: Vec<serde_json::Map<String, serde_json::Value>> =
            serde_json::from_slice(&std::fs::read(&built.files[0].path).expect("json"))
                .expect("parse json");
        assert_eq!(json[1]["catatan"].as_str(), Some(long.as_str()));
    }
}

#[test]
fn json_escapes_backslashes_and_controls_on_unquoted_lines() {
    // A clean CSV quotes only what RFC 4180 asks: a backslash or a tab can sit on a plain
    // line. The first batch needs no escaping, the second does.
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("clean.csv");
    let mut text = String::from("kode,teks\r\n");
    for i in 0..BATCH {
        text.push_str(&format!("{i},biasa {i}\r\n"));
    }
    text.push_str("x,a\\b\tc\r\ny,polos\r\n");
    std::fs::write(&csv, &text).expect("write");
    let columns = ["kode", "teks"].map(|name| CleanColumn {
        name: name.to_owned(),
        kind: FieldType::String,
    });
    let rows = BATCH as u64 + 2;
    let files = build(&csv, &columns, rows, text.len() as u64, dir.path()).expect("build");
    let json: Vec<serde_json::Map<String, serde_json::Value>> =
        serde_json::from_slice(&std::fs::read(&files[0].path).expect("read json"))
            .expect("valid JSON");
    assert_eq!(json.len(), BATCH + 2);
    assert_eq!(json[7]["teks"], "biasa 7");
    assert_eq!(json[BATCH]["teks"], "a\\b\tc");
    assert_eq!(json[BATCH + 1]["kode"], "y");
}

/// The JSON writer asks for room from `escaped_len`: it must never be less than what
/// serde_json writes for any character.
#[test]
fn escaped_length_bounds_every_character() {
    let mut every: String = (0u8..0x80).map(char::from).collect();
    every.push_str("éß€😀\u{7f}\u{2028}");
    for c in every.chars() {
        let text = c.to_string();
        let written = serde_json::to_string(&text).expect("json").len() - 2;
        assert!(escaped_len(text.as_bytes()) >= written, "{c:?}");
    }
}
