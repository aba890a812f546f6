//! The operator's commands, parsed and run as the binary does.

use clap::Parser;
use satudata_api::Config;
use satudata_api::cli::{Cli, run};

fn config(dir: &std::path::Path) -> Config {
    Config {
        database_url: format!("sqlite://{}/cli.db", dir.display()),
        storage: format!("file://{}/objects", dir.display()),
        ..Config::default()
    }
}

async fn satudata(dir: &std::path::Path, args: &[&str]) -> Result<String, String> {
    let cli = Cli::try_parse_from(std::iter::once("satudata").chain(args.iter().copied()))
        .map_err(|e| e.to_string())?;
    run(cli.command, config(dir)).await
}

#[tokio::test]
async fn bootstrap_an_install_without_sql() {
    let dir = tempfile::tempdir().expect("dir");
    let d = dir.path();
    assert_eq!(satudata(d, &["migrate"]).await, Ok(String::new()));
    satudata(
        d,
        &[
            "org",
            "add",
            "--slug",
            "diskominfo",
            "--name",
            "Dinas Komunikasi dan Informatika",
            "--kind",
            "dinas",
        ],
    )
    .await
    .expect("org add");
    satudata(
        d,
        &[
            "user",
            "add",
            "--email",
            "admin@mojokertokota.go.id",
            "--name",
            "Admin",
            "--role",
            "admin",
        ],
    )
    .await
    .expect("user add");
    satudata(
        d,
        &[
            "user",
            "add",
            "--email",
            "wali@mojokertokota.go.id",
            "--name",
            "Walidata",
            "--role",
            "walidata",
            "--org",
            "diskominfo",
        ],
    )
    .await
    .expect("user add with org");
    let token = satudata(
        d,
        &[
            "token",
            "create",
            "--email",
            "admin@mojokertokota.go.id",
            "--expires-in",
            "30",
        ],
    )
    .await
    .expect("token create");
    assert!(
        token.starts_with("sdt_") && !token.contains(char::is_whitespace),
        "the token alone: {token:?}"
    );

    // The token works against the same database.
    let catalog = satudata_api::open_catalog(&config(d))
        .await
        .expect("catalog");
    let principal = catalog.authenticate(&token).await.expect("token is valid");
    assert_eq!(principal.email, "admin@mojokertokota.go.id");
}

#[tokio::test]
async fn bad_commands_fail_with_a_message() {
    let dir = tempfile::tempdir().expect("dir");
    let d = dir.path();
    let err = satudata(
        d,
        &[
            "user",
            "add",
            "--email",
            "p@x.go.id",
            "--name",
            "P",
            "--role",
            "produsen",
        ],
    )
    .await;
    assert!(
        err.as_ref().is_err_and(|e| e.contains("organization")),
        "{err:?}"
    );
    let err = satudata(
        d,
        &[
            "user",
            "add",
            "--email",
            "p@x.go.id",
            "--name",
            "P",
            "--role",
            "raja",
        ],
    )
    .await;
    assert!(err.as_ref().is_err_and(|e| e.contains("role")), "{err:?}");
    let err = satudata(d, &["token", "create", "--email", "tidak@ada.go.id"]).await;
    assert!(err.is_err());
    let err = satudata(d, &["org", "add", "--slug", "X Y", "--name", "Z"]).await;
    assert!(err.as_ref().is_err_and(|e| e.contains("slug")), "{err:?}");
    assert!(satudata(d, &["frobnicate"]).await.is_err());
}

#[test]
fn validate_exits_0_1_2_and_prints_json() {
    use satudata_api::validate_cli::{Format, ValidateArgs, run as validate};
    let dir = tempfile::tempdir().expect("dir");
    let good = dir.path().join("baik.csv");
    std::fs::write(
        &good,
        "kecamatan,jumlah,satuan,tahun\nMagersari,12,Jiwa,2024\nKranggan,7,Jiwa,2024\n",
    )
    .expect("write");
    let bad = dir.path().join("buruk.csv");
    std::fs::write(
        &bad,
        "kecamatan,jumlah,satuan,tahun\nMagersari,12,Jiwa,2024\nKranggan,7,Jiwa\n",
    )
    .expect("write");
    let args = |file: &std::path::Path, format| ValidateArgs {
        file: file.to_owned(),
        schema: None,
        reference: None,
        format,
        max_findings: 100,
        sheet: None,
        clean_out: None,
        long: false,
    };
    let (text, code) = validate(&args(&good, Format::Text));
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("VALID"));
    assert!(
        text.contains("usulan kunci (suggested key): kecamatan"),
        "{text}"
    );
    let (json, code) = validate(&args(&bad, Format::Json));
    assert_eq!(code, 1);
    let report: serde_json::Value = serde_json::from_str(&json).expect("json report");
    assert_eq!(report["counts"]["missing-cell"], 1);
    let missing = report["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["type"] == "missing-cell"))
        .expect("missing-cell");
    assert_eq!(missing["row_number"], 3);
    let cleaned = dir.path().join("bersih.csv");
    let messy = dir.path().join("kotor.csv");
    std::fs::write(
        &messy,
        b"Judul Tabel\r\nKecamatan;Jumlah;Satuan;Tahun\r\nKr\xE4nggan;1.234;Jiwa;2024\r\n",
    )
    .expect("write");
    let (_, code) = validate(&ValidateArgs {
        clean_out: Some(cleaned.clone()),
        ..args(&messy, Format::Text)
    });
    assert_eq!(code, 0);
    assert_eq!(
        std::fs::read_to_string(&cleaned).expect("cleaned"),
        "kecamatan,jumlah,satuan,tahun\r\nKränggan,1234,Jiwa,2024\r\n"
    );
    let (_, code) = validate(&args(&dir.path().join("tidak-ada.csv"), Format::Text));
    assert_eq!(code, 2, "a missing file cannot be read");
    let binary = dir.path().join("gambar.csv");
    std::fs::write(&binary, b"\x89PNG\r\n\x1a\n\x00\x00").expect("write");
    assert_eq!(validate(&args(&binary, Format::Json)).1, 2);
}

#[tokio::test]
async fn reference_import_from_the_npm_package() {
    let Some(tgz) = std::env::var("TEST_REFERENCE_TGZ").ok() else {
        eprintln!("TEST_REFERENCE_TGZ is not set: skipping");
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    satudata(dir.path(), &["reference", "import", "kemendagri", &tgz])
        .await
        .expect("import");
    let err = satudata(
        dir.path(),
        &["reference", "import", "kemendagri", "/tidak/ada.tgz"],
    )
    .await;
    assert!(err.is_err(), "a missing package is an error");
    let catalog = satudata_api::open_catalog(&config(dir.path()))
        .await
        .expect("catalog");
    let regions = catalog.regions().expect("loaded at start");
    assert_eq!(regions.counts(), [38, 514, 7285, 83762]);
}

#[tokio::test]
async fn backup_verify_and_restore_from_the_command_line() {
    let live = tempfile::tempdir().expect("dir");
    let copy = tempfile::tempdir().expect("dir");
    let backups = tempfile::tempdir().expect("dir");
    let dest = backups.path().join("b");
    let dest = dest.to_str().expect("utf-8");
    satudata(
        live.path(),
        &[
            "org",
            "add",
            "--slug",
            "dinkes",
            "--name",
            "Dinas Kesehatan",
        ],
    )
    .await
    .expect("org add");
    assert_eq!(satudata(live.path(), &["verify"]).await, Ok(String::new()));
    assert_eq!(
        satudata(live.path(), &["backup", dest]).await,
        Ok(String::new())
    );
    let again = satudata(live.path(), &["backup", dest]).await;
    assert!(again.expect_err("not empty").contains("not empty"));
    // Into the installation it came from: refused, it has an OPD.
    let refused = satudata(live.path(), &["restore", dest]).await;
    assert!(refused.expect_err("refused").contains("empty installation"));
    assert_eq!(
        satudata(copy.path(), &["restore", dest]).await,
        Ok(String::new())
    );
    // The OPD came along: adding it again is a conflict.
    let taken = satudata(
        copy.path(),
        &[
            "org",
            "add",
            "--slug",
            "dinkes",
            "--name",
            "Dinas Kesehatan",
        ],
    )
    .await;
    assert!(taken.is_err());
    let missing = satudata(copy.path(), &["restore", "/nonexistent/backup"]).await;
    assert!(missing.expect_err("no manifest").contains("manifest.json"));
}
