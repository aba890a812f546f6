//! Log output on standard error: text for people, or one JSON object per line for log
//! collectors (`log_format`). Colours (ANSI escape codes) only when standard error is a
//! terminal and `NO_COLOR` is unset, so a log file, journald or `docker logs` gets plain text.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use crate::config::{Config, LogFormat};

/// Whether text logs may be coloured: standard error is a terminal and `NO_COLOR` is unset
/// (<https://no-color.org>).
pub fn colour_allowed() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Installs the process's logger as `config` says (`log`, `log_format`). An unusable filter
/// falls back to `info`.
pub fn init(config: &Config) {
    let filter = EnvFilter::try_new(&config.log).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match config.log_format {
        LogFormat::Text => builder.with_ansi(colour_allowed()).init(),
        LogFormat::Json => builder
            .json()
            .with_ansi(false)
            .flatten_event(true)
            .with_current_span(false)
            .init(),
    }
}
