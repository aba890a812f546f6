//! The harvest response cache: anonymous CKAN and DCAT answers are reused only while the
//! catalogue generation is unchanged, whoever changes the catalogue (the API, the CLI or
//! another tool writing to the database), and never shared with signed-in callers.

use axum::http::StatusCode;
use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::ckan::{action, ckan_error, seed};
use crate::support::{TestApp, TestResponse, twin};

twin!(
    cached_answers_follow_every_change,
    pages_walked_in_order_match_pages_asked_directly
);

fn text(response: &TestResponse) -> String {
    String::from_utf8_lossy(&response.bytes).into_owned()
}

async fn cached_answers_follow_every_change(app: TestApp) {
    let (penduduk, _) = seed(&app).await;
    let before = app.catalog.generation().await.expect("generation");
    let query = format!("id={penduduk}");
    let show = |app| action(app, "package_show", &query);
    let first = show(&app).await;
    assert_eq!(first["organization"]["title"], "Dinas Kesehatan");
    let ttl_uri = "/catalog.ttl";
    let ttl = app.get(ttl_uri, None).await.expect(StatusCode::OK);
    assert_eq!(show(&app).await, first);
    assert_eq!(app.get(ttl_uri, None).await.bytes, ttl.bytes);
    assert_eq!(
        app.catalog.generation().await.expect("generation"),
        before,
        "reads must not change the catalogue generation"
    );

    // Another tool renames the OPD straight in the database: no request told the cache.
    app.catalog
        .db()
        .execute_unprepared(
            "UPDATE organization SET name = 'Dinas Kesehatan Kota' WHERE slug = 'dinkes'",
        )
        .await
        .expect("rename");
    assert!(app.catalog.generation().await.expect("generation") > before);
    assert_eq!(
        show(&app).await["organization"]["title"],
        "Dinas Kesehatan Kota"
    );
    let renamed = app.get(ttl_uri, None).await.expect(StatusCode::OK);
    assert!(text(&renamed).contains("Dinas Kesehatan Kota"));
    let dataset_ttl = app
        .get(&format!("/dataset/{penduduk}.ttl"), None)
        .await
        .expect(StatusCode::OK);
    assert!(text(&dataset_ttl).contains("Dinas Kesehatan Kota"));

    // A change through the API.
    app.patch_json(
        &format!("/api/v1/datasets/{penduduk}"),
        Some(&app.tokens.walidata),
        json!({"title": "Penduduk per Kecamatan (Revisi)"}),
    )
    .await
    .expect(StatusCode::OK);
    assert_eq!(show(&app).await["title"], "Penduduk per Kecamatan (Revisi)");
    let dataset_ttl = app
        .get(&format!("/dataset/{penduduk}.ttl"), None)
        .await
        .expect(StatusCode::OK);
    assert!(text(&dataset_ttl).contains("Penduduk per Kecamatan (Revisi)"));

    // Signed-in callers are answered afresh and their answers are not shared.
    let private = "include_private=true&q=Pasien";
    let anonymous = action(&app, "package_search", private).await;
    assert_eq!(anonymous["count"], 0);
    let signed_in = app
        .get(
            &format!("/api/3/action/package_search?{private}"),
            Some(&app.tokens.walidata),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(signed_in.json["result"]["count"], 1);
    assert_eq!(action(&app, "package_search", private).await["count"], 0);

    // Errors are not cached: the missing dataset appears once created and published.
    let counted = action(&app, "package_search", "rows=0").await["count"].clone();
    let missing = "/api/3/action/package_show?id=data-baru";
    ckan_error(
        &app,
        missing,
        None,
        StatusCode::NOT_FOUND,
        "Not Found Error",
    )
    .await;
    let baru = app
        .dataset(json!({"title": "Data Baru", "organization": "dinkes"}))
        .await;
    assert_eq!(baru, "data-baru");
    app.publish(
        &baru,
        b"kecamatan,jumlah,satuan,tahun\nMagersari,1,Jiwa,2024\n",
    )
    .await;
    assert_eq!(
        action(&app, "package_show", "id=data-baru").await["name"],
        "data-baru"
    );
    // Counts are kept per generation too: the new dataset is counted at once.
    let now = action(&app, "package_search", "rows=0").await["count"].clone();
    assert_eq!(now.as_u64(), counted.as_u64().map(|n| n + 1));
}

/// Dataset URIs of a catalogue page.
fn datasets_of(page: &TestResponse) -> std::collections::BTreeSet<String> {
    text(page)
        .split(['<', '>'])
        .filter(|part| {
            // The dataset nodes (by UUID), not their landing pages (by slug).
            part.strip_prefix("http://satudata.test/dataset/")
                .is_some_and(|rest| uuid::Uuid::parse_str(rest).is_ok())
        })
        .map(str::to_owned)
        .collect()
}

async fn pages_walked_in_order_match_pages_asked_directly(app: TestApp) {
    seed(&app).await;
    for title in ["Data Tiga", "Data Empat"] {
        let slug = app
            .dataset(json!({"title": title, "organization": "disdik"}))
            .await;
        app.publish(
            &slug,
            b"kecamatan,jumlah,satuan,tahun\nMagersari,1,Jiwa,2024\n",
        )
        .await;
    }
    // Walking page by page: pages 2 and 3 start after the previous page's last dataset.
    let mut walked = Vec::new();
    for page in 1..=4 {
        let r = app
            .get(&format!("/catalog.ttl?per_page=1&page={page}"), None)
            .await
            .expect(StatusCode::OK);
        let found = datasets_of(&r);
        assert_eq!(found.len(), 1, "page {page}: {found:?}");
        walked.extend(found);
    }
    let distinct: std::collections::BTreeSet<_> = walked.iter().collect();
    assert_eq!(distinct.len(), 4, "{walked:?}");
    // Asked directly (another page size: no earlier page known, so an offset): same order.
    let direct = app
        .get("/catalog.ttl?per_page=2&page=2", None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(datasets_of(&direct), walked[2..4].iter().cloned().collect());

    // The CKAN harvester's walk (sort=id asc, start growing by rows) against a direct page.
    let mut ids = Vec::new();
    for start in 0..5 {
        let page = action(
            &app,
            "package_search",
            &format!("rows=1&start={start}&sort=id+asc"),
        )
        .await;
        ids.extend(
            page["results"]
                .as_array()
                .expect("results")
                .iter()
                .map(|p| p["id"].clone()),
        );
    }
    assert_eq!(
        ids.len(),
        4,
        "four public datasets, then an empty page: {ids:?}"
    );
    let mut sorted = ids.clone();
    sorted.sort_by_key(|id| id.as_str().map(str::to_owned));
    assert_eq!(ids, sorted, "in id order");
    let direct = action(&app, "package_search", "rows=2&start=2&sort=id+asc").await;
    let direct: Vec<_> = direct["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|p| p["id"].clone())
        .collect();
    assert_eq!(direct, ids[2..4].to_vec());
}
