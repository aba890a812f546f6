//! The harvest crate's error: a catalog error (not found, a bad parameter ...) as it is, or a
//! failure of the read model or of RDF serialisation with its cause.

use std::borrow::Cow;

use satudata_catalog::{Error as CatalogError, Message};

/// What can go wrong while answering a harvester.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A catalog error: the request's fault (not found, gone, a bad parameter) or an internal
    /// one; the HTTP layer maps it exactly as it maps catalog errors elsewhere.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// A read-model query failed.
    #[error("database")]
    Database(#[from] sea_orm::DbErr),
    /// A graph could not be serialised (an IRI we built, or the writer).
    #[error("{context}")]
    Rdf {
        /// What was being done.
        context: String,
        /// The RDF library's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A JSON document could not be written.
    #[error("writing a JSON document")]
    Json(#[from] serde_json::Error),
    /// The client stopped reading a streamed answer.
    #[error("the client went away")]
    Closed,
    /// Stored data broke an assumption (a bug, or a row changed under us).
    #[error("{0}")]
    Invariant(String),
}

impl Error {
    /// Not found (or not visible to the caller): "Grup 'x' tidak ditemukan".
    pub(crate) fn not_found(what_id: &str, what_en: &str, key: &str) -> Self {
        Self::Catalog(CatalogError::not_found(what_id, what_en, key))
    }

    /// A parameter at fault (a 400, or CKAN's "Validation Error" / "Search Query Error").
    pub(crate) fn bad_parameter(
        param: impl Into<String>,
        id: impl Into<Cow<'static, str>>,
        en: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::Catalog(CatalogError::BadParameter {
            param: param.into(),
            message: Message::new(id, en),
        })
    }

    /// The same error, blamed on `param` when it is a parameter's (an `fq` is parsed like
    /// `q`).
    pub(crate) fn blame(self, param: &str) -> Self {
        match self {
            Self::Catalog(CatalogError::BadParameter { message, .. }) => {
                Self::Catalog(CatalogError::BadParameter {
                    param: param.to_owned(),
                    message,
                })
            }
            other => other,
        }
    }

    /// `other` in place of a not-found error (a resource id that names no resource).
    pub(crate) fn or_not_found(error: CatalogError, other: impl FnOnce() -> Self) -> Self {
        match error {
            CatalogError::NotFound(_) => other(),
            error => error.into(),
        }
    }
}

/// Result with the harvest error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
