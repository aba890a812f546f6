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
