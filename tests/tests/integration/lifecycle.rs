//! OPD → accounts → dataset → upload → read back.

use axum::http::{Method, StatusCode};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::support::{TestApp, assert_envelope, twin};

twin!(
    create_upload_and_read_back,
    multipart_upload_and_version_numbers,
    metadata_round_trip,
    concurrent_uploads_get_distinct_numbers,
);

const CSV: &[u8] = b"kode_wilayah;nama_wilayah;jenis_kelamin;jumlah;satuan;tahun\n\
35.76.01;Prajuritkulon;Laki-laki;1234;Jiwa;2024\n\
35.76.01;Prajuritkulon;Perempuan;1301;Jiwa;2024\n\
35.76.02;Magersari;Laki-laki;2210;Jiwa;2024\n";

async fn create_upload_and_read_back(app: TestApp) {
    let t = &app.tokens;
    let org = app
        .post_json(
            "/api/v1/organizations",
            Some(&t.walidata),
            json!({"slug": "dispendukcapil", "name": "Dinas Kependudukan dan Pencatatan Sipil"}),
        )
        .await
        .expect(StatusCode::CREATED);
    assert_eq!(org.json["kind"], "lainnya");
    assert!(org.headers.contains_key("location"));

    let dataset = app
        .post_json(
            "/api/v1/datasets",
            Some(&t.produsen),
            json!({"title": "Jumlah Penduduk Berdasarkan Jenis Kelamin di Kota Mojokerto", "organization": "dinkes"}),
        )
        .await
        .expect(StatusCode::CREATED);
    let slug = dataset.json["slug"].as_str().expect("slug").to_owned();
    assert_eq!(
        slug,
        "jumlah-penduduk-berdasarkan-jenis-kelamin-di-kota-mojokerto"
    );
    assert_eq!(dataset.json["license"], "CC-BY-4.0");
    assert_eq!(dataset.json["akses"], "Terbuka");
    assert_eq!(dataset.json["organization"]["slug"], "dinkes");

    let uri = format!("/api/v1/datasets/{slug}/versions");
    let upload = app
        .call(
            Method::POST,
            &uri,
            Some(&t.produsen),
            Some("text/csv; charset=utf-8"),
            CSV.to_vec(),
        )
        .await
        .expect(StatusCode::CREATED);
    let v = &upload.json;
    assert_eq!(v["number"], 1);
    assert_eq!(v["sha256"], hex::encode(Sha256::digest(CSV)));
    assert_eq!(v["byte_size"], CSV.len());
    assert_eq!(
        (v["row_count"].as_i64(), v["column_count"].as_i64()),
        (Some(3), Some(6))
    );
    assert_eq!(v["table"]["delimiter"], ";");
    assert_eq!(v["table"]["header"][0], "kode_wilayah");
    assert_eq!(v["media_type"], "text/csv");

    // The stored object holds exactly the uploaded bytes; next to it, the clean table
    // (comma-separated, snake_case labels) that review sees and publication will serve.
    let (sources, clean): (Vec<_>, Vec<_>) = app
        .stored_files()
        .into_iter()
        .partition(|f| f.ends_with("source"));
    assert_eq!(
        sources.len(),
        1,
        "key must not come from a file name: {sources:?}"
    );
    assert_eq!(std::fs::read(&sources[0]).expect("stored file"), CSV);
    assert_eq!(clean.len(), 1, "{clean:?}");
    let clean_text = std::fs::read_to_string(&clean[0]).expect("clean table");
    assert!(clean_text.starts_with("kode_wilayah,"), "{clean_text}");
    assert!(clean[0].ends_with(hex::encode(Sha256::digest(clean_text.as_bytes()))));
    // The OPD (and the walidata) can download it before publication; the public cannot.
    let uri = format!("/api/v1/datasets/{slug}/versions/1/clean.csv");
    let preview = app
        .get(&uri, Some(&t.produsen))
        .await
        .expect(StatusCode::OK);
    assert_eq!(preview.bytes, clean_text.as_bytes());
    assert_eq!(
        preview.headers["etag"],
        format!("\"{}\"", hex::encode(Sha256::digest(clean_text.as_bytes()))).as_str()
    );
    assert!(
        preview.headers["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/csv")
    );
    let etag = preview.headers["etag"].to_str().expect("etag").to_owned();
    app.get_with(&uri, Some(&t.produsen), &[("if-none-match", &etag)])
        .await
        .expect(StatusCode::NOT_MODIFIED);
    let hidden = app.get(&uri, None).await.expect(StatusCode::NOT_FOUND);
    assert_envelope(&hidden.json);

    let read = app
        .get(
            &format!("/api/v1/datasets/{slug}/versions/1"),
            Some(&t.produsen),
        )
        .await;
    let read = read.expect(StatusCode::OK);
    assert_eq!(read.json["sha256"], v["sha256"]);
    let shown = app
        .get(&format!("/api/v1/datasets/{slug}"), Some(&t.pembina))
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        shown.json["title"],
        "Jumlah Penduduk Berdasarkan Jenis Kelamin di Kota Mojokerto"
    );
    // By id too.
    let id = shown.json["id"].as_str().expect("id").to_owned();
    app.get(&format!("/api/v1/datasets/{id}"), Some(&t.pembina))
        .await
        .expect(StatusCode::OK);
}

async fn multipart_upload_and_version_numbers(app: TestApp) {
    let t = &app.tokens;
    let slug = app
        .dataset(json!({"title": "Jumlah Sekolah", "organization": "disdik"}))
        .await;
    app.upload(&slug, Some(&t.walidata), "text/csv", b"a,b\n1,2\n")
        .await
        .expect(StatusCode::CREATED);

    let boundary = "satudata-test-boundary";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"catatan\"\r\n\r\nabaikan\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../sekolah 2024.csv\"\r\nContent-Type: text/csv\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(b"npsn,nama,jenjang\n20501234,SDN Kranggan 1,SD\n20501235,SMPN 2,SMP\n");
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let uri = format!("/api/v1/datasets/{slug}/versions");
    let ct = format!("multipart/form-data; boundary={boundary}");
    let second = app
        .call(Method::POST, &uri, Some(&t.other_produsen), Some(&ct), body)
        .await
        .expect(StatusCode::CREATED);
    assert_eq!(second.json["number"], 2);
    assert_eq!(second.json["original_filename"], "sekolah 2024.csv");
    assert_eq!(
        (
            second.json["row_count"].as_i64(),
            second.json["column_count"].as_i64()
        ),
        (Some(2), Some(3))
    );

    let list = app
        .get(&uri, Some(&t.walidata))
        .await
        .expect(StatusCode::OK);
    let numbers: Vec<i64> = list.json["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|v| v["number"].as_i64())
        .collect();
    assert_eq!(numbers, [2, 1]);
    // Two sources, two clean tables.
    assert_eq!(app.stored_files().len(), 4);
}

async fn metadata_round_trip(app: TestApp) {
    let t = &app.tokens;
    let body = json!({
        "title": "Angka Partisipasi Murni SD",
        "organization": "disdik",
        "description": "APM SD per kecamatan",
        "topik": "pendidikan dan tenaga kerja",
        "tags": ["Pendidikan", "APM", "apm"],
        "license": "CC0-1.0",
        "akses": "terbatas",
        "frekuensi": "tahunan",
        "tingkat_penyajian": "kecamatan",
        "cakupan_wilayah": "35.76",
        "temporal_start": "2020-01-01",
        "temporal_end": "2024-12-31",
        "ukuran": "Persentase",
        "satuan": "Persen",
        "contact_name": "Bidang Data Disdik",
        "contact_email": "Data@Disdik.MojokertoKota.go.id",
        "prioritas_tahun": 2025,
        "msind": {
            "nama_indikator": "APM SD",
            "konsep": "Partisipasi sekolah",
            "definisi": "Proporsi anak usia 7-12 yang bersekolah di SD",
            "metode_perhitungan": "murid SD usia 7-12 / penduduk usia 7-12 x 100",
            "klasifikasi_penyajian": ["Kecamatan"],
            "indikator_komposit": false,
            "level_estimasi": "kabupaten/kota"
        }
    });
    let created = app
        .post_json("/api/v1/datasets", Some(&t.walidata), body)
        .await
        .expect(StatusCode::CREATED);
    let d = &created.json;
    assert_eq!(d["topik"], "Pendidikan dan Tenaga Kerja");
    assert_eq!(d["tags"], json!(["apm", "pendidikan"]));
    assert_eq!(d["akses"], "Terbatas");
    assert_eq!(d["frekuensi"], "Tahunan");
    assert_eq!(d["tingkat_penyajian"], "Kecamatan");
    assert_eq!(d["contact_email"], "data@disdik.mojokertokota.go.id");
    assert_eq!(d["msind"]["level_estimasi"], "Kabupaten/Kota");
    assert_eq!(d["prioritas_tahun"], 2025);
    let slug = d["slug"].as_str().expect("slug");

    // Merge-patch: absent stays, null clears, tags replace.
    let patched = app
        .patch_json(
            &format!("/api/v1/datasets/{slug}"),
            Some(&t.other_produsen),
            json!({"prioritas_tahun": null, "tags": ["sd"], "satuan": "%"}),
        )
        .await
        .expect(StatusCode::OK);
    assert_eq!(patched.json["prioritas_tahun"], serde_json::Value::Null);
    assert_eq!(patched.json["tags"], json!(["sd"]));
    assert_eq!(patched.json["satuan"], "%");
    assert_eq!(patched.json["topik"], "Pendidikan dan Tenaga Kerja");

    // A second dataset with the same title gets its own slug.
    let again = app
        .dataset(json!({"title": "Angka Partisipasi Murni SD", "organization": "disdik"}))
        .await;
    assert_eq!(again, format!("{slug}-2"));

    // Delete hides it everywhere.
    app.delete(&format!("/api/v1/datasets/{slug}"), Some(&t.walidata))
        .await
        .expect(StatusCode::NO_CONTENT);
    app.get(&format!("/api/v1/datasets/{slug}"), Some(&t.walidata))
        .await
        .expect(StatusCode::NOT_FOUND);
    let list = app
        .get("/api/v1/datasets", Some(&t.walidata))
        .await
        .expect(StatusCode::OK);
    assert_eq!(list.json["total"], 1);
}

async fn concurrent_uploads_get_distinct_numbers(app: TestApp) {
    let slug = app
        .dataset(json!({"title": "Unggahan Serentak", "organization": "dinkes"}))
        .await;
    let token = app.tokens.produsen.clone();
    // More uploads than the old retry loop's five attempts could absorb.
    let uploads = (0..12).map(|i| {
        let body = format!("nomor,nilai\n{i},{}\n", i * 10).into_bytes();
        let (app, slug, token) = (&app, slug.clone(), token.clone());
        async move { app.upload(&slug, Some(&token), "text/csv", &body).await }
    });
    let results = futures_util::future::join_all(uploads).await;
    let mut numbers: Vec<i64> = results
        .into_iter()
        .map(|r| {
            r.expect(StatusCode::CREATED).json["number"]
                .as_i64()
                .expect("number")
        })
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=12).collect::<Vec<i64>>());
    // Each upload stored its source and, being valid, its own clean table.
    let files = app.stored_files();
    let sources = files.iter().filter(|f| f.ends_with("source")).count();
    let blobs = files
        .iter()
        .filter(|f| f.to_string_lossy().contains("blobs/sha256/"))
        .count();
    assert_eq!((sources, blobs, files.len()), (12, 12, 24));
}
