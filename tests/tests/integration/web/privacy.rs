//! No dataset an anonymous visitor may not read (Terbatas, Tertutup, withdrawn, never
//! published) appears in any page or in any count.

use axum::http::StatusCode;

use super::{SECRET_TITLES, browse, excerpt, html, seed};
use crate::support::{TestApp, twin};

twin!(anonymous_visitors_see_only_public_datasets);

async fn anonymous_visitors_see_only_public_datasets(app: TestApp) {
    let s = seed(&app).await;
    let pages = [
        "/",
        "/dataset",
        "/dataset?q=data",
        "/dataset?q=zebraxa",
        "/dataset?q=quokkaz+anggaran",
        "/dataset?akses=Terbatas&akses=Tertutup",
        "/dataset?topik=Perlindungan+Sosial+dan+Kesehatan",
        "/dataset?topik=Ekonomi+dan+Industri&topik=Budaya+dan+Agama&topik=Pendukung+Umum",
        "/dataset?tahun=2019&tahun=2018",
        "/dataset?frekuensi=Harian&frekuensi=Semesteran",
        "/dataset?urut=unduhan",
        "/dataset?urut=judul",
        "/opd",
        "/opd/dinkes",
        "/opd/disdik",
        "/topik",
        "/topik/perlindungan-sosial-dan-kesehatan",
        "/topik/ekonomi-dan-industri",
        "/topik/budaya-dan-agama",
        "/topik/pendukung-umum",
        "/standar-data",
    ];
    for path in pages {
        for uri in [
            path.to_owned(),
            format!("/en{}", if path == "/" { "/" } else { path }),
        ] {
            let page = html(browse(&app, &uri, None).await, StatusCode::OK, &uri);
            let lower = page.html.to_lowercase();
            for title in SECRET_TITLES {
                let slug = title.to_lowercase().replace(' ', "-");
                assert!(
                    !lower.contains(&title.to_lowercase()) && !lower.contains(&slug),
                    "{uri} shows {title}: {}",
                    excerpt(&page.html)
                );
            }
        }
    }
    // Counts: two public datasets, one per OPD; the private years, topik and frekuensi are not
    // offered; the akses facet is not offered to anonymous visitors at all.
    let search = browse(&app, "/dataset", None).await.html;
    assert!(search.contains(">2 dataset<"), "{}", excerpt(&search));
    for absent in [
        "value=\"2018\"",
        "value=\"2019\"",
        "value=\"Harian\"",
        "value=\"Semesteran\"",
        "name=\"akses\"",
        "value=\"Perlindungan Sosial dan Kesehatan\"",
        "value=\"Budaya dan Agama\"",
    ] {
        assert!(!search.contains(absent), "search offers {absent}");
    }
    assert!(search.contains("value=\"2022\""));
    // Dinas Kesehatan owns four datasets but one is public.
    assert!(
        search.contains("Dinas Kesehatan <span class=\"facet__count\">(1<"),
        "{}",
        excerpt(&search)
    );
    let filtered = browse(&app, "/dataset?akses=Terbatas", None).await.html;
    assert!(
        filtered.contains(">2 dataset<"),
        "akses is ignored for anonymous visitors"
    );
    let years = browse(&app, "/dataset?tahun=2019", None).await.html;
    assert!(years.contains("Tidak ada dataset yang cocok."));
    let home = browse(&app, "/", None).await.html;
    assert!(
        home.contains("<span class=\"totals__n\">2</span> dataset"),
        "{}",
        excerpt(&home)
    );
    let topik = browse(&app, "/topik/perlindungan-sosial-dan-kesehatan", None)
        .await
        .html;
    assert!(
        topik.contains("Belum ada dataset") || topik.contains("class=\"empty\""),
        "{}",
        excerpt(&topik)
    );
    let opd = browse(&app, "/opd", None).await.html;
    assert!(
        !opd.contains("<td class=\"num\">2</td>"),
        "{}",
        excerpt(&opd)
    );
    // Signed-in readers see the Terbatas one in counts; a Tertutup one stays with its OPD.
    let signed_in = browse(&app, "/dataset", Some(&app.tokens.pembina))
        .await
        .html;
    assert!(signed_in.contains(">3 dataset<"), "{}", excerpt(&signed_in));
    let _ = s;
}
