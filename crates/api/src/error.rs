//! The one error type of the HTTP layer and its JSON envelope.
//!
//! Every error leaves the service as `{"error": {"code", "message", "message_en", "field"?}}`
//! with a 4xx or 5xx status: domain errors, malformed JSON, bad query strings, unknown routes and
//! methods alike. Internal causes are logged, never returned.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use satudata_catalog::{Error as CatalogError, Message};
use satudata_harvest::Error as HarvestError;
use serde::Serialize;
use utoipa::ToSchema;

/// The error envelope.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorEnvelope {
    /// The error.
    pub error: ErrorBody,
}

/// What went wrong.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code: `bad_request`, `validation_failed`, `unauthenticated`,
    /// `forbidden`, `not_found`, `method_not_allowed`, `conflict`, `gone`, `payload_too_large`,
    /// `range_not_satisfiable`, `unsupported_media_type`, `unreadable_table`,
    /// `too_many_requests`, `unavailable`, `internal`.
    pub code: &'static str,
    /// Message in Bahasa Indonesia.
    pub message: String,
    /// The same message in English.
    pub message_en: String,
    /// The request field at fault, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// An HTTP error: a status and the envelope's content.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: ErrorBody,
    /// A header the error carries.
    header: Option<ErrorHeader>,
}

/// A header an error response carries beside the envelope.
#[derive(Debug, Clone, Copy)]
enum ErrorHeader {
    /// `Content-Range: bytes */<size>` of a 416.
    ContentRange(u64),
    /// `Retry-After: <seconds>` of a 429 or 503.
    RetryAfter(u64),
}

impl ApiError {
    /// An error from parts.
    pub fn new(status: StatusCode, code: &'static str, message: Message) -> Self {
        Self {
            status,
            body: ErrorBody {
                code,
                message: message.id.into_owned(),
                message_en: message.en.into_owned(),
                field: None,
            },
            header: None,
        }
    }

    /// The 416 of a byte range outside the file.
    pub fn range_not_satisfiable(size: u64) -> Self {
        let mut error = Self::new(
            StatusCode::RANGE_NOT_SATISFIABLE,
            "range_not_satisfiable",
            Message::new(
                format!("Rentang bita di luar berkas ({size} bita)"),
                format!("The byte range is outside the file ({size} bytes)"),
            ),
        );
        error.header = Some(ErrorHeader::ContentRange(size));
        error
    }

    /// A 400 for a malformed request.
    pub fn bad_request(id: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            Message::new(id.into(), en.into()),
        )
    }

    /// The 404 of an unknown route.
    pub fn no_route() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            Message::new("Alamat tidak ditemukan", "No such route"),
        )
    }

    /// The 405 of a known route with another method.
    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            Message::new(
                "Metode HTTP tidak didukung di alamat ini",
                "Method not allowed on this route",
            ),
        )
    }

    /// A failure of ours: logged with its whole chain of causes, answered as a 500 that says
    /// nothing of it.
    pub fn internal(what: &str, cause: &dyn std::error::Error) -> Self {
        tracing::error!(error = %Chain(cause), "{what}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            internal_message(),
        )
    }

    /// A broken assumption of ours (a bug): logged, answered as a 500.
    pub fn invariant(what: &str) -> Self {
        tracing::error!("{what}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            internal_message(),
        )
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl From<CatalogError> for ApiError {
    fn from(error: CatalogError) -> Self {
        if error.is_internal() || matches!(error, CatalogError::Backup(_)) {
            tracing::error!(error = %Chain(&error), "request failed");
        }
        let answer = error.answer();
        let status =
            StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut api = Self::new(status, answer.code, answer.message);
        api.body.field = answer.field;
        api.header = answer.retry_after.map(ErrorHeader::RetryAfter);
        api
    }
}

impl From<HarvestError> for ApiError {
    fn from(error: HarvestError) -> Self {
        match error {
            HarvestError::Catalog(error) => error.into(),
            error => {
                tracing::error!(error = %Chain(&error), "request failed");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    internal_message(),
                )
            }
        }
    }
}

impl From<satudata_catalog::storage::Error> for ApiError {
    fn from(error: satudata_catalog::storage::Error) -> Self {
        CatalogError::from(error).into()
    }
}

impl From<satudata_catalog::dataquery::Error> for ApiError {
    fn from(error: satudata_catalog::dataquery::Error) -> Self {
        CatalogError::from(error).into()
    }
}

/// What a client is told of a failure of ours (the log has the cause).
fn internal_message() -> Message {
    Message::internal()
}

pub use satudata_catalog::error::Chain;

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let detail = rejection.body_text();
        let (status, code, id) = match &rejection {
            JsonRejection::JsonDataError(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                "Isi JSON tidak sesuai skema",
            ),
            JsonRejection::MissingJsonContentType(_) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Kirim JSON dengan Content-Type: application/json",
            ),
            JsonRejection::BytesRejection(_)
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE =>
            {
                (
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "payload_too_large",
                    "Isi permintaan terlalu besar",
                )
            }
            _ => (StatusCode::BAD_REQUEST, "bad_request", "JSON tidak sah"),
        };
        Self::new(
            status,
            code,
            Message::new(format!("{id}: {detail}"), detail),
        )
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        let detail = rejection.body_text();
        Self::bad_request(format!("Parameter kueri tidak sah: {detail}"), detail)
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        let detail = rejection.body_text();
        Self::bad_request(format!("Alamat tidak sah: {detail}"), detail)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status;
        let mut response = (status, axum::Json(ErrorEnvelope { error: self.body })).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        match self.header {
            Some(ErrorHeader::RetryAfter(secs)) => {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            }
            Some(ErrorHeader::ContentRange(size)) => {
                if let Ok(range) = HeaderValue::from_str(&format!("bytes */{size}")) {
                    response.headers_mut().insert(header::CONTENT_RANGE, range);
                }
            }
            None => {}
        }
        response
    }
}

/// Result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;
