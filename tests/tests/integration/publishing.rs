//! Publishing and downloads: every format of every published version, content-addressed and
//! immutable, with ETag / 304 / Range / compression / file names; garbage collection.

use std::io::Read;

use axum::http::StatusCode;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::review::CLEAN;
use crate::support::{TestApp, parquet_frame, twin};

twin!(
    every_format_of_every_version_downloads,
    downloads_speak_http_caching_and_ranges,
    gc_removes_only_unreferenced_old_objects,
    datapackage_files_and_diff,
    a_version_uploaded_without_a_clean_table_is_cleaned_when_published,
    a_clean_table_missing_from_the_store_is_made_again_at_publish,
    publication_fills_the_years_and_unit_the_table_gives,
);

/// A messy export: semicolons, a title line, Indonesian numbers, a totals row.
const MESSY: &[u8] = b"Jumlah Penduduk Kota Mojokerto 2024\n\
Kecamatan;Jenis Kelamin;Jumlah Penduduk;Satuan;Tahun\n\
Prajuritkulon;Laki-laki;1.234;Jiwa;2024\n\
Prajuritkulon;Perempuan;1.301;Jiwa;2024\n\
Magersari;Laki-laki;2.210;Jiwa;2024\n\
Jumlah;;4.745;;\n";

async fn every_format_of_every_version_downloads(app: TestApp) {
    let slug = app
        .dataset(json!({"title": "Jumlah Penduduk", "organization": "dinkes"}))
        .await;
    // Nothing to download before publication.
    app.get(
        &format!("/datasets/{slug}/data.csv"),
        Some(&app.tokens.walidata),
    )
    .await
    .expect(StatusCode::NOT_FOUND);
    assert_eq!(app.publish(&slug, MESSY).await, 1);

    // CSV: the clean table, UTF-8, comma, CRLF, totals row removed, numbers canonical.
    let csv = app
        .get(&format!("/datasets/{slug}/data.csv"), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        String::from_utf8_lossy(&csv.bytes),
        "kecamatan,jenis_kelamin,jumlah_penduduk,satuan,tahun\r\n\
Prajuritkulon,Laki-laki,1234,Jiwa,2024\r\nPrajuritkulon,Perempuan,1301,Jiwa,2024\r\n\
Magersari,Laki-laki,2210,Jiwa,2024\r\n"
    );
    assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        csv.headers["content-disposition"],
        format!("attachment; filename=\"{slug}-v1.csv\"")
    );
    let sha = hex::encode(Sha256::digest(&csv.bytes));
    assert_eq!(csv.headers["etag"], format!("\"{sha}\""));

    // JSON: an array of records with typed values.
    let records = app
        .get(&format!("/datasets/{slug}/data.json"), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        records.json[0],
        json!({"kecamatan": "Prajuritkulon", "jenis_kelamin": "Laki-laki",
               "jumlah_penduduk": 1234, "satuan": "Jiwa", "tahun": 2024})
    );
    assert_eq!(records.json.as_array().map(Vec::len), Some(3));

    // Parquet: typed columns, the same rows.
    let parquet = app
        .get(&format!("/datasets/{slug}/data.parquet"), None)
        .await
        .expect(StatusCode::OK);
    let frame = parquet_frame(&parquet.bytes);
    assert_eq!(frame.height(), 3);
    let jumlah = frame
        .column("jumlah_penduduk")
        .expect("column")
        .i64()
        .expect("integers")
        .clone();
    let total: i64 = (0..frame.height()).filter_map(|i| jumlah.get(i)).sum();
    assert_eq!(total, 4745);

    // XLSX: a worksheet with the header and numbers as numbers.
    let xlsx = app
        .get(&format!("/datasets/{slug}/data.xlsx"), None)
        .await
        .expect(StatusCode::OK);
    let rows = {
        use calamine::{Data, Reader, Xlsx};
        let mut book = Xlsx::new(std::io::Cursor::new(xlsx.bytes.clone())).expect("xlsx opens");
        let range = book.worksheet_range("data").expect("sheet");
        let rows: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
        rows
    };
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0][2], calamine::Data::String("jumlah_penduduk".into()));
    assert_eq!(rows[1][2], calamine::Data::Float(1234.0));

    // Unknown formats and files are 404 with the envelope.
    app.get(&format!("/datasets/{slug}/data.xml"), None)
        .await
        .expect(StatusCode::NOT_FOUND);
    app.get(&format!("/datasets/{slug}/other.csv"), None)
        .await
        .expect(StatusCode::NOT_FOUND);

    // Version 2 becomes "latest"; version 1 stays downloadable, byte for byte.
    assert_eq!(app.publish(&slug, CLEAN).await, 2);
    let latest = app
        .get(&format!("/datasets/{slug}/data.csv"), None)
        .await
        .expect(StatusCode::OK);
    assert!(String::from_utf8_lossy(&latest.bytes).starts_with("kecamatan,jenis_kelamin,jumlah,"));
    let old = app
        .get(&format!("/datasets/{slug}/versions/1/data.csv"), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(old.bytes, csv.bytes);
    assert_eq!(old.headers["etag"], csv.headers["etag"]);
    assert_eq!(old.headers["cache-control"], "public, max-age=86400");
    assert_eq!(latest.headers["cache-control"], "public, no-cache");

    // Every stored file is named by its own hash (two versions × four formats).
    let mut blobs = 0;
    for file in app.stored_files() {
        let path = file.to_string_lossy().replace('\\', "/");
        if let Some(name) = path.split("/blobs/sha256/").nth(1) {
            let bytes = std::fs::read(&file).expect("read blob");
            let expected = name.rsplit('/').next().unwrap_or_default();
            assert_eq!(hex::encode(Sha256::digest(&bytes)), expected);
            blobs += 1;
        }
    }
    assert_eq!(blobs, 8);
}

async fn downloads_speak_http_caching_and_ranges(app: TestApp) {
    let slug = app
        .dataset(json!({"title": "Jumlah Penduduk", "organization": "dinkes"}))
        .await;
    app.publish(&slug, CLEAN).await;
    let uri = format!("/datasets/{slug}/data.csv");
    let full = app.get(&uri, None).await.expect(StatusCode::OK);
    let etag = full.headers["etag"].to_str().expect("etag").to_owned();
    let modified = full.headers["last-modified"]
        .to_str()
        .expect("date")
        .to_owned();
    assert_eq!(full.headers["accept-ranges"], "bytes");
    assert_eq!(
        full.headers["content-length"],
        full.bytes.len().to_string().as_str()
    );

    // Conditional GET.
    let same = app
        .get_with(&uri, None, &[("if-none-match", &etag)])
        .await
        .expect(StatusCode::NOT_MODIFIED);
    assert!(same.bytes.is_empty());
    assert_eq!(same.headers["etag"], etag.as_str());
    app.get_with(&uri, None, &[("if-none-match", "\"something-else\"")])
        .await
        .expect(StatusCode::OK);
    app.get_with(&uri, None, &[("if-modified-since", &modified)])
        .await
        .expect(StatusCode::NOT_MODIFIED);
    app.get_with(
        &uri,
        None,
        &[("if-modified-since", "Mon, 01 Jan 2001 00:00:00 GMT")],
    )
    .await
    .expect(StatusCode::OK);

    // Byte ranges.
    let part = app
        .get_with(&uri, None, &[("range", "bytes=0-8")])
        .await
        .expect(StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.bytes, &full.bytes[..9]);
    let size = full.bytes.len();
    assert_eq!(
        part.headers["content-range"],
        format!("bytes 0-8/{size}").as_str()
    );
    let tail = app
        .get_with(&uri, None, &[("range", "bytes=-5")])
        .await
        .expect(StatusCode::PARTIAL_CONTENT);
    assert_eq!(tail.bytes, &full.bytes[size - 5..]);
    let outside = app
        .get_with(&uri, None, &[("range", &format!("bytes={size}-"))])
        .await
        .expect(StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(
        outside.headers["content-range"],
        format!("bytes */{size}").as_str()
    );
    // A stale If-Range gets the whole file.
    app.get_with(
        &uri,
        None,
        &[("range", "bytes=0-8"), ("if-range", "\"old\"")],
    )
    .await
    .expect(StatusCode::OK);

    // Compression when accepted: same bytes once decoded, weak ETag, never for a range.
    let gz = app
        .get_with(&uri, None, &[("accept-encoding", "gzip")])
        .await
        .expect(StatusCode::OK);
    assert_eq!(gz.headers["content-encoding"], "gzip");
    assert_eq!(gz.headers["etag"], format!("W/{etag}").as_str());
    let mut decoded = Vec::new();
    flate2::read::GzDecoder::new(gz.bytes.as_slice())
        .read_to_end(&mut decoded)
        .expect("gunzip");
    assert_eq!(decoded, full.bytes);
    let br = app
        .get_with(&uri, None, &[("accept-encoding", "br")])
        .await
        .expect(StatusCode::OK);
    assert_eq!(br.headers["content-encoding"], "br");
    let ranged = app
        .get_with(
            &uri,
            None,
            &[("accept-encoding", "gzip"), ("range", "bytes=0-8")],
        )
        .await
        .expect(StatusCode::PARTIAL_CONTENT);
    assert!(!ranged.headers.contains_key("content-encoding"));
    // Parquet is never recompressed.
    let parquet = app
        .get_with(
            &format!("/datasets/{slug}/data.parquet"),
            None,
            &[("accept-encoding", "gzip")],
        )
        .await
        .expect(StatusCode::OK);
    assert!(!parquet.headers.contains_key("content-encoding"));

    // ?bom=1 for Excel users.
    let bom = app
        .get(&format!("{uri}?bom=1"), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(&bom.bytes[..3], b"\xEF\xBB\xBF");
    assert_eq!(&bom.bytes[3..], full.bytes.as_slice());
    assert_ne!(bom.headers["etag"], etag.as_str());
    app.get(&format!("{uri}?bom=yes"), None)
        .await
        .expect(StatusCode::BAD_REQUEST);
}

async fn gc_removes_only_unreferenced_old_objects(app: TestApp) {
    let slug = app
        .dataset(json!({"title": "Jumlah Penduduk", "organization": "dinkes"}))
        .await;
    app.publish(&slug, CLEAN).await;
    let before = app.stored_files().len();
    assert_eq!(before, 5, "source + four formats");
    // Leftovers of an interrupted publish and upload.
    let objects = app.dir.path().join("objects");
    let orphan_blob = objects.join("blobs/sha256/ab/abcdef");
    let orphan_source = objects.join("datasets/x/versions/y/source");
    // A publish killed while writing its files leaves its scratch folder inside the store.
    let orphan_scratch = objects.join(".scratch/publish-x/data.csv");
    for path in [&orphan_blob, &orphan_source, &orphan_scratch] {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, b"half").expect("write");
    }
    // Young leftovers stay (an upload may still be in flight).
    let young = app
        .catalog
        .collect_garbage(std::time::Duration::from_secs(3600), false)
        .await
        .expect("gc");
    assert_eq!(young.too_young, 2);
    assert!(young.removed.is_empty());
    let dry = app
        .catalog
        .collect_garbage(std::time::Duration::ZERO, true)
        .await
        .expect("gc");
    assert_eq!(dry.removed.len(), 3);
    assert!(orphan_blob.exists() && orphan_scratch.exists());
    let swept = app
        .catalog
        .collect_garbage(std::time::Duration::ZERO, false)
        .await
        .expect("gc");
    assert_eq!(swept.referenced, 5);
    assert_eq!(swept.removed.len(), 3);
    assert!(swept.removed.contains(&".scratch/publish-x".to_owned()));
    assert!(!orphan_blob.exists() && !orphan_source.exists() && !orphan_scratch.exists());
    // What is published still downloads.
    app.get(&format!("/datasets/{slug}/data.parquet"), None)
        .await
        .expect(StatusCode::OK);
}

/// Versions uploaded before clean tables were written at upload have none: publishing cleans
/// them first and writes the same files a fresh upload gets.
async fn a_version_uploaded_without_a_clean_table_is_cleaned_when_published(app: TestApp) {
    let t = &app.tokens;
    let fresh = app
        .dataset(json!({"title": "Penduduk Baru", "organization": "dinkes"}))
        .await;
    app.publish(&fresh, MESSY).await;
    let older = app
        .dataset(json!({"title": "Penduduk Lama", "organization": "dinkes"}))
        .await;
    let version = app
        .upload(&older, Some(&t.walidata), "text/csv", MESSY)
        .await
        .expect(StatusCode::CREATED);
    assert!(version.json["clean_log"].is_object(), "{}", version.json);
    app.execute(&format!(
        "UPDATE dataset_version SET clean_sha256 = NULL, clean_size = NULL, clean_log = NULL \
         WHERE uuid IN (SELECT v.uuid FROM dataset_version v JOIN dataset d \
         ON d.id = v.dataset_id WHERE d.slug = '{older}')"
    ))
    .await;
    // The clean blob is shared with the fresh dataset's CSV: remove nothing, publish.
    let before = app.stored_files().len();
    app.approve_and_publish(&older, 1).await;
    let published = app
        .get(
            &format!("/api/v1/datasets/{older}/versions/1"),
            Some(&t.walidata),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(published.json["clean_log"]["rows_written"], 3);
    for format in ["csv", "json", "parquet", "xlsx"] {
        let a = app
            .get(&format!("/datasets/{fresh}/data.{format}"), None)
            .await
            .expect(StatusCode::OK);
        let b = app
            .get(&format!("/datasets/{older}/data.{format}"), None)
            .await
            .expect(StatusCode::OK);
        assert_eq!(a.bytes, b.bytes, "{format}");
        assert_eq!(a.headers["etag"], b.headers["etag"], "{format}");
    }
    // Content-addressed: the second publication stored nothing new.
    assert_eq!(app.stored_files().len(), before);
    assert_eq!(
        app.count("dataset_version WHERE clean_sha256 IS NOT NULL")
            .await,
        2
    );
}

/// A recorded clean table whose blob has gone from the store: publishing cleans the source
/// again instead of failing, and stores the same blob.
async fn a_clean_table_missing_from_the_store_is_made_again_at_publish(app: TestApp) {
    let t = &app.tokens;
    let slug = app
        .dataset(json!({"title": "Penduduk Hilang", "organization": "dinkes"}))
        .await;
    app.upload(&slug, Some(&t.walidata), "text/csv", MESSY)
        .await
        .expect(StatusCode::CREATED);
    let clean = app
        .get(
            &format!("/api/v1/datasets/{slug}/versions/1/clean.csv"),
            Some(&t.walidata),
        )
        .await
        .expect(StatusCode::OK);
    let sha256 = hex::encode(Sha256::digest(&clean.bytes));
    let blob = app
        .dir
        .path()
        .join(format!("objects/blobs/sha256/{}/{sha256}", &sha256[..2]));
    std::fs::remove_file(&blob).expect("the clean blob is stored");
    app.approve_and_publish(&slug, 1).await;
    assert!(blob.exists(), "stored again");
    let csv = app
        .get(&format!("/datasets/{slug}/data.csv"), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(hex::encode(Sha256::digest(&csv.bytes)), sha256);
    assert!(String::from_utf8_lossy(&csv.bytes).contains("Prajuritkulon"));
}

async fn datapackage_files_and_diff(app: TestApp) {
    let t = &app.tokens;
    let slug = app
        .dataset(json!({"title": "Penduduk", "organization": "dinkes", "tags": ["penduduk"]}))
        .await;
    let schema = json!({
        "fields": [
            {"name": "kecamatan", "type": "string", "title": "Kecamatan"},
            {"name": "jenis_kelamin", "type": "string", "constraints": {"enum": ["Laki-laki", "Perempuan"]}},
            {"name": "jumlah", "type": "integer"},
            {"name": "satuan", "type": "string"},
            {"name": "tahun", "type": "integer"}
        ],
        "primaryKey": ["kecamatan", "jenis_kelamin", "tahun"]
    });
    app.call(
        axum::http::Method::PUT,
        &format!("/api/v1/datasets/{slug}/schema"),
        Some(&t.walidata),
        Some("application/json"),
        schema.to_string(),
    )
    .await
    .expect(StatusCode::OK);
    app.publish(&slug, CLEAN).await;
    app.publish(
        &slug,
        b"kecamatan,jenis_kelamin,jumlah,satuan,tahun\n\
Prajuritkulon,Laki-laki,1234,Jiwa,2024\n\
Prajuritkulon,Perempuan,1350,Jiwa,2024\n\
Kranggan,Laki-laki,900,Jiwa,2024\n",
    )
    .await;

    // The version lists its files with their hashes and permanent URLs.
    let v1 = app
        .get(&format!("/api/v1/datasets/{slug}/versions/1"), None)
        .await
        .expect(StatusCode::OK);
    let files = v1.json["files"].as_array().cloned().unwrap_or_default();
    let formats: Vec<&str> = files.iter().filter_map(|f| f["format"].as_str()).collect();
    assert_eq!(formats, ["csv", "json", "parquet", "xlsx"]);
    let csv_url = files[0]["url"].as_str().unwrap_or_default();
    assert_eq!(
        csv_url,
        format!("http://satudata.test/datasets/{slug}/versions/1/data.csv")
    );
    let csv = app
        .get(csv_url.trim_start_matches("http://satudata.test"), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(files[0]["sha256"], hex::encode(Sha256::digest(&csv.bytes)));

    // The Data Package describes the clean CSV with the declared schema.
    let package = app
        .get(
            &format!("/datasets/{slug}/versions/1/datapackage.json"),
            None,
        )
        .await
        .expect(StatusCode::OK);
    let resource = &package.json["resources"][0];
    assert_eq!(resource["path"], csv_url);
    assert_eq!(
        resource["hash"],
        format!("sha256:{}", files[0]["sha256"].as_str().unwrap_or_default())
    );
    assert_eq!(resource["bytes"], csv.bytes.len());
    assert_eq!(
        resource["schema"]["primaryKey"],
        json!(["kecamatan", "jenis_kelamin", "tahun"])
    );
    assert_eq!(
        resource["schema"]["fields"][0],
        json!({"name": "kecamatan", "type": "string", "title": "Kecamatan"})
    );
    assert_eq!(resource["schema"]["fields"][2]["type"], "integer");
    assert_eq!(package.json["licenses"][0]["name"], "CC-BY-4.0");
    assert_eq!(package.json["keywords"], json!(["penduduk"]));
    let latest = app
        .get(&format!("/datasets/{slug}/datapackage.json"), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(latest.json["version"], "2");

    // The diff by the declared key.
    let diff = app
        .get(&format!("/api/v1/datasets/{slug}/versions/1/diff/2"), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        diff.json["key"],
        json!(["kecamatan", "jenis_kelamin", "tahun"])
    );
    assert_eq!(
        [
            &diff.json["rows_added"],
            &diff.json["rows_removed"],
            &diff.json["rows_changed"],
            &diff.json["rows_unchanged"]
        ],
        [&json!(1), &json!(1), &json!(1), &json!(1)]
    );
    assert_eq!(
        diff.json["examples"]["changed"][0],
        json!({"key": {"kecamatan": "Prajuritkulon", "jenis_kelamin": "Perempuan", "tahun": "2024"},
               "changes": {"jumlah": {"from": "1301", "to": "1350"}}})
    );
    assert_eq!(
        diff.json["examples"]["removed"][0]["kecamatan"],
        "Magersari"
    );
    assert_eq!(diff.json["examples"]["added"][0]["kecamatan"], "Kranggan");
    app.get(&format!("/api/v1/datasets/{slug}/versions/1/diff/3"), None)
        .await
        .expect(StatusCode::NOT_FOUND);

    // Without a declared key, columns added and removed are reported.
    let loose = app
        .dataset(json!({"title": "Tanpa Skema", "organization": "dinkes"}))
        .await;
    app.publish(&loose, CLEAN).await;
    app.publish(
        &loose,
        b"kecamatan,jenis_kelamin,jumlah,tahun,catatan\nMagersari,Laki-laki,2210,2024,baru\n",
    )
    .await;
    let diff = app
        .get(&format!("/api/v1/datasets/{loose}/versions/1/diff/2"), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(diff.json["columns_added"], json!(["catatan"]));
    assert_eq!(diff.json["columns_removed"], json!(["satuan"]));
}

/// A dataset published without its years or unit gets them from its table (the `tahun` and
/// `satuan` columns), recorded in the history; DCAT then has `dct:temporal`. Metadata the
/// steward gave is never overwritten.
async fn publication_fills_the_years_and_unit_the_table_gives(app: TestApp) {
    let slug = app
        .dataset(json!({"title": "Jumlah Penduduk", "organization": "dinkes"}))
        .await;
    let before = app.get(&format!("/api/v1/datasets/{slug}"), None).await;
    assert!(before.json["temporal_start"].is_null(), "{}", before.json);
    app.publish(&slug, CLEAN).await;
    let after = app
        .get(&format!("/api/v1/datasets/{slug}"), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(after.json["temporal_start"], "2024-01-01", "{}", after.json);
    assert_eq!(after.json["temporal_end"], "2024-12-31");
    assert_eq!(after.json["satuan"], "Jiwa");
    let history = app
        .get(
            &format!("/api/v1/datasets/{slug}/history"),
            Some(&app.tokens.walidata),
        )
        .await
        .expect(StatusCode::OK);
    let text = history.json.to_string();
    assert!(text.contains("\"temporal_start\""), "{text}");
    let ttl = app
        .get(&format!("/dataset/{slug}.ttl"), None)
        .await
        .expect(StatusCode::OK);
    let ttl = String::from_utf8_lossy(&ttl.bytes);
    assert!(ttl.contains("temporal"), "{ttl}");

    // Given metadata stays as the steward wrote it.
    let given = app
        .dataset(json!({"title": "Penduduk Lain", "organization": "dinkes",
            "temporal_start": "2020-01-01", "temporal_end": "2024-12-31", "satuan": "Orang"}))
        .await;
    app.publish(&given, CLEAN).await;
    let kept = app
        .get(&format!("/api/v1/datasets/{given}"), None)
        .await
        .expect(StatusCode::OK);
    assert_eq!(kept.json["temporal_start"], "2020-01-01");
    assert_eq!(kept.json["satuan"], "Orang");
}
