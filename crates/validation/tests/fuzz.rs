//! Bounded fuzzing of the readers (issue 22): random and structured CSV, XLSX, JSON, HTML and
//! Excel 2003 XML go through validation and cleaning with no panic and bounded memory, in a few
//! seconds. Failing cases proptest finds are kept in `tests/corpus/fuzz.proptest-regressions`
//! and replayed first on every run; the seed files in `tests/corpus/` are read on every run too.

mod common;

use std::fmt::Write as _;

use common::{sheet_xml, workbook};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use satudata_validation::{Limits, Options, clean, validate};

/// Small limits, so that a case that reaches one is refused quickly.
fn options() -> Options<'static> {
    Options {
        limits: Limits {
            max_columns: 200,
            max_cells: 200_000,
            ..Limits::default()
        },
        ..Options::default()
    }
}

/// Peak resident memory of this test process (nextest runs each test in its own process).
fn peak_rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace()
        .nth(1)?
        .parse::<u64>()
        .ok()
        .map(|kib| kib / 1024)
}

/// Validates and, when readable, cleans: neither may panic, memory stays bounded, and
/// cleaning's output is readable.
fn exercise(bytes: &[u8]) {
    exercise_inner(bytes);
    if let Some(peak) = peak_rss_mib() {
        assert!(peak < 1024, "peak RSS {peak} MiB");
    }
}

fn exercise_inner(bytes: &[u8]) {
    let options = options();
    let Ok(report) = validate(bytes, &options) else {
        return;
    };
    let mut out = Vec::new();
    let log = clean(bytes, &report, None, &mut out);
    if log.is_ok_and(|log| !log.columns.is_empty()) {
        let again = validate(out.as_slice(), &options);
        assert!(again.is_ok(), "the clean table must be readable: {again:?}");
    }
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        max_shrink_iters: 200,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/corpus/fuzz.proptest-regressions",
        ))),
        ..ProptestConfig::default()
    }
}

/// Cells as OPDs write them, and as attackers would.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z ]{0,12}",
        "-?[0-9]{1,7}([.,][0-9]{1,3})?",
        "[0-9]{1,3}(\\.[0-9]{3}){1,3}(,[0-9]{1,2})?",
        Just("-".to_owned()),
        Just("–".to_owned()),
        Just("tidak ada data".to_owned()),
        Just("Jumlah".to_owned()),
        Just("\"a,\nb\"".to_owned()),
        Just("=HYPERLINK(\"x\")".to_owned()),
        Just("\t@SUM(A1)".to_owned()),
        "(3[0-9]\\.[0-9]{2}(\\.[0-9]{2}(\\.[12][0-9]{3})?)?)",
        "[0-9]{2,10}\\.0",
        Just("Unnamed: 0".to_owned()),
        Just(String::new()),
        ".{0,6}",
    ]
}

proptest! {
    #![proptest_config(config(1500))]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        exercise(&bytes);
    }

}

proptest! {
    #![proptest_config(config(400))]

    #[test]
    fn delimited_text(
        rows in proptest::collection::vec(proptest::collection::vec(cell(), 0..8), 0..30),
        delimiter in prop_oneof![Just(','), Just(';'), Just('\t'), Just('|')],
        bom in any::<bool>(),
        crlf in any::<bool>(),
        stray in proptest::option::of((0usize..400, 0x80u8..=0xFF)),
    ) {
        let newline = if crlf { "\r\n" } else { "\n" };
        let mut text = String::new();
        for row in &rows {
            text.push_str(&row.join(&delimiter.to_string()));
            text.push_str(newline);
        }
        let mut bytes = if bom { b"\xEF\xBB\xBF".to_vec() } else { Vec::new() };
        bytes.extend_from_slice(text.as_bytes());
        if let Some((at, byte)) = stray {
            let at = at.min(bytes.len());
            bytes.insert(at, byte);
        }
        exercise(&bytes);
    }

    #[test]
    fn json_values(value in json()) {
        exercise(value.to_string().as_bytes());
    }
}

fn json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        cell().prop_map(serde_json::Value::from),
    ];
    let value = leaf.prop_recursive(3, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            proptest::collection::btree_map("[a-c]{1,2}", inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    });
    prop_oneof![
        // Arrays of records, the shape a table has.
        proptest::collection::vec(
            proptest::collection::btree_map("[a-e]{1,2}", value.clone(), 0..5),
            0..12,
        )
        .prop_map(|records| serde_json::Value::Array(
            records
                .into_iter()
                .map(|r| serde_json::Value::Object(r.into_iter().collect()))
                .collect()
        )),
        value,
    ]
}

/// A cell reference such as `C7` from 0-based row and column.
fn reference(row: u32, column: u32) -> String {
    let mut letters = String::new();
    let mut c = column + 1;
    while c > 0 {
        letters.insert(0, char::from(b'A' + ((c - 1) % 26) as u8));
        c = (c - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

proptest! {
    #![proptest_config(config(250))]

    #[test]
    fn workbooks(
        cells in proptest::collection::vec((0u32..12, 0u32..8, cell()), 0..40),
        far in proptest::option::of((0u32..1_048_576, 0u32..16_384)),
        merges in proptest::collection::vec((0u32..14, 0u32..10, 0u32..14, 0u32..10), 0..4),
        dimension in proptest::option::of((0u32..2000, 0u32..300)),
    ) {
        let mut rows = String::new();
        let mut sorted = cells.clone();
        sorted.sort_by_key(|(r, c, _)| (*r, *c));
        sorted.dedup_by_key(|(r, c, _)| (*r, *c));
        if let Some((r, c)) = far {
            sorted.push((r.max(12), c, "far".to_owned()));
        }
        let mut current = None;
        for (r, c, value) in &sorted {
            if current != Some(*r) {
                if current.is_some() {
                    rows.push_str("</row>");
                }
                let _ = write!(rows, r#"<row r="{}">"#, r + 1);
                current = Some(*r);
            }
            let _ = write!(
                rows,
                r#"<c r="{}" t="inlineStr"><is><t>{}</t></is></c>"#,
                reference(*r, *c),
                escape(value)
            );
        }
        if current.is_some() {
            rows.push_str("</row>");
        }
        let merged: String = merges
            .iter()
            .map(|(r0, c0, r1, c1)| {
                format!(r#"<mergeCell ref="{}:{}"/>"#, reference(*r0, *c0), reference(*r1, *c1))
            })
            .collect();
        let merges = if merged.is_empty() {
            String::new()
        } else {
            format!(r#"<mergeCells count="{}">{merged}</mergeCells>"#, merges.len())
        };
        let dimension = dimension.map(|(r, c)| format!("A1:{}", reference(r, c)));
        let book = workbook(
            &sheet_xml(dimension.as_deref(), &rows, &merges),
            &[],
            zip::CompressionMethod::Deflated,
        );
        exercise(&book);
    }

    #[test]
    fn html_tables(
        rows in proptest::collection::vec(
            proptest::collection::vec((cell(), 1usize..4, 1usize..4, 0u8..8), 0..6),
            0..10,
        ),
    ) {
        let mut html = String::from("<html><body><table>");
        for row in &rows {
            html.push_str("<tr>");
            for (text, colspan, rowspan, nested) in row {
                let inner = if *nested == 0 {
                    format!("<table><tr><td>{}</td></tr><tr><td>1</td></tr></table>", escape(text))
                } else {
                    escape(text)
                };
                let _ = write!(html, r#"<td colspan="{colspan}" rowspan="{rowspan}">{inner}</td>"#);
            }
            html.push_str("</tr>");
        }
        html.push_str("</table></body></html>");
        exercise(html.as_bytes());
    }

    #[test]
    fn excel_2003_xml(
        rows in proptest::collection::vec(
            proptest::collection::vec((cell(), 0usize..3, 0usize..3, 0usize..3), 0..6),
            0..10,
        ),
    ) {
        let mut xml = String::from(r#"<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="S"><Table>"#);
        for row in &rows {
            xml.push_str("<Row>");
            for (text, skip, across, down) in row {
                let index = if *skip > 0 { format!(r#" ss:Index="{}""#, skip * 3) } else { String::new() };
                let _ = write!(
                    xml,
                    r#"<Cell{index} ss:MergeAcross="{across}" ss:MergeDown="{down}"><Data ss:Type="String">{}</Data></Cell>"#,
                    escape(text)
                );
            }
            xml.push_str("</Row>");
        }
        xml.push_str("</Table></Worksheet></Workbook>");
        exercise(xml.as_bytes());
    }
}

/// The seed files kept in `tests/corpus/` (tricky inputs found or written by hand).
#[test]
fn corpus_seeds() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("corpus folder") {
        let path = entry.expect("entry").path();
        if path
            .extension()
            .is_some_and(|e| e == "proptest-regressions")
        {
            continue;
        }
        exercise(&std::fs::read(&path).expect("seed"));
        seen += 1;
    }
    assert!(seen >= 3, "{seen} seeds in {}", dir.display());
}
