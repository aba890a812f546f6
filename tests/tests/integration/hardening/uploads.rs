//! Files that lie about their size are refused through the API with a 422 naming the limit,
//! nothing is stored, and the service stays up; a wide table can be published long.

use axum::http::StatusCode;
use serde_json::json;

use super::still_healthy;
use crate::support::{TestApp, twin};

twin!(
    lying_files_are_refused_by_name,
    a_wide_table_can_be_cleaned_long
);

/// A workbook whose only sheet has cells at A1 and XFD1048576 (a 512 GiB grid if allocated).
fn far_cell_workbook() -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
        (
            "xl/worksheets/sheet1.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>kecamatan</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>"#,
        ),
    ];
    for (name, body) in parts {
        zip.start_file(name, options).expect("part");
        zip.write_all(body.as_bytes()).expect("write");
    }
    zip.finish().expect("zip").into_inner()
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async fn lying_files_are_refused_by_name(app: TestApp) {
    let p = Some(app.tokens.produsen.as_str());
    let slug = app
        .dataset(json!({"title": "Berkas Aneh", "organization": "dinkes"}))
        .await;
    let wide_csv = vec!["k"; 100_000].join(",") + "\n";
    let mut new_keys = String::from("[");
    for i in 0..5_000 {
        new_keys.push_str(&format!(
            "{}{{\"kolom_{i}\": {i}}}",
            if i > 0 { "," } else { "" }
        ));
    }
    new_keys.push(']');
    for (media_type, body, limit) in [
        // XFD is column 16,384: the column limit refuses it before any cell is allocated.
        (XLSX, far_cell_workbook(), "max_columns"),
        ("text/csv", wide_csv.into_bytes(), "max_columns"),
        ("application/json", new_keys.into_bytes(), "max_json_keys"),
    ] {
        let started = std::time::Instant::now();
        let r = app
            .upload(&slug, p, media_type, &body)
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{limit}: {:?}",
            started.elapsed()
        );
        assert_eq!(r.json["error"]["code"], "unreadable_table", "{limit}");
        let en = r.json["error"]["message_en"].as_str().unwrap_or_default();
        assert!(en.contains(limit), "{limit}: {en}");
        assert!(
            r.json["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("batas")),
            "{}",
            r.json
        );
        still_healthy(&app).await;
    }
    // Nothing was kept: no version, no stored object.
    assert_eq!(app.count("dataset_version").await, 0);
    assert!(app.stored_files().is_empty(), "{:?}", app.stored_files());
}

async fn a_wide_table_can_be_cleaned_long(app: TestApp) {
    let w = Some(app.tokens.walidata.as_str());
    let slug = app
        .dataset(json!({"title": "Penduduk per Tahun", "organization": "dinkes"}))
        .await;
    let wide = b"kecamatan,2021,2022,2023\nPrajuritkulon,100,110,120\nMagersari,200,210,220\n";
    app.call(
        axum::http::Method::POST,
        &format!("/api/v1/datasets/{slug}/versions?layout=diagonal"),
        w,
        Some("text/csv"),
        wide.to_vec(),
    )
    .await
    .expect(StatusCode::BAD_REQUEST);
    let version = app
        .call(
            axum::http::Method::POST,
            &format!("/api/v1/datasets/{slug}/versions?layout=long"),
            w,
            Some("text/csv"),
            wide.to_vec(),
        )
        .await
        .expect(StatusCode::CREATED);
    let n = version.json["number"].as_i64().expect("number");
    let clean = app
        .get(
            &format!("/api/v1/datasets/{slug}/versions/{n}/clean.csv"),
            w,
        )
        .await
        .expect(StatusCode::OK);
    let text = String::from_utf8(clean.bytes).expect("utf-8");
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default();
    assert!(header.contains("tahun"), "{text}");
    assert_eq!(lines.count(), 6, "one row per kecamatan and year: {text}");
    let changes = version.json["clean_log"]["changes"].to_string();
    assert!(
        changes.contains("wide-to-long"),
        "{}",
        version.json["clean_log"]
    );
}
