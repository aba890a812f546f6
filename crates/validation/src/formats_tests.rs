//! Engine tests of the whole-file formats: XLSX, old binary XLS, Excel 2003 XML, JSON.

use super::{check, has};
use crate::{Options, ReadError, TableSchema, validate};

const WORKBOOK: &[u8] = include_bytes!("../fixtures/penduduk-merged-header.xlsx");

#[test]
fn xlsx_with_a_merged_two_row_header() {
    let schema: TableSchema = serde_json::from_str(
        r#"{"fields": [{"name": "Kode Kecamatan"}, {"name": "Kecamatan"},
            {"name": "Jenis Kelamin Laki-laki", "type": "integer"},
            {"name": "Jenis Kelamin Perempuan", "type": "integer"},
            {"name": "Satuan"}, {"name": "Tahun", "type": "integer"}]}"#,
    )
    .expect("schema");
    let options = Options {
        schema: Some(&schema),
        ..Options::default()
    };
    let report = validate(WORKBOOK, &options).expect("readable");
    assert_eq!(report.table.format, "xlsx");
    assert_eq!(report.table.sheet.as_deref(), Some("Penduduk"));
    assert_eq!(report.table.delimiter, None);
    assert_eq!(
        report.table.header,
        [
            "Kode Kecamatan",
            "Kecamatan",
            "Jenis Kelamin Laki-laki",
            "Jenis Kelamin Perempuan",
            "Satuan",
            "Tahun"
        ]
    );
    assert_eq!(report.table.header_row, 2);
    assert_eq!(report.table.row_count, 4);
    let found: Vec<(&str, Option<u64>)> = report
        .findings
        .iter()
        .map(|f| (f.kind, f.row_number))
        .collect();
    assert!(found.contains(&("title-row", Some(1))), "{found:?}");
    assert!(
        found.contains(&("type-error", Some(5))),
        "Excel row numbers: {found:?}"
    );
    assert!(found.contains(&("totals-row", Some(7))), "{found:?}");
    assert_eq!(report.error_count, 1, "{:?}", report.findings);
}

#[test]
fn xlsx_named_sheet_and_dates() {
    let options = Options {
        sheet: Some("Catatan"),
        ..Options::default()
    };
    let report = validate(WORKBOOK, &options).expect("readable");
    assert_eq!(report.table.sheet.as_deref(), Some("Catatan"));
    let schema_kinds: Vec<_> = report
        .schema
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.kind))
        .collect();
    assert_eq!(
        schema_kinds[3],
        ("tahun", crate::schema::FieldType::Integer)
    );
    // The Excel date cell comes out as an ISO date.
    let mut cleaned = Vec::new();
    crate::clean(WORKBOOK, &report, None, &mut cleaned).expect("cleans");
    let cleaned = String::from_utf8(cleaned).expect("utf-8");
    assert!(
        cleaned.starts_with("tanggal,catatan,satuan,tahun\r\n2024-12-31,"),
        "{cleaned}"
    );
    let options = Options {
        sheet: Some("Tidak Ada"),
        ..Options::default()
    };
    let missing = validate(WORKBOOK, &options)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        missing.contains("Tidak Ada") && missing.contains("Penduduk"),
        "{missing}"
    );
}

#[test]
fn json_records_keep_their_key_order() {
    let json = br#"[{"kode_kecamatan": "35.76.01", "jumlah": 5, "satuan": "Jiwa", "tahun": 2024},
                     {"kode_kecamatan": "35.76.02", "jumlah": "lima", "satuan": "Jiwa", "tahun": 2024, "catatan": null}]"#;
    let report = check(json);
    assert_eq!(report.table.format, "json");
    assert_eq!(
        report.table.header,
        ["kode_kecamatan", "jumlah", "satuan", "tahun", "catatan"]
    );
    assert_eq!(report.table.empty_columns, ["catatan"]);
    let bad = validate(&b"{\"not\": \"an array\"}"[..], &Options::default());
    assert!(bad.is_err(), "a lone object is not a table");
    assert!(matches!(
        validate(&b"[1, 2]"[..], &Options::default()),
        Err(ReadError::Json(_))
    ));
}

const OLD_WORKBOOK: &[u8] = include_bytes!("../fixtures/penduduk-biff8.xls");

#[test]
fn old_binary_xls_is_read_by_its_content() {
    let report = check(OLD_WORKBOOK);
    assert_eq!(report.table.format, "xls");
    assert_eq!(report.table.sheet.as_deref(), Some("Penduduk"));
    assert_eq!(
        report.table.header,
        [
            "Kode Kecamatan",
            "Kecamatan",
            "Jenis Kelamin Laki-laki",
            "Jenis Kelamin Perempuan",
            "Tahun"
        ]
    );
    assert_eq!((report.table.header_row, report.table.header_rows), (2, 2));
    let found: Vec<(&str, Option<u64>)> = report
        .findings
        .iter()
        .map(|f| (f.kind, f.row_number))
        .collect();
    assert!(found.contains(&("title-row", Some(1))), "{found:?}");
    assert!(found.contains(&("totals-row", Some(7))), "{found:?}");
    assert_eq!(report.proposed_metadata.satuan.as_deref(), Some("Jiwa"));
    assert!(matches!(
        report.table.roles[0],
        crate::ColumnRole::RegionCode {
            system: crate::CodeSystem::Bps,
            level: Some(crate::RegionLevel::Kecamatan)
        }
    ));
    assert!(!has(&report, "invalid-bps-code") && !has(&report, "bps-region-code"));
    assert_eq!(report.table.row_count, 4);
}

#[test]
fn excel_2003_xml_with_merges_and_index_jumps() {
    let xml = r#"<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
<Worksheet ss:Name="Catatan"><Table><Row><Cell><Data ss:Type="String">x</Data></Cell></Row></Table></Worksheet>
<Worksheet ss:Name="Data"><Table>
<Row><Cell ss:MergeDown="1"><Data ss:Type="String">kecamatan</Data></Cell><Cell ss:MergeAcross="1"><Data ss:Type="String">Jenis Kelamin</Data></Cell><Cell ss:MergeDown="1"><Data ss:Type="String">tahun</Data></Cell></Row>
<Row><Cell ss:Index="2"><Data ss:Type="String">Laki-laki</Data></Cell><Cell><Data ss:Type="String">Perempuan</Data></Cell></Row>
<Row ss:Index="4"><Cell><Data ss:Type="String">Magersari &amp; Kranggan</Data></Cell><Cell><Data ss:Type="Number">5</Data></Cell><Cell><Data ss:Type="Number">6</Data></Cell><Cell><Data ss:Type="Number">2024</Data></Cell></Row>
</Table></Worksheet></Workbook>"#;
    let options = Options {
        sheet: Some("Data"),
        ..Options::default()
    };
    let report = validate(xml.as_bytes(), &options).expect("readable");
    assert_eq!(report.table.format, "xml");
    assert_eq!(
        report.table.header,
        [
            "kecamatan",
            "Jenis Kelamin Laki-laki",
            "Jenis Kelamin Perempuan",
            "tahun"
        ]
    );
    // Row 3 is blank (the Row ss:Index jump), row 4 holds the data.
    let blank: Vec<Option<u64>> = report
        .findings
        .iter()
        .filter(|f| f.kind == "blank-row")
        .map(|f| f.row_number)
        .collect();
    assert_eq!(blank, [Some(3)]);
    let mut out = Vec::new();
    crate::clean(xml.as_bytes(), &report, None, &mut out).expect("cleans");
    let text = String::from_utf8(out).expect("utf-8");
    assert!(
        text.ends_with("Magersari & Kranggan,5,6,2024\r\n"),
        "{text}"
    );
}
