//! "My datasets" by role, with each status in words, and the steward's dataset overview
//! (next step, versions, cancel).

use axum::http::{StatusCode, header};
use serde_json::json;

use super::super::{TABLE, excerpt, html};
use super::*;
use crate::support::{TestApp, twin};

twin!(
    my_datasets_by_role_with_status_in_words,
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
    // Either fix may be what the note asks: a new file, or the metadata.
    assert!(
        page.html.contains(&format!(
            "href=\"/kelola/dataset/{returned}/metadata\">Perbaiki metadata</a>"
        )),
        "{}",
        excerpt(&page.html)
    );
    assert!(
        page.html.contains("Satuan belum diisi"),
        "the walidata's note"
    );
    // Two published versions: the earlier one says the later one replaced it.
    let twice = app
        .dataset(json!({"title": "Jumlah Puskesmas Keliling", "organization": "dinkes"}))
        .await;
    app.publish(&twice, TABLE).await;
    app.publish(&twice, TABLE).await;
    let page = html(
        produsen.get(&format!("/kelola/dataset/{twice}")).await,
        StatusCode::OK,
        "published twice",
    );
    assert_eq!(
        page.html
            .matches("digantikan versi 2 yang tayang sekarang")
            .count(),
        1,
        "{}",
        excerpt(&page.html)
    );
    // Its report does not invite a submission that its status refuses.
    let url_1 = format!("/kelola/dataset/{twice}/versi/1");
    let report = html(produsen.get(&url_1).await, StatusCode::OK, &url_1);
    assert!(report.html.contains("Tidak ada galat"));
    assert!(
        !report.html.contains("siap diajukan"),
        "{}",
        excerpt(&report.html)
    );
    assert!(
        report
            .html
            .contains("unggah berkas baru sebagai versi berikutnya")
    );
    assert!(!report.html.contains("aria-describedby=\"submit-why\""));
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
