//! The portal's state and who is asking.

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::{HeaderMap, header, request::Parts};
use satudata_catalog::{Actor, Catalog};

use crate::lang::Lang;
use crate::render::Renderer;
use crate::session::{self, Flash};

/// What the pages need: the catalog, the public base URL for absolute links, and the
/// templates.
#[derive(Debug, Clone)]
pub struct WebState {
    /// The catalog.
    pub catalog: Catalog,
    /// Public URL without a trailing slash.
    pub base_url: String,
    /// Templates and catalogues.
    pub renderer: Arc<Renderer>,
    /// Whether cookies are marked `Secure` (true unless configured for plain-http local use).
    pub cookie_secure: bool,
    /// Reverse proxies whose `X-Forwarded-For` names the client (sign-in limits per address).
    pub trusted_proxies: Arc<[IpAddr]>,
    /// The origin of `base_url`: unsafe requests from any other origin are refused.
    pub(crate) origin: String,
}

impl WebState {
    /// State over a catalog and the public base URL.
    pub fn new(catalog: Catalog, base_url: &str) -> Self {
        Self {
            catalog,
            base_url: base_url.trim_end_matches('/').to_owned(),
            renderer: Arc::new(Renderer::new()),
            cookie_secure: true,
            trusted_proxies: Arc::from([]),
            origin: session::origin_of(base_url),
        }
    }

    /// The same state with cookies marked `Secure` or not (`cookie_secure`).
    pub fn with_cookie_secure(mut self, secure: bool) -> Self {
        self.cookie_secure = secure;
        self
    }

    /// The same state trusting `proxies`' `X-Forwarded-For` for the client's address.
    pub fn with_trusted_proxies(mut self, proxies: &[IpAddr]) -> Self {
        self.trusted_proxies = Arc::from(proxies);
        self
    }
}

/// A signed-in browser's (or bearer caller's) session: the token it sent and the CSRF token
/// its forms must carry.
#[derive(Clone)]
pub struct Session {
    /// The token secret (never printed).
    pub(crate) token: String,
    /// `csrf_token` of its forms.
    pub(crate) csrf: String,
    /// Whether the token came in the session cookie (not an `Authorization` header).
    pub(crate) cookie: bool,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("cookie", &self.cookie)
            .finish_non_exhaustive()
    }
}

/// The visitor of a page: who (anonymous unless a valid bearer token or session cookie is
/// sent), in which
/// language, at which language-neutral path, and what the request says about caching and
/// htmx.
#[derive(Debug, Clone)]
pub struct Visitor {
    /// Who.
    pub actor: Actor,
    /// Whether the answer may be cached by shared caches (no `Authorization` header).
    pub anonymous: bool,
    /// The page language.
    pub lang: Lang,
    /// Path and query without the language prefix (`/dataset?q=x`).
    pub path: String,
    /// The query string as sent (empty when none).
    pub query: String,
    /// The request headers.
    pub headers: HeaderMap,
    /// The session, when a valid token came (cookie or bearer).
    pub session: Option<Session>,
    /// The client's address, when known.
    pub client: Option<IpAddr>,
    /// The message the previous page left for this one.
    pub(crate) flash: Option<Flash>,
    /// The request method.
    pub(crate) method: axum::http::Method,
}

impl Visitor {
    /// The decoded query pairs, in order.
    pub fn pairs(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.query.as_bytes())
            .into_owned()
            .collect()
    }

    /// The target of an htmx request that asks for one part of the page (`pratinjau`,
    /// `grafik`), unless it restores history (which needs the whole page).
    pub fn htmx_target(&self) -> Option<&str> {
        let header = |name: &str| self.headers.get(name).and_then(|v| v.to_str().ok());
        if header("hx-request") != Some("true") || header("hx-history-restore-request").is_some() {
            return None;
        }
        header("hx-target")
    }

    /// A path of the same language as this page.
    pub fn url(&self, path: &str) -> String {
        self.lang.url(path)
    }
}

impl FromRequestParts<WebState> for Visitor {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        let (lang, path) = Lang::split_path(parts.uri.path());
        let query = parts.uri.query().unwrap_or_default().to_owned();
        let neutral = if query.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{query}")
        };
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(|t| t.trim().to_owned());
        let cookie = session::cookie(&parts.headers, session::SESSION_COOKIE);
        let token = match (bearer, cookie) {
            (Some(t), _) => Some((t, false)),
            (None, Some(t)) => Some((t, true)),
            (None, None) => None,
        };
        // A bad token is no reason to refuse a public page: the visitor sees what the public
        // sees (but the answer is still private to them when it was a bearer token).
        let (actor, session) = match token {
            Some((token, cookie)) => match state.catalog.authenticate(&token).await {
                Ok(principal) => (
                    Actor::Account(principal),
                    Some(Session {
                        csrf: session::csrf_token(&token),
                        token,
                        cookie,
                    }),
                ),
                Err(_) => (Actor::Anonymous, None),
            },
            None => (Actor::Anonymous, None),
        };
        let flash = Flash::from_headers(&parts.headers);
        Ok(Self {
            actor,
            // A page with a flash message is one visitor's, like a signed-in page.
            anonymous: !parts.headers.contains_key(header::AUTHORIZATION)
                && session.is_none()
                && flash.is_none(),
            lang,
            path: neutral,
            query,
            headers: parts.headers.clone(),
            session,
            client: session::client_addr(parts, &state.trusted_proxies),
            flash,
            method: parts.method.clone(),
        })
    }
}
