//! Engine tests: each finding type on small real files, every encoding and separator, and the
//! correctness oracle against the benchmark generator's planted faults.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{Options, ReadError, RegionReference, Report, Severity, TableSchema, validate};

fn check(bytes: &[u8]) -> Report {
    validate(bytes, &Options::default()).expect("readable")
}

fn kinds(report: &Report, severity: Severity) -> BTreeSet<(&'static str, Option<u64>)> {
    report
        .findings
        .iter()
        .filter(|f| f.severity == severity)
        .map(|f| (f.kind, f.row_number))
        .collect()
}

fn has(report: &Report, kind: &str) -> bool {
    report.counts.contains_key(kind)
}

const TIDY: &str = "kode_wilayah,nama_wilayah,jenis_kelamin,jumlah,satuan,tahun\n\
35.76.01,Prajuritkulon,Laki-laki,1234,Jiwa,2024\n\
35.76.01,Prajuritkulon,Perempuan,1301,Jiwa,2024\n\
35.76.02,Magersari,Laki-laki,2210,Jiwa,2024\n";

#[test]
fn a_tidy_table_is_valid_in_every_encoding_and_separator() {
    for delimiter in [",", ";", "\t", "|"] {
        let text = TIDY.replace(',', delimiter);
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let utf16be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        let bom: Vec<u8> = b"\xEF\xBB\xBF"
            .iter()
            .copied()
            .chain(text.bytes())
            .collect();
        for (bytes, encoding) in [
            (text.as_bytes().to_vec(), "utf-8"),
            (bom, "utf-8-bom"),
            (utf16, "utf-16le"),
            (utf16be, "utf-16be"),
            (text.replace("\n", "\r\n").into_bytes(), "utf-8"),
        ] {
            let report = check(&bytes);
            assert!(
                report.valid,
                "{encoding} {delimiter:?}: {:?}",
                report.findings
            );
            assert_eq!(report.table.encoding, encoding);
            assert_eq!(report.table.delimiter.as_deref(), Some(delimiter));
            assert_eq!((report.table.row_count, report.table.column_count), (3, 6));
            assert_eq!(report.table.header[0], "kode_wilayah");
            let warnings: Vec<_> = report
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Warning)
                .map(|f| f.kind)
                .collect();
            assert_eq!(warnings, ["region-not-checked"], "no reference loaded");
        }
    }
}

#[test]
fn windows_1252_is_decoded_without_mojibake() {
    let bytes = b"nama;jumlah;satuan;tahun\r\nKab. Mojokert\xF3;5;Jiwa;2024\r\n";
    let report = check(bytes);
    assert_eq!(report.table.encoding, "windows-1252");
    let strict = TableSchema {
        fields: vec![crate::schema::Field {
            name: "nama".into(),
            kind: crate::schema::FieldType::String,
            title: None,
            description: None,
            constraints: crate::schema::Constraints {
                values: Some(vec!["Kab. Mojokertó".into()]),
                ..Default::default()
            },
            standar_data: None,
        }],
        primary_key: vec![],
        unique_keys: vec![],
        missing_values: vec![String::new()],
    };
    let options = Options {
        schema: Some(&strict),
        ..Options::default()
    };
    let report = validate(&bytes[..], &options).expect("readable");
    assert_eq!(
        report.counts.get("constraint-error"),
        None,
        "{:?}",
        report.findings
    );
}

#[test]
fn structural_findings_carry_frictionless_row_numbers() {
    let text = "a,b,c,satuan,tahun\n1,2,3,Jiwa,2024\n\n4,5\n,,,,\n6,7,8,Jiwa,2024,9\n\"x\ny\",2,3,Jiwa,2024\n";
    let report = check(text.as_bytes());
    let errors = kinds(&report, Severity::Error);
    let expected: BTreeSet<_> = [
        ("blank-row", Some(3)),
        ("missing-cell", Some(4)),
        ("blank-row", Some(5)),
        ("extra-cell", Some(6)),
    ]
    .into_iter()
    .collect();
    assert_eq!(errors, expected, "{:?}", report.findings);
    assert_eq!(report.counts["missing-cell"], 3, "one per missing cell");
    assert_eq!(report.table.row_count, 6);
    assert_eq!(
        report.schema.fields[0].kind,
        crate::schema::FieldType::String,
        "a multi-line cell is text"
    );
}

#[test]
fn header_problems() {
    let report = check(b"Kode Wilayah,,jumlah,jumlah\n35.76,1,2,3\n");
    for kind in [
        "non-snake-case-header",
        "blank-header",
        "duplicate-label",
        "missing-sdi-column",
    ] {
        assert!(has(&report, kind), "{kind}: {:?}", report.findings);
    }
    assert_eq!(report.counts["missing-sdi-column"], 2, "satuan and tahun");
    let wide = check(b"kecamatan,2021,2022,2023,satuan\nMagersari,1,2,3,Jiwa\n");
    assert!(has(&wide, "wide-layout"));
}

#[test]
fn title_lines_totals_and_footnotes_are_recognised() {
    let text = "Jumlah Penduduk Kota Mojokerto 2024\n\nkode_kecamatan;nama_kecamatan;jumlah;satuan;tahun\n\
35.76.01;Prajuritkulon;1.234;Jiwa;2024\n35.76.02;Magersari;2.210;Jiwa;2024\n;Jumlah;3.444;Jiwa;\n\n\
Sumber: Dispendukcapil\n";
    let report = check(text.as_bytes());
    assert_eq!(report.table.header_row, 3);
    assert_eq!(report.table.header[0], "kode_kecamatan");
    assert!(report.valid, "{:?}", report.findings);
    assert_eq!(
        kinds(&report, Severity::Warning)
            .into_iter()
            .filter(|k| k.0 == "totals-row")
            .collect::<Vec<_>>(),
        [("totals-row", Some(6))]
    );
    let info = kinds(&report, Severity::Info);
    assert!(info.contains(&("title-row", Some(1))), "{info:?}");
    assert!(info.contains(&("footnote-row", Some(8))), "{info:?}");
    assert!(
        has(&report, "indonesian-number"),
        "{:?} {:?}",
        report.schema,
        report.findings
    );
    assert!(has(&report, "region-not-checked"));
}

#[test]
fn mixed_units_and_coverage() {
    let text = "nama,jumlah,satuan,tahun\nA,1,Jiwa,2019\nB,2,Orang,2024\n";
    let options = Options {
        coverage: Some((2020, 2024)),
        ..Options::default()
    };
    let report = validate(text.as_bytes(), &options).expect("readable");
    assert!(has(&report, "mixed-units"));
    assert_eq!(report.counts.get("year-out-of-coverage"), Some(&1));
}

#[test]
fn counts_stay_exact_when_listing_is_capped() {
    let mut text = String::from("id,jumlah,satuan,tahun\n");
    for i in 0..500 {
        text.push_str(&format!("{i},x{i},Jiwa,2024\n"));
    }
    let report = validate(
        text.as_bytes(),
        &Options {
            max_findings_per_type: 10,
            ..Options::default()
        },
    );
    let report = report.expect("readable");
    // The sample is all text, so `jumlah` is inferred as string: declare it instead.
    assert!(report.valid);
    let schema: TableSchema =
        serde_json::from_str(r#"{"fields":[{"name":"id","type":"integer"},{"name":"jumlah","type":"integer"},{"name":"satuan"},{"name":"tahun","type":"integer"}]}"#)
            .expect("schema");
    let options = Options {
        schema: Some(&schema),
        max_findings_per_type: 10,
        ..Options::default()
    };
    let report = validate(text.as_bytes(), &options).expect("readable");
    assert_eq!(report.counts["type-error"], 500);
    assert_eq!(report.error_count, 500);
    // A rule that fires on every cell of a column is one column finding; the cells are in
    // the details, capped like the findings.
    let summary: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.kind == "type-error")
        .collect();
    assert_eq!(summary.len(), 1);
    assert_eq!(summary[0].count, Some(500));
    assert_eq!(summary[0].field_name.as_deref(), Some("jumlah"));
    assert!(
        summary[0].message.contains("500 dari 500"),
        "{}",
        summary[0].message
    );
    assert_eq!(report.details.len(), 10);
    assert!(report.truncated);
}

#[test]
fn unreadable_files_are_errors_not_reports() {
    assert!(matches!(
        validate(&b""[..], &Options::default()),
        Err(ReadError::Empty)
    ));
    assert!(matches!(
        validate(&b"\x89PNG\r\n\x1a\n\x00\x00"[..], &Options::default()),
        Err(ReadError::NotATable(crate::FileKind::Image))
    ));
    assert!(matches!(
        validate(&b"a,b\n\x00\x01\x02,3\n"[..], &Options::default()),
        Err(ReadError::Binary)
    ));
    assert!(matches!(
        validate(&b"PK\x03\x04\x00\x00 broken zip"[..], &Options::default()),
        Err(ReadError::Workbook(_))
    ));
}

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

/// Loads the Kemendagri reference when `TEST_REFERENCE_TGZ` names the npm package.
fn reference() -> Option<RegionReference> {
    let path = std::env::var_os("TEST_REFERENCE_TGZ")?;
    Some(RegionReference::load(Path::new(&path)).expect("reference loads"))
}

/// A generated file, its schema and the planted faults as (row, column, kind).
type Generated = (PathBuf, TableSchema, Vec<(u64, String, String)>);

/// Runs the generator.
fn generate(dir: &Path, rows: u32, errors: u32, messy: bool) -> Option<Generated> {
    let script = shared().join("tools/gen_sdi_csv.py");
    if !script.exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have shared/tools/gen_sdi_csv.py beside the clone"
        );
        eprintln!("{} not found: skipping the oracle", script.display());
        return None;
    }
    let out = dir.join(format!("gen-{rows}-{errors}-{messy}.csv"));
    let schema_path = dir.join("schema.json");
    let mut command = Command::new("python3");
    command
        .arg(&script)
        .args(["--rows", &rows.to_string(), "--errors", &errors.to_string()]);
    command
        .arg("--out")
        .arg(&out)
        .arg("--schema-out")
        .arg(&schema_path);
    if messy {
        command.arg("--messy");
    }
    let output = command.output().expect("python3 runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let planted = String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter_map(|line| {
            let mut parts = line.split('\t');
            Some((
                parts.next()?.parse().ok()?,
                parts.next()?.to_owned(),
                parts.next()?.to_owned(),
            ))
        })
        .collect();
    let schema =
        serde_json::from_slice(&std::fs::read(schema_path).expect("schema")).expect("schema json");
    Some((out, schema, planted))
}

#[test]
fn oracle_reports_exactly_the_planted_faults() {
    let dir = tempfile::tempdir().expect("dir");
    let reference = reference();
    for (rows, errors, messy) in [
        (3000, 0, false),
        (3000, 5, false),
        (5000, 17, false),
        (4000, 12, true),
        (2000, 0, true),
    ] {
        let Some((file, schema, planted)) = generate(dir.path(), rows, errors, messy) else {
            return;
        };
        let options = Options {
            schema: Some(&schema),
            reference: reference.as_ref(),
            max_findings_per_type: 100_000,
            ..Options::default()
        };
        let report =
            validate(std::fs::File::open(&file).expect("file"), &options).expect("readable");
        let offset = if messy { 2 } else { 1 };
        let expected: BTreeSet<(u64, String, &str)> = planted
            .iter()
            .map(|(row, column, kind)| {
                let finding = match kind.as_str() {
                    "unknown_code" if reference.is_some() => "unknown-region-code",
                    "not_a_number" => "type-error",
                    "duplicate_key" => "unique-error",
                    _ => "constraint-error",
                };
                (row + offset, column.clone(), finding)
            })
            .collect();
        let found: BTreeSet<(u64, String, &str)> = report
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| {
                (
                    f.row_number.unwrap_or(0),
                    f.field_name.clone().unwrap_or_default(),
                    f.kind,
                )
            })
            .collect();
        assert_eq!(found, expected, "rows={rows} errors={errors} messy={messy}");
        assert_eq!(report.error_count, errors as u64);
        assert_eq!(report.table.row_count, u64::from(rows) + u64::from(messy));
        if messy {
            assert_eq!(report.table.delimiter.as_deref(), Some(";"));
            assert_eq!(report.counts.get("totals-row"), Some(&1));
            assert_eq!(report.counts.get("title-row"), Some(&1));
        }
    }
}

#[test]
fn the_published_report_schema_lists_every_finding_type() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/validation-report.schema.json");
    let schema: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).expect("schema file")).expect("json");
    let published: BTreeSet<&str> = schema["$defs"]["findingType"]["enum"]
        .as_array()
        .expect("enum")
        .iter()
        .filter_map(serde_json::Value::as_str)
        .collect();
    let ours: BTreeSet<&str> = crate::checks::FINDING_TYPES
        .iter()
        .map(|(k, _)| *k)
        .collect();
    assert_eq!(published, ours);
}

#[test]
fn schema_and_header_disagree() {
    let schema: TableSchema = serde_json::from_str(
        r#"{"fields": [{"name": "kecamatan"}, {"name": "jumlah", "type": "integer"}, {"name": "tahun"}]}"#,
    )
    .expect("schema");
    let options = Options {
        schema: Some(&schema),
        ..Options::default()
    };
    let report = validate(
        &b"kecamatan,jumlah,satuan\nMagersari,1,Jiwa\n"[..],
        &options,
    )
    .expect("readable");
    let errors = kinds(&report, Severity::Error);
    assert!(errors.contains(&("missing-label", Some(1))), "{errors:?}");
    assert!(errors.contains(&("extra-label", Some(1))), "{errors:?}");
    let missing = report
        .findings
        .iter()
        .find(|f| f.kind == "missing-label")
        .map(|f| f.field_name.clone());
    assert_eq!(missing, Some(Some("tahun".to_owned())));
}

#[test]
fn grouped_integers_must_fit_64_bits() {
    let schema: crate::TableSchema = serde_json::from_str(
        r#"{"fields": [{"name": "nama", "type": "string"}, {"name": "jumlah", "type": "integer"}]}"#,
    )
    .expect("schema");
    let options = Options {
        schema: Some(&schema),
        ..Options::default()
    };
    let text = "nama,jumlah\nA,1.234.567\nB,9.999.999.999.999.999.999\n";
    let report = validate(text.as_bytes(), &options).expect("readable");
    let errors: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.kind == "type-error")
        .map(|f| f.row_number)
        .collect();
    assert_eq!(errors, [Some(3)], "{:?}", report.findings);
    assert!(has(&report, "indonesian-number"));
}

/// Every key a report serialises is a property of the published JSON Schema (which forbids
/// others), down to the table, the findings and the proposed metadata.
#[test]
fn the_published_report_schema_has_every_report_key() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/validation-report.schema.json");
    let schema: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).expect("schema file")).expect("json");
    let table = "Jumlah Penduduk (Jiwa)\nkode_kecamatan,Persentase,jumlah,satuan,tahun\n\
35.76.01,\"87,5 %\",1,Jiwa,2024\n35.76.02,-,2,Jiwa,2025\n";
    let report = check(table.as_bytes());
    let value = serde_json::to_value(&report).expect("serialises");
    let keys = |v: &serde_json::Value| -> BTreeSet<String> {
        v.as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    };
    let declared = |s: &serde_json::Value| keys(&s["properties"]);
    let pairs = [
        (&value, &schema),
        (&value["table"], &schema["properties"]["table"]),
        (
            &value["proposed_metadata"],
            &schema["properties"]["proposed_metadata"],
        ),
    ];
    for (v, s) in pairs {
        let extra: Vec<String> = keys(v).difference(&declared(s)).cloned().collect();
        assert!(extra.is_empty(), "not in the schema: {extra:?}");
    }
    for finding in value["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(value["details"].as_array().into_iter().flatten())
    {
        let extra: Vec<String> = keys(finding)
            .difference(&declared(&schema["$defs"]["finding"]))
            .cloned()
            .collect();
        assert!(extra.is_empty(), "not in the schema: {extra:?}");
    }
    assert!(report.findings.iter().any(|f| f.count.is_some()));
}

#[cfg(test)]
#[path = "formats_tests.rs"]
mod formats;
