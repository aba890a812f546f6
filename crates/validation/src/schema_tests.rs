//! Tests of schema.rs.

use super::*;

/// Inference with the roles the labels give.
fn infer(header: &[String], rows: &[Vec<String>]) -> TableSchema {
    let roles: Vec<ColumnRole> = header.iter().map(|h| ColumnRole::of(h)).collect();
    super::infer(header, rows, &roles)
}

#[test]
fn reads_frictionless_schemas() -> Result<(), serde_json::Error> {
    let schema: TableSchema = serde_json::from_str(
        r#"{"fields": [{"name": "id", "type": "integer", "constraints": {"required": true}},
                       {"name": "geo", "type": "geopoint"}], "primaryKey": "id"}"#,
    )?;
    assert_eq!(schema.primary_key, ["id"]);
    assert_eq!(schema.fields[1].kind, FieldType::Any);
    assert_eq!(schema.missing_values, [""]);
    Ok(())
}

#[test]
fn types_read_strictly() {
    assert!(FieldType::Integer.read("1234").is_some());
    assert!(FieldType::Integer.read("1.234").is_none());
    assert!(FieldType::Integer.read("n/a").is_none());
    assert!(FieldType::Number.read("12.5").is_some());
    assert!(FieldType::Number.read("12,5").is_none());
    assert!(FieldType::Number.read("inf").is_none());
    assert!(FieldType::Year.read("2024").is_some());
    assert!(FieldType::Date.read("2024-02-30").is_some());
    assert!(FieldType::Date.read("2024-13-01").is_none());
}

#[test]
fn inference_tolerates_a_stray_value() {
    let header = vec!["jumlah".to_owned()];
    let mut rows: Vec<Vec<String>> = (0..19).map(|i| vec![format!("{i}.000")]).collect();
    rows.push(vec!["n/a".to_owned()]);
    assert_eq!(infer(&header, &rows).fields[0].kind, FieldType::Integer);
    // Placeholders are missing values, not strays; three strays in 22 are too many.
    rows.push(vec!["-".to_owned()]);
    rows.push(vec!["tidak ada data".to_owned()]);
    rows.push(vec!["?".to_owned()]);
    assert_eq!(infer(&header, &rows).fields[0].kind, FieldType::Integer);
    rows.push(vec!["x".to_owned()]);
    rows.push(vec!["y".to_owned()]);
    assert_eq!(infer(&header, &rows).fields[0].kind, FieldType::String);
}

#[test]
fn proposes_the_smallest_natural_key() {
    let header: Vec<String> = [
        "id",
        "kode_kecamatan",
        "nama_kecamatan",
        "jenis_kelamin",
        "jumlah",
        "satuan",
        "tahun",
    ]
    .map(String::from)
    .to_vec();
    let rows: Vec<Vec<String>> = [
        ["1", "35.76.01", "Prajuritkulon", "L", "10", "Jiwa", "2024"],
        ["2", "35.76.01", "Prajuritkulon", "P", "11", "Jiwa", "2024"],
        ["3", "35.76.02", "Magersari", "L", "12", "Jiwa", "2024"],
        ["4", "35.76.02", "Magersari", "P", "13", "Jiwa", "2024"],
        ["5", "35.76.02", "Magersari", "P", "14", "Jiwa", "2025"],
    ]
    .iter()
    .map(|r| r.map(String::from).to_vec())
    .collect();
    let schema = infer(&header, &rows);
    assert_eq!(
        propose_key(&schema, &header, &rows),
        ["kode_kecamatan", "jenis_kelamin", "tahun"]
    );
    let mut repeated = rows.clone();
    repeated.push(rows[0].clone());
    assert!(
        propose_key(&schema, &header, &repeated).is_empty(),
        "no key when a row repeats"
    );
}

fn inferred_kinds(header: &[String], rows: &[Vec<String>]) -> Vec<FieldType> {
    infer(header, rows).fields.iter().map(|f| f.kind).collect()
}

#[test]
fn code_columns_are_inferred_as_text() {
    let header: Vec<String> = [
        "kode_kabupaten_kota",
        "kode_provinsi",
        "kode_rekening",
        "kode_barang",
        "kodepos",
        "jumlah",
    ]
    .map(String::from)
    .to_vec();
    let rows: Vec<Vec<String>> = [
        ["35.10", "35", "5.1", "1001", "61311", "10"],
        ["35.76", "35", "007", "1002", "61312", "12"],
    ]
    .iter()
    .map(|r| r.map(String::from).to_vec())
    .collect();
    let kinds = inferred_kinds(&header, &rows);
    // Region codes are text even when they look like integers; other codes only when a
    // number would change them; `kodepos` is not a code column.
    assert_eq!(
        kinds,
        [
            FieldType::String,
            FieldType::String,
            FieldType::String,
            FieldType::Integer,
            FieldType::Integer,
            FieldType::Integer
        ]
    );
}

#[test]
fn inference_picks_the_narrowest_type() {
    let header = vec!["a".to_owned(), "b".to_owned(), "c".to_owned()];
    let rows = vec![
        vec!["1".to_owned(), "1.5".to_owned(), "x".to_owned()],
        vec!["2".to_owned(), "2".to_owned(), "3".to_owned()],
    ];
    let kinds = inferred_kinds(&header, &rows);
    assert_eq!(
        kinds,
        [FieldType::Integer, FieldType::Number, FieldType::String]
    );
}
