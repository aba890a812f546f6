//! Backup, restore and verify: a backup of a running installation restores into an empty one,
//! which verifies clean and serves every published file byte for byte; verify finds a missing
//! and a damaged object; a restore refuses an installation that has data; gc waits while a
//! backup holds its lease.

use axum::http::StatusCode;
use satudata_catalog::backup::{MANIFEST, Manifest, restore};
use satudata_catalog::maintenance::BACKUP;
use serde_json::json;

use crate::review::CLEAN;
use crate::support::{TestApp, empty_installation, twin};

twin!(
    a_backup_restores_into_an_empty_installation,
    verify_finds_missing_and_damaged_objects,
    restore_refuses_an_installation_with_data,
);

const FILES: [&str; 4] = ["data.csv", "data.json", "data.parquet", "data.xlsx"];

async fn downloads(app: &TestApp, slug: &str, number: i64) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for file in FILES {
        let uri = format!("/datasets/{slug}/versions/{number}/{file}");
        out.push(app.get(&uri, None).await.expect(StatusCode::OK).bytes);
    }
    out
}

async fn a_backup_restores_into_an_empty_installation(app: TestApp) {
    let slug = app
        .dataset(json!({"title": "Penduduk per Kecamatan", "organization": "dinkes"}))
        .await;
    let first = app.publish(&slug, CLEAN).await;
    let second_csv = String::from_utf8_lossy(CLEAN).replace("1234", "1300");
    let second = app.publish(&slug, second_csv.as_bytes()).await;
    // An upload not yet submitted is part of the installation too.
    let other = app
        .dataset(json!({"title": "Sekolah per Kecamatan", "organization": "disdik"}))
        .await;
    app.upload(&other, Some(&app.tokens.walidata), "text/csv", CLEAN)
        .await
        .expect(StatusCode::CREATED);
    let before = [
        downloads(&app, &slug, first).await,
        downloads(&app, &slug, second).await,
    ];

    let backups = tempfile::tempdir().expect("temp dir");
    let dest = backups.path().join("backup-1");
    let report = app
        .catalog
        .backup(&dest, &app.database_url)
        .await
        .expect("backup");
    let manifest: Manifest =
        serde_json::from_slice(&std::fs::read(dest.join(MANIFEST)).expect("manifest"))
            .expect("manifest parses");
    assert_eq!(manifest, report.manifest);
    // Three sources, two clean tables (the CSV distributions share them), three more files
    // for each published version.
    assert_eq!(manifest.objects.len(), 3 + 2 + 2 * 3, "{manifest:#?}");
    assert!(
        !app.catalog.backup_running().await.expect("lease"),
        "the lease is given up"
    );
    // A second backup into the same folder is refused: it is not empty.
    let again = app.catalog.backup(&dest, &app.database_url).await;
    assert!(again.is_err());

    let (dir, url, storage) = empty_installation(app.backend())
        .await
        .expect("the same backend");
    // As after a first `satudata serve` of the new installation: migrated, nothing in it.
    let first_start = satudata_catalog::db::connect(&url).await.expect("connect");
    satudata_catalog::db::migrate(&first_start)
        .await
        .expect("migrate");
    first_start.close().await.expect("close");
    let restored = restore(&dest, &url, &storage).await.expect("restore");
    assert!(restored.verify.is_ok(), "{:?}", restored.verify);
    assert_eq!(restored.copied, manifest.objects.len());
    assert_eq!(restored.verify.checked, manifest.objects.len());

    let copy = TestApp::attach(dir, url, storage, app.tokens.clone()).await;
    assert!(copy.catalog.verify().await.expect("verify").is_ok());
    let after = [
        downloads(&copy, &slug, first).await,
        downloads(&copy, &slug, second).await,
    ];
    assert!(
        before == after,
        "every published file downloads byte for byte"
    );
    // Accounts and tokens came along; the restored installation works on.
    copy.get(
        &format!("/api/v1/datasets/{other}/versions/1/report"),
        Some(&copy.tokens.walidata),
    )
    .await
    .expect(StatusCode::OK);
    let third = copy
        .publish(
            &slug,
            String::from_utf8_lossy(CLEAN)
                .replace("1234", "1400")
                .as_bytes(),
        )
        .await;
    assert_eq!(third, 3);
}

async fn verify_finds_missing_and_damaged_objects(app: TestApp) {
    let slug = app
        .dataset(json!({"title": "Penduduk per Kecamatan", "organization": "dinkes"}))
        .await;
    app.publish(&slug, CLEAN).await;
    let report = app.catalog.verify().await.expect("verify");
    assert!(report.is_ok(), "{report:?}");
    assert_eq!(
        report.checked, 5,
        "source, clean table, JSON, Parquet, XLSX"
    );

    let mut files = app.stored_files();
    files.sort();
    let damaged = files
        .iter()
        .find(|p| p.ends_with("source"))
        .expect("source");
    let mut bytes = std::fs::read(damaged).expect("read");
    bytes[0] ^= 1;
    std::fs::write(damaged, bytes).expect("write");
    let missing = files
        .iter()
        .find(|p| p.to_string_lossy().contains("blobs/"))
        .expect("a blob");
    std::fs::remove_file(missing).expect("remove");

    let report = app.catalog.verify().await.expect("verify");
    assert!(!report.is_ok());
    assert_eq!(report.corrupt.len(), 1, "{report:?}");
    assert!(report.corrupt[0].ends_with("/source"));
    assert_eq!(report.missing.len(), 1, "{report:?}");
    assert!(report.missing[0].starts_with("blobs/"));
    // A backup refuses to copy what verify would not pass.
    let backups = tempfile::tempdir().expect("temp dir");
    let refused = app
        .catalog
        .backup(&backups.path().join("b"), &app.database_url)
        .await;
    assert!(refused.is_err());
    assert!(!app.catalog.backup_running().await.expect("lease"));
}

async fn restore_refuses_an_installation_with_data(app: TestApp) {
    let slug = app
        .dataset(json!({"title": "Penduduk per Kecamatan", "organization": "dinkes"}))
        .await;
    app.publish(&slug, CLEAN).await;
    let backups = tempfile::tempdir().expect("temp dir");
    let dest = backups.path().join("b");
    app.catalog
        .backup(&dest, &app.database_url)
        .await
        .expect("backup");
    // Into itself: it has OPDs, accounts and a dataset.
    let refused = restore(&dest, &app.database_url, app.catalog.storage()).await;
    let message = refused.expect_err("refused").to_string();
    assert!(message.contains("empty installation"), "{message}");
    let report = app.catalog.verify().await.expect("verify");
    assert!(report.is_ok(), "nothing was touched: {report:?}");

    // While a backup holds its lease, gc removes nothing, not even an old leftover.
    let leftover = app.dir.path().join("objects/datasets/leftover");
    std::fs::write(&leftover, b"x").expect("leftover");
    assert!(
        app.catalog
            .take_lease(BACKUP, "someone", chrono::Duration::minutes(5))
            .await
            .expect("lease")
    );
    let gc = app
        .catalog
        .collect_garbage(std::time::Duration::ZERO, false)
        .await
        .expect("gc");
    assert!(gc.removed.is_empty());
    assert!(leftover.exists());
    // And a second backup waits for the first.
    let busy = app
        .catalog
        .backup(&backups.path().join("c"), &app.database_url)
        .await;
    assert!(
        busy.expect_err("busy")
            .to_string()
            .contains("another backup")
    );
    app.catalog
        .drop_lease(BACKUP, "someone")
        .await
        .expect("drop");
    let gc = app
        .catalog
        .collect_garbage(std::time::Duration::ZERO, false)
        .await
        .expect("gc");
    assert_eq!(gc.removed, vec!["datasets/leftover".to_owned()]);
}
