//! The other CKAN actions: show and list actions, every error type and token header, and
//! datastore_search over the data API engine.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};

use crate::ckan::{action, assert_package, ckan_error, seed, urlencode};
use crate::support::{TestApp, twin};

twin!(
    show_and_list_actions,
    errors_and_tokens_use_ckan_envelopes,
    datastore_search_queries_the_table,
);

async fn show_and_list_actions(app: TestApp) {
    let (penduduk, _) = seed(&app).await;
    let by_name = action(&app, "package_show", &format!("id={penduduk}")).await;
    assert_package(&by_name);
    let id = by_name["id"].as_str().expect("id");
    let by_id = action(&app, "package_show", &format!("id={id}")).await;
    assert_eq!(by_id["name"], penduduk);

    let resource = &by_name["resources"][0];
    let shown = action(
        &app,
        "resource_show",
        &format!("id={}", resource["id"].as_str().expect("id")),
    )
    .await;
    assert_eq!(&shown, resource);
    let download = app
        .get(
            resource["url"]
                .as_str()
                .expect("url")
                .trim_start_matches("http://satudata.test"),
            None,
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        download.bytes.len() as i64,
        resource["size"].as_i64().expect("size")
    );

    let list = action(&app, "package_list", "").await;
    assert_eq!(list.as_array().expect("list").len(), 2);
    let current = action(&app, "current_package_list_with_resources", "limit=1").await;
    assert_eq!(current.as_array().expect("list").len(), 1);
    assert_package(&current[0]);

    let orgs = action(&app, "organization_list", "").await;
    assert_eq!(orgs, json!(["dinkes", "disdik"]));
    let full = action(&app, "organization_list", "all_fields=true").await;
    assert_eq!(full[0]["name"], "dinkes");
    assert_eq!(
        full[0]["package_count"], 1,
        "only public published datasets count"
    );
    let org_id = by_name["organization"]["id"].as_str().expect("org id");
    let org = action(
        &app,
        "organization_show",
        &format!("id={org_id}&include_datasets=true"),
    )
    .await;
    assert_eq!(org["name"], "dinkes");
    assert_eq!(org["packages"].as_array().expect("packages").len(), 1);

    let groups = action(&app, "group_list", "").await;
    assert_eq!(groups.as_array().expect("groups").len(), 10);
    let group = action(
        &app,
        "group_show",
        "id=pembangunan-daerah&include_datasets=true",
    )
    .await;
    assert_eq!(group["package_count"], 1);
    assert_eq!(group["packages"][0]["name"], penduduk);
    let tags = action(&app, "tag_list", "").await;
    assert_eq!(tags, json!(["kependudukan", "pendidikan", "penduduk"]));
    let some = action(&app, "tag_list", "query=duduk").await;
    assert_eq!(some, json!(["kependudukan", "penduduk"]));

    let licences = action(&app, "license_list", "").await;
    assert!(
        licences
            .as_array()
            .expect("licences")
            .iter()
            .any(|l| l["id"] == "cc-by")
    );
    let status = action(&app, "status_show", "").await;
    assert_eq!(status["ckan_version"], "2.9.11");
    let help = action(&app, "help_show", "name=package_search").await;
    assert!(help.as_str().expect("help").contains("fq"));
}

async fn errors_and_tokens_use_ckan_envelopes(app: TestApp) {
    seed(&app).await;
    let search = |q: &str| format!("/api/3/action/package_search?{q}");
    let fq = |f: &str| search(&format!("fq={}", urlencode(f)));
    let (conflict, not_found) = (StatusCode::CONFLICT, StatusCode::NOT_FOUND);
    let cases = [
        (
            "/api/3/action/package_show?id=nope".to_owned(),
            None,
            not_found,
            "Not Found Error",
        ),
        (
            "/api/3/action/package_show".to_owned(),
            None,
            conflict,
            "Validation Error",
        ),
        (search("rows=abc"), None, conflict, "Validation Error"),
        (fq("organization:(a"), None, conflict, "Search Query Error"),
        (fq("nosuchfield:x"), None, conflict, "Search Query Error"),
        (
            fq("metadata_modified:[yesterday TO *]"),
            None,
            conflict,
            "Search Query Error",
        ),
        (
            search("sort=colour+asc"),
            None,
            conflict,
            "Search Query Error",
        ),
        (
            search("facet.field=%5B%22colour%22%5D"),
            None,
            conflict,
            "Search Query Error",
        ),
        (
            "/api/3/action/no_such_action".to_owned(),
            None,
            StatusCode::BAD_REQUEST,
            "Bad Request",
        ),
        (
            "/api/3/action/resource_show?id=not-a-resource".to_owned(),
            None,
            not_found,
            "Not Found Error",
        ),
        (
            search(""),
            Some("wrong-token"),
            StatusCode::FORBIDDEN,
            "Authorization Error",
        ),
    ];
    for (uri, token, status, kind) in cases {
        let error = ckan_error(&app, &uri, token, status, kind).await;
        if uri.ends_with("rows=abc") {
            assert!(error["error"]["rows"].is_array(), "{error}");
        }
    }
    let private = "/api/3/action/package_search?include_private=true";
    let anonymous = app.get(private, None).await.expect(StatusCode::OK);
    assert_eq!(
        anonymous.json["result"]["count"], 2,
        "include_private shows nothing more to the public"
    );
    let walidata = &app.tokens.walidata;
    for (header, value) in [
        ("Authorization", walidata.clone()),
        ("Authorization", format!("Bearer {walidata}")),
        ("X-CKAN-API-Key", walidata.clone()),
    ] {
        let r = app
            .send(
                Request::get(private)
                    .header(header, value)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{header}");
        assert_eq!(
            r.json["result"]["count"], 3,
            "{header}: the Terbatas dataset too"
        );
    }
    let bad_body = app
        .send(
            Request::post("/api/action/package_search")
                .header("Content-Type", "application/json")
                .body(Body::from("[1, 2"))
                .expect("request"),
        )
        .await;
    assert_eq!(bad_body.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad_body.json["success"], false);
}

async fn datastore_search_queries_the_table(app: TestApp) {
    let (penduduk, _) = seed(&app).await;
    let package = action(&app, "package_show", &format!("id={penduduk}")).await;
    let rid = package["resources"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let search = |body: Value| {
        let app = &app;
        let mut body = body;
        body["resource_id"] = json!(rid);
        async move {
            app.post_json("/api/3/action/datastore_search", None, body)
                .await
        }
    };
    let all = search(json!({})).await.expect(StatusCode::OK).json["result"].clone();
    assert_eq!(all["total"], 6);
    assert_eq!(all["fields"][0], json!({"id": "_id", "type": "int"}));
    assert!(
        all["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .any(|f| f["id"] == "jumlah" && f["type"] == "int")
    );
    assert_eq!(all["records"][0]["_id"], 1);
    assert_eq!(all["records"][0]["kecamatan"], "Magersari");

    let eq = search(json!({"filters": {"kecamatan": "Kranggan"}}))
        .await
        .json["result"]
        .clone();
    assert_eq!(eq["total"], 2);
    let list = search(json!({"filters": {"tahun": [2022, 2024]}}))
        .await
        .json["result"]
        .clone();
    assert_eq!(list["total"], 4);
    let range = search(json!({"filters": {"jumlah": {"gte": 200, "lt": 300}}}))
        .await
        .json["result"]
        .clone();
    assert_eq!(range["total"], 2);
    let or =
        search(json!({"filters": {"$or": [{"kecamatan": "Magersari"}, {"jumlah": {"gt": 300}}]}}))
            .await
            .json["result"]
            .clone();
    assert_eq!(or["total"], 3);
    let text = search(json!({"q": "prajurit"})).await.json["result"].clone();
    assert_eq!(text["total"], 2);
    let lists = search(json!({
        "fields": ["kecamatan", "jumlah"],
        "sort": "jumlah desc",
        "limit": 2,
        "records_format": "lists"
    }))
    .await
    .json["result"]
        .clone();
    assert_eq!(
        lists["records"],
        json!([["Kranggan", 310], ["Kranggan", 300]])
    );
    assert!(
        lists["_links"]["next"]
            .as_str()
            .expect("next")
            .contains("offset=2")
    );
    let cursor = lists["next_page"]["after"]
        .as_str()
        .expect("cursor")
        .to_owned();
    let next = search(json!({
        "fields": ["kecamatan", "jumlah"],
        "sort": "jumlah desc",
        "limit": 2,
        "records_format": "lists",
        "after": cursor
    }))
    .await
    .json["result"]
        .clone();
    assert_eq!(
        next["records"],
        json!([["Prajuritkulon", 210], ["Prajuritkulon", 200]])
    );
    let csv =
        search(json!({"fields": ["kecamatan", "tahun"], "limit": 1, "records_format": "csv"}))
            .await
            .json["result"]
            .clone();
    assert_eq!(csv["records"], "Magersari,2022\n");
    // The GET form, with filters as a JSON string.
    let get = action(
        &app,
        "datastore_search",
        &format!(
            "resource_id={rid}&filters={}&include_total=false",
            urlencode(r#"{"tahun": 2023}"#)
        ),
    )
    .await;
    assert_eq!(get["records"].as_array().expect("records").len(), 2);
    assert!(get.get("total").is_none());
    let bad = search(json!({"filters": {"warna": "merah"}})).await;
    assert_eq!(bad.status, StatusCode::CONFLICT);
    assert_eq!(bad.json["error"]["__type"], "Validation Error");
    assert!(
        bad.json["error"]["filters.warna"].is_array(),
        "{}",
        bad.json
    );
}
