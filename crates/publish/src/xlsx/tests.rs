//! The workbook read back with calamine: values, types, shared strings, escaping, Zip64.

use super::{Xlsx, text_element};
use crate::cell::Cell;
use calamine::{Data, Reader, Xlsx as Read, open_workbook};

fn file(path: &std::path::Path) -> std::io::BufWriter<std::fs::File> {
    std::io::BufWriter::new(std::fs::File::create(path).expect("create"))
}

#[test]
fn text_is_escaped_for_xml_and_excel() {
    let mut out = Vec::new();
    text_element(&mut out, " a<b & c>_x1_x00e9_\u{1}\r\n\u{fffe}é_ ");
    assert_eq!(
        String::from_utf8(out).expect("utf-8"),
        "<t xml:space=\"preserve\"> a&lt;b &amp; c&gt;_x1_x005F_x00e9__x0001__x000D_\n_xFFFE_é_ </t>"
    );
}

#[test]
fn a_workbook_reads_back_with_every_value_and_type() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("t.xlsx");
    let header = ["kode", "nama", "jumlah", "rasio", "aktif"].map(String::from);
    let mut book = Xlsx::create(file(&path), &header, false).expect("create");
    book.write_row(
        [
            Cell::Text("35.76"),
            Cell::Text("Kab. Mojokertó"),
            Cell::Int(1_234_567),
            Cell::Decimal("12.50"),
            Cell::Bool(true),
        ]
        .into_iter(),
    )
    .expect("row");
    book.write_row(
        [
            Cell::Text("35.76"),
            Cell::Null,
            Cell::Int(-3),
            Cell::Float(1e-1),
            Cell::Bool(false),
        ]
        .into_iter(),
    )
    .expect("row");
    book.finish().expect("finish");
    let again = Xlsx::create(file(&dir.path().join("u.xlsx")), &header, false).expect("create");
    again.finish().expect("finish");

    let mut read: Read<_> = open_workbook(&path).expect("open");
    assert_eq!(read.sheet_names(), ["data"]);
    let range = read.worksheet_range("data").expect("sheet");
    let rows: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0][1], Data::String("nama".into()));
    assert_eq!(rows[1][0], Data::String("35.76".into()));
    assert_eq!(rows[1][1], Data::String("Kab. Mojokertó".into()));
    assert_eq!(rows[1][2], Data::Float(1_234_567.0));
    assert_eq!(rows[1][3], Data::Float(12.5));
    assert_eq!(rows[1][4], Data::Bool(true));
    assert_eq!(rows[2][0], Data::String("35.76".into()));
    assert_eq!(rows[2][1], Data::Empty);
    assert_eq!(rows[2][2], Data::Float(-3.0));
    assert_eq!(rows[2][3], Data::Float(0.1));
    assert_eq!(rows[2][4], Data::Bool(false));
}

#[test]
fn repeated_and_alternating_text_reads_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("memo.xlsx");
    let header = ["a", "b"].map(String::from);
    let rows = [
        ["Kauman", "Kauman"],
        ["Kauman", "Mentikan"],
        ["Mentikan", "Mentikan"],
        ["Kauman", "Kauman"],
        ["Mentikan", "a"],
        ["Mentikan", "Kauman"],
    ];
    let mut book = Xlsx::create(file(&path), &header, false).expect("create");
    for row in rows {
        book.write_row(row.into_iter().map(Cell::Text))
            .expect("row");
    }
    book.finish().expect("finish");
    let mut read: Read<_> = open_workbook(&path).expect("open");
    let range = read.worksheet_range("data").expect("sheet");
    let got: Vec<Vec<Data>> = range.rows().skip(1).map(<[Data]>::to_vec).collect();
    let want: Vec<Vec<Data>> = rows
        .iter()
        .map(|r| r.iter().map(|t| Data::String((*t).into())).collect())
        .collect();
    assert_eq!(got, want);
}

#[test]
fn text_past_the_shared_table_bounds_is_written_inline() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("inline.xlsx");
    let header = ["kode", "nama"].map(String::from);
    // The header fills the table; every later string goes inline.
    let mut book = Xlsx::create(file(&path), &header, false)
        .expect("create")
        .with_shared_bounds(2, 1 << 20);
    for name in ["Mentikan", "Kauman", "Mentikan", "nama"] {
        book.write_row([Cell::Text("35.76"), Cell::Text(name)].into_iter())
            .expect("row");
    }
    book.finish().expect("finish");
    let mut read: Read<_> = open_workbook(&path).expect("open");
    let range = read.worksheet_range("data").expect("sheet");
    let names: Vec<Data> = range.rows().map(|r| r[1].clone()).collect();
    assert_eq!(
        names,
        ["nama", "Mentikan", "Kauman", "Mentikan", "nama"].map(|n| Data::String(n.into()))
    );
    let sheet = {
        use std::io::Read as _;
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).expect("open")).expect("zip");
        let mut xml = String::new();
        zip.by_name("xl/worksheets/sheet1.xml")
            .expect("sheet")
            .read_to_string(&mut xml)
            .expect("read");
        xml
    };
    // Every data cell but "nama", which the header put in the table.
    assert_eq!(sheet.matches("t=\"inlineStr\"").count(), 7);
}

#[test]
fn a_zip64_workbook_reads_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("large.xlsx");
    let mut book = Xlsx::create(file(&path), &["nama".to_owned()], true).expect("create");
    book.write_row([Cell::Text("Kranggan")].into_iter())
        .expect("row");
    book.finish().expect("finish");
    let mut read: Read<_> = open_workbook(&path).expect("open");
    let range = read.worksheet_range("data").expect("sheet");
    assert_eq!(range.get((1, 0)), Some(&Data::String("Kranggan".into())));
}

#[test]
fn the_same_table_gives_the_same_bytes() {
    // Enough rows to cross the 64 KiB hand-offs to the zip writer several times.
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |name: &str| {
        let path = dir.path().join(name);
        let header = ["a".to_owned(), "b".to_owned(), "c".to_owned()];
        let mut book = Xlsx::create(file(&path), &header, false).expect("create");
        for i in 0..20_000i64 {
            let text = format!("teks {}", i % 37);
            let cells = [Cell::Text(&text), Cell::Int(i), Cell::Decimal("12.50")];
            book.write_row(cells.into_iter()).expect("row");
        }
        book.finish().expect("finish");
        std::fs::read(path).expect("read")
    };
    let first = write("1.xlsx");
    assert!(first.len() > 64 << 10, "{}", first.len());
    assert_eq!(first, write("2.xlsx"));
    let mut read: Read<_> = open_workbook(dir.path().join("1.xlsx")).expect("open");
    let range = read.worksheet_range("data").expect("sheet");
    let rows: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
    assert_eq!(rows.len(), 20_001);
    assert_eq!(rows[20_000][1], Data::Float(19_999.0));
    assert_eq!(
        rows[20_000][0],
        Data::String(format!("teks {}", 19_999 % 37))
    );
}

#[test]
fn a_small_report_workbook_reads_back() {
    use crate::{ReportCell, small_workbook};
    let header = vec!["OPD".to_owned(), "Jumlah".to_owned()];
    let rows = vec![
        vec![
            ReportCell::Text("Dinas Kesehatan".into()),
            ReportCell::Int(12),
        ],
        vec![
            ReportCell::Text("Dinas <Pendidikan> & Kebudayaan".into()),
            ReportCell::Empty,
        ],
    ];
    let bytes = small_workbook(&header, &rows).expect("workbook");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut sheet = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/worksheets/sheet1.xml").expect("sheet"),
        &mut sheet,
    )
    .expect("utf-8");
    let mut strings = String::new();
    if let Ok(mut shared) = zip.by_name("xl/sharedStrings.xml") {
        std::io::Read::read_to_string(&mut shared, &mut strings).expect("utf-8");
    }
    let all = format!("{sheet}{strings}");
    assert!(all.contains("Dinas Kesehatan"), "{all}");
    assert!(
        all.contains("Dinas &lt;Pendidikan&gt; &amp; Kebudayaan"),
        "{all}"
    );
    assert!(sheet.contains("<v>12</v>"), "{sheet}");
}
