//! The walidata's and the pembina's review queue.

use axum::http::{StatusCode, header};
use serde_json::json;

use super::super::{TABLE, excerpt, html};
use super::*;
use crate::support::{TestApp, twin};

twin!(review_queue_for_the_walidata_and_pembina,);

async fn review_queue_for_the_walidata_and_pembina(app: TestApp) {
    let t = &app.tokens;
    let waiting = submitted(
        &app,
        json!({"title": "Jumlah Posyandu Aktif", "organization": "dinkes"}),
        &t.produsen,
    )
    .await;
    let priority = submitted(
        &app,
        json!({"title": "Angka Partisipasi Sekolah", "organization": "disdik",
               "prioritas_tahun": 2026}),
        &t.other_produsen,
    )
    .await;
    let approved = submitted(
        &app,
        json!({"title": "Jumlah Bidan Desa", "organization": "dinkes"}),
        &t.produsen,
    )
    .await;
    app.post_json(
        &format!("/api/v1/datasets/{approved}/versions/1/review"),
        Some(&t.walidata),
        json!({"decision": "approve"}),
    )
    .await
    .expect(StatusCode::OK);
    let draft = app
        .dataset(json!({"title": "Masih Draf Saja", "organization": "dinkes"}))
        .await;
    app.upload(&draft, Some(&t.produsen), "text/csv", TABLE)
        .await
        .expect(StatusCode::CREATED);

    let walidata = Browser {
        app: &app,
        cookie: Some(format!("satudata_sesi={}", t.walidata)),
    };
    let page = html(
        walidata.get("/kelola/tinjauan").await,
        StatusCode::OK,
        "/kelola/tinjauan",
    );
    assert_eq!(page.headers[header::CACHE_CONTROL], "no-store");
    assert!(
        page.html.contains("Jumlah Posyandu Aktif"),
        "{}",
        excerpt(&page.html)
    );
    assert!(page.html.contains("Angka Partisipasi Sekolah"));
    assert!(
        !page.html.contains("Jumlah Bidan Desa"),
        "approved is not waiting"
    );
    assert!(!page.html.contains("Masih Draf Saja"), "never submitted");
    assert!(page.html.contains("2 pengajuan"));
    // Submitted moments ago: said in words, not "menunggu 0 hari".
    assert!(
        page.html.contains("diajukan hari ini"),
        "{}",
        excerpt(&page.html)
    );
    assert!(!page.html.contains("menunggu 0 hari"));
    assert!(page.html.contains(&format!("/kelola/tinjauan/{waiting}/1")));
    assert!(page.html.contains("Prioritas 2026"));
    assert!(page.html.contains("perlu persetujuan Pembina"));
    assert!(page.html.contains("MENUNGGU PERSETUJUAN"));
    assert!(page.html.contains("Dinas Pendidikan"));
    // Oldest first by default.
    let first = page.html.find("Jumlah Posyandu Aktif").expect("listed");
    let second = page.html.find("Angka Partisipasi Sekolah").expect("listed");
    assert!(first < second, "oldest submission first");
    let page = html(
        walidata.get("/kelola/tinjauan?urut=baru").await,
        StatusCode::OK,
        "newest",
    );
    let first = page.html.find("Jumlah Posyandu Aktif").expect("listed");
    let second = page.html.find("Angka Partisipasi Sekolah").expect("listed");
    assert!(second < first, "newest first");
    // Filters: approved (waiting to be published), OPD, Data Prioritas only.
    let page = html(
        walidata.get("/kelola/tinjauan?status=DISETUJUI").await,
        StatusCode::OK,
        "approved",
    );
    assert!(page.html.contains("Jumlah Bidan Desa"));
    assert!(!page.html.contains("Jumlah Posyandu Aktif"));
    assert!(
        page.html
            .contains(&format!("/kelola/tinjauan/{approved}/1"))
    );
    let page = html(
        walidata.get("/kelola/tinjauan?opd=dinkes").await,
        StatusCode::OK,
        "opd",
    );
    assert!(page.html.contains("Jumlah Posyandu Aktif"));
    assert!(!page.html.contains("Angka Partisipasi Sekolah"));
    let page = html(
        walidata.get("/kelola/tinjauan?prioritas=1&urut=skor").await,
        StatusCode::OK,
        "prioritas",
    );
    assert!(page.html.contains("Angka Partisipasi Sekolah"));
    assert!(!page.html.contains("Jumlah Posyandu Aktif"));
    assert!(page.html.contains("<option value=\"skor\" selected"));
    assert!(
        page.html
            .contains(&format!("/kelola/tinjauan/{priority}/1"))
    );

    // A pembina sees the Data Prioritas only; a produsen may not open the queue.
    let pembina = Browser {
        app: &app,
        cookie: Some(format!("satudata_sesi={}", t.pembina)),
    };
    let page = html(
        pembina.get("/kelola/tinjauan").await,
        StatusCode::OK,
        "pembina",
    );
    assert!(page.html.contains("Angka Partisipasi Sekolah"));
    assert!(!page.html.contains("Jumlah Posyandu Aktif"));
    let produsen = Browser {
        app: &app,
        cookie: Some(format!("satudata_sesi={}", t.produsen)),
    };
    let page = html(
        produsen.get("/kelola/tinjauan").await,
        StatusCode::FORBIDDEN,
        "produsen",
    );
    assert!(page.html.contains("Tidak punya izin"));
    let anonymous = Browser::new(&app).get("/kelola/tinjauan").await;
    assert_eq!(location(&anonymous), "/masuk?next=%2Fkelola%2Ftinjauan");
    // English.
    let page = html(
        walidata.get("/en/kelola/tinjauan").await,
        StatusCode::OK,
        "/en/kelola/tinjauan",
    );
    assert!(page.html.contains("Jumlah Posyandu Aktif"));
}
