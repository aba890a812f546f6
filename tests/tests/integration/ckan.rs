//! The CKAN Action API as CKAN clients and harvesters use it: envelopes, every key of
//! package and resource dictionaries, Solr-style fq, paging, facets, errors, tokens, and
//! datastore_search over the data API engine.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, twin};

twin!(
    package_search_speaks_ckan,
    show_and_list_actions,
    errors_and_tokens_use_ckan_envelopes,
    datastore_search_queries_the_table,
);

const TABLE: &[u8] = b"kecamatan,jenis_kelamin,jumlah,satuan,tahun\n\
Magersari,Laki-laki,100,Jiwa,2022\nMagersari,Perempuan,110,Jiwa,2022\n\
Prajuritkulon,Laki-laki,200,Jiwa,2023\nPrajuritkulon,Perempuan,210,Jiwa,2023\n\
Kranggan,Laki-laki,300,Jiwa,2024\nKranggan,Perempuan,310,Jiwa,2024\n";

/// Two public published datasets, one Terbatas published, one draft.
pub(crate) async fn seed(app: &TestApp) -> (String, String) {
    let penduduk = app
        .dataset(json!({
            "title": "Jumlah Penduduk per Kecamatan",
            "organization": "dinkes",
            "topik": "Pembangunan Daerah",
            "tags": ["penduduk", "kependudukan"],
            "frekuensi": "Tahunan",
            "satuan": "Jiwa",
            "msind": {"konsep": "Penduduk", "klasifikasi_penyajian": ["kecamatan", "jenis kelamin"]}
        }))
        .await;
    app.publish(&penduduk, TABLE).await;
    // Data Prioritas after publication (before, it would need a pembina's approval too).
    app.patch_json(
        &format!("/api/v1/datasets/{penduduk}"),
        Some(&app.tokens.walidata),
        json!({"prioritas_tahun": 2025}),
    )
    .await
    .expect(StatusCode::OK);
    let sekolah = app
        .dataset(
            json!({"title": "Jumlah Sekolah", "organization": "disdik", "tags": ["pendidikan"]}),
        )
        .await;
    app.publish(&sekolah, TABLE).await;
    let terbatas = app
        .dataset(json!({"title": "Data Pasien", "organization": "dinkes", "akses": "Terbatas"}))
        .await;
    app.publish(&terbatas, TABLE).await;
    app.dataset(json!({"title": "Draf Anggaran", "organization": "dinkes"}))
        .await;
    (penduduk, sekolah)
}

async fn action(app: &TestApp, name: &str, query: &str) -> Value {
    let r = app
        .get(&format!("/api/3/action/{name}?{query}"), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(r.json["success"], true, "{}", r.json);
    assert_eq!(
        r.json["help"],
        format!("http://satudata.test/api/3/action/help_show?name={name}")
    );
    r.json["result"].clone()
}

async fn ckan_error(
    app: &TestApp,
    uri: &str,
    token: Option<&str>,
    status: StatusCode,
    kind: &str,
) -> Value {
    let mut request = Request::get(uri);
    if let Some(t) = token {
        request = request.header("Authorization", t);
    }
    let r = app
        .send(request.body(Body::empty()).expect("request"))
        .await;
    assert_eq!(r.status, status, "{uri}: {}", r.json);
    assert_eq!(r.json["success"], false);
    assert_eq!(r.json["error"]["__type"], kind, "{}", r.json);
    assert!(r.json["error"]["message"].is_string());
    r.json
}

const PACKAGE_KEYS: &[&str] = &[
    "author",
    "author_email",
    "creator_user_id",
    "extras",
    "groups",
    "id",
    "isopen",
    "license_id",
    "license_title",
    "license_url",
    "maintainer",
    "maintainer_email",
    "metadata_created",
    "metadata_modified",
    "name",
    "notes",
    "num_resources",
    "num_tags",
    "organization",
    "owner_org",
    "private",
    "relationships_as_object",
    "relationships_as_subject",
    "resources",
    "state",
    "tags",
    "title",
    "type",
    "url",
    "version",
];

const RESOURCE_KEYS: &[&str] = &[
    "cache_last_updated",
    "cache_url",
    "created",
    "datastore_active",
    "description",
    "format",
    "hash",
    "id",
    "last_modified",
    "metadata_modified",
    "mimetype",
    "mimetype_inner",
    "name",
    "package_id",
    "position",
    "resource_type",
    "size",
    "state",
    "url",
    "url_type",
];

fn is_ckan_timestamp(v: &Value) -> bool {
    let s = v.as_str().unwrap_or_default();
    // 2024-05-01T10:00:00.123456: naive, microseconds.
    s.len() == 26 && chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.6f").is_ok()
}

fn assert_package(p: &Value) {
    let keys: Vec<&str> = p
        .as_object()
        .expect("package")
        .keys()
        .map(String::as_str)
        .collect();
    for key in PACKAGE_KEYS {
        assert!(keys.contains(key), "package lacks {key}: {p}");
    }
    assert_eq!(p["type"], "dataset");
    assert_eq!(p["state"], "active");
    assert!(
        is_ckan_timestamp(&p["metadata_modified"]),
        "{}",
        p["metadata_modified"]
    );
    assert!(is_ckan_timestamp(&p["metadata_created"]));
    for key in [
        "revision_id",
        "revision_timestamp",
        "image_url",
        "description",
    ] {
        assert!(p["organization"][key].is_string(), "organization.{key}");
    }
    assert_eq!(p["organization"]["type"], "organization");
    assert_eq!(p["organization"]["approval_status"], "approved");
    let resources = p["resources"].as_array().expect("resources");
    assert_eq!(resources.len(), 4);
    assert_eq!(p["num_resources"], 4);
    for (i, r) in resources.iter().enumerate() {
        for key in RESOURCE_KEYS {
            assert!(
                r.as_object().expect("resource").contains_key(*key),
                "resource lacks {key}"
            );
        }
        assert_eq!(r["position"], i);
        assert_eq!(r["package_id"], p["id"]);
        assert!(
            r["url"]
                .as_str()
                .expect("url")
                .starts_with("http://satudata.test/datasets/")
        );
        assert_eq!(r["hash"].as_str().expect("hash").len(), 64);
        assert!(r["size"].as_i64().expect("size") > 0);
        assert!(is_ckan_timestamp(&r["created"]));
    }
    for extra in p["extras"].as_array().expect("extras") {
        assert!(
            extra["key"].is_string() && extra["value"].is_string(),
            "{extra}"
        );
    }
}

fn names(result: &Value) -> Vec<String> {
    result["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|p| p["name"].as_str().expect("name").to_owned())
        .collect()
}

async fn package_search_speaks_ckan(app: TestApp) {
    let (penduduk, sekolah) = seed(&app).await;
    let all = action(&app, "package_search", "").await;
    assert_eq!(
        all["count"], 2,
        "anonymous sees public published datasets only"
    );
    for p in all["results"].as_array().expect("results") {
        assert_package(p);
        assert_eq!(p["private"], false);
    }
    let p = &all["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|p| p["name"] == penduduk)
        .expect("penduduk")
        .clone();
    let extras: std::collections::HashMap<String, String> = p["extras"]
        .as_array()
        .expect("extras")
        .iter()
        .map(|e| {
            (
                e["key"].as_str().unwrap_or_default().to_owned(),
                e["value"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(extras["prioritas_tahun"], "2025");
    assert_eq!(extras["accrualPeriodicity"], "Tahunan");
    assert_eq!(extras["accessRights"], "Terbuka");
    assert_eq!(extras["satuan"], "Jiwa");
    assert_eq!(extras["msind_konsep"], "Penduduk");
    assert_eq!(
        extras["msind_klasifikasi_penyajian"],
        "kecamatan, jenis kelamin"
    );
    assert!(extras.contains_key("produsen_data_name"));
    assert!(extras.contains_key("produsen_data_city_code"));
    assert_eq!(p["groups"][0]["name"], "pembangunan-daerah");
    assert_eq!(p["license_id"], "cc-by");
    assert_eq!(p["version"], "1");

    let fq = |q: &str| format!("fq={}", urlencode(q));
    let one = action(&app, "package_search", &fq("organization:dinkes")).await;
    assert_eq!(names(&one), [penduduk.as_str()]);
    let not = action(&app, "package_search", &fq("-organization:dinkes")).await;
    assert_eq!(names(&not), [sekolah.as_str()]);
    let either = action(
        &app,
        "package_search",
        &format!(
            "{}&sort=name+asc",
            fq("organization:dinkes OR organization:disdik")
        ),
    )
    .await;
    assert_eq!(either["count"], 2);
    let grouped = action(
        &app,
        "package_search",
        &fq("(tags:penduduk OR tags:x) AND groups:pembangunan-daerah"),
    )
    .await;
    assert_eq!(names(&grouped), [penduduk.as_str()]);
    let csv = action(&app, "package_search", &fq("res_format:CSV")).await;
    assert_eq!(csv["count"], 2);
    let since = p["metadata_modified"].as_str().expect("modified");
    let recent = action(
        &app,
        "package_search",
        &fq(&format!("metadata_modified:[{since}Z TO *]")),
    )
    .await;
    assert!(names(&recent).contains(&penduduk));
    let future = action(
        &app,
        "package_search",
        &fq("metadata_modified:[2999-01-01T00:00:00.000000Z TO *]"),
    )
    .await;
    assert_eq!(future["count"], 0);
    let words = action(&app, "package_search", "q=penduduk").await;
    assert_eq!(names(&words), [penduduk.as_str()]);
    let field_q = action(&app, "package_search", &format!("q=name:{sekolah}")).await;
    assert_eq!(names(&field_q), [sekolah.as_str()]);

    // The CKAN harvester's walk: rows=1, sort=id asc, until an empty page.
    let mut seen = Vec::new();
    for start in 0.. {
        let page = action(
            &app,
            "package_search",
            &format!("rows=1&start={start}&sort=id+asc"),
        )
        .await;
        assert_eq!(page["count"], 2);
        let ids: Vec<String> = page["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|p| p["id"].as_str().expect("id").to_owned())
            .collect();
        if ids.is_empty() {
            break;
        }
        seen.extend(ids);
    }
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "id asc is the ids' string order");
    assert_eq!(seen.len(), 2);

    let facets = action(
        &app,
        "package_search",
        &format!(
            "facet.field={}&facet.limit=-1&rows=0",
            urlencode(r#"["organization","tags","groups","res_format","license_id"]"#)
        ),
    )
    .await;
    assert_eq!(facets["results"], json!([]));
    assert_eq!(facets["facets"]["organization"]["dinkes"], 1);
    assert_eq!(facets["facets"]["organization"]["disdik"], 1);
    assert_eq!(facets["facets"]["tags"]["penduduk"], 1);
    assert_eq!(facets["facets"]["groups"]["pembangunan-daerah"], 1);
    assert_eq!(facets["facets"]["res_format"]["CSV"], 2);
    assert_eq!(facets["facets"]["license_id"]["cc-by"], 2);
    let items = facets["search_facets"]["organization"]["items"]
        .as_array()
        .expect("items");
    assert_eq!(items.len(), 2);
    assert!(
        items
            .iter()
            .all(|i| i["count"] == 1 && i["display_name"].is_string())
    );

    // ckanapi posts JSON to the unversioned path.
    let posted = app
        .post_json(
            "/api/action/package_search",
            None,
            json!({"fq": "organization:disdik", "rows": 5, "facet.field": ["tags"]}),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(names(&posted.json["result"]), [sekolah]);
    assert_eq!(posted.json["result"]["facets"]["tags"]["pendidikan"], 1);
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

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
    ckan_error(
        &app,
        "/api/3/action/package_show?id=nope",
        None,
        StatusCode::NOT_FOUND,
        "Not Found Error",
    )
    .await;
    ckan_error(
        &app,
        "/api/3/action/package_show",
        None,
        StatusCode::CONFLICT,
        "Validation Error",
    )
    .await;
    let rows = ckan_error(
        &app,
        "/api/3/action/package_search?rows=abc",
        None,
        StatusCode::CONFLICT,
        "Validation Error",
    )
    .await;
    assert!(rows["error"]["rows"].is_array());
    for fq in [
        "organization:(a",
        "nosuchfield:x",
        "metadata_modified:[yesterday TO *]",
    ] {
        ckan_error(
            &app,
            &format!("/api/3/action/package_search?fq={}", urlencode(fq)),
            None,
            StatusCode::CONFLICT,
            "Search Query Error",
        )
        .await;
    }
    ckan_error(
        &app,
        "/api/3/action/package_search?sort=colour+asc",
        None,
        StatusCode::CONFLICT,
        "Search Query Error",
    )
    .await;
    ckan_error(
        &app,
        "/api/3/action/no_such_action",
        None,
        StatusCode::BAD_REQUEST,
        "Bad Request",
    )
    .await;
    ckan_error(
        &app,
        "/api/3/action/resource_show?id=not-a-resource",
        None,
        StatusCode::NOT_FOUND,
        "Not Found Error",
    )
    .await;
    ckan_error(
        &app,
        "/api/3/action/package_search",
        Some("wrong-token"),
        StatusCode::FORBIDDEN,
        "Authorization Error",
    )
    .await;
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
