//! The CKAN Action API as harvesters search it: every key of package and resource
//! dictionaries, the SDI extras, Solr-style q/fq, sorting, paging and facets; and the helpers
//! the other CKAN tests (ckan_actions.rs) share.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, twin};

twin!(package_search_speaks_ckan);

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
            "msind": {
                "id_msind": "MSIND-3576-0001",
                "konsep": "Penduduk",
                "interpretasi": "Jumlah penduduk menurut kecamatan",
                "indikator_komposit": false,
                "klasifikasi_penyajian": ["kecamatan", "jenis kelamin"]
            },
            "mskeg": {
                "judul_kegiatan": "Registrasi Penduduk",
                "tahun_kegiatan": 2024,
                "cara_pengumpulan_data": "Pencacahan lengkap",
                "i_instansi_penyelanggara": "Dinas Kependudukan dan Pencatatan Sipil"
            }
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

pub(crate) async fn action(app: &TestApp, name: &str, query: &str) -> Value {
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

pub(crate) async fn ckan_error(
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

pub(crate) fn assert_package(p: &Value) {
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
    // MS-Ind fields the national schema names itself, and MS-Keg under its keys.
    assert_eq!(extras["id_msind"], "MSIND-3576-0001");
    assert_eq!(extras["interpretasi"], "Jumlah penduduk menurut kecamatan");
    assert_eq!(extras["apakah_indikator_komposit"], "Tidak");
    assert!(!extras.contains_key("msind_interpretasi"));
    assert_eq!(extras["judul_kegiatan"], "Registrasi Penduduk");
    assert_eq!(extras["tahun_kegiatan"], "2024");
    assert_eq!(
        extras["i_instansi_penyelanggara"],
        "Dinas Kependudukan dan Pencatatan Sipil"
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

pub(crate) fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
