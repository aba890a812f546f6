//! The catalog's error type. Messages a person reads come in Bahasa Indonesia first and English
//! second; internal causes (database, object store) are kept for the log, never shown.

use std::borrow::Cow;

/// A message in Bahasa Indonesia and in English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Bahasa Indonesia.
    pub id: Cow<'static, str>,
    /// English.
    pub en: Cow<'static, str>,
}

impl Message {
    /// A message from both texts.
    pub fn new(id: impl Into<Cow<'static, str>>, en: impl Into<Cow<'static, str>>) -> Self {
        Self {
            id: id.into(),
            en: en.into(),
        }
    }
}

/// Everything that can go wrong in the catalog.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The thing asked for does not exist, or the caller may not see it.
    #[error("not found: {0:?}")]
    NotFound(Message),
    /// The thing existed and was withdrawn; the message carries the reason.
    #[error("gone: {0:?}")]
    Gone(Message),
    /// A value in the request is not acceptable; `field` names it.
    #[error("invalid {field}: {message:?}")]
    Invalid {
        /// The request field (dotted path) at fault.
        field: Cow<'static, str>,
        /// What is wrong with it.
        message: Message,
    },
    /// A query parameter is malformed or names something that does not exist (400).
    #[error("bad parameter {param}: {message:?}")]
    BadParameter {
        /// The parameter, as written in the query string.
        param: String,
        /// What is wrong with it.
        message: Message,
    },
    /// The request clashes with what is stored (a taken slug or e-mail).
    #[error("conflict: {0:?}")]
    Conflict(Message),
    /// No valid credentials were given.
    #[error("unauthenticated: {0:?}")]
    Unauthenticated(Message),
    /// The caller is known but may not do this.
    #[error("forbidden: {0:?}")]
    Forbidden(Message),
    /// An upload larger than the configured limit.
    #[error("upload larger than {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// An upload of a kind that is not accepted.
    #[error("unsupported media type {0}")]
    UnsupportedMediaType(String),
    /// Too many attempts: wait `retry_after` seconds (429).
    #[error("too many requests: {message:?}")]
    TooManyRequests {
        /// Seconds to wait.
        retry_after: u64,
        /// Why.
        message: Message,
    },
    /// The service cannot answer now (busy, or a query ran too long): 503.
    #[error("unavailable: {0:?}")]
    Unavailable(Message),
    /// The uploaded file is not a table.
    #[error("unreadable table: {0:?}")]
    Unreadable(Message),
    /// The database failed.
    #[error("database")]
    Database(#[from] sea_orm::DbErr),
    /// The object store failed.
    #[error("object store")]
    Storage(#[from] satudata_storage::Error),
    /// Cleaning a table or writing its published files failed.
    #[error("publishing files")]
    Publish(#[from] satudata_publish::Error),
    /// The data API engine failed (its parameter errors become [`Error::BadParameter`]).
    #[error("data query")]
    Query(#[source] satudata_dataquery::Error),
    /// A local file operation failed; `context` says which.
    #[error("{context}")]
    Io {
        /// What was being done.
        context: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// Stored JSON (a report, a schema, a log) could not be read or written.
    #[error("{context}")]
    Json {
        /// Which document.
        context: &'static str,
        /// serde_json's error.
        #[source]
        source: serde_json::Error,
    },
    /// A blocking task (validation, cleaning, publishing, a query) panicked or was cancelled.
    #[error("a blocking task failed")]
    Task(#[from] tokio::task::JoinError),
    /// Another library failed; `context` says what was being done.
    #[error("{context}")]
    Internal {
        /// What was being done.
        context: &'static str,
        /// The library's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A backup, restore or verification cannot go on; the text says why and what to do.
    #[error("{0}")]
    Backup(String),
    /// Stored data broke an assumption of the catalog (a bug, or a row changed under us).
    #[error("{0}")]
    Invariant(String),
}

impl From<satudata_dataquery::Error> for Error {
    fn from(error: satudata_dataquery::Error) -> Self {
        match error {
            satudata_dataquery::Error::BadParameter { param, id, en } => Self::BadParameter {
                param,
                message: Message::new(id, en),
            },
            other => Self::Query(other),
        }
    }
}

/// An error with its whole chain of causes, for the log: `publishing files: writing the
/// Parquet file: No space left on device (os error 28)`.
#[derive(Debug)]
pub struct Chain<'a>(pub &'a dyn std::error::Error);

impl std::fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        let mut cause = self.0.source();
        while let Some(error) = cause {
            write!(f, ": {error}")?;
            cause = error.source();
        }
        Ok(())
    }
}

/// Result with the catalog's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Whether the error is ours (a 500), not the request's: such errors are logged with their
    /// whole chain of causes and never shown.
    pub fn is_internal(&self) -> bool {
        matches!(
            self,
            Self::Database(_)
                | Self::Storage(_)
                | Self::Publish(_)
                | Self::Query(_)
                | Self::Io { .. }
                | Self::Json { .. }
                | Self::Task(_)
                | Self::Internal { .. }
                | Self::Invariant(_)
        )
    }

    /// A stored JSON document that could not be read or written.
    pub(crate) fn json(context: &'static str) -> impl FnOnce(serde_json::Error) -> Self {
        move |source| Self::Json { context, source }
    }

    /// A not-found error for a kind of thing ("dataset") and its key.
    pub fn not_found(what_id: &str, what_en: &str, key: &str) -> Self {
        Self::NotFound(Message::new(
            format!("{what_id} '{key}' tidak ditemukan"),
            format!("{what_en} '{key}' not found"),
        ))
    }

    /// An invalid-field error.
    pub fn invalid(
        field: impl Into<Cow<'static, str>>,
        id: impl Into<Cow<'static, str>>,
        en: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::Invalid {
            field: field.into(),
            message: Message::new(id, en),
        }
    }

    /// A forbidden error with a reason.
    pub fn forbidden(id: impl Into<Cow<'static, str>>, en: impl Into<Cow<'static, str>>) -> Self {
        Self::Forbidden(Message::new(id, en))
    }

    /// The error for a missing or bad sign-in.
    pub fn unauthenticated() -> Self {
        Self::Unauthenticated(Message::new(
            "Perlu masuk: kirim header Authorization: Bearer <token> yang sah",
            "Authentication required: send a valid Authorization: Bearer <token> header",
        ))
    }
}

/// What a client is told about an error, whichever door it came through (the JSON API, the
/// browser's upload protocol): the HTTP status, the envelope's stable `code`, the message,
/// the request field at fault and how many seconds to wait. An internal error becomes a 500
/// that says nothing of its cause; log [`Chain`] before asking for the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The HTTP status code.
    pub status: u16,
    /// The envelope's machine-readable code (`not_found`, `validation_failed` …).
    pub code: &'static str,
    /// What the person reads.
    pub message: Message,
    /// The request field or query parameter at fault.
    pub field: Option<String>,
    /// Seconds to wait before trying again (`Retry-After`).
    pub retry_after: Option<u64>,
}

impl Error {
    /// The answer a client gets for this error.
    pub fn answer(self) -> Answer {
        let plain = |status, code, message| Answer {
            status,
            code,
            message,
            field: None,
            retry_after: None,
        };
        match self {
            Self::TooManyRequests {
                retry_after,
                message,
            } => Answer {
                retry_after: Some(retry_after),
                ..plain(429, "too_many_requests", message)
            },
            Self::Unavailable(m) => Answer {
                retry_after: Some(5),
                ..plain(503, "unavailable", m)
            },
            Self::NotFound(m) => plain(404, "not_found", m),
            Self::Invalid { field, message } => Answer {
                field: Some(field.into_owned()),
                ..plain(422, "validation_failed", message)
            },
            Self::Conflict(m) => plain(409, "conflict", m),
            Self::BadParameter { param, message } => Answer {
                field: Some(param),
                ..plain(400, "bad_request", message)
            },
            Self::Gone(m) => plain(410, "gone", m),
            Self::Unauthenticated(m) => plain(401, "unauthenticated", m),
            Self::Forbidden(m) => plain(403, "forbidden", m),
            Self::TooLarge { limit } => plain(
                413,
                "payload_too_large",
                Message::new(
                    format!("Berkas melebihi batas unggah {limit} bita"),
                    format!("The file exceeds the upload limit of {limit} bytes"),
                ),
            ),
            Self::UnsupportedMediaType(kind) => plain(
                415,
                "unsupported_media_type",
                Message::new(
                    format!(
                        "Jenis berkas '{kind}' tidak didukung; kirim CSV (text/csv), XLSX atau JSON"
                    ),
                    format!(
                        "Media type '{kind}' is not supported; send CSV (text/csv), XLSX or JSON"
                    ),
                ),
            ),
            Self::Unreadable(m) => plain(422, "unreadable_table", m),
            Self::Database(_)
            | Self::Storage(_)
            | Self::Publish(_)
            | Self::Query(_)
            | Self::Io { .. }
            | Self::Json { .. }
            | Self::Task(_)
            | Self::Internal { .. }
            | Self::Backup(_)
            | Self::Invariant(_) => plain(500, "internal", Message::internal()),
        }
    }
}

impl Message {
    /// The message of a failure of ours: nothing of its cause.
    pub fn internal() -> Self {
        Self::new(
            "Terjadi kesalahan di server; coba lagi nanti",
            "Something went wrong on the server; try again later",
        )
    }
}
