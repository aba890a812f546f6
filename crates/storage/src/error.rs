//! The storage crate's error: every failure keeps its cause ([`std::error::Error::source`]), so
//! the log shows the whole chain.

/// What can go wrong with the object store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The store's URL or settings cannot be used (a configuration mistake, reported at start).
    #[error("{en}")]
    Config {
        /// What is wrong, in Bahasa Indonesia.
        id: String,
        /// What is wrong, in English.
        en: String,
    },
    /// The object store refused or failed.
    #[error("object store")]
    Store(#[from] object_store::Error),
    /// A local file operation failed; `context` says which.
    #[error("{context}")]
    Io {
        /// What was being done, e.g. "moving /x into the store".
        context: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A blocking task (file I/O off the async workers) panicked or was cancelled.
    #[error("a blocking storage task failed")]
    Task(#[from] tokio::task::JoinError),
}

impl Error {
    /// Whether the object asked for does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::Store(object_store::Error::NotFound { .. }))
    }

    /// An I/O error with what was being done.
    pub(crate) fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> Self {
        let context = context.into();
        move |source| Self::Io { context, source }
    }
}

/// Result with the storage error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
