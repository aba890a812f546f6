//! Unbounded recursion and unbounded plans: nested, long and wide queries are refused with a
//! clear error (CKAN's Search Query Error for q/fq, our envelope's 400 for the data API), and
//! long value lists are one set-membership test.

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use serde_json::json;

use super::still_healthy;
use crate::review::CLEAN;
use crate::support::{TestApp, twin};

twin!(
    nested_and_wide_searches_are_search_query_errors,
    value_lists_and_words_are_bounded,
    repeated_names_in_the_data_api_are_400s,
);

fn ckan_error(app_response: &crate::support::TestResponse) -> String {
    app_response.json["error"]["__type"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn nested_and_wide_searches_are_search_query_errors(app: TestApp) {
    let deep = format!("{}a{}", "(".repeat(1_750), ")".repeat(1_750));
    let nots = format!("{}organization:x", "-".repeat(2_000));
    let ors = vec!["organization:dinkes"; 3_000].join(" OR ");
    let words = vec!["puskesmas"; 600].join(" ");
    // The reported example in a query string (3.5 KB) ...
    for param in ["fq", "q"] {
        let uri = format!("/api/3/action/package_search?{param}={}", urlencode(&deep));
        let r = app.get(&uri, None).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{param}: {}", r.json);
        assert_eq!(ckan_error(&r), "Search Query Error", "{param}");
        still_healthy(&app).await;
    }
    // ... and variants POSTed as ckanapi does (3,000 OR terms are too long for a URL).
    for (param, text) in [
        ("fq", &deep),
        ("fq", &nots),
        ("fq", &ors),
        ("q", &ors),
        ("q", &words),
    ] {
        let r = app
            .post_json("/api/3/action/package_search", None, json!({ param: text }))
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{param}: {}", r.json);
        assert_eq!(ckan_error(&r), "Search Query Error", "{param}");
        still_healthy(&app).await;
    }
    // Ordinary harvester queries still work.
    app.get(
        "/api/3/action/package_search?fq=organization:dinkes%20OR%20organization:disdik",
        None,
    )
    .await
    .expect(StatusCode::OK);
}

/// Percent-encodes a query value.
fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

async fn value_lists_and_words_are_bounded(app: TestApp) {
    let slug = app
        .dataset(json!({"title": "Penduduk per Kecamatan", "organization": "dinkes"}))
        .await;
    app.publish(&slug, CLEAN).await;
    let data = format!("/api/v1/datasets/{slug}/data");
    // 1,000 values took 21 s and 3.8 GB as an OR chain; it is one membership test now.
    let thousand: Vec<String> = (3_000..3_999).map(|y| y.to_string()).collect();
    let started = Instant::now();
    let r = app
        .get(
            &format!("{data}?filter[jumlah][in]={},2210", thousand.join(",")),
            None,
        )
        .await
        .expect(StatusCode::OK);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(r.json["total"], 1, "{}", r.json);
    let five_thousand: Vec<String> = (0..5_000).map(|y| y.to_string()).collect();
    let r = app
        .get(
            &format!("{data}?filter[jumlah][in]={}", five_thousand.join(",")),
            None,
        )
        .await
        .expect(StatusCode::BAD_REQUEST);
    assert_eq!(r.json["error"]["field"], "filter[jumlah][in]");
    still_healthy(&app).await;

    // datastore_search: a 600-word q exhausted 12 GiB; a filters list of 1,000 took 14 s.
    let resource = app
        .get(&format!("/api/3/action/package_show?id={slug}"), None)
        .await
        .expect(StatusCode::OK);
    let resource_id = resource.json["result"]["resources"][0]["id"]
        .as_str()
        .expect("resource id")
        .to_owned();
    let words = vec!["kata"; 600].join(" ");
    let r = app
        .post_json(
            "/api/3/action/datastore_search",
            None,
            json!({"resource_id": resource_id, "q": words}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.json);
    assert_eq!(ckan_error(&r), "Search Query Error");
    let values: Vec<i64> = (0..1_000).collect();
    let started = Instant::now();
    let r = app
        .post_json(
            "/api/3/action/datastore_search",
            None,
            json!({"resource_id": resource_id, "filters": {"jumlah": values}}),
        )
        .await
        .expect(StatusCode::OK);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(r.json["result"]["total"], 0, "{}", r.json);
    let mut nested = json!({"jumlah": 1234});
    for _ in 0..40 {
        nested = json!({"$or": [nested]});
    }
    let r = app
        .post_json(
            "/api/3/action/datastore_search",
            None,
            json!({"resource_id": resource_id, "filters": nested}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.json);
    still_healthy(&app).await;
}

async fn repeated_names_in_the_data_api_are_400s(app: TestApp) {
    let slug = app
        .dataset(json!({"title": "Penduduk per Kecamatan", "organization": "dinkes"}))
        .await;
    app.publish(&slug, CLEAN).await;
    let data = format!("/api/v1/datasets/{slug}/data");
    for (query, field) in [
        ("select=jumlah,jumlah", "select"),
        ("group_by=tahun,tahun&agg=sum:jumlah", "group_by"),
        ("group_by=tahun&agg=sum:jumlah,sum:jumlah", "agg"),
        ("sort=tahun,-tahun", "sort"),
    ] {
        let r = app
            .get(&format!("{data}?{query}"), None)
            .await
            .expect(StatusCode::BAD_REQUEST);
        assert_eq!(r.json["error"]["field"], field, "{query}");
    }
    app.get(
        &format!("{data}?group_by=tahun&agg=sum:jumlah,max:jumlah"),
        None,
    )
    .await
    .expect(StatusCode::OK);
    still_healthy(&app).await;
}
