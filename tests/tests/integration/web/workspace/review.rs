//! My datasets, the review queue, the review page (return, approve, publish, withdraw) and
//! the steward's dataset overview.

use axum::http::{StatusCode, header};
use serde_json::json;

use super::super::{TABLE, excerpt, html};
use super::*;
use crate::support::{TestApp, twin};

twin!(
    my_datasets_by_role_with_status_in_words,
    review_queue_for_the_walidata_and_pembina,
    review_page_return_approve_publish_withdraw,
    review_page_of_a_second_version_shows_the_diff,
    dataset_overview_next_step_versions_and_cancel,
);

async fn my_datasets_by_role_with_status_in_words(app: TestApp) {
    let t = &app.tokens;
    let published = app
        .dataset(
            json!({"title": "Jumlah Puskesmas Kecamatan", "organization": "dinkes",
                        "frekuensi": "Tahunan"}),
        )
        .await;
    app.publish(&published, TABLE).await;
    let draft = app
        .dataset(json!({"title": "Cakupan Imunisasi Draf", "organization": "dinkes"}))
        .await;
    app.upload(&draft, Some(&t.produsen), "text/csv", TABLE)
        .await
        .expect(StatusCode::CREATED);
    let returned = app
        .dataset(json!({"title": "Kasus Demam Berdarah", "organization": "dinkes"}))
        .await;
    app.upload(&returned, Some(&t.produsen), "text/csv", TABLE)
        .await
        .expect(StatusCode::CREATED);
    let base = format!("/api/v1/datasets/{returned}/versions/1");
    app.post_json(&format!("{base}/submit"), Some(&t.produsen), json!({}))
        .await
        .expect(StatusCode::OK);
    app.post_json(
        &format!("{base}/review"),
        Some(&t.walidata),
        json!({"decision": "return", "note": "Kode kecamatan belum bertitik"}),
    )
    .await
    .expect(StatusCode::OK);
    let empty = app
        .dataset(json!({"title": "Belum Ada Berkas", "organization": "dinkes"}))
        .await;
    let other = app
        .dataset(json!({"title": "Jumlah Guru Disdik", "organization": "disdik"}))
        .await;
    // The published one was due a year after its current version was published.
    app.execute(&format!(
        "UPDATE dataset_version SET published_at = '2020-01-01 00:00:00+00:00' \
         WHERE dataset_id = (SELECT id FROM dataset WHERE slug = '{published}')"
    ))
    .await;

    let produsen = Browser {
        app: &app,
        cookie: Some(format!("satudata_sesi={}", t.produsen)),
    };
    let page = html(
        produsen.get("/kelola/dataset").await,
        StatusCode::OK,
        "/kelola/dataset",
    );
    assert_eq!(page.headers[header::CACHE_CONTROL], "no-store");
    for title in [
        "Jumlah Puskesmas Kecamatan",
        "Cakupan Imunisasi Draf",
        "Kasus Demam Berdarah",
        "Belum Ada Berkas",
    ] {
        assert!(
            page.html.contains(title),
            "{title}: {}",
            excerpt(&page.html)
        );
    }
    assert!(!page.html.contains("Jumlah Guru Disdik"), "another OPD's");
    assert!(
        !page.html.contains("id=\"f-opd\""),
        "no OPD filter for a produsen"
    );
    for words in [
        "DITAYANGKAN",
        "DRAFT",
        "DITOLAK",
        "Kode kecamatan belum bertitik",
    ] {
        assert!(page.html.contains(words), "{words}");
    }
    // What to do next, by status.
    assert!(
        page.html
            .contains(&format!("/kelola/dataset/{draft}/versi/1"))
    );
    assert!(
        page.html
            .contains(&format!("/kelola/dataset/{returned}/unggah"))
    );
    assert!(
        page.html
            .contains(&format!("/kelola/dataset/{empty}/unggah"))
    );
    // Overdue by frekuensi: listed at the top and flagged.
    assert!(
        page.html.contains("sudah waktunya diperbarui"),
        "{}",
        excerpt(&page.html)
    );
    assert!(page.html.contains("Terlambat diperbarui"));

    // Filters: status, words.
    let page = html(
        produsen.get("/kelola/dataset?status=DITOLAK").await,
        StatusCode::OK,
        "status filter",
    );
    assert!(page.html.contains("Kasus Demam Berdarah"));
    assert!(!page.html.contains("Cakupan Imunisasi Draf"));
    assert!(page.html.contains("<option value=\"DITOLAK\" selected"));
    let page = html(
        produsen.get("/kelola/dataset?q=imunisasi").await,
        StatusCode::OK,
        "q filter",
    );
    assert!(page.html.contains("Cakupan Imunisasi Draf"));
    assert!(!page.html.contains("Kasus Demam Berdarah"));
    let page = html(
        produsen.get("/kelola/dataset?q=zzzz").await,
        StatusCode::OK,
        "nothing",
    );
    assert!(!page.html.contains("Kasus Demam Berdarah"));
    // A produsen cannot look at another OPD by asking.
    let page = html(
        produsen.get("/kelola/dataset?opd=disdik").await,
        StatusCode::OK,
        "opd ignored",
    );
    assert!(!page.html.contains("Jumlah Guru Disdik"));
    assert!(page.html.contains("Kasus Demam Berdarah"));

    // The walidata sees every OPD, with an OPD filter.
    let walidata = Browser {
        app: &app,
        cookie: Some(format!("satudata_sesi={}", t.walidata)),
    };
    let page = html(
        walidata.get("/kelola/dataset").await,
        StatusCode::OK,
        "walidata",
    );
    assert!(page.html.contains("Jumlah Guru Disdik"));
    assert!(page.html.contains("Kasus Demam Berdarah"));
    assert!(page.html.contains("id=\"f-opd\""));
    let page = html(
        walidata.get("/kelola/dataset?opd=disdik").await,
        StatusCode::OK,
        "walidata opd",
    );
    assert!(page.html.contains("Jumlah Guru Disdik"));
    assert!(!page.html.contains("Kasus Demam Berdarah"));
    assert!(
        page.html
            .contains(&format!("/kelola/dataset/{other}/unggah"))
    );

    // /kelola sends each role to its first page; a pembina manages no datasets.
    assert_eq!(location(&produsen.get("/kelola").await), "/kelola/dataset");
    assert_eq!(location(&walidata.get("/kelola").await), "/kelola/tinjauan");
    let admin = Browser {
        app: &app,
        cookie: Some(format!("satudata_sesi={}", t.admin)),
    };
    assert_eq!(location(&admin.get("/kelola").await), "/kelola/dataset");
    let pembina = Browser {
        app: &app,
        cookie: Some(format!("satudata_sesi={}", t.pembina)),
    };
    assert_eq!(location(&pembina.get("/kelola").await), "/kelola/tinjauan");
    html(
        pembina.get("/kelola/dataset").await,
        StatusCode::FORBIDDEN,
        "pembina",
    );
    let anonymous = Browser::new(&app).get("/kelola/dataset?status=DRAFT").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert_eq!(
        location(&anonymous),
        "/masuk?next=%2Fkelola%2Fdataset%3Fstatus%3DDRAFT"
    );
    // English.
    let page = html(
        produsen.get("/en/kelola/dataset").await,
        StatusCode::OK,
        "/en/kelola/dataset",
    );
    assert!(page.html.contains("lang=\"en\""));
}

/// Uploads `csv` to a new dataset of `org` as `token` and submits version 1.
async fn submitted(app: &TestApp, body: serde_json::Value, token: &str) -> String {
    let slug = app.dataset(body).await;
    app.upload(&slug, Some(token), "text/csv", TABLE)
        .await
        .expect(StatusCode::CREATED);
    app.post_json(
        &format!("/api/v1/datasets/{slug}/versions/1/submit"),
        Some(token),
        json!({}),
    )
    .await
    .expect(StatusCode::OK);
    slug
}

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

/// The status of version `n` as the API has it.
async fn version_status(app: &TestApp, slug: &str, n: i32) -> serde_json::Value {
    app.get(
        &format!("/api/v1/datasets/{slug}/versions/{n}"),
        Some(&app.tokens.walidata),
    )
    .await
    .expect(StatusCode::OK)
    .json
}

/// A browser signed in with a seeded token as its session cookie, and its CSRF token.
async fn signed<'a>(app: &'a TestApp, token: &str) -> (Browser<'a>, String) {
    let browser = Browser {
        app,
        cookie: Some(format!("satudata_sesi={token}")),
    };
    let csrf = browser.csrf().await;
    (browser, csrf)
}

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

async fn dataset_overview_next_step_versions_and_cancel(app: TestApp) {
    let t = &app.tokens;
    let draft = app
        .dataset(
            json!({"title": "Jumlah Kader Posyandu", "organization": "dinkes",
                        "frekuensi": "Bulanan", "msind": {"konsep": "Kader"}}),
        )
        .await;
    app.upload(&draft, Some(&t.produsen), "text/csv", TABLE)
        .await
        .expect(StatusCode::CREATED);
    let empty = app
        .dataset(json!({"title": "Belum Ada Berkas Sama Sekali", "organization": "dinkes"}))
        .await;
    let returned = submitted(
        &app,
        json!({"title": "Jumlah Ambulans Desa", "organization": "dinkes"}),
        &t.produsen,
    )
    .await;
    app.post_json(
        &format!("/api/v1/datasets/{returned}/versions/1/review"),
        Some(&t.walidata),
        json!({"decision": "return", "note": "Satuan belum diisi"}),
    )
    .await
    .expect(StatusCode::OK);

    let (produsen, csrf) = signed(&app, &t.produsen).await;
    let url = format!("/kelola/dataset/{draft}");
    let page = html(produsen.get(&url).await, StatusCode::OK, &url);
    assert_eq!(page.headers[header::CACHE_CONTROL], "no-store");
    for text in [
        "Jumlah Kader Posyandu",
        "Versi terbaru lolos pemeriksaan",
        "isian MS-Ind yang masih kosong: Nama indikator",
        "Bulanan",
        "DRAFT",
    ] {
        assert!(page.html.contains(text), "{text}: {}", excerpt(&page.html));
    }
    assert!(!page.html.contains(", Konsep,"), "filled");
    assert!(page.html.contains(&format!("{url}/versi/1")));
    assert!(
        page.html
            .contains(&format!("action=\"{url}/versi/1/batal\""))
    );
    let page = html(
        produsen.get(&format!("/kelola/dataset/{empty}")).await,
        StatusCode::OK,
        "empty",
    );
    assert!(page.html.contains("belum punya data"));
    assert!(
        page.html
            .contains(&format!("/kelola/dataset/{empty}/unggah"))
    );
    let page = html(
        produsen.get(&format!("/kelola/dataset/{returned}")).await,
        StatusCode::OK,
        "returned",
    );
    assert!(page.html.contains("Walidata mengembalikan data ini"));
    assert!(
        page.html.contains("Satuan belum diisi"),
        "the walidata's note"
    );
    // Who manages it.
    let (other, _) = signed(&app, &t.other_produsen).await;
    html(
        other.get(&url).await,
        StatusCode::NOT_FOUND,
        "another OPD's draft",
    );
    let (pembina, _) = signed(&app, &t.pembina).await;
    html(pembina.get(&url).await, StatusCode::FORBIDDEN, "pembina");
    let (walidata, _) = signed(&app, &t.walidata).await;
    html(walidata.get(&url).await, StatusCode::OK, "walidata");
    assert_eq!(
        Browser::new(&app).get(&url).await.status,
        StatusCode::SEE_OTHER
    );

    // Cancel: done once (flash), refused the second time (flash, nothing changes).
    let cancel = format!("{url}/versi/1/batal");
    html(
        produsen.post(&cancel, &[("note", "")]).await,
        StatusCode::FORBIDDEN,
        "no csrf",
    );
    let page = produsen
        .post(&cancel, &[("note", ""), ("csrf_token", &csrf)])
        .await;
    assert_eq!(
        page.status,
        StatusCode::SEE_OTHER,
        "{}",
        excerpt(&page.html)
    );
    assert_eq!(location(&page), url);
    let after = with_flash(&produsen, &page).await;
    assert!(
        after.html.contains("Versi 1 dibatalkan"),
        "{}",
        excerpt(&after.html)
    );
    assert_eq!(
        version_status(&app, &draft, 1).await["status"],
        "DIBATALKAN"
    );
    let page = produsen
        .post(&cancel, &[("note", ""), ("csrf_token", &csrf)])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let after = with_flash(&produsen, &page).await;
    assert!(
        after.html.contains("tidak dapat dibatalkan lagi"),
        "{}",
        excerpt(&after.html)
    );
}
