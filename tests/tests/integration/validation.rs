//! Every upload is validated; the report is stored with the version and served.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::{Backend, TestApp, twin};

twin!(
    uploads_carry_a_validation_report,
    workbooks_and_json_records
);

/// A messy OPD export: title line, semicolons, Windows-1252, thousand dots, a totals row.
const MESSY: &[u8] = b"Jumlah Penduduk Menurut Kelurahan di Kota Mojokerto\r\n\
kode_kelurahan;nama_kelurahan;jumlah_penduduk;satuan;tahun\r\n\
35.76.01.1003;Mentikan;1.234;Jiwa;2024\r\n\
35.76.01.1004;Kauman;2.210;Jiwa;2024\r\n\
35.76.01.1005;Pulorejo;3.100;Jiwa;2024\r\n\
35.76.01.1006;Prajuritkulon;4.003;Jiwa;2024\r\n\
35.76.01.1007;Surodinawan;998;Jiwa;2024\r\n\
35.76.01.1008;Blooto;1.500;Jiwa;2024\r\n\
35.76.02.1001;Gununggedangan;2.000;Jiwa;2024\r\n\
35.76.02.1003;Magersari;banyak;Jiwa;2024\r\n\
35.76.02.1004;Gedongan;3.300;Jiwa;2024\r\n\
35.76.03.1001;Kr\xE4nggan;2.900;Jiwa;2024\r\n\
;Jumlah;21.245;Jiwa;\r\n";

fn kinds(report: &Value) -> Vec<(String, Option<u64>)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["type"].as_str().unwrap_or_default().to_owned(),
                f["row_number"].as_u64(),
            )
        })
        .collect()
}

async fn uploads_carry_a_validation_report(app: TestApp) {
    let p = Some(app.tokens.produsen.as_str());
    let slug = app
        .dataset(json!({"title": "Penduduk per Kecamatan", "organization": "dinkes"}))
        .await;
    let version = app
        .upload(&slug, p, "text/csv", MESSY)
        .await
        .expect(StatusCode::CREATED);
    // The integer column is inferred from the whole-number sample; "banyak" (a word, not a
    // missing-value marker such as "n/a") is the one error.
    assert_eq!(
        version.json["validation"],
        json!({"valid": false, "error_count": 1, "warning_count": 2})
    );

    let report = app
        .get(&format!("/api/v1/datasets/{slug}/versions/1/report"), p)
        .await
        .expect(StatusCode::OK)
        .json;
    assert_eq!(report["table"]["encoding"], "windows-1252");
    assert_eq!(report["table"]["delimiter"], ";");
    assert_eq!(report["table"]["header_row"], 2);
    assert_eq!(report["suggestions"]["key"], json!(["kode_kelurahan"]));
    assert_eq!(
        report["suggestions"]["region_columns"],
        json!(["kode_kelurahan"])
    );
    let found = kinds(&report);
    for expected in [
        ("title-row", Some(1)),
        ("type-error", Some(10)),
        ("totals-row", Some(13)),
        ("region-not-checked", Some(2)),
    ] {
        assert!(
            found.contains(&(expected.0.to_owned(), expected.1)),
            "{expected:?} in {found:?}"
        );
    }
    let type_error = report["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["type"] == "type-error"))
        .expect("type-error");
    assert_eq!(type_error["field_name"], "jumlah_penduduk");
    assert_eq!(type_error["field_number"], 3);
    assert_eq!(type_error["cell"], "banyak");
    assert!(
        type_error["message"]
            .as_str()
            .is_some_and(|m| m.contains("bukan bilangan bulat"))
    );

    let score = app
        .get(&format!("/api/v1/datasets/{slug}/score"), p)
        .await
        .expect(StatusCode::OK)
        .json;
    assert_eq!(
        score["interoperabilitas"]["verdict"], "belum-terpenuhi",
        "untidy and invalid: {score}"
    );
    assert_eq!(score["metadata"]["verdict"], "belum-terpenuhi");
    assert_eq!(score["standar_data"]["share"], 0.0);
    assert_eq!(score["kode_referensi"]["verdict"], "tidak-dapat-dinilai");
    assert_eq!(score["mqa"]["findability"], 0);
    assert_eq!(score["mqa"]["band"], "Sufficient", "{score}");
    // Better metadata raises the score.
    let patch = json!({"tags": ["penduduk"], "topik": "Pemerintahan Umum", "cakupan_wilayah": "35.76",
        "temporal_start": "2024-01-01", "temporal_end": "2024-12-31"});
    app.patch_json(&format!("/api/v1/datasets/{slug}"), p, patch)
        .await
        .expect(StatusCode::OK);
    let better = app
        .get(&format!("/api/v1/datasets/{slug}/score"), p)
        .await
        .expect(StatusCode::OK)
        .json;
    assert_eq!(better["mqa"]["findability"], 100);

    // Someone who may not see the dataset cannot see its report either.
    app.get(&format!("/api/v1/datasets/{slug}/versions/1/report"), None)
        .await
        .expect(StatusCode::NOT_FOUND);
    app.get(&format!("/api/v1/datasets/{slug}/versions/9/report"), p)
        .await
        .expect(StatusCode::NOT_FOUND);
}

/// With the Kemendagri list imported, region codes are checked cell by cell.
#[tokio::test]
async fn region_codes_are_checked_against_the_imported_list() {
    let Some(tgz) = std::env::var_os("TEST_REFERENCE_TGZ") else {
        assert!(
            std::env::var_os("TEST_REQUIRE_REFERENCE").is_none(),
            "TEST_REFERENCE_TGZ is required"
        );
        eprintln!("TEST_REFERENCE_TGZ is not set: skipping");
        return;
    };
    let app = TestApp::new(Backend::Sqlite).await.expect("app");
    app.get("/api/v1/regions", None)
        .await
        .expect(StatusCode::NOT_FOUND);
    let counts = app
        .catalog
        .import_regions(
            &satudata_catalog::Actor::Operator,
            std::path::Path::new(&tgz),
        )
        .await
        .expect("import");
    assert_eq!(counts, [38, 514, 7285, 83762]);
    let provinces = app
        .get("/api/v1/regions", None)
        .await
        .expect(StatusCode::OK)
        .json;
    assert_eq!(provinces.as_array().map(Vec::len), Some(38));
    let kecamatan = app
        .get("/api/v1/regions?parent=35.76", None)
        .await
        .expect(StatusCode::OK)
        .json;
    let names: Vec<&str> = kecamatan
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|r| r["name"].as_str())
        .collect();
    assert_eq!(names, ["Prajuritkulon", "Magersari", "Kranggan"]);
    let one = app
        .get("/api/v1/regions/35.76.01.1003", None)
        .await
        .expect(StatusCode::OK)
        .json;
    assert_eq!(
        (one["name"].as_str(), one["level"].as_str()),
        (Some("Mentikan"), Some("desa-kelurahan"))
    );
    app.get("/api/v1/regions/35.76.01.1001", None)
        .await
        .expect(StatusCode::NOT_FOUND);
    let slug = app
        .dataset(json!({"title": "Kunjungan per Kelurahan", "organization": "dinkes"}))
        .await;
    let csv = "kode_kelurahan,nama_kelurahan,jumlah,satuan,tahun\n\
35.76.01.1003,Mentikan,10,Kunjungan,2024\n\
35.76.01.1001,Tidak Ada,11,Kunjungan,2024\n\
3576010003,Mentikan,12,Kunjungan,2024\n\
3576011003,Mentikan,13,Kunjungan,2024\n\
35.76.03.1001,Magersari,14,Kunjungan,2024\n\
35.76.01.1006,PRAJURIT KULON,15,Kunjungan,2024\n";
    let version = app
        .upload(
            &slug,
            Some(&app.tokens.produsen),
            "text/csv",
            csv.as_bytes(),
        )
        .await
        .expect(StatusCode::CREATED);
    assert_eq!(version.json["validation"]["valid"], false);
    // A table with errors is not cleaned: there is nothing to preview or publish yet.
    let none = app
        .get(
            &format!("/api/v1/datasets/{slug}/versions/1/clean.csv"),
            Some(&app.tokens.produsen),
        )
        .await
        .expect(StatusCode::NOT_FOUND);
    assert!(
        none.json["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("tabel bersih")),
        "{}",
        none.json
    );
    let report = app
        .get(
            &format!("/api/v1/datasets/{slug}/versions/1/report"),
            Some(&app.tokens.produsen),
        )
        .await;
    let report = report.expect(StatusCode::OK).json;
    let found = kinds(&report);
    let expected = [
        ("unknown-region-code", Some(3)),
        ("bps-region-code", Some(4)),
        ("undotted-region-code", Some(5)),
        ("region-name-mismatch", Some(6)),
    ];
    for e in expected {
        assert!(found.contains(&(e.0.to_owned(), e.1)), "{e:?} in {found:?}");
    }
    assert!(
        !found.iter().any(|(_, row)| *row == Some(7)),
        "a spelling variant is not a mismatch: {found:?}"
    );
    assert!(
        report["region_reference"]
            .as_str()
            .is_some_and(|a| a.contains("ODbL"))
    );
}

const WORKBOOK: &[u8] =
    include_bytes!("../../../crates/validation/fixtures/penduduk-merged-header.xlsx");

async fn workbooks_and_json_records(app: TestApp) {
    let p = Some(app.tokens.produsen.as_str());
    let slug = app
        .dataset(json!({"title": "Penduduk per Jenis Kelamin", "organization": "dinkes"}))
        .await;
    let xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let version = app
        .upload(&slug, p, xlsx, WORKBOOK)
        .await
        .expect(StatusCode::CREATED)
        .json;
    assert_eq!(
        (
            version["row_count"].as_i64(),
            version["column_count"].as_i64()
        ),
        (Some(4), Some(6))
    );
    assert_eq!(version["table"]["format"], "xlsx");
    assert_eq!(version["table"]["sheet"], "Penduduk");
    assert_eq!(version["table"]["header"][2], "Jenis Kelamin Laki-laki");
    let report = app
        .get(&format!("/api/v1/datasets/{slug}/versions/1/report"), p)
        .await
        .expect(StatusCode::OK)
        .json;
    assert!(kinds(&report).contains(&("totals-row".to_owned(), Some(7))));

    let records = br#"[{"kecamatan": "Magersari", "jumlah": 12, "satuan": "Jiwa", "tahun": 2024}]"#;
    let version = app
        .upload(&slug, p, "application/json", records)
        .await
        .expect(StatusCode::CREATED)
        .json;
    assert_eq!(version["number"], 2);
    assert_eq!(version["table"]["format"], "json");
    assert_eq!(version["validation"]["valid"], true);
    // Two sources, two clean tables (both versions are valid).
    assert_eq!(app.stored_files().len(), 4);
}
