//! Every page renders (strict templates: an undefined value is an error, a 500 here) in both
//! languages, with the frame's accessibility parts, caching and security headers.

use axum::http::{StatusCode, header};

use super::{browse, excerpt, html, seed};
use crate::support::{TestApp, twin};

twin!(
    every_page_renders,
    restricted_datasets_render_for_those_who_may_read_them,
    pages_are_cacheable_and_locked_down,
    withdrawn_dataset_answers_410_with_its_reason,
    english_pages_and_errors_are_html,
    downloads_are_counted_shown_and_exported,
);

async fn every_page_renders(app: TestApp) {
    let s = seed(&app).await;
    let public = &s.public;
    let pages = [
        "/".to_owned(),
        "/dataset".to_owned(),
        "/dataset?q=penduduk".to_owned(),
        "/dataset?q=tidakadasamasekali".to_owned(),
        "/dataset?q=penduduk&opd=dinkes&tahun=2099".to_owned(),
        "/dataset?topik=Pemerintahan+Umum&format=CSV&frekuensi=Tahunan&urut=judul".to_owned(),
        "/dataset?urut=unduhan&hal=2".to_owned(),
        format!("/dataset/{public}"),
        format!("/dataset/{public}?sort=-jumlah&hal=1&filter%5Btahun%5D%5Bgte%5D=2023"),
        format!("/dataset/{public}?x=nama_kecamatan&y=jumlah&agg=mean&jenis=batang"),
        format!(
            "/dataset/{public}?x=tahun&agg=count&jenis=garis&filter%5Bnama_kecamatan%5D=Kranggan"
        ),
        format!("/dataset/{public}?filter%5Bnama_kecamatan%5D=Tidak+Ada"),
        format!("/dataset/{public}/diff/1/2"),
        format!("/dataset/{}", s.other),
        "/opd".to_owned(),
        "/opd/dinkes".to_owned(),
        "/opd/disdik".to_owned(),
        "/topik".to_owned(),
        "/topik/pemerintahan-umum".to_owned(),
        "/topik/pertahanan-dan-luar-negeri".to_owned(),
        "/standar-data".to_owned(),
        "/standar-data?q=tidak".to_owned(),
        "/kode-referensi".to_owned(),
        "/kode-referensi?q=mojokerto".to_owned(),
    ];
    for path in pages {
        for lang in ["", "/en"] {
            let uri = if path == "/" && lang == "/en" {
                "/en/".to_owned()
            } else {
                format!("{lang}{path}")
            };
            let page = html(browse(&app, &uri, None).await, StatusCode::OK, &uri);
            let code = if lang.is_empty() { "id" } else { "en" };
            assert!(
                page.html.contains(&format!("<html lang=\"{code}\">")),
                "{uri}"
            );
            assert!(
                page.html.contains("class=\"skip-link\" href=\"#isi\""),
                "{uri}"
            );
            assert!(page.html.contains("<main id=\"isi\""), "{uri}");
            assert_eq!(page.html.matches("<h1").count(), 1, "{uri}: one h1");
            assert!(page.html.contains("hreflang=\"en\""), "{uri}");
            assert!(!page.html.contains("<script>"), "{uri}: no inline script");
            assert!(
                !page.html.contains(" style=\""),
                "{uri}: no style attribute"
            );
            assert_eq!(
                page.html.matches("<table").count(),
                page.html.matches("<caption").count(),
                "{uri}: every table has a caption"
            );
            if path.starts_with("/kode-referensi") {
                // The region list's attribution is in the page's language only.
                let (own, other) = if lang.is_empty() {
                    ("© para penyusunnya, lisensi ODbL 1.0", "its authors")
                } else {
                    ("© its authors, licence ODbL 1.0", "para penyusunnya")
                };
                assert!(page.html.contains(own), "{uri}: {}", excerpt(&page.html));
                assert!(!page.html.contains(other), "{uri}");
            }
        }
    }
    // The dataset page has what the issue lists.
    let page = browse(&app, &format!("/dataset/{public}"), None).await;
    for expected in [
        "Unduh CSV",
        "Unduh XLSX",
        "Unduh JSON",
        "Unduh Parquet",
        "Baris 1–7 dari 7",
        "id=\"pratinjau\"",
        "id=\"grafik\"",
        "<svg",
        "<title id=\"grafik-svg-title\">",
        "Registrasi Penduduk",
        "Terpenuhi",
        "datastore_search",
        "import requests",
        "library(jsonlite)",
        "new URL(",
        "Versi 2",
        "/diff/1/2",
        "Pembaruan berikutnya",
        "data@dinkes.go.id",
    ] {
        assert!(
            page.html.contains(expected),
            "dataset page lacks {expected}: {}",
            excerpt(&page.html)
        );
    }
    // Only the table for htmx, with Vary; a history restore gets the whole page.
    let uri = format!("/dataset/{public}?hal=1&sort=jumlah");
    let fragment = app
        .get_with(
            &uri,
            None,
            &[("HX-Request", "true"), ("HX-Target", "pratinjau")],
        )
        .await;
    let body = String::from_utf8_lossy(&fragment.bytes);
    assert_eq!(fragment.status, StatusCode::OK);
    assert!(
        body.trim_start().starts_with("<div id=\"pratinjau\""),
        "{body}"
    );
    assert!(!body.contains("<html"));
    assert!(
        fragment.headers[header::VARY]
            .to_str()
            .unwrap_or_default()
            .contains("HX-Target")
    );
    let chart = app
        .get_with(
            &uri,
            None,
            &[("HX-Request", "true"), ("HX-Target", "grafik")],
        )
        .await;
    assert!(
        String::from_utf8_lossy(&chart.bytes)
            .trim_start()
            .starts_with("<div id=\"grafik\"")
    );
    let restore = app
        .get_with(
            &uri,
            None,
            &[
                ("HX-Request", "true"),
                ("HX-Target", "pratinjau"),
                ("HX-History-Restore-Request", "true"),
            ],
        )
        .await;
    assert!(String::from_utf8_lossy(&restore.bytes).starts_with("<!DOCTYPE html>"));
    // The portal's static files, versioned and cached for a year.
    let home = browse(&app, "/", None).await.html;
    let css = home
        .split("href=\"")
        .find_map(|s| s.strip_prefix("/static/satudata.css?v="))
        .and_then(|s| s.split('"').next())
        .expect("versioned stylesheet link");
    let file = app
        .get(&format!("/static/satudata.css?v={css}"), None)
        .await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(
        file.headers[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
}

async fn restricted_datasets_render_for_those_who_may_read_them(app: TestApp) {
    let s = seed(&app).await;
    let t = &app.tokens;
    for (slug, token) in [
        (&s.terbatas, t.pembina.as_str()),
        (&s.terbatas, t.other_produsen.as_str()),
        (&s.tertutup, t.walidata.as_str()),
        (&s.tertutup, t.other_produsen.as_str()),
    ] {
        for lang in ["", "/en"] {
            let uri = format!("{lang}/dataset/{slug}");
            let page = html(browse(&app, &uri, Some(token)).await, StatusCode::OK, &uri);
            assert!(
                page.html.contains("notice notice--info"),
                "{uri}: the akses notice"
            );
            assert_eq!(page.headers[header::CACHE_CONTROL], "private, no-store");
        }
    }
    // Those who may not read them get the same 404 as for a dataset that does not exist.
    for (slug, token) in [
        (&s.tertutup, Some(t.produsen.as_str())),
        (&s.terbatas, None),
        (&s.draft, None),
    ] {
        let uri = format!("/dataset/{slug}");
        let page = html(browse(&app, &uri, token).await, StatusCode::NOT_FOUND, &uri);
        assert!(page.html.contains("Halaman tidak ditemukan"), "{uri}");
    }
    // A signed-in user's search offers the akses facet, with counts of what they may read.
    let page = browse(&app, "/dataset?akses=Terbatas", Some(&t.pembina)).await;
    assert!(page.html.contains("Zebraxa"), "{}", excerpt(&page.html));
    assert!(!page.html.contains("Quokkaz"));
    assert!(
        page.html
            .contains("name=\"akses\" value=\"Terbatas\" checked")
    );
}

async fn pages_are_cacheable_and_locked_down(app: TestApp) {
    let s = seed(&app).await;
    for uri in [
        "/".to_owned(),
        "/dataset".to_owned(),
        format!("/dataset/{}", s.public),
        "/en/opd".to_owned(),
    ] {
        let page = html(browse(&app, &uri, None).await, StatusCode::OK, &uri);
        assert_eq!(
            page.headers[header::CONTENT_SECURITY_POLICY],
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        );
        assert_eq!(page.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(page.headers[header::REFERRER_POLICY], "same-origin");
        assert_eq!(page.headers[header::CACHE_CONTROL], "public, no-cache");
        let etag = page.headers[header::ETAG]
            .to_str()
            .expect("etag")
            .to_owned();
        let again = app.get_with(&uri, None, &[("If-None-Match", &etag)]).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{uri}");
        assert!(again.bytes.is_empty());
        assert_eq!(again.headers[header::ETAG].to_str().expect("etag"), etag);
        let other = app
            .get_with(&uri, None, &[("If-None-Match", "\"something-else\"")])
            .await;
        assert_eq!(other.status, StatusCode::OK);
    }
    // The page changes with the catalogue, so does its ETag.
    let before = browse(&app, "/", None).await.headers[header::ETAG].clone();
    app.patch_json(
        &format!("/api/v1/datasets/{}", s.other),
        Some(&app.tokens.walidata),
        serde_json::json!({"title": "Jumlah Sekolah Dasar Negeri"}),
    )
    .await
    .expect(StatusCode::OK);
    let after = browse(&app, "/", None).await;
    assert_ne!(after.headers[header::ETAG], before);
    assert!(after.html.contains("Jumlah Sekolah Dasar Negeri"));
}

async fn withdrawn_dataset_answers_410_with_its_reason(app: TestApp) {
    let s = seed(&app).await;
    for (uri, title) in [
        (format!("/dataset/{}", s.withdrawn), "Dataset sudah ditarik"),
        (format!("/en/dataset/{}", s.withdrawn), "Dataset withdrawn"),
    ] {
        let page = html(browse(&app, &uri, None).await, StatusCode::GONE, &uri);
        assert!(page.html.contains(title), "{uri}: {}", excerpt(&page.html));
        assert!(
            page.html.contains("Data ganda dengan dataset lain"),
            "the reason"
        );
        assert!(page.html.contains("Data Wombatix"), "the title");
        assert!(
            page.html
                .contains("<meta name=\"robots\" content=\"noindex\">")
        );
    }
    // Its files are gone too, with the API's envelope.
    app.get(&format!("/datasets/{}/data.csv", s.withdrawn), None)
        .await
        .expect(StatusCode::GONE);
}

async fn english_pages_and_errors_are_html(app: TestApp) {
    let s = seed(&app).await;
    let page = html(
        browse(&app, &format!("/en/dataset/{}", s.public), None).await,
        StatusCode::OK,
        "en",
    );
    for expected in [
        "Download CSV",
        "Version 2",
        "href=\"/en/dataset\"",
        "Bahasa Indonesia",
    ] {
        assert!(
            page.html.contains(expected),
            "English page lacks {expected}"
        );
    }
    assert_eq!(page.headers[header::CONTENT_LANGUAGE], "en");
    assert!(page.html.contains(&format!(
        "<link rel=\"alternate\" hreflang=\"id\" href=\"http://satudata.test/dataset/{}\">",
        s.public
    )));
    let redirect = app.get("/en", None).await;
    assert_eq!(redirect.status, StatusCode::PERMANENT_REDIRECT);
    // Unknown pages, bad addresses and wrong methods are pages, never the JSON envelope.
    for (uri, status) in [
        ("/tidak-ada", StatusCode::NOT_FOUND),
        ("/en/tidak-ada", StatusCode::NOT_FOUND),
        ("/opd/tidak-ada", StatusCode::NOT_FOUND),
        ("/topik/tidak-ada", StatusCode::NOT_FOUND),
        ("/kode-referensi/99.99", StatusCode::NOT_FOUND),
        ("/dataset/tidak-ada/diff/1/x", StatusCode::NOT_FOUND),
    ] {
        html(browse(&app, uri, None).await, status, uri);
    }
    let bad = format!(
        "/dataset/{}?filter%5Btahun%5D%5Bgte%5D=bukan-angka",
        s.public
    );
    let page = html(
        browse(&app, &bad, None).await,
        StatusCode::BAD_REQUEST,
        &bad,
    );
    assert!(page.html.contains("Permintaan tidak dapat dipahami"));
    let posted = app.post_json("/dataset", None, serde_json::json!({})).await;
    assert_eq!(posted.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(String::from_utf8_lossy(&posted.bytes).starts_with("<!DOCTYPE html>"));
    // The API keeps its envelope.
    app.get("/api/v1/tidak-ada", None)
        .await
        .expect(StatusCode::NOT_FOUND);
    app.get("/datasets/tidak-ada/data.csv", None)
        .await
        .expect(StatusCode::NOT_FOUND);
}

async fn downloads_are_counted_shown_and_exported(app: TestApp) {
    let s = seed(&app).await;
    let csv = format!("/datasets/{}/data.csv", s.public);
    let first = app.get(&csv, None).await.expect(StatusCode::OK);
    app.get(
        &format!("/datasets/{}/versions/1/data.xlsx", s.public),
        None,
    )
    .await
    .expect(StatusCode::OK);
    // Not counted: a HEAD, a revalidation, the rest of a resumed download.
    let etag = first.headers[header::ETAG]
        .to_str()
        .expect("etag")
        .to_owned();
    app.get_with(&csv, None, &[("If-None-Match", &etag)])
        .await
        .expect(StatusCode::NOT_MODIFIED);
    app.get_with(&csv, None, &[("Range", "bytes=10-")])
        .await
        .expect(StatusCode::PARTIAL_CONTENT);
    app.call(
        axum::http::Method::HEAD,
        &csv,
        None,
        None,
        axum::body::Body::empty(),
    )
    .await
    .expect(StatusCode::OK);
    let page = browse(&app, &format!("/dataset/{}", s.public), None).await;
    assert!(
        page.html.contains("<dt>Diunduh</dt><dd>2</dd>"),
        "{}",
        excerpt(&page.html)
    );
    // Written to the database, and still 2 after.
    assert_eq!(app.catalog.flush_download_counts().await.expect("flush"), 2);
    assert_eq!(app.count("download_count").await, 1);
    let home = browse(&app, "/", None).await;
    assert!(
        home.html
            .contains("<span class=\"totals__n\">2</span> kali diunduh"),
        "{}",
        excerpt(&home.html)
    );
    let package = app
        .get(&format!("/api/3/action/package_show?id={}", s.public), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(package.json["result"]["tracking_summary"]["total"], 2);
    assert_eq!(package.json["result"]["tracking_summary"]["recent"], 2);
    assert_eq!(
        package.json["result"]["url"],
        format!("http://satudata.test/dataset/{}", s.public)
    );
    // The most downloaded first.
    let popular = browse(&app, "/dataset?urut=unduhan", None).await;
    let first_card = popular.html.find("card__title").expect("a card");
    assert!(
        popular.html[first_card..]
            .starts_with(&format!("card__title\"><a href=\"/dataset/{}\"", s.public))
    );
}
