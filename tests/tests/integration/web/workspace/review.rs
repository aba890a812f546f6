//! The review page: return with a note, approve, publish, withdraw, and the diff of a second
//! version.

use axum::http::{StatusCode, header};
use serde_json::json;

use super::super::{TABLE, excerpt, html};
use super::*;
use crate::support::{TestApp, twin};

twin!(
    review_page_return_approve_publish_withdraw,
    review_page_of_a_second_version_shows_the_diff,
);

async fn review_page_return_approve_publish_withdraw(app: TestApp) {
    let t = &app.tokens;
    let slug = submitted(
        &app,
        json!({"title": "Jumlah Posyandu Aktif", "organization": "dinkes",
               "frekuensi": "Tahunan", "msind": {"konsep": "Posyandu"}}),
        &t.produsen,
    )
    .await;
    let url = format!("/kelola/tinjauan/{slug}/1");
    let (walidata, csrf) = signed(&app, &t.walidata).await;
    let page = html(walidata.get(&url).await, StatusCode::OK, &url);
    assert_eq!(page.headers[header::CACHE_CONTROL], "no-store");
    for text in [
        "Pemeriksaan versi 1",
        "Jumlah Posyandu Aktif",
        "MENUNGGU PERSETUJUAN",
        "Diajukan ke Walidata",
        "Data diunggah",
        "MS-Ind terisi 1 dari 9 isian.",
        "Nama indikator",
        "Tahunan",
    ] {
        assert!(page.html.contains(text), "{text}: {}", excerpt(&page.html));
    }
    assert!(page.html.contains(&format!("action=\"{url}/setujui\"")));
    assert!(page.html.contains(&format!("action=\"{url}/kembalikan\"")));
    assert!(!page.html.contains(&format!("action=\"{url}/tayangkan\"")));
    // Who may open it.
    let (produsen, produsen_csrf) = signed(&app, &t.produsen).await;
    html(produsen.get(&url).await, StatusCode::FORBIDDEN, "produsen");
    let (pembina, _) = signed(&app, &t.pembina).await;
    html(
        pembina.get(&url).await,
        StatusCode::FORBIDDEN,
        "pembina, not prioritas",
    );
    let anonymous = Browser::new(&app).get(&url).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    html(
        walidata.get(&format!("/kelola/tinjauan/{slug}/9")).await,
        StatusCode::NOT_FOUND,
        "no version 9",
    );
    html(
        walidata.get(&format!("/kelola/tinjauan/{slug}/x")).await,
        StatusCode::NOT_FOUND,
        "not a number",
    );

    // Return: the note is required (422, page again); refused without the CSRF token.
    let back = format!("{url}/kembalikan");
    let page = walidata
        .post(&back, &[("note", "  "), ("csrf_token", &csrf)])
        .await;
    let page = html(page, StatusCode::UNPROCESSABLE_ENTITY, "empty note");
    assert!(page.html.contains("Tulis catatan untuk OPD"));
    assert!(page.html.contains("href=\"#f-note\""));
    let page = walidata
        .post(&back, &[("note", "Kode kecamatan belum bertitik")])
        .await;
    html(page, StatusCode::FORBIDDEN, "no csrf");
    assert_eq!(
        version_status(&app, &slug, 1).await["status"],
        "MENUNGGU_PERSETUJUAN"
    );
    let page = walidata
        .post(
            &back,
            &[
                ("note", "Kode kecamatan belum bertitik"),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::SEE_OTHER,
        "{}",
        excerpt(&page.html)
    );
    assert_eq!(location(&page), "/kelola/tinjauan");
    let queue = with_flash(&walidata, &page).await;
    assert!(
        queue.html.contains("dikembalikan ke OPD"),
        "{}",
        excerpt(&queue.html)
    );
    let v = version_status(&app, &slug, 1).await;
    assert_eq!(v["status"], "DITOLAK");
    assert_eq!(v["status_note"], "Kode kecamatan belum bertitik");
    // Nothing to decide on a returned version.
    let page = html(walidata.get(&url).await, StatusCode::OK, "returned");
    assert!(page.html.contains("tidak ada keputusan yang dapat diambil"));
    assert!(!page.html.contains(&format!("action=\"{url}/setujui\"")));

    // The OPD submits again; the walidata approves (no note needed) and lands back here.
    app.post_json(
        &format!("/api/v1/datasets/{slug}/versions/1/submit"),
        Some(&t.produsen),
        json!({"note": "Sudah diperbaiki"}),
    )
    .await
    .expect(StatusCode::OK);
    let page = html(walidata.get(&url).await, StatusCode::OK, "resubmitted");
    assert!(page.html.contains("Sudah diperbaiki"), "the OPD's note");
    let page = walidata
        .post(
            &format!("{url}/setujui"),
            &[("note", ""), ("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::SEE_OTHER,
        "{}",
        excerpt(&page.html)
    );
    assert_eq!(location(&page), url);
    let approved = with_flash(&walidata, &page).await;
    assert!(
        approved.html.contains("disetujui"),
        "{}",
        excerpt(&approved.html)
    );
    assert!(
        approved
            .html
            .contains(&format!("action=\"{url}/tayangkan\""))
    );
    assert_eq!(version_status(&app, &slug, 1).await["status"], "DISETUJUI");
    // Approving twice is refused with the catalog's reason (422, the page again).
    let page = walidata
        .post(
            &format!("{url}/setujui"),
            &[("note", "lagi"), ("csrf_token", &csrf)],
        )
        .await;
    let page = html(page, StatusCode::UNPROCESSABLE_ENTITY, "approve twice");
    assert!(page.html.contains("error-summary"));
    assert!(page.html.contains("lagi") || page.html.contains("DISETUJUI"));

    // A produsen cannot publish; the walidata can: the job runs, the page says so, and the
    // dataset is on the public portal.
    let page = produsen
        .post(
            &format!("{url}/tayangkan"),
            &[("csrf_token", &produsen_csrf)],
        )
        .await;
    html(page, StatusCode::FORBIDDEN, "produsen publishes");
    let page = walidata
        .post(&format!("{url}/tayangkan"), &[("csrf_token", &csrf)])
        .await;
    assert_eq!(
        page.status,
        StatusCode::SEE_OTHER,
        "{}",
        excerpt(&page.html)
    );
    assert_eq!(location(&page), url);
    let published = with_flash(&walidata, &page).await;
    assert!(
        published.html.contains("sudah ditayangkan di portal"),
        "{}",
        excerpt(&published.html)
    );
    assert_eq!(
        version_status(&app, &slug, 1).await["status"],
        "DITAYANGKAN"
    );
    let public = Browser::new(&app).get(&format!("/dataset/{slug}")).await;
    let public = html(public, StatusCode::OK, "public page");
    assert!(public.html.contains("Jumlah Posyandu Aktif"));
    assert!(
        published
            .html
            .contains(&format!("action=\"/kelola/dataset/{slug}/tarik\""))
    );

    // Withdraw: the reason is required; then the public page answers 410 with it.
    let tarik = format!("/kelola/dataset/{slug}/tarik");
    let page = walidata
        .post(&tarik, &[("reason", ""), ("csrf_token", &csrf)])
        .await;
    let page = html(page, StatusCode::UNPROCESSABLE_ENTITY, "empty reason");
    assert!(page.html.contains("Tulis alasan penarikan."));
    let page = produsen
        .post(&tarik, &[("reason", "x"), ("csrf_token", &produsen_csrf)])
        .await;
    html(page, StatusCode::FORBIDDEN, "produsen withdraws");
    let page = walidata
        .post(&tarik, &[("reason", "Data ganda"), ("csrf_token", &csrf)])
        .await;
    assert_eq!(
        page.status,
        StatusCode::SEE_OTHER,
        "{}",
        excerpt(&page.html)
    );
    let public = Browser::new(&app).get(&format!("/dataset/{slug}")).await;
    let public = html(public, StatusCode::GONE, "withdrawn");
    assert!(public.html.contains("Data ganda"));
}

async fn review_page_of_a_second_version_shows_the_diff(app: TestApp) {
    let slug = app
        .dataset(json!({"title": "Jumlah Penduduk Kecamatan", "organization": "dinkes"}))
        .await;
    app.publish(&slug, TABLE).await;
    let second: Vec<u8> = [TABLE, b"35.76.03,Kranggan,Laki-laki,5,Jiwa,2025\n"].concat();
    app.publish(&slug, &second).await;
    let (walidata, _) = signed(&app, &app.tokens.walidata).await;
    let url = format!("/kelola/tinjauan/{slug}/2");
    let page = html(walidata.get(&url).await, StatusCode::OK, &url);
    assert!(
        page.html.contains("Perbandingan versi 1 dengan versi 2"),
        "{}",
        excerpt(&page.html)
    );
    assert!(page.html.contains("1 baris baru"));
    assert!(page.html.contains("Ditayangkan"), "the history");
    // The first version has no earlier one to compare with.
    let page = html(
        walidata.get(&format!("/kelola/tinjauan/{slug}/1")).await,
        StatusCode::OK,
        "v1",
    );
    assert!(!page.html.contains("Perbandingan versi"));
}
