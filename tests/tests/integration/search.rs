//! Listing: full-text search, filters, paging and visibility, on both databases.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestApp, twin};

twin!(search_and_filters, anonymous_sees_only_public_datasets);

fn slugs(json: &Value) -> Vec<String> {
    let mut out: Vec<String> = json["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|d| d["slug"].as_str().map(str::to_owned))
        .collect();
    out.sort();
    out
}

async fn seed(app: &TestApp) {
    app.dataset(json!({
        "title": "Jumlah Penduduk Menurut Kecamatan", "organization": "dinkes",
        "description": "Penduduk hasil registrasi", "tags": ["kependudukan"],
        "topik": "Pemerintahan Umum", "temporal_start": "2020-01-01", "temporal_end": "2022-12-31"
    }))
    .await;
    app.dataset(json!({
        "title": "Jumlah Puskesmas", "organization": "dinkes", "description": "Fasilitas kesehatan",
        "tags": ["kesehatan", "fasilitas"], "topik": "Perlindungan Sosial dan Kesehatan",
        "temporal_start": "2024-01-01"
    }))
    .await;
    app.dataset(json!({
        "title": "Jumlah Sekolah Dasar", "organization": "disdik", "description": "Sekolah negeri dan swasta",
        "tags": ["pendidikan", "fasilitas"], "topik": "Pendidikan dan Tenaga Kerja",
        "temporal_start": "2023-01-01", "temporal_end": "2023-12-31"
    }))
    .await;
}

async fn search_and_filters(app: TestApp) {
    seed(&app).await;
    let token = Some(app.tokens.pembina.as_str());
    let find = async |query: &str| {
        let response = app
            .get(&format!("/api/v1/datasets?{query}"), token)
            .await
            .expect(StatusCode::OK);
        slugs(&response.json)
    };
    assert_eq!(find("q=puskesmas").await, ["jumlah-puskesmas"]);
    // Prefixes, several words (all must match), case and accents do not matter.
    assert_eq!(
        find("q=PENDUD").await,
        ["jumlah-penduduk-menurut-kecamatan"]
    );
    assert_eq!(find("q=jumlah%20sekolah").await, ["jumlah-sekolah-dasar"]);
    // Tags and the OPD's name are searched too.
    assert_eq!(
        find("q=fasilitas").await,
        ["jumlah-puskesmas", "jumlah-sekolah-dasar"]
    );
    assert_eq!(find("q=pendidikan").await, ["jumlah-sekolah-dasar"]);
    assert_eq!(
        find("q=kesehatan").await.len(),
        2,
        "Dinas Kesehatan owns two datasets"
    );
    // Operators of the search engines are plain words here, never syntax errors.
    assert!(find("q=%22OR%22%20NEAR(*)").await.is_empty());
    assert_eq!(
        find("q=***").await.len(),
        3,
        "a query without words lists everything"
    );

    assert_eq!(find("organization=disdik").await, ["jumlah-sekolah-dasar"]);
    assert!(find("organization=tidak-ada").await.is_empty());
    assert_eq!(
        find("topik=perlindungan%20sosial%20dan%20kesehatan").await,
        ["jumlah-puskesmas"]
    );
    assert_eq!(
        find("tag=fasilitas").await,
        ["jumlah-puskesmas", "jumlah-sekolah-dasar"]
    );
    assert_eq!(
        find("tahun=2021").await,
        ["jumlah-penduduk-menurut-kecamatan"]
    );
    assert_eq!(find("tahun=2023").await, ["jumlah-sekolah-dasar"]);
    assert_eq!(
        find("tahun=2030").await,
        ["jumlah-puskesmas"],
        "open-ended coverage"
    );
    assert_eq!(
        find("tag=fasilitas&organization=dinkes&q=jumlah").await,
        ["jumlah-puskesmas"]
    );

    let page = app
        .get("/api/v1/datasets?limit=2&offset=0", token)
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        (
            page.json["total"].as_u64(),
            page.json["items"].as_array().map(Vec::len)
        ),
        (Some(3), Some(2))
    );
    let rest = app
        .get("/api/v1/datasets?limit=2&offset=2", token)
        .await
        .expect(StatusCode::OK);
    assert_eq!(rest.json["items"].as_array().map(Vec::len), Some(1));

    // A renamed OPD is found under its new name.
    app.patch_json(
        "/api/v1/organizations/disdik",
        Some(&app.tokens.walidata),
        json!({"short_name": "Disdikbud"}),
    )
    .await
    .expect(StatusCode::OK);
    assert_eq!(find("q=disdikbud").await, ["jumlah-sekolah-dasar"]);

    // An unknown topik is an error, not an empty list.
    let bad = app
        .get("/api/v1/datasets?topik=olahraga", token)
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json["error"]["field"], "topik");
}

async fn anonymous_sees_only_public_datasets(app: TestApp) {
    seed(&app).await;
    let t = &app.tokens;
    let anonymous = app
        .get("/api/v1/datasets", None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(anonymous.json["total"], 0);
    app.get("/api/v1/datasets/jumlah-puskesmas", None)
        .await
        .expect(StatusCode::NOT_FOUND);

    // Publishing a Terbuka dataset makes it public.
    app.publish(
        "jumlah-puskesmas",
        b"kecamatan,jumlah,satuan,tahun\nMagersari,3,Unit,2024\n",
    )
    .await;
    let anonymous = app
        .get("/api/v1/datasets?q=jumlah", None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(slugs(&anonymous.json), ["jumlah-puskesmas"]);
    app.get("/api/v1/datasets/jumlah-puskesmas", None)
        .await
        .expect(StatusCode::OK);
    app.get("/api/v1/datasets/jumlah-puskesmas/versions", None)
        .await
        .expect(StatusCode::OK);

    // A produsen sees public datasets and its own OPD's.
    let own = app
        .get("/api/v1/datasets", Some(&t.other_produsen))
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        slugs(&own.json),
        ["jumlah-puskesmas", "jumlah-sekolah-dasar"]
    );
}
