//! Catalogue feeds for harvesters: data.json and DCAT-AP (paging, content negotiation, the
//! schema.org profile), and the CSVW description of CSV downloads. Their conformance to the official schemas and shapes is checked by
//! tests/conformance/harvest_check.py with the real tools.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;

use crate::ckan::seed;
use crate::support::{TestApp, twin};

twin!(
    data_json_lists_public_datasets,
    dcat_pages_and_negotiates,
    csv_downloads_point_to_csvw_metadata,
    portal_extent_gives_the_region_coordinates,
);

async fn data_json_lists_public_datasets(app: TestApp) {
    let (penduduk, sekolah) = seed(&app).await;
    let r = app.get("/data.json", None).await.expect(StatusCode::OK);
    assert_eq!(
        r.json["conformsTo"],
        "https://project-open-data.cio.gov/v1.1/schema"
    );
    let datasets = r.json["dataset"].as_array().expect("datasets");
    let titles: Vec<&str> = datasets
        .iter()
        .map(|d| d["title"].as_str().expect("title"))
        .collect();
    assert_eq!(
        datasets.len(),
        2,
        "public published datasets only: {titles:?}"
    );
    let d = datasets
        .iter()
        .find(|d| {
            d["landingPage"]
                .as_str()
                .is_some_and(|l| l.ends_with(&penduduk))
        })
        .expect("penduduk");
    assert_eq!(d["accessLevel"], "public");
    assert_eq!(d["accrualPeriodicity"], "R/P1Y");
    assert_eq!(d["prioritas_tahun"], 2025);
    assert_eq!(d["accessRights"], "Terbuka");
    assert_eq!(d["keyword"], json!(["kependudukan", "penduduk"]));
    assert_eq!(d["distribution"].as_array().expect("distribution").len(), 4);
    assert!(d["produsen_data_name"].is_string());
    // What the national DCAT-JSON converter reads as extra top-level keys.
    assert_eq!(d["id_msind"], "MSIND-3576-0001");
    assert_eq!(d["judul_kegiatan"], "Registrasi Penduduk");
    assert_eq!(d["tahun_kegiatan"], "2024");
    assert_eq!(d["msind_konsep"], "Penduduk");
    assert!(datasets.iter().any(|d| {
        d["landingPage"]
            .as_str()
            .is_some_and(|l| l.ends_with(&sekolah))
    }));
}

async fn dcat_pages_and_negotiates(app: TestApp) {
    let (penduduk, _) = seed(&app).await;
    let page = app
        .get("/catalog.ttl?per_page=1", None)
        .await
        .expect(StatusCode::OK);
    let ttl = String::from_utf8(page.bytes).expect("utf-8");
    assert!(
        page.headers[header::CONTENT_TYPE]
            .to_str()
            .expect("type")
            .starts_with("text/turtle")
    );
    assert!(ttl.contains("hydra:PagedCollection"), "{ttl}");
    assert!(
        ttl.contains("hydra:next <http://satudata.test/catalog.ttl?page=2&per_page=1>"),
        "{ttl}"
    );
    assert!(
        ttl.contains("hydra:totalItems 2") || ttl.contains("hydra:totalItems \"2\""),
        "{ttl}"
    );
    assert_eq!(ttl.matches("a dcat:Dataset").count(), 1);
    let last = app
        .get("/catalog.ttl?per_page=1&page=2", None)
        .await
        .expect(StatusCode::OK);
    assert!(!String::from_utf8_lossy(&last.bytes).contains("hydra:next "));
    let future = app
        .get("/catalog.jsonld?modified_since=2999-01-01", None)
        .await
        .expect(StatusCode::OK);
    let body = String::from_utf8_lossy(&future.bytes);
    assert!(future.json.is_object(), "JSON-LD parses as JSON: {body}");
    assert!(body.contains("Catalog"), "{body}");
    assert!(
        !body.contains("dcat:Dataset") && !body.contains("ns/dcat#Dataset"),
        "nothing modified after 2999: {body}"
    );
    app.get("/catalog.ttl?modified_since=kemarin", None)
        .await
        .expect(StatusCode::BAD_REQUEST);
    let rdf = app
        .get(&format!("/dataset/{penduduk}.rdf"), None)
        .await
        .expect(StatusCode::OK);
    assert!(String::from_utf8_lossy(&rdf.bytes).contains("<rdf:RDF"));
    let schema = app
        .get(
            &format!("/dataset/{penduduk}.jsonld?profile=schemaorg"),
            None,
        )
        .await
        .expect(StatusCode::OK);
    assert!(
        schema
            .json
            .to_string()
            .contains("https://schema.org/Dataset"),
        "{}",
        schema.json
    );
    let negotiated = app
        .send(
            Request::get(format!("/dataset/{penduduk}"))
                .header(header::ACCEPT, "application/ld+json")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(negotiated.status, StatusCode::OK);
    assert_eq!(
        negotiated.headers[header::CONTENT_TYPE],
        "application/ld+json"
    );
    let html = app
        .send(
            Request::get(format!("/dataset/{penduduk}"))
                .header(header::ACCEPT, "text/html")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    // A browser gets the dataset's page, the dcat:landingPage.
    assert_eq!(html.status, StatusCode::OK);
    assert!(
        html.headers[header::CONTENT_TYPE]
            .to_str()
            .is_ok_and(|t| t.starts_with("text/html")),
        "{:?}",
        html.headers
    );
    assert!(String::from_utf8_lossy(&html.bytes).contains("<html lang=\"id\">"));
    let vary = html.headers[header::VARY]
        .to_str()
        .unwrap_or_default()
        .to_owned();
    assert!(vary.contains("Accept"), "{vary}");
    let page = app
        .send(
            Request::get(format!("/dataset/{penduduk}.ttl"))
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert!(
        String::from_utf8_lossy(&page.bytes)
            .contains(&format!("<http://satudata.test/dataset/{penduduk}>")),
        "dcat:landingPage is the portal's page"
    );
    app.get("/dataset/tidak-ada.ttl", None)
        .await
        .expect(StatusCode::NOT_FOUND);
}

async fn csv_downloads_point_to_csvw_metadata(app: TestApp) {
    let (penduduk, _) = seed(&app).await;
    for here in [
        format!("/datasets/{penduduk}"),
        format!("/datasets/{penduduk}/versions/1"),
    ] {
        let csv = app
            .get(&format!("{here}/data.csv"), None)
            .await
            .expect(StatusCode::OK);
        assert_eq!(
            csv.headers[header::LINK],
            format!(
                "<http://satudata.test{here}/data.csv-metadata.json>; rel=\"describedby\"; type=\"application/csvm+json\""
            )
            .as_str()
        );
        let meta = app
            .get(&format!("{here}/data.csv-metadata.json"), None)
            .await
            .expect(StatusCode::OK);
        assert_eq!(meta.headers[header::CONTENT_TYPE], "application/csvm+json");
        assert_eq!(
            meta.json["url"],
            format!("http://satudata.test{here}/data.csv")
        );
        let header_line = String::from_utf8_lossy(&csv.bytes)
            .lines()
            .next()
            .expect("header")
            .to_owned();
        let titles: Vec<&str> = meta.json["tableSchema"]["columns"]
            .as_array()
            .expect("columns")
            .iter()
            .map(|c| c["titles"].as_str().expect("titles"))
            .collect();
        assert_eq!(titles.join(","), header_line);
        let jumlah = meta.json["tableSchema"]["columns"]
            .as_array()
            .expect("columns")
            .iter()
            .find(|c| c["name"] == "jumlah")
            .expect("jumlah");
        assert_eq!(jumlah["datatype"], "integer");
    }
    let json = app
        .get(&format!("/datasets/{penduduk}/data.json"), None)
        .await
        .expect(StatusCode::OK);
    assert!(
        !json.headers.contains_key(header::LINK),
        "only CSV has a CSVW description"
    );
}

async fn portal_extent_gives_the_region_coordinates(app: TestApp) {
    let (penduduk, _) = seed(&app).await;
    let admin = Some(app.tokens.admin.as_str());
    for bad in [
        json!([112.46, -7.5, 112.41, -7.44]),
        json!([200, 0, 201, 1]),
        json!([1, 2, 3]),
    ] {
        app.patch_json("/api/v1/portal", admin, json!({"bbox": bad}))
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY);
    }
    let set = app
        .patch_json(
            "/api/v1/portal",
            admin,
            json!({"region_code": "35.76", "bbox": [112.41, -7.5, 112.46, -7.44]}),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(set.json["bbox"], json!([112.41, -7.5, 112.46, -7.44]));
    let ttl = app
        .get(&format!("/dataset/{penduduk}.ttl"), None)
        .await
        .expect(StatusCode::OK);
    let ttl = String::from_utf8_lossy(&ttl.bytes);
    assert!(
        ttl.contains(
            "POLYGON((112.41 -7.5, 112.46 -7.5, 112.46 -7.44, 112.41 -7.44, 112.41 -7.5))"
        ),
        "{ttl}"
    );
    assert!(ttl.contains("dcat:centroid \"POINT("), "{ttl}");
    let cleared = app
        .patch_json("/api/v1/portal", admin, json!({"bbox": null}))
        .await
        .expect(StatusCode::OK);
    assert_eq!(cleared.json["bbox"], json!(null));
}
