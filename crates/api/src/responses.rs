//! The error responses handlers document, once each: every error leaves the service in the one
//! envelope ([`crate::error::ErrorEnvelope`]), so a handler's `#[utoipa::path]` lists these
//! types (`responses((status = 200, ...), WriteErrors, NotFound)`) instead of repeating a row
//! per status. A row with a description of its own (why a lifecycle step is refused) is still
//! written out where it says more.

use std::collections::BTreeMap;

use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};

/// One error response in the envelope.
fn envelope(description: &str) -> RefOr<Response> {
    let schema = RefOr::Ref(Ref::from_schema_name("ErrorEnvelope"));
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                ContentBuilder::new().schema(Some(schema)).build(),
            )
            .build(),
    )
}

/// Declares types whose `IntoResponses` lists error responses in the envelope.
macro_rules! error_responses {
    ($($(#[$doc:meta])* $name:ident = [$(($status:literal, $description:literal)),+ $(,)?];)+) => {
        $(
            $(#[$doc])*
            #[derive(Debug)]
            pub struct $name;

            impl utoipa::IntoResponses for $name {
                fn responses() -> BTreeMap<String, RefOr<Response>> {
                    BTreeMap::from([$(($status.to_string(), envelope($description))),+])
                }
            }
        )+
    };
}

error_responses! {
    /// 400: the request is malformed.
    BadRequest = [("400", "Malformed request")];
    /// 401 and 403: writes need a token, and a role that may.
    SignedIn = [
        ("401", "Not signed in or bad token"),
        ("403", "Not allowed for this role"),
    ];
    /// 400, 401, 403 and 422: what any write can answer.
    WriteErrors = [
        ("400", "Malformed request"),
        ("401", "Not signed in or bad token"),
        ("403", "Not allowed for this role"),
        ("422", "A value is invalid"),
    ];
    /// 401: not signed in.
    Unauthenticated = [("401", "Not signed in or bad token")];
    /// 403: the role may not.
    Forbidden = [("403", "Not allowed for this role")];
    /// 404: not found, or not visible to the caller.
    NotFound = [("404", "Not found or not visible")];
    /// 404 and 410: published data, which may have been withdrawn.
    PublishedOnly = [
        ("404", "Not found, not visible or not published"),
        ("410", "Withdrawn"),
    ];
    /// 409: clashes with what is stored.
    Conflict = [("409", "Conflicts with what is stored")];
    /// 410: withdrawn.
    Gone = [("410", "Withdrawn")];
    /// 416: a byte range outside the file.
    RangeNotSatisfiable = [("416", "Range not satisfiable")];
    /// 422: a value is invalid.
    Invalid = [("422", "A value is invalid")];
    /// 400, 413 and 415: a JSON body that is malformed, over 1 MB, or not sent as
    /// `application/json`.
    JsonBody = [
        ("400", "Malformed request"),
        ("413", "Body larger than allowed"),
        ("415", "Send JSON with Content-Type: application/json"),
    ];
    /// 429: too many failed attempts; `Retry-After` says how long to wait.
    TooManyRequests = [("429", "Too many failed attempts; wait Retry-After seconds")];
    /// 503: the data service is busy or the query ran too long; `Retry-After` is set.
    Unavailable = [("503", "Busy, or the query ran longer than allowed")];
}
