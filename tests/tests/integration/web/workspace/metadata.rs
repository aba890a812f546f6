//! The metadata form: create (`/kelola/dataset/baru`) and edit (`…/metadata`), grouped like
//! the national metadata; required fields and dates listed at the top with links to the
//! fields, the catalog's own refusals at their field, the input kept, CSRF, roles.

use axum::http::{StatusCode, header};
use serde_json::json;

use super::super::{excerpt, html};
use super::*;
use crate::support::{TestApp, twin};

twin!(
    steward_creates_a_dataset_with_the_form,
    form_errors_are_listed_and_the_input_kept,
    metadata_is_edited_and_roles_are_checked,
);

fn produsen(app: &TestApp) -> Browser<'_> {
    Browser {
        app,
        cookie: Some(format!("satudata_sesi={}", app.tokens.produsen)),
    }
}

/// A complete form, as a steward fills it.
fn filled<'a>(csrf: &'a str, title: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf_token", csrf),
        ("title", title),
        (
            "description",
            "Jumlah tenaga kesehatan di puskesmas per kecamatan.",
        ),
        ("topik", "Perlindungan Sosial dan Kesehatan"),
        ("tags", "kesehatan, puskesmas"),
        ("akses", "Terbuka"),
        ("license", "CC-BY-4.0"),
        ("frekuensi", "Tahunan"),
        ("tingkat_penyajian", "Kecamatan"),
        ("cakupan_wilayah", "35.76"),
        ("temporal_start", "2024-01-01"),
        // As typed where the browser shows a text box instead of a date picker.
        ("temporal_end", "31-12-2024"),
        ("prioritas_tahun", ""),
        ("ukuran", "Jumlah"),
        ("satuan", "Orang"),
        ("contact_name", "Seksi Data Dinkes"),
        ("contact_email", "data.dinkes@mojokertokota.go.id"),
        ("msind_nama_indikator", "Jumlah tenaga kesehatan"),
        ("msind_konsep", "Tenaga kesehatan"),
        ("msind_klasifikasi_penyajian", "Kecamatan, Jenis tenaga"),
        ("msind_indikator_komposit", "tidak"),
        ("msind_level_estimasi", "Kecamatan"),
        ("mskeg_judul_kegiatan", "Pendataan Tenaga Kesehatan"),
        ("mskeg_tahun_kegiatan", "2024"),
    ]
}

async fn steward_creates_a_dataset_with_the_form(app: TestApp) {
    let browser = produsen(&app);
    let mine = html(browser.get("/kelola/dataset").await, StatusCode::OK, "mine");
    assert!(mine.html.contains("href=\"/kelola/dataset/baru\""));
    let page = html(
        browser.get("/kelola/dataset/baru").await,
        StatusCode::OK,
        "new",
    );
    assert_eq!(page.headers[header::CACHE_CONTROL], "no-store");
    // A produsen's dataset is their OPD's: no OPD choice, the name shown.
    assert!(!page.html.contains("id=\"f-organization\""));
    assert!(
        page.html.contains("Dinas Kesehatan"),
        "{}",
        excerpt(&page.html)
    );
    assert!(page.html.contains("value=\"CC-BY-4.0\" selected"));
    let csrf = meta_csrf(&page.html).expect("csrf");
    let created = browser
        .post(
            "/kelola/dataset/baru",
            &filled(&csrf, "Jumlah Tenaga Kesehatan per Kecamatan"),
        )
        .await;
    assert_eq!(
        created.status,
        StatusCode::SEE_OTHER,
        "{}",
        excerpt(&created.html)
    );
    let slug = "jumlah-tenaga-kesehatan-per-kecamatan";
    assert_eq!(location(&created), format!("/kelola/dataset/{slug}"));
    assert!(flash_set_cookie(&created).is_some());
    let api = app
        .get(
            &format!("/api/v1/datasets/{slug}"),
            Some(&app.tokens.produsen),
        )
        .await
        .expect(StatusCode::OK)
        .json;
    assert_eq!(api["organization"]["slug"], "dinkes");
    assert_eq!(api["frekuensi"], "Tahunan");
    assert_eq!(api["temporal_end"], "2024-12-31");
    assert_eq!(api["tags"], json!(["kesehatan", "puskesmas"]));
    assert_eq!(
        api["msind"]["klasifikasi_penyajian"],
        json!(["Kecamatan", "Jenis tenaga"])
    );
    assert_eq!(api["msind"]["indikator_komposit"], false);
    assert_eq!(api["mskeg"]["judul_kegiatan"], "Pendataan Tenaga Kesehatan");
    // The overview it lands on links to the upload.
    let overview = html(
        browser.get(&format!("/kelola/dataset/{slug}")).await,
        StatusCode::OK,
        "overview",
    );
    assert!(
        overview
            .html
            .contains(&format!("/kelola/dataset/{slug}/unggah"))
    );
}

async fn form_errors_are_listed_and_the_input_kept(app: TestApp) {
    let browser = produsen(&app);
    let csrf = browser.csrf().await;
    let mut fields = filled(&csrf, "");
    fields.retain(|(k, _)| !matches!(*k, "description" | "topik"));
    for (k, v) in &mut fields {
        if *k == "temporal_start" {
            *v = "31/13/2024";
        }
    }
    let page = browser.post("/kelola/dataset/baru", &fields).await;
    let page = html(page, StatusCode::UNPROCESSABLE_ENTITY, "errors");
    // Every error at the top, in form order, each linking to its field.
    let links: Vec<usize> = [
        "#f-title",
        "#f-description",
        "#f-topik",
        "#f-temporal_start",
    ]
    .iter()
    .map(|id| {
        page.html
            .find(&format!("href=\"{id}\""))
            .unwrap_or_else(|| panic!("{id} in {}", excerpt(&page.html)))
    })
    .collect();
    assert!(links.windows(2).all(|w| w[0] < w[1]), "{links:?}");
    assert!(page.html.contains("aria-invalid=\"true\""));
    // What was typed is still there.
    assert!(page.html.contains("value=\"kesehatan, puskesmas\""));
    assert!(page.html.contains("value=\"31/13/2024\""));
    assert!(page.html.contains("Pendataan Tenaga Kesehatan"));
    assert_eq!(app.count("dataset").await, 0);

    // A refusal only the catalog knows (an unknown vocabulary value) is shown at its field.
    let mut fields = filled(&csrf, "Jumlah Bidan");
    for (k, v) in &mut fields {
        if *k == "frekuensi" {
            *v = "Kadang-kadang";
        }
    }
    let page = browser.post("/kelola/dataset/baru", &fields).await;
    let page = html(page, StatusCode::UNPROCESSABLE_ENTITY, "vocabulary");
    assert!(
        page.html.contains("href=\"#f-frekuensi\""),
        "{}",
        excerpt(&page.html)
    );
    assert!(page.html.contains("value=\"Jumlah Bidan\""));
    // Without the CSRF token: 403, nothing made.
    let mut fields = filled("", "Jumlah Perawat");
    fields.remove(0);
    let page = browser.post("/kelola/dataset/baru", &fields).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("dataset").await, 0);
}

async fn metadata_is_edited_and_roles_are_checked(app: TestApp) {
    let slug = app
        .dataset(
            json!({"title": "Penduduk per Kecamatan", "organization": "dinkes",
                        "frekuensi": "Tahunan", "ukuran": "Jumlah",
                        "description": "Penduduk.", "topik": "Pemerintahan Umum"}),
        )
        .await;
    let browser = produsen(&app);
    let uri = format!("/kelola/dataset/{slug}/metadata");
    let page = html(browser.get(&uri).await, StatusCode::OK, &uri);
    assert!(page.html.contains("value=\"Penduduk per Kecamatan\""));
    assert!(page.html.contains("value=\"Jumlah\""));
    let csrf = meta_csrf(&page.html).expect("csrf");
    let mut fields = filled(&csrf, "Jumlah Penduduk per Kecamatan");
    for (k, v) in &mut fields {
        if *k == "ukuran" {
            *v = "";
        }
    }
    let saved = browser.post(&uri, &fields).await;
    assert_eq!(
        saved.status,
        StatusCode::SEE_OTHER,
        "{}",
        excerpt(&saved.html)
    );
    assert_eq!(location(&saved), format!("/kelola/dataset/{slug}"));
    let api = app
        .get(
            &format!("/api/v1/datasets/{slug}"),
            Some(&app.tokens.produsen),
        )
        .await
        .expect(StatusCode::OK)
        .json;
    assert_eq!(api["title"], "Jumlah Penduduk per Kecamatan");
    assert_eq!(api["slug"], slug.as_str(), "the slug stays");
    assert!(api["ukuran"].is_null(), "an emptied field is cleared");
    assert_eq!(api["cakupan_wilayah"], "35.76");

    // The walidata chooses the OPD; another OPD's produsen, a pembina, nobody: refused.
    let walidata = Browser {
        app: &app,
        cookie: Some(format!("satudata_sesi={}", app.tokens.walidata)),
    };
    let page = html(
        walidata.get("/kelola/dataset/baru").await,
        StatusCode::OK,
        "walidata new",
    );
    assert!(page.html.contains("id=\"f-organization\""));
    let csrf_w = meta_csrf(&page.html).expect("csrf");
    let page = walidata
        .post("/kelola/dataset/baru", &filled(&csrf_w, "Jumlah Sekolah"))
        .await;
    let page = html(page, StatusCode::UNPROCESSABLE_ENTITY, "no OPD");
    assert!(page.html.contains("href=\"#f-organization\""));
    let mut with_opd = filled(&csrf_w, "Jumlah Sekolah");
    with_opd.push(("organization", "disdik"));
    let made = walidata.post("/kelola/dataset/baru", &with_opd).await;
    assert_eq!(
        made.status,
        StatusCode::SEE_OTHER,
        "{}",
        excerpt(&made.html)
    );
    let other = Browser {
        app: &app,
        cookie: Some(format!("satudata_sesi={}", app.tokens.other_produsen)),
    };
    assert_eq!(other.get(&uri).await.status, StatusCode::NOT_FOUND);
    let pembina = Browser {
        app: &app,
        cookie: Some(format!("satudata_sesi={}", app.tokens.pembina)),
    };
    assert_eq!(
        pembina.get("/kelola/dataset/baru").await.status,
        StatusCode::FORBIDDEN
    );
    let anonymous = Browser::new(&app);
    assert_eq!(anonymous.get(&uri).await.status, StatusCode::SEE_OTHER);
}
