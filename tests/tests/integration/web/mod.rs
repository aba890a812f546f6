//! The public portal (`satudata-web`) through the real router: every page renders with strict
//! templates for public, Terbatas and Tertutup datasets, nothing non-public reaches an
//! anonymous visitor, caching and security headers, the 410 page, English, download counts,
//! and the filters and catalogues against the contract's cases.

mod contract;
mod pages;
mod privacy;
mod table;
mod workspace;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;

use crate::support::{TestApp, TestResponse};

/// The published table of the test datasets: years, kecamatan names, a measure.
pub(crate) const TABLE: &[u8] =
    b"kode_kecamatan,nama_kecamatan,jenis_kelamin,jumlah,satuan,tahun\n\
35.76.01,Prajuritkulon,Laki-laki,100,Jiwa,2022\n35.76.01,Prajuritkulon,Perempuan,110,Jiwa,2022\n\
35.76.02,Magersari,Laki-laki,200,Jiwa,2023\n35.76.02,Magersari,Perempuan,210,Jiwa,2023\n\
35.76.03,Kranggan,Laki-laki,1300,Jiwa,2024\n35.76.03,Kranggan,Perempuan,1310,Jiwa,2024\n";

/// The seeded datasets' slugs.
pub(crate) struct Seeded {
    /// Terbuka, published twice (two versions), with metadata.
    pub public: String,
    /// Terbuka, published, another OPD.
    pub other: String,
    /// Terbatas, published.
    pub terbatas: String,
    /// Tertutup, published.
    pub tertutup: String,
    /// Terbuka, published, then withdrawn.
    pub withdrawn: String,
    /// Terbuka, never published.
    pub draft: String,
}

/// Titles of the datasets an anonymous visitor must not see (their slugs are these with
/// hyphens); each has a word no other text of the portal has.
pub(crate) const SECRET_TITLES: [&str; 4] = [
    "Data Pasien Zebraxa",
    "Anggaran Quokkaz",
    "Data Wombatix",
    "Yakulto Belum Tayang",
];

pub(crate) async fn seed(app: &TestApp) -> Seeded {
    let public = app
        .dataset(json!({
            "title": "Jumlah Penduduk Menurut Kecamatan", "organization": "dinkes",
            "description": "Penduduk Kota Mojokerto per kecamatan dan jenis kelamin.\n\nSumber: registrasi.",
            "tags": ["penduduk", "kependudukan"], "topik": "Pemerintahan Umum",
            "frekuensi": "Tahunan", "temporal_start": "2022-01-01", "temporal_end": "2024-12-31",
            "ukuran": "Jumlah", "satuan": "Jiwa", "cakupan_wilayah": "35.76",
            "contact_name": "Bidang Data", "contact_email": "data@dinkes.go.id",
            "msind": {"nama_indikator": "Jumlah Penduduk", "konsep": "Penduduk", "definisi": "Orang yang berdomisili",
                      "klasifikasi_penyajian": ["kecamatan"], "indikator_komposit": false},
            "mskeg": {"judul_kegiatan": "Registrasi Penduduk", "tahun_kegiatan": "2024"}
        }))
        .await;
    app.publish(&public, TABLE).await;
    let second: Vec<u8> = [TABLE, b"35.76.03,Kranggan,Laki-laki,5,Jiwa,2025\n"].concat();
    app.publish(&public, &second).await;
    let other = app
        .dataset(
            json!({"title": "Jumlah Sekolah Dasar", "organization": "disdik",
                        "topik": "Pendidikan dan Tenaga Kerja", "frekuensi": "Bulanan",
                        "temporal_start": "2023-01-01", "temporal_end": "2023-12-31"}),
        )
        .await;
    app.publish(&other, TABLE).await;
    let terbatas = app
        .dataset(json!({"title": "Data Pasien Zebraxa", "organization": "dinkes", "akses": "Terbatas",
                        "topik": "Perlindungan Sosial dan Kesehatan", "frekuensi": "Harian",
                        "temporal_start": "2019-01-01", "temporal_end": "2019-12-31", "tags": ["pasien"]}))
        .await;
    app.publish(&terbatas, TABLE).await;
    let tertutup = app
        .dataset(
            json!({"title": "Anggaran Quokkaz", "organization": "disdik", "akses": "Tertutup",
                        "topik": "Ekonomi dan Industri", "frekuensi": "Semesteran",
                        "temporal_start": "2018-01-01", "temporal_end": "2018-12-31"}),
        )
        .await;
    app.publish(&tertutup, TABLE).await;
    let withdrawn = app
        .dataset(json!({"title": "Data Wombatix", "organization": "dinkes", "topik": "Budaya dan Agama"}))
        .await;
    app.publish(&withdrawn, TABLE).await;
    app.post_json(
        &format!("/api/v1/datasets/{withdrawn}/unpublish"),
        Some(&app.tokens.walidata),
        json!({"reason": "Data ganda dengan dataset lain"}),
    )
    .await
    .expect(StatusCode::OK);
    let draft = app
        .dataset(json!({"title": "Yakulto Belum Tayang", "organization": "dinkes", "topik": "Pendukung Umum"}))
        .await;
    app.upload(&draft, Some(&app.tokens.walidata), "text/csv", TABLE)
        .await
        .expect(StatusCode::CREATED);
    Seeded {
        public,
        other,
        terbatas,
        tertutup,
        withdrawn,
        draft,
    }
}

/// A page's response with its body as text.
pub(crate) struct Page {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub html: String,
}

impl From<TestResponse> for Page {
    fn from(r: TestResponse) -> Self {
        Self {
            status: r.status,
            headers: r.headers,
            html: String::from_utf8_lossy(&r.bytes).into_owned(),
        }
    }
}

/// GET a page as a browser does (optionally signed in with a bearer token).
pub(crate) async fn browse(app: &TestApp, uri: &str, token: Option<&str>) -> Page {
    let mut request = Request::get(uri).header(
        header::ACCEPT,
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    );
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    app.send(request.body(Body::empty()).expect("request"))
        .await
        .into()
}

/// GET a page and require an HTML answer with `status`.
#[track_caller]
pub(crate) fn html(page: Page, status: StatusCode, uri: &str) -> Page {
    assert_eq!(page.status, status, "{uri}: {}", excerpt(&page.html));
    let kind = page.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap_or_default();
    assert!(kind.starts_with("text/html"), "{uri}: {kind}");
    assert!(page.html.starts_with("<!DOCTYPE html>"), "{uri}");
    page
}

/// The part of a page worth printing in a failure.
pub(crate) fn excerpt(html: &str) -> String {
    let start = html.find("<main").unwrap_or(0);
    html[start..].chars().take(1500).collect()
}
