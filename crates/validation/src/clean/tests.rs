//! Tests of cleaning.

use super::cell::canonical_number;
use super::{FieldType, clean, clean_columns};
use crate::{Options, validate};

#[test]
fn indonesian_numbers() {
    let int = |v| canonical_number(v, FieldType::Integer);
    let num = |v| canonical_number(v, FieldType::Number);
    assert_eq!(int("1.234.567").as_deref(), Some("1234567"));
    assert_eq!(int("Rp 1.500.000").as_deref(), Some("1500000"));
    assert_eq!(int("1234"), None, "already canonical");
    assert_eq!(int("n/a"), None, "not a number: left for the steward");
    assert_eq!(num("12,5").as_deref(), Some("12.5"));
    assert_eq!(num("1.234,56").as_deref(), Some("1234.56"));
    assert_eq!(num("12 %").as_deref(), Some("12"));
    assert_eq!(
        num("2.500"),
        None,
        "a Number column reads 2.500 as 2.5, as validation did"
    );
    assert_eq!(int("2.500").as_deref(), Some("2500"));
    assert_eq!(
        canonical_number("1.234", FieldType::String),
        None,
        "text columns are left alone"
    );
}

#[test]
fn cleans_a_messy_export() -> Result<(), crate::ReadError> {
    let messy = "Jumlah Penduduk 2024\r\nKode Kecamatan;Nama Kecamatan;Catatan;Jumlah Penduduk;Satuan;Tahun\r\n\
35.76.01; Prajuritkulon ;;1.234;Jiwa;2024\r\n35.76.02;Magersari;;2.210;Jiwa;2024\r\n\
;Jumlah;;3.444;Jiwa;\r\n\r\nSumber: Dispendukcapil\r\n";
    let report = validate(messy.as_bytes(), &Options::default())?;
    let mut out = Vec::new();
    let log = clean(messy.as_bytes(), &report, None, &mut out)?;
    let text = String::from_utf8(out).unwrap_or_default();
    assert_eq!(
        text,
        "kode_kecamatan,nama_kecamatan,jumlah_penduduk,satuan,tahun\r\n\
35.76.01,Prajuritkulon,1234,Jiwa,2024\r\n35.76.02,Magersari,2210,Jiwa,2024\r\n"
    );
    assert_eq!(log.rows_written, 2);
    let rules: Vec<&str> = log.changes.iter().map(|c| c.rule).collect();
    assert_eq!(
        rules,
        [
            "comma",
            "title-rows",
            "footnote-rows",
            "totals-rows",
            "empty-columns",
            "snake-case-header",
            "trim",
            "indonesian-number"
        ]
    );
    let numbers = log
        .changes
        .iter()
        .find(|c| c.rule == "indonesian-number")
        .map(|c| c.count);
    assert_eq!(numbers, Some(2));
    // Cleaning is deterministic and its output validates without the fixed findings.
    let mut again = Vec::new();
    let log_again = clean(messy.as_bytes(), &report, None, &mut again)?;
    assert_eq!(again, text.as_bytes());
    // The columns are known before the pass.
    assert_eq!(
        clean_columns(&report.table, &report.schema),
        log_again.columns
    );
    let cleaned = validate(text.as_bytes(), &Options::default())?;
    assert!(cleaned.valid);
    for gone in [
        "title-row",
        "footnote-row",
        "totals-row",
        "non-snake-case-header",
        "indonesian-number",
    ] {
        assert!(!cleaned.counts.contains_key(gone), "{gone} still found");
    }
    Ok(())
}

#[test]
fn missing_value_markers_become_empty_cells() -> Result<(), crate::ReadError> {
    let schema: crate::TableSchema = serde_json::from_str(
        r#"{"fields": [{"name": "kecamatan", "type": "string"},
                       {"name": "jumlah", "type": "integer"},
                       {"name": "rasio", "type": "number"}],
            "missingValues": ["", "-", "n/a"]}"#,
    )
    .expect("schema");
    let table = "kecamatan,jumlah,rasio\r\nPrajuritkulon,-,2.500\r\nn/a, 1.234 ,-\r\n";
    let options = Options {
        schema: Some(&schema),
        ..Options::default()
    };
    let report = validate(table.as_bytes(), &options)?;
    assert!(report.valid, "{:?}", report.findings);
    let mut out = Vec::new();
    let log = clean(table.as_bytes(), &report, None, &mut out)?;
    assert_eq!(
        String::from_utf8(out).unwrap_or_default(),
        "kecamatan,jumlah,rasio\r\nPrajuritkulon,,2.500\r\n,1234,\r\n"
    );
    let missing = log.changes.iter().find(|c| c.rule == "missing-value");
    assert_eq!(missing.map(|c| c.count), Some(3));
    Ok(())
}

/// Undotted Kemendagri codes are dotted in a text column only: a schema that calls the column an
/// integer keeps them as written (`35.76.01` is not an integer, and could not be published), and
/// the warning says to make the column text instead of advising the dotted code.
#[test]
fn region_codes_are_dotted_in_text_columns_only() -> Result<(), Box<dyn std::error::Error>> {
    use crate::reference::{Region, RegionLevel};
    let region = |code: &str, level, parent: Option<&str>| Region {
        code: code.to_owned(),
        name: code.to_owned(),
        level,
        parent: parent.map(str::to_owned),
    };
    let reference = crate::RegionReference::from_regions([
        region("35", RegionLevel::Provinsi, None),
        region("35.76", RegionLevel::KabupatenKota, Some("35")),
        region("35.76.01", RegionLevel::Kecamatan, Some("35.76")),
    ])?;
    let table = "kode_kecamatan,jumlah\r\n357601,5\r\n";
    let advice = [
        ("string", "35.76.01", "tulis '35.76.01'"),
        ("integer", "357601", "ubah menjadi teks"),
    ];
    for (kind, cleaned, says) in advice {
        let schema: crate::TableSchema = serde_json::from_str(&format!(
            r#"{{"fields": [{{"name": "kode_kecamatan", "type": "{kind}"}},
                           {{"name": "jumlah", "type": "integer"}}]}}"#
        ))?;
        let options = Options {
            schema: Some(&schema),
            reference: Some(&reference),
            ..Options::default()
        };
        let report = validate(table.as_bytes(), &options)?;
        assert!(report.valid, "{kind}: {:?}", report.findings);
        let warning = report
            .findings
            .iter()
            .find(|f| f.kind == "undotted-region-code");
        assert!(
            warning.is_some_and(|f| f.message.contains(says)),
            "{kind}: {warning:?}"
        );
        let mut out = Vec::new();
        clean(table.as_bytes(), &report, Some(&reference), &mut out)?;
        assert_eq!(
            String::from_utf8(out)?,
            format!("kode_kecamatan,jumlah\r\n{cleaned},5\r\n"),
            "{kind}"
        );
    }
    Ok(())
}

#[test]
fn a_table_without_rows_keeps_its_header() -> Result<(), crate::ReadError> {
    let table = "Nama Kecamatan,Jumlah\r\n";
    let report = validate(table.as_bytes(), &Options::default())?;
    let mut out = Vec::new();
    let log = clean(table.as_bytes(), &report, None, &mut out)?;
    assert_eq!(
        String::from_utf8(out).unwrap_or_default(),
        "nama_kecamatan,jumlah\r\n"
    );
    assert_eq!((log.rows_written, log.columns.len()), (0, 2));
    Ok(())
}
