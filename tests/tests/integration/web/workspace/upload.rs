//! The steward's upload in the browser: the plain multipart form (no JavaScript), the
//! validation report page (cell list, grid, diff, files) and `Ajukan`. The resumable protocol
//! is `chunked.rs`.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};

use super::super::{Page, TABLE, excerpt, html};
use super::*;
use crate::support::{TestApp, twin};

twin!(
    upload_form_report_and_submit,
    report_of_a_new_upload_shows_what_changed,
    upload_form_errors_keep_the_page_and_check_rights,
);

/// TABLE with one word in the count column: one `type-error` at physical row 4.
const WITH_ERROR: &[u8] = b"kode_kecamatan,nama_kecamatan,jenis_kelamin,jumlah,satuan,tahun\n\
35.76.01,Prajuritkulon,Laki-laki,100,Jiwa,2022\n35.76.01,Prajuritkulon,Perempuan,110,Jiwa,2022\n\
35.76.02,Magersari,Laki-laki,banyak,Jiwa,2023\n35.76.02,Magersari,Perempuan,210,Jiwa,2023\n\
35.76.03,Kranggan,Laki-laki,1300,Jiwa,2024\n35.76.03,Kranggan,Perempuan,1310,Jiwa,2024\n";

pub(super) const BOUNDARY: &str = "----satudata-test-boundary";

/// A multipart body with `csrf_token` first, then `berkas` (when `file` is given).
pub(super) fn multipart(csrf: &str, file: Option<(&str, &str, &[u8])>) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{csrf}\r\n"
        )
        .as_bytes(),
    );
    let (name, kind, bytes) = file.unwrap_or(("", "application/octet-stream", b""));
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"berkas\"; filename=\"{name}\"\r\n\
             Content-Type: {kind}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

impl Browser<'_> {
    pub(super) async fn send_raw(
        &self,
        method: &str,
        uri: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> TestResponseLike {
        let mut request = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::ORIGIN, ORIGIN);
        if let Some(c) = &self.cookie {
            request = request.header(header::COOKIE, c);
        }
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let r = self
            .app
            .send(request.body(Body::from(body)).expect("request"))
            .await;
        TestResponseLike {
            status: r.status,
            headers: r.headers,
            json: r.json,
            text: String::from_utf8_lossy(&r.bytes).into_owned(),
        }
    }

    async fn upload_form(&self, slug: &str, csrf: &str, file: Option<(&str, &str, &[u8])>) -> Page {
        let r = self
            .send_raw(
                "POST",
                &format!("/kelola/dataset/{slug}/unggah"),
                &[(
                    "content-type",
                    &format!("multipart/form-data; boundary={BOUNDARY}"),
                )],
                multipart(csrf, file),
            )
            .await;
        Page {
            status: r.status,
            headers: r.headers,
            html: r.text,
        }
    }
}

pub(super) struct TestResponseLike {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub json: Value,
    pub text: String,
}

pub(super) fn produsen(app: &TestApp) -> Browser<'_> {
    Browser {
        app,
        cookie: Some(format!("satudata_sesi={}", app.tokens.produsen)),
    }
}

/// Follows a 303 from the upload form to the report (through the `?job=` page while the
/// validation job runs).
async fn report_after(browser: &Browser<'_>, page: &Page) -> Page {
    assert_eq!(
        page.status,
        StatusCode::SEE_OTHER,
        "{}",
        excerpt(&page.html)
    );
    let mut to = location(page).to_owned();
    for _ in 0..100 {
        if to.contains("/versi/") {
            return html(browser.get(&to).await, StatusCode::OK, &to);
        }
        let waiting = html(browser.get(&to).await, StatusCode::OK, &to);
        if let Some(start) = waiting.html.find("/versi/") {
            let from = waiting.html[..start].rfind('"').expect("href") + 1;
            let end = start + waiting.html[start..].find('"').expect("end");
            to = waiting.html[from..end].to_owned();
            continue;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the upload was not checked in time: {to}");
}

async fn upload_form_report_and_submit(app: TestApp) {
    let slug = app
        .dataset(json!({"title": "Penduduk per Kecamatan", "organization": "dinkes"}))
        .await;
    // The dataset's Table Schema makes `jumlah` a whole number.
    let schema = json!({"fields": [
        {"name": "kode_kecamatan"}, {"name": "nama_kecamatan"}, {"name": "jenis_kelamin"},
        {"name": "jumlah", "type": "integer"}, {"name": "satuan"}, {"name": "tahun", "type": "integer"}]});
    app.call(
        Method::PUT,
        &format!("/api/v1/datasets/{slug}/schema"),
        Some(&app.tokens.produsen),
        Some("application/json"),
        schema.to_string(),
    )
    .await
    .expect(StatusCode::OK);
    let browser = produsen(&app);
    let uri = format!("/kelola/dataset/{slug}/unggah");
    let page = html(browser.get(&uri).await, StatusCode::OK, &uri);
    assert!(page.html.contains("enctype=\"multipart/form-data\""));
    assert!(page.html.contains(&format!(
        "data-create-url=\"/kelola/dataset/{slug}/unggahan\""
    )));
    let csrf = meta_csrf(&page.html).expect("csrf");

    // A file with one planted error: the report names its row, column and value.
    let sent = browser
        .upload_form(
            &slug,
            &csrf,
            Some(("penduduk 2024.csv", "text/csv", WITH_ERROR)),
        )
        .await;
    let report = report_after(&browser, &sent).await;
    assert_eq!(report.headers[header::CACHE_CONTROL], "no-store");
    assert!(
        report.html.contains("penduduk 2024.csv"),
        "{}",
        excerpt(&report.html)
    );
    let cells = &report.html[report.html.find("id=\"h-cells\"").expect("the cell list")..];
    assert!(
        cells.contains("<code class=\"cell-value\">banyak</code>"),
        "{}",
        &cells[..cells.len().min(6000)]
    );
    assert!(cells.contains(">4</a></th>") || cells.contains(">4</th>"));
    // The grid shows the file around the flagged cell, marked in words as well as colour.
    let grid = &report.html[report.html.find("id=\"h-grid\"").expect("the grid")..];
    let flagged = &grid[grid.find("flagged--error").expect("a flagged cell")..];
    assert!(
        flagged.starts_with("flagged--error\"><span class=\"flagged__value\">banyak</span>"),
        "{}",
        &flagged[..300.min(flagged.len())]
    );
    assert!(
        flagged.contains("Galat: Isi tidak sesuai tipe kolom"),
        "{}",
        &flagged[..400.min(flagged.len())]
    );
    assert!(
        cells.contains("?baris=2#h-grid"),
        "the cell list links to the grid"
    );
    assert!(
        report.html.contains("id=\"submit-why\""),
        "Ajukan is disabled with its reason"
    );
    assert!(!report.html.contains("/versi/1/ajukan"));
    // The cell list filters by finding type and column.
    let filtered = html(
        browser
            .get(&format!("/kelola/dataset/{slug}/versi/1?temuan=blank-row"))
            .await,
        StatusCode::OK,
        "filtered",
    );
    assert!(
        !filtered
            .html
            .contains("<code class=\"cell-value\">banyak</code>")
    );
    let by_column = html(
        browser
            .get(&format!("/kelola/dataset/{slug}/versi/1?kolom=jumlah"))
            .await,
        StatusCode::OK,
        "by column",
    );
    assert!(
        by_column
            .html
            .contains("<code class=\"cell-value\">banyak</code>")
    );
    // The uploaded file comes back as it was sent.
    let source = app
        .send(
            Request::get(format!("/kelola/dataset/{slug}/versi/1/berkas"))
                .header(header::COOKIE, browser.cookie.clone().expect("cookie"))
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(source.status, StatusCode::OK);
    assert_eq!(source.bytes, WITH_ERROR);
    // Submitting a version with errors is refused by the catalog, not only by the button.
    let refused = browser
        .post(
            &format!("/kelola/dataset/{slug}/versi/1/ajukan"),
            &[("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER);
    assert!(location(&refused).ends_with("/versi/1"));

    // The fixed file: valid, cleaned, and it can be submitted.
    let sent = browser
        .upload_form(&slug, &csrf, Some(("penduduk 2024.csv", "text/csv", TABLE)))
        .await;
    let report = report_after(&browser, &sent).await;
    assert!(
        report.html.contains("/versi/2/ajukan"),
        "{}",
        excerpt(&report.html)
    );
    assert!(report.html.contains("/versi/2/bersih.csv"));
    let clean = app
        .send(
            Request::get(format!("/kelola/dataset/{slug}/versi/2/bersih.csv"))
                .header(header::COOKIE, browser.cookie.clone().expect("cookie"))
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(clean.status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&clean.bytes).starts_with("kode_kecamatan,"));
    // Without the CSRF token the submit is refused.
    let forged = browser
        .post(
            &format!("/kelola/dataset/{slug}/versi/2/ajukan"),
            &[("note", "x")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let submitted = browser
        .post(
            &format!("/kelola/dataset/{slug}/versi/2/ajukan"),
            &[("csrf_token", &csrf), ("note", "Data 2024 lengkap")],
        )
        .await;
    assert_eq!(
        submitted.status,
        StatusCode::SEE_OTHER,
        "{}",
        excerpt(&submitted.html)
    );
    assert_eq!(location(&submitted), format!("/kelola/dataset/{slug}"));
    assert!(flash_set_cookie(&submitted).is_some());
    let version = app
        .get(
            &format!("/api/v1/datasets/{slug}/versions/2"),
            Some(&app.tokens.produsen),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(version.json["status"], "MENUNGGU_PERSETUJUAN");
    // The walidata reads the same report; the English page is English.
    let walidata = Browser {
        app: &app,
        cookie: Some(format!("satudata_sesi={}", app.tokens.walidata)),
    };
    let en = html(
        walidata
            .get(&format!("/en/kelola/dataset/{slug}/versi/1"))
            .await,
        StatusCode::OK,
        "en report",
    );
    assert!(en.html.contains("lang=\"en\""));
    assert!(en.html.contains("banyak"));
}

async fn upload_form_errors_keep_the_page_and_check_rights(app: TestApp) {
    let slug = app
        .dataset(json!({"title": "Penduduk per Kecamatan", "organization": "dinkes"}))
        .await;
    let browser = produsen(&app);
    let csrf = browser.csrf().await;
    // No file chosen: 422, the error at the top links to the field.
    let page = browser.upload_form(&slug, &csrf, None).await;
    let page = html(page, StatusCode::UNPROCESSABLE_ENTITY, "no file");
    assert!(
        page.html.contains("href=\"#f-berkas\""),
        "{}",
        excerpt(&page.html)
    );
    assert!(page.html.contains("Pilih berkas yang akan diunggah"));
    // Not a table file: 422 naming the file; nothing stored.
    let page = browser
        .upload_form(
            &slug,
            &csrf,
            Some(("Rekap Faskes.pdf", "application/pdf", b"%PDF-1.4")),
        )
        .await;
    let page = html(page, StatusCode::UNPROCESSABLE_ENTITY, "pdf");
    assert!(page.html.contains("Rekap Faskes.pdf"));
    assert!(page.html.contains("aria-invalid=\"true\""));
    assert_eq!(app.count("dataset_version").await, 0);
    // A wrong CSRF token: 403, nothing stored.
    let page = browser
        .upload_form(&slug, "salah", Some(("a.csv", "text/csv", TABLE)))
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("dataset_version").await, 0);
    // Another OPD's dataset: 404 while a draft, 403 once public; nobody signed in: to the sign-in page.
    let other = app
        .dataset(json!({"title": "Jumlah Guru", "organization": "disdik"}))
        .await;
    let page = browser
        .get(&format!("/kelola/dataset/{other}/unggah"))
        .await;
    assert_eq!(
        page.status,
        StatusCode::NOT_FOUND,
        "another OPD's draft is not shown"
    );
    app.publish(&other, TABLE).await;
    let page = browser
        .get(&format!("/kelola/dataset/{other}/unggah"))
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let page = browser
        .upload_form(&other, &csrf, Some(("a.csv", "text/csv", TABLE)))
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let anonymous = Browser::new(&app);
    let page = anonymous
        .get(&format!("/kelola/dataset/{slug}/unggah"))
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(location(&page).starts_with("/masuk?next="));
    let page = anonymous
        .get(&format!("/kelola/dataset/{slug}/versi/1"))
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
}

async fn report_of_a_new_upload_shows_what_changed(app: TestApp) {
    let slug = app
        .dataset(json!({"title": "Penduduk per Kecamatan", "organization": "dinkes"}))
        .await;
    app.publish(&slug, TABLE).await;
    let browser = produsen(&app);
    let csrf = browser.csrf().await;
    let changed = String::from_utf8_lossy(TABLE).replace("1310,Jiwa,2024", "1315,Jiwa,2024");
    let sent = browser
        .upload_form(
            &slug,
            &csrf,
            Some(("penduduk.csv", "text/csv", changed.as_bytes())),
        )
        .await;
    let report = report_after(&browser, &sent).await;
    let diff = &report.html[report.html.find("id=\"h-diff\"").expect("the diff")..];
    assert!(
        diff.contains("class=\"diff\""),
        "{}",
        &diff[..600.min(diff.len())]
    );
    assert!(
        diff.contains("1310") && diff.contains("1315"),
        "{}",
        &diff[..2000.min(diff.len())]
    );
}
