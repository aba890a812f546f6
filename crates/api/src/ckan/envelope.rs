//! CKAN's response envelope and error types, and typed access to action parameters (GET query
//! strings and POST JSON bodies alike). CKAN clients read `success`, `result` and
//! `error.__type`; the CKAN routes therefore answer in CKAN's envelope, not ours.

use axum::Json;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use satudata_catalog::{Error as CatalogError, Message};
use satudata_harvest::Error as HarvestError;
use serde_json::{Map, Value, json};

use crate::cache::Cached;
use crate::error::Chain;

/// The parameters of one action call.
#[derive(Debug, Default)]
pub struct Params(pub Map<String, Value>);

impl Params {
    /// From a query string: every value is a string (repeated keys: the last wins, except
    /// `fq`, whose values are all kept).
    pub fn from_query(query: &str) -> Self {
        let mut map = Map::new();
        let mut fq = Vec::new();
        for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
            if k == "fq" {
                fq.push(Value::String(v.into_owned()));
            } else {
                map.insert(k.into_owned(), Value::String(v.into_owned()));
            }
        }
        if !fq.is_empty() {
            map.insert("fq_list".into(), Value::Array(fq));
        }
        Self(map)
    }

    /// The parameters in a canonical order (a cache key: GET and POST calls with the same
    /// parameters give the same key).
    pub fn canonical(&self) -> String {
        let mut pairs: Vec<String> = self.0.iter().map(|(k, v)| format!("{k}={v}")).collect();
        pairs.sort_unstable();
        pairs.join("&")
    }

    /// A string parameter.
    pub fn str(&self, key: &str) -> Option<String> {
        match self.0.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        }
    }

    /// A required string parameter (CKAN: `Missing value`).
    pub fn required(&self, key: &str) -> Result<String, CkanError> {
        self.str(key)
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| CkanError::validation(key, "Missing value"))
    }

    /// A non-negative integer parameter, given as a number or a numeric string.
    pub fn uint(&self, key: &str) -> Result<Option<u64>, CkanError> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n
                .as_u64()
                .map(Some)
                .ok_or_else(|| CkanError::validation(key, "Must be a natural number")),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => s
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| CkanError::validation(key, "Invalid integer")),
            Some(_) => Err(CkanError::validation(key, "Invalid integer")),
        }
    }

    /// An integer parameter that may be negative (`facet.limit=-1`).
    pub fn int(&self, key: &str) -> Result<Option<i64>, CkanError> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| CkanError::validation(key, "Invalid integer")),
            Some(Value::String(s)) => s
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| CkanError::validation(key, "Invalid integer")),
            Some(_) => Err(CkanError::validation(key, "Invalid integer")),
        }
    }

    /// A boolean parameter (`true`/`false`, `1`/`0`, `yes`/`no`).
    pub fn bool(&self, key: &str, default: bool) -> Result<bool, CkanError> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(default),
            Some(Value::Bool(b)) => Ok(*b),
            Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" => Ok(true),
                "false" | "0" | "no" | "off" | "" => Ok(false),
                _ => Err(CkanError::validation(
                    key,
                    "Value must be one of [True, False]",
                )),
            },
            Some(Value::Number(n)) => Ok(n.as_i64() != Some(0)),
            Some(_) => Err(CkanError::validation(
                key,
                "Value must be one of [True, False]",
            )),
        }
    }

    /// A list given as a JSON list, a JSON-encoded list in a string, or a comma-separated
    /// string.
    pub fn list(&self, key: &str) -> Result<Vec<String>, CkanError> {
        let items = match self.0.get(key) {
            None | Some(Value::Null) => return Ok(Vec::new()),
            Some(Value::Array(items)) => items.clone(),
            Some(Value::String(s)) if s.trim_start().starts_with('[') => {
                match serde_json::from_str::<Value>(s) {
                    Ok(Value::Array(items)) => items,
                    _ => return Err(CkanError::validation(key, "Invalid JSON list")),
                }
            }
            Some(Value::String(s)) => {
                return Ok(s
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect());
            }
            Some(_) => return Err(CkanError::validation(key, "Must be a list")),
        };
        items
            .into_iter()
            .map(|v| match v {
                Value::String(s) => Ok(s),
                _ => Err(CkanError::validation(key, "List items must be strings")),
            })
            .collect()
    }

    /// A JSON value given as JSON or as a JSON-encoded string (`filters` in a query string).
    pub fn json(&self, key: &str) -> Result<Option<Value>, CkanError> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => serde_json::from_str(s)
                .map(Some)
                .map_err(|_| CkanError::validation(key, "Cannot parse JSON")),
            Some(other) => Ok(Some(other.clone())),
        }
    }
}

/// A failed action, as CKAN reports it.
#[derive(Debug)]
pub struct CkanError {
    status: StatusCode,
    kind: &'static str,
    message: String,
    /// Validation Error: field → messages.
    fields: Option<(String, String)>,
}

impl CkanError {
    /// CKAN's `Validation Error` on one parameter (409).
    pub fn validation(field: &str, message: &str) -> Self {
        Self {
            status: StatusCode::CONFLICT,
            kind: "Validation Error",
            message: format!("{field}: {message}"),
            fields: Some((field.to_owned(), message.to_owned())),
        }
    }

    /// An action name CKAN does not know (400).
    pub fn unknown_action(name: &str) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            kind: "Bad Request",
            message: format!("Bad request - Action name not known: {name}"),
            fields: None,
        }
    }

    /// A body that is not a JSON object (400).
    pub fn bad_body(detail: &str) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            kind: "Bad Request",
            message: format!("Bad request - JSON Error: {detail}"),
            fields: None,
        }
    }

    /// A failure of ours: logged with its causes, answered as CKAN's 500.
    pub fn internal(error: &dyn std::error::Error) -> Self {
        tracing::error!(error = %Chain(error), "CKAN action failed");
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            kind: "Internal Server Error",
            message: "Internal Server Error".into(),
            fields: None,
        }
    }

    fn new(status: StatusCode, kind: &'static str, message: &Message) -> Self {
        Self {
            status,
            kind,
            message: format!("{} / {}", message.en, message.id),
            fields: None,
        }
    }
}

/// Parameters whose errors are search syntax errors rather than validation errors.
const SEARCH_PARAMS: &[&str] = &["q", "fq", "sort", "facet.field"];

impl From<HarvestError> for CkanError {
    fn from(error: HarvestError) -> Self {
        match error {
            HarvestError::Catalog(error) => error.into(),
            error => Self::internal(&error),
        }
    }
}

impl From<CatalogError> for CkanError {
    fn from(error: CatalogError) -> Self {
        match error {
            CatalogError::NotFound(m) | CatalogError::Gone(m) => {
                Self::new(StatusCode::NOT_FOUND, "Not Found Error", &m)
            }
            CatalogError::Unauthenticated(m) | CatalogError::Forbidden(m) => {
                Self::new(StatusCode::FORBIDDEN, "Authorization Error", &m)
            }
            CatalogError::Unavailable(m) => {
                Self::new(StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable", &m)
            }
            CatalogError::BadParameter { param, message }
                if SEARCH_PARAMS.contains(&param.as_str()) =>
            {
                let mut e = Self::new(StatusCode::CONFLICT, "Search Query Error", &message);
                e.message = format!("Search Query is invalid: {}", e.message);
                e
            }
            CatalogError::BadParameter { param, message } => {
                let mut e = Self::new(StatusCode::CONFLICT, "Validation Error", &message);
                e.fields = Some((param, message.en.into_owned()));
                e
            }
            CatalogError::Invalid { field, message } => {
                let mut e = Self::new(StatusCode::CONFLICT, "Validation Error", &message);
                e.fields = Some((field.into_owned(), message.en.into_owned()));
                e
            }
            error if error.is_internal() => Self::internal(&error),
            other => Self {
                status: StatusCode::CONFLICT,
                kind: "Validation Error",
                message: other.to_string(),
                fields: None,
            },
        }
    }
}

/// A CKAN response: the result or the error, with the `help` link.
#[derive(Debug)]
pub struct CkanReply {
    /// `help_show` URL of the action.
    pub help: String,
    /// What happened.
    pub outcome: Result<Value, CkanError>,
}

impl CkanReply {
    /// A successful reply as a body to keep in the response cache; an error reply is given
    /// back as it is (errors are not cached).
    pub fn into_cached(self) -> Result<Cached, Self> {
        let result = match self.outcome {
            Ok(result) => result,
            Err(e) => {
                return Err(Self {
                    help: self.help,
                    outcome: Err(e),
                });
            }
        };
        let envelope = json!({"help": self.help, "success": true, "result": result});
        match serde_json::to_vec(&envelope) {
            Ok(body) => Ok(Cached {
                content_type: HeaderValue::from_static("application/json"),
                body: body.into(),
            }),
            Err(e) => Err(Self {
                help: self.help,
                outcome: Err(CkanError::internal(&e)),
            }),
        }
    }
}

impl IntoResponse for CkanReply {
    fn into_response(self) -> Response {
        // A success is the same body whether it is cached or not.
        let reply = match self.into_cached() {
            Ok(cached) => return cached.into_response(),
            Err(reply) => reply,
        };
        let Err(e) = reply.outcome else {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        };
        let mut error = json!({"__type": e.kind, "message": e.message});
        if let Some((field, message)) = e.fields {
            error[field] = json!([message]);
        }
        (
            e.status,
            Json(json!({"help": reply.help, "success": false, "error": error})),
        )
            .into_response()
    }
}
