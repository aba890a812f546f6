//! The data API: filters, sorts, offset and keyset pages, exact totals, aggregations, exports
//! and the errors that name the parameter.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestApp, parquet_frame, twin};

twin!(
    filters_sorts_and_pages,
    aggregates_for_charts,
    exports_every_row_in_three_formats,
    bad_parameters_name_themselves,
    concurrent_identical_queries_agree,
    region_codes_stay_text_in_every_format,
);

/// 2 kecamatan × 2 jenis kelamin × 3 tahun = 12 rows.
fn table() -> Vec<u8> {
    let mut csv = String::from("kecamatan,jenis_kelamin,jumlah,rasio,satuan,tahun\n");
    for (k, kecamatan) in ["Magersari", "Prajuritkulon"].iter().enumerate() {
        for (j, jk) in ["Laki-laki", "Perempuan"].iter().enumerate() {
            for tahun in 2022..=2024 {
                let jumlah = 1000 * (k + 1) + 100 * j + (tahun - 2022);
                csv.push_str(&format!(
                    "{kecamatan},{jk},{jumlah},{}.5,Jiwa,{tahun}\n",
                    j + 1
                ));
            }
        }
    }
    csv.into_bytes()
}

async fn published(app: &TestApp) -> String {
    let slug = app
        .dataset(json!({"title": "Penduduk per Kecamatan", "organization": "dinkes"}))
        .await;
    app.publish(&slug, &table()).await;
    format!("/api/v1/datasets/{slug}/data")
}

fn column(json: &Value, name: &str) -> Vec<Value> {
    json["items"]
        .as_array()
        .map(|items| items.iter().map(|r| r[name].clone()).collect())
        .unwrap_or_default()
}

async fn filters_sorts_and_pages(app: TestApp) {
    let data = published(&app).await;
    let all = app.get(&data, None).await.expect(StatusCode::OK);
    assert_eq!(all.json["total"], 12);
    assert_eq!(all.json["version"], 1);
    assert_eq!(
        all.json["columns"],
        json!([
            "kecamatan",
            "jenis_kelamin",
            "jumlah",
            "rasio",
            "satuan",
            "tahun"
        ])
    );
    assert_eq!(all.json["items"][0]["jumlah"], 1000);
    assert_eq!(all.json["items"][0]["rasio"], 1.5);

    let filtered = app
        .get(
            &format!("{data}?select=kecamatan,jumlah,tahun&filter[jenis_kelamin]=Perempuan&filter[tahun][gte]=2023&sort=-jumlah"),
            None,
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(filtered.json["total"], 4);
    assert_eq!(
        column(&filtered.json, "jumlah"),
        [json!(2102), json!(2101), json!(1102), json!(1101)]
    );
    assert!(filtered.json["items"][0].get("jenis_kelamin").is_none());
    let listed = app
        .get(
            &format!("{data}?filter[tahun][in]=2022,2024&filter[kecamatan][ne]=Magersari"),
            None,
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(listed.json["total"], 4);
    // Text inside a cell, ignoring case; a pattern's characters are only text.
    let contains = app
        .get(&format!("{data}?filter[kecamatan][contains]=GERS"), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(contains.json["total"], 6, "{}", contains.json);
    let literal = app
        .get(&format!("{data}?filter[kecamatan][contains]=.*"), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(literal.json["total"], 0, "{}", literal.json);

    // Offset pages and keyset pages agree and never overlap.
    let mut seen = Vec::new();
    let mut url = format!("{data}?sort=tahun,-jumlah&limit=5");
    loop {
        let page = app.get(&url, None).await.expect(StatusCode::OK);
        seen.extend(column(&page.json, "jumlah"));
        match page.json["next_url"].as_str() {
            Some(next) => url = next.trim_start_matches("http://satudata.test").to_owned(),
            None => break,
        }
    }
    let by_offset: Vec<Value> = {
        let mut out = Vec::new();
        for offset in [0, 5, 10] {
            let page = app
                .get(
                    &format!("{data}?sort=tahun,-jumlah&limit=5&offset={offset}"),
                    None,
                )
                .await
                .expect(StatusCode::OK);
            out.extend(column(&page.json, "jumlah"));
        }
        out
    };
    assert_eq!(seen.len(), 12);
    assert_eq!(seen, by_offset);
    let mut unique = seen.clone();
    unique.dedup();
    assert_eq!(unique.len(), 12);

    // CSV pages carry the total in a header.
    let csv = app
        .get(
            &format!("{data}?format=csv&limit=2&select=kecamatan,tahun"),
            None,
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        String::from_utf8_lossy(&csv.bytes),
        "kecamatan,tahun\r\nMagersari,2022\r\nMagersari,2023\r\n"
    );
    assert_eq!(csv.headers["x-total-count"], "12");
}

async fn aggregates_for_charts(app: TestApp) {
    let data = published(&app).await;
    let chart = app
        .get(
            &format!(
                "{data}?group_by=tahun,jenis_kelamin&agg=sum:jumlah,count,mean:rasio,max:jumlah"
            ),
            None,
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(chart.json["total"], 6);
    assert_eq!(
        chart.json["items"][0],
        json!({"tahun": 2022, "jenis_kelamin": "Laki-laki", "sum_jumlah": 3000,
               "count": 2, "mean_rasio": 1.5, "max_jumlah": 2000})
    );
    let filtered = app
        .get(
            &format!(
                "{data}?group_by=kecamatan&agg=sum:jumlah&filter[tahun]=2024&sort=-sum_jumlah"
            ),
            None,
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        column(&filtered.json, "kecamatan"),
        [json!("Prajuritkulon"), json!("Magersari")]
    );
    let overall = app
        .get(&format!("{data}?agg=count,min:tahun"), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        overall.json["items"],
        json!([{"count": 12, "min_tahun": 2022}])
    );
}

async fn exports_every_row_in_three_formats(app: TestApp) {
    let data = published(&app).await;
    let csv = app
        .get(
            &format!("{data}?limit=all&format=csv&filter[tahun]=2024&select=kecamatan,jumlah"),
            None,
        )
        .await
        .expect(StatusCode::OK);
    let text = String::from_utf8_lossy(&csv.bytes).to_string();
    assert_eq!(text.lines().count(), 5, "{text}");
    assert!(text.starts_with("kecamatan,jumlah\r\n"));
    assert!(
        csv.headers["content-disposition"]
            .to_str()
            .is_ok_and(|d| d.contains("-v1-query.csv"))
    );
    let json = app
        .get(&format!("{data}?limit=all&sort=-jumlah"), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(json.json.as_array().map(Vec::len), Some(12));
    assert_eq!(json.json[0]["jumlah"], 2102);
    let empty = app
        .get(&format!("{data}?limit=all&filter[tahun]=1999"), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(empty.json, json!([]));
    let parquet = app
        .get(
            &format!("{data}?limit=all&format=parquet&filter[kecamatan]=Magersari"),
            None,
        )
        .await
        .expect(StatusCode::OK);
    let frame = parquet_frame(&parquet.bytes);
    assert_eq!(frame.height(), 6);
}

async fn bad_parameters_name_themselves(app: TestApp) {
    let data = published(&app).await;
    for (query, field) in [
        ("filter[umur]=5", "filter[umur]"),
        ("filter[tahun][gte]=dua-ribu", "filter[tahun][gte]"),
        ("filter[tahun][like]=2020", "filter[tahun][like]"),
        ("select=kecamatan,umur", "select"),
        ("sort=-umur", "sort"),
        ("limit=5000", "limit"),
        ("limit=-1", "limit"),
        ("offset=x", "offset"),
        ("after=zzz", "after"),
        ("group_by=umur&agg=sum:jumlah", "group_by"),
        ("group_by=tahun&agg=median:jumlah", "agg"),
        ("group_by=tahun&agg=sum:kecamatan", "agg"),
        ("format=xml", "format"),
        ("format=parquet", "format"),
        ("page=2", "page"),
    ] {
        let response = app
            .get(&format!("{data}?{query}"), None)
            .await
            .expect(StatusCode::BAD_REQUEST);
        assert_eq!(
            response.json["error"]["field"], field,
            "{query}: {}",
            response.json
        );
    }
    // Unpublished or unknown: 404.
    app.get("/api/v1/datasets/tidak-ada/data", None)
        .await
        .expect(StatusCode::NOT_FOUND);
}

/// Twenty clients asking one new question at once: one computes it (single flight), the others
/// wait and read the same page and exact total.
async fn concurrent_identical_queries_agree(app: TestApp) {
    let base = published(&app).await;
    let uri = format!("{base}?filter[jenis_kelamin]=Perempuan&filter[tahun][gte]=2023&limit=2");
    let answers = futures_util::future::join_all((0..20).map(|_| app.get(&uri, None))).await;
    let pages: Vec<Value> = answers
        .into_iter()
        .map(|r| r.expect(StatusCode::OK).json)
        .collect();
    assert_eq!(pages[0]["total"], 4);
    assert_eq!(pages[0]["items"].as_array().map(Vec::len), Some(2));
    assert!(pages.iter().all(|p| p == &pages[0]));
}

/// A region code is an identifier: `35.10` (Kabupaten Banyuwangi) must not become the number
/// 35.1 in the downloads or the data API when no schema says what the column is.
async fn region_codes_stay_text_in_every_format(app: TestApp) {
    let slug = app
        .dataset(json!({"title": "Penduduk per Kabupaten", "organization": "dinkes"}))
        .await;
    let csv = "kode_kabupaten_kota,nama_kabupaten_kota,jumlah,satuan,tahun\n\
35.10,Kabupaten Banyuwangi,10,Jiwa,2024\n\
35.76,Kota Mojokerto,11,Jiwa,2024\n\
35.20,Kabupaten Magetan,12,Jiwa,2024\n";
    app.publish(&slug, csv.as_bytes()).await;
    let package = app
        .get(
            &format!("/datasets/{slug}/versions/1/datapackage.json"),
            None,
        )
        .await
        .expect(StatusCode::OK)
        .json;
    let field = &package["resources"][0]["schema"]["fields"][0];
    assert_eq!(
        (field["name"].as_str(), field["type"].as_str()),
        (Some("kode_kabupaten_kota"), Some("string"))
    );
    let records = app
        .get(&format!("/datasets/{slug}/data.json"), None)
        .await
        .expect(StatusCode::OK);
    let records: Value = serde_json::from_slice(&records.bytes).expect("json");
    let codes: Vec<&Value> = records
        .as_array()
        .expect("records")
        .iter()
        .map(|r| &r["kode_kabupaten_kota"])
        .collect();
    assert_eq!(codes, [&json!("35.10"), &json!("35.76"), &json!("35.20")]);
    let parquet = app
        .get(&format!("/datasets/{slug}/data.parquet"), None)
        .await
        .expect(StatusCode::OK);
    let frame = parquet_frame(&parquet.bytes);
    let stored = frame
        .column("kode_kabupaten_kota")
        .expect("column")
        .str()
        .expect("text")
        .get(0);
    assert_eq!(stored, Some("35.10"));
    let found = app
        .get(
            &format!("/api/v1/datasets/{slug}/data?filter[kode_kabupaten_kota]=35.10"),
            None,
        )
        .await
        .expect(StatusCode::OK)
        .json;
    assert_eq!(
        column(&found, "nama_kabupaten_kota"),
        [json!("Kabupaten Banyuwangi")]
    );
    assert_eq!(column(&found, "kode_kabupaten_kota"), [json!("35.10")]);
}
