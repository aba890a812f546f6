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
    /// The uploaded file is not a table.
    #[error("unreadable table: {0:?}")]
    Unreadable(Message),
    /// The database failed.
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    /// The object store failed.
    #[error("object store: {0}")]
    Storage(#[from] object_store::Error),
    /// Anything else that is our fault.
    #[error("internal: {0}")]
    Internal(String),
}

/// Result with the catalog's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
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
