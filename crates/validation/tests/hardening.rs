//! Files that lie about their size (issue 22, item 3), built here byte by byte: each is refused
//! with an error naming the limit, quickly and without a large allocation, or read within the
//! limits when it is harmless. Also text that must not change silently (item 9) and formula
//! cells (item 10).

use std::io::{Cursor, Write};
use std::time::{Duration, Instant};

mod common;

use common::{sheet_xml, workbook};
use satudata_validation::{Limits, Options, ReadError, clean, validate};
use zip::write::SimpleFileOptions;

/// Time any refusal may take in a debug build.
const FAST: Duration = Duration::from_secs(5);

/// Peak resident memory of this test process (nextest runs each test in its own process).
fn peak_rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

fn assert_bounded(started: Instant) {
    assert!(started.elapsed() < FAST, "took {:?}", started.elapsed());
    if let Some(peak) = peak_rss_mib() {
        assert!(peak < 600, "peak RSS {peak} MiB");
    }
}

/// Validates `bytes` with `limits`; the refusal's limit name and message.
fn refusal(bytes: &[u8], limits: Limits) -> (String, String) {
    let options = Options {
        limits,
        ..Options::default()
    };
    match validate(bytes, &options) {
        Err(ReadError::Limit(e)) => (e.limit.to_owned(), e.to_string()),
        Err(other) => panic!("refused for another reason: {other}"),
        Ok(report) => panic!("accepted: {:?}", report.table),
    }
}

const SMALL_TABLE: &str = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>nama</t></is></c><c r="B1" t="inlineStr"><is><t>jumlah</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>Magersari</t></is></c><c r="B2"><v>5</v></c></row><row r="3"><c r="A3" t="inlineStr"><is><t>Kranggan</t></is></c><c r="B3"><v>7</v></c></row>"#;

#[test]
fn a_far_cell_is_refused_before_it_is_allocated() {
    let started = Instant::now();
    let far = r#"<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>2</v></c></row>"#;
    for dimension in [None, Some("A1:XFD1048576")] {
        let book = workbook(
            &sheet_xml(dimension, far, ""),
            &[],
            zip::CompressionMethod::Deflated,
        );
        let (limit, message) = refusal(&book, Limits::default());
        assert_eq!(limit, "max_columns", "{message}");
        assert!(
            message.contains("batas") && message.contains("limit"),
            "{message}"
        );
    }
    // Far down but narrow: the cell count is the limit.
    let deep = r#"<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="Z1048576"><v>2</v></c></row>"#;
    let book = workbook(
        &sheet_xml(None, deep, ""),
        &[],
        zip::CompressionMethod::Deflated,
    );
    assert_eq!(refusal(&book, Limits::default()).0, "max_cells");
    // A declared dimension alone is enough to refuse.
    let lying = workbook(
        &sheet_xml(Some("A1:Z1048576"), SMALL_TABLE, ""),
        &[],
        zip::CompressionMethod::Deflated,
    );
    assert_eq!(refusal(&lying, Limits::default()).0, "max_cells");
    assert_bounded(started);
}

#[test]
fn a_merge_over_the_whole_sheet_costs_only_the_grid() {
    let started = Instant::now();
    let merge = r#"<mergeCells count="1"><mergeCell ref="B1:XFD1048576"/></mergeCells>"#;
    let book = workbook(
        &sheet_xml(None, SMALL_TABLE, merge),
        &[],
        zip::CompressionMethod::Deflated,
    );
    let report = validate(book.as_slice(), &Options::default()).expect("readable");
    assert_eq!(report.table.column_count, 2);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    // Many merges: their total work is bounded too.
    let many: String = (0..3000).map(|_| r#"<mergeCell ref="A1:B3"/>"#).collect();
    let merges = format!(r#"<mergeCells count="3000">{many}</mergeCells>"#);
    let book = workbook(
        &sheet_xml(None, SMALL_TABLE, &merges),
        &[],
        zip::CompressionMethod::Deflated,
    );
    let limits = Limits {
        max_cells: 10_000,
        ..Limits::default()
    };
    assert_eq!(refusal(&book, limits).0, "max_cells");
    assert_bounded(started);
}

#[test]
fn zip_bombs_are_refused_by_their_directory() {
    // 8 MiB of white space between two rows compresses about a thousandfold.
    let row = r#"<row><c t="inlineStr"><is><t>x</t></is></c></row>"#;
    let rows = format!("{row}{}{row}", " ".repeat(8 * 1024 * 1024));
    let bomb = workbook(
        &sheet_xml(None, &rows, ""),
        &[],
        zip::CompressionMethod::Deflated,
    );
    assert!(bomb.len() < 100 * 1024, "{} bytes", bomb.len());
    let stored = workbook(
        &sheet_xml(None, &rows, ""),
        &[],
        zip::CompressionMethod::Stored,
    );
    let started = Instant::now();
    let (limit, message) = refusal(&bomb, Limits::default());
    assert_eq!(limit, "max_compression_ratio", "{message}");
    // Stored without compression, the same sheet is refused for its decompressed size.
    let limits = Limits {
        max_decompressed_bytes: 1024 * 1024,
        ..Limits::default()
    };
    assert_eq!(refusal(&stored, limits).0, "max_decompressed_bytes");
    assert_bounded(started);
}

#[test]
fn a_zip_that_understates_a_part_is_not_read_past_its_declared_size() {
    let started = Instant::now();
    let book = workbook(
        &sheet_xml(None, SMALL_TABLE, ""),
        &[],
        zip::CompressionMethod::Deflated,
    );
    // Make the sheet's declared uncompressed size 10 bytes, in its local header and in the
    // central directory (the sheet is the last part written).
    let mut lying = book.clone();
    let sheet_name = b"xl/worksheets/sheet1.xml";
    let mut patched = 0;
    for signature in [[0x50u8, 0x4b, 0x03, 0x04], [0x50, 0x4b, 0x01, 0x02]] {
        let (size_at, name_at) = if signature[2] == 3 {
            (22, 30)
        } else {
            (24, 46)
        };
        let mut at = 0;
        while let Some(found) = lying[at..]
            .windows(4)
            .position(|w| w == signature)
            .map(|p| p + at)
        {
            if lying[found + name_at..].starts_with(sheet_name) {
                lying[found + size_at..found + size_at + 4].copy_from_slice(&10u32.to_le_bytes());
                patched += 1;
            }
            at = found + 4;
        }
    }
    assert_eq!(patched, 2);
    let result = validate(lying.as_slice(), &Options::default());
    assert!(
        matches!(result, Err(ReadError::Workbook(_))),
        "{:?}",
        result.map(|r| r.table)
    );
    assert_bounded(started);
}

#[test]
fn json_records_that_each_add_a_key_are_refused() {
    let started = Instant::now();
    let records: Vec<String> = (0..20_000).map(|i| format!(r#"{{"k{i}": {i}}}"#)).collect();
    let json = format!("[{}]", records.join(","));
    let (limit, message) = refusal(json.as_bytes(), Limits::default());
    assert_eq!(limit, "max_json_keys", "{message}");
    // Many records of a few keys: the cell count is the limit.
    let limits = Limits {
        max_cells: 10_000,
        ..Limits::default()
    };
    let records: Vec<String> = (0..5000)
        .map(|i| format!(r#"{{"a": {i}, "b": {i}, "c": {i}}}"#))
        .collect();
    let json = format!("[{}]", records.join(","));
    assert_eq!(refusal(json.as_bytes(), limits).0, "max_cells");
    assert_bounded(started);
}

#[test]
fn a_csv_of_100000_columns_is_refused() {
    let started = Instant::now();
    let header: Vec<String> = (0..100_000).map(|i| format!("c{i}")).collect();
    let csv = format!("{}\n{}\n", header.join(","), header.join(","));
    let (limit, message) = refusal(csv.as_bytes(), Limits::default());
    assert_eq!(limit, "max_columns", "{message}");
    assert!(message.contains("100000"), "{message}");
    // A narrow header with one wide row further down is refused at that row.
    let mut csv = String::from("a,b\n1,2\n");
    csv.push_str(&",".repeat(5000));
    csv.push('\n');
    assert_eq!(refusal(csv.as_bytes(), Limits::default()).0, "max_columns");
    assert_bounded(started);
}

#[test]
fn html_and_excel_2003_spans_are_bounded() {
    let started = Instant::now();
    let html = r#"<html><body><table><tr><td colspan="100000" rowspan="100000">x</td><td>y</td></tr><tr><td>1</td><td>2</td></tr></table></body></html>"#;
    assert_eq!(refusal(html.as_bytes(), Limits::default()).0, "max_columns");
    let xml = r#"<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="A"><Table><Row><Cell><Data ss:Type="String">a</Data></Cell><Cell ss:Index="16384"><Data ss:Type="String">b</Data></Cell></Row></Table></Worksheet></Workbook>"#;
    assert_eq!(refusal(xml.as_bytes(), Limits::default()).0, "max_columns");
    let xml = xml.replace(r#" ss:Index="16384""#, r#" ss:MergeDown="20000000""#);
    assert_eq!(refusal(xml.as_bytes(), Limits::default()).0, "max_cells");
    assert_bounded(started);
}

#[test]
fn an_old_xls_declaring_a_huge_sheet_is_refused() {
    let started = Instant::now();
    let mut file = cfb_file();
    // BOF, DIMENSIONS of 1,000,000 rows × 200 columns, a number at the far corner, EOF.
    let mut stream = Vec::new();
    let record = |kind: u16, data: &[u8], out: &mut Vec<u8>| {
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&(data.len() as u16).to_le_bytes());
        out.extend_from_slice(data);
    };
    record(
        0x0809,
        &[0, 6, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        &mut stream,
    );
    let mut dims = Vec::new();
    dims.extend_from_slice(&0u32.to_le_bytes());
    dims.extend_from_slice(&1_000_000u32.to_le_bytes());
    dims.extend_from_slice(&0u16.to_le_bytes());
    dims.extend_from_slice(&200u16.to_le_bytes());
    dims.extend_from_slice(&0u16.to_le_bytes());
    record(0x0200, &dims, &mut stream);
    record(0x000A, &[], &mut stream);
    {
        let mut workbook = file.create_stream("/Workbook").expect("stream");
        workbook.write_all(&stream).expect("write");
    }
    let bytes = file.into_inner().into_inner();
    assert_eq!(refusal(&bytes, Limits::default()).0, "max_cells");
    assert_bounded(started);
}

fn cfb_file() -> cfb::CompoundFile<Cursor<Vec<u8>>> {
    cfb::CompoundFile::create(Cursor::new(Vec::new())).expect("compound file")
}

#[test]
fn other_kinds_of_file_get_a_message_that_says_what_they_are() {
    let cases: [(&[u8], &str); 5] = [
        (b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj", "PDF"),
        (b"\xFF\xD8\xFF\xE0\x00\x10JFIF", "gambar"),
        (
            b"<!DOCTYPE html><html><body><p>Tidak ada tabel</p></body></html>",
            "HTML",
        ),
        (b"\x1F\x8B\x08\x00\x00\x00", "arsip"),
        (b"<?xml version=\"1.0\"?><catalog><book/></catalog>", "XML"),
    ];
    for (bytes, says) in cases {
        match validate(bytes, &Options::default()) {
            Err(ReadError::NotATable(kind)) => {
                let message = kind.to_string();
                assert!(
                    message.contains(says) && message.contains(" / "),
                    "{message}"
                );
            }
            other => panic!("{says}: {:?}", other.map(|r| r.table)),
        }
    }
    let word = workbook_named("word/document.xml");
    assert!(matches!(
        validate(word.as_slice(), &Options::default()),
        Err(ReadError::NotATable(satudata_validation::FileKind::Word))
    ));
}

fn workbook_named(part: &str) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file(part, SimpleFileOptions::default())
        .expect("part");
    zip.write_all(b"<w:document/>").expect("write");
    zip.finish().expect("zip").into_inner()
}

/// Item 9: a UTF-8 file with one stray byte stays UTF-8, and every stray byte is reported where
/// it is and logged by cleaning.
#[test]
fn stray_bytes_are_reported_and_utf8_stays_utf8() {
    let mut bytes =
        "kecamatan,keterangan,jumlah,satuan,tahun\r\nMojokertó,Purwotengah é,5,Jiwa,2024\r\n"
            .as_bytes()
            .to_vec();
    bytes.extend_from_slice(b"Kranggan,Sur\xE9,6,Jiwa,2024\r\n");
    // Far past the first 64 KiB, another stray byte.
    for i in 0..3000 {
        bytes.extend_from_slice(format!("Magersari {i},baik,{i},Jiwa,2024\r\n").as_bytes());
    }
    bytes.extend_from_slice(b"Prajurit\xA0Kulon,Sur\xE9,7,Jiwa,2024\r\n");
    assert!(bytes.len() > 70 * 1024);
    let report = validate(bytes.as_slice(), &Options::default()).expect("readable");
    assert_eq!(report.table.encoding, "utf-8");
    let strays: Vec<(Option<u64>, Option<u64>, Option<String>)> = report
        .findings
        .iter()
        .filter(|f| f.kind == "encoding-error")
        .map(|f| (f.row_number, f.field_number, f.cell.clone()))
        .collect();
    assert_eq!(
        strays,
        [
            (Some(3), Some(2), Some("Suré".to_owned())),
            (Some(3004), Some(1), Some("Prajurit\u{a0}Kulon".to_owned())),
            (Some(3004), Some(2), Some("Suré".to_owned())),
        ]
    );
    let mut out = Vec::new();
    let log = clean(bytes.as_slice(), &report, None, &mut out).expect("cleans");
    let text = String::from_utf8(out).expect("utf-8");
    assert!(text.contains("Mojokertó,Purwotengah é"), "no mojibake");
    assert!(text.contains("Kranggan,Suré,6"));
    let logged = log.changes.iter().find(|c| c.rule == "invalid-bytes");
    assert_eq!(logged.map(|c| c.count), Some(3));
    assert!(
        logged.is_some_and(|c| c.examples[0].0.contains("0xE9") && c.examples[0].0.contains('3'))
    );
}

/// Item 10: formula cells are warned about at their cell; numbers and dashes are not; cleaning
/// keeps a defusing tab.
#[test]
fn formula_cells_are_reported_and_defused_cells_stay_defused() {
    let table = "nama,catatan,jumlah\r\nA,=HYPERLINK(\"http://x\"),-5\r\nB,@SUM(A1),\"-1,5\"\r\nC,\t=1+1,+7\r\nD,-,-12\r\nE,+62 812,3\r\n";
    let report = validate(table.as_bytes(), &Options::default()).expect("readable");
    let formulas: Vec<(Option<u64>, Option<u64>)> = report
        .findings
        .iter()
        .filter(|f| f.kind == "formula-cell")
        .map(|f| (f.row_number, f.field_number))
        .collect();
    assert_eq!(formulas, [(Some(2), Some(2)), (Some(3), Some(2))]);
    let mut out = Vec::new();
    clean(table.as_bytes(), &report, None, &mut out).expect("cleans");
    let text = String::from_utf8(out).expect("utf-8");
    assert!(text.contains("C,\t=1+1,"), "{text:?}");
    assert!(text.contains("=HYPERLINK"), "data stays faithful: {text:?}");
}
