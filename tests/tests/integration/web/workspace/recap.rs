//! The walidata's per-OPD recap and its CSV and XLSX exports.

use axum::http::{StatusCode, header};
use calamine::{Data, Reader, Xlsx};
use serde_json::json;

use super::super::{TABLE, excerpt, html};
use super::*;
use crate::support::{TestApp, twin};

twin!(recap_by_opd_with_exports);

async fn recap_by_opd_with_exports(app: TestApp) {
    let t = &app.tokens;
    let published = app
        .dataset(
            json!({"title": "Jumlah Puskesmas", "organization": "dinkes",
                        "frekuensi": "Tahunan"}),
        )
        .await;
    app.publish(&published, TABLE).await;
    // Published long ago, and Data Prioritas of 2025 (set afterwards: a Data Prioritas
    // publication waits for a pembina as well).
    app.execute(&format!(
        "UPDATE dataset SET published_at = '2020-01-01 00:00:00+00:00', prioritas_tahun = 2025 \
         WHERE slug = '{published}'"
    ))
    .await;
    // Its current version too: an update is due a period after the last publication.
    app.execute(&format!(
        "UPDATE dataset_version SET published_at = '2020-01-01 00:00:00+00:00' \
         WHERE dataset_id = (SELECT id FROM dataset WHERE slug = '{published}')"
    ))
    .await;
    let waiting = app
        .dataset(json!({"title": "Cakupan Imunisasi", "organization": "dinkes"}))
        .await;
    app.upload(&waiting, Some(&t.produsen), "text/csv", TABLE)
        .await
        .expect(StatusCode::CREATED);
    app.post_json(
        &format!("/api/v1/datasets/{waiting}/versions/1/submit"),
        Some(&t.produsen),
        json!({}),
    )
    .await
    .expect(StatusCode::OK);
    app.dataset(json!({"title": "Belum Ada Berkas", "organization": "dinkes"}))
        .await;
    let guru = app
        .dataset(json!({"title": "Jumlah Guru", "organization": "disdik", "frekuensi": "Tahunan"}))
        .await;
    app.publish(&guru, TABLE).await;

    let walidata = Browser {
        app: &app,
        cookie: Some(format!("satudata_sesi={}", t.walidata)),
    };
    let page = html(walidata.get("/kelola/rekap").await, StatusCode::OK, "recap");
    assert!(
        page.html.contains("href=\"/kelola/rekap\""),
        "the menu links the recap"
    );
    let body = &page.html[page.html.find("<tbody>").expect("rows")..];
    let dinkes = &body[body.find("Dinas Kesehatan").expect("dinkes")..];
    let dinkes = &dinkes[..dinkes.find("</tr>").expect("row end")];
    // DRAFT 1, MENUNGGU 1, DITOLAK 0, DISETUJUI 0, DITAYANGKAN 1, …, total 3, one overdue.
    let cells: Vec<&str> = dinkes
        .split("<td class=\"num\">")
        .skip(1)
        .map(|c| c.split('<').next().unwrap_or_default())
        .collect();
    assert_eq!(
        &cells[..8],
        ["1", "1", "0", "0", "1", "0", "0", "3"],
        "{dinkes}"
    );
    assert!(
        dinkes.contains("flag--late") && dinkes.contains("Tahunan: 1"),
        "{dinkes}"
    );
    // Data Prioritas 2025 only.
    let page = html(
        walidata.get("/kelola/rekap?tahun=2025").await,
        StatusCode::OK,
        "2025",
    );
    assert!(page.html.contains("<option value=\"2025\" selected>"));
    assert!(
        !page.html.contains("Dinas Pendidikan"),
        "{}",
        excerpt(&page.html)
    );

    // CSV: a BOM, the same columns, labelled in the page's language.
    let csv = app
        .send(
            axum::http::Request::get("/kelola/rekap.csv")
                .header(header::COOKIE, walidata.cookie.clone().expect("cookie"))
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap_or_default()
            .starts_with("text/csv")
    );
    let text = String::from_utf8(csv.bytes).expect("utf-8");
    assert!(
        text.starts_with("\u{feff}Perangkat daerah (OPD),DRAFT,"),
        "{text}"
    );
    assert!(
        text.contains("\r\nDinas Kesehatan,1,1,0,0,1,0,0,3,1,"),
        "{text}"
    );
    let en = app
        .send(
            axum::http::Request::get("/en/kelola/rekap.csv")
                .header(header::COOKIE, walidata.cookie.clone().expect("cookie"))
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    let en = String::from_utf8(en.bytes).expect("utf-8");
    assert!(en.contains("Overdue"), "{en}");

    // XLSX: the same rows, numbers as numbers.
    let xlsx = app
        .send(
            axum::http::Request::get("/kelola/rekap.xlsx")
                .header(header::COOKIE, walidata.cookie.clone().expect("cookie"))
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(xlsx.bytes)).expect("a workbook");
    let sheet = book
        .worksheet_range_at(0)
        .expect("a sheet")
        .expect("readable");
    let rows: Vec<Vec<Data>> = sheet.rows().map(<[Data]>::to_vec).collect();
    assert_eq!(rows[0][0], Data::String("Perangkat daerah (OPD)".into()));
    let dinkes = rows
        .iter()
        .find(|r| r[0] == Data::String("Dinas Kesehatan".into()))
        .expect("dinkes row");
    assert_eq!(dinkes[8], Data::Float(3.0), "{dinkes:?}");
    assert_eq!(
        rows.last().expect("totals")[0],
        Data::String("Semua OPD".into())
    );

    // A produsen has no recap; nobody signed in goes to the sign-in page.
    let produsen = Browser {
        app: &app,
        cookie: Some(format!("satudata_sesi={}", t.produsen)),
    };
    assert_eq!(
        produsen.get("/kelola/rekap").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        Browser::new(&app).get("/kelola/rekap.csv").await.status,
        StatusCode::SEE_OTHER
    );
}
