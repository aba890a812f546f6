//! Turning a rendered page into a response (ETag and 304, caching by who asks, the language's
//! `Content-Language`), the frame every page shares, and errors as readable HTML pages.

use std::future::Future;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use satudata_catalog::pages::Withdrawal;
use satudata_catalog::{Error as CatalogError, entity::portal};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::state::{Visitor, WebState};

/// A page that could not be made: the status it answers with, and for a withdrawn dataset why.
#[derive(Debug)]
pub(crate) enum WebError {
    /// A plain status (404, 400 …).
    Status(StatusCode),
    /// A withdrawn dataset (410).
    Withdrawn(Box<Withdrawal>),
    /// A catalog error, mapped to its status.
    Catalog(CatalogError),
    /// A template failed: a bug (500).
    Template(minijinja::Error),
    /// A workspace page asked for by nobody signed in: 303 to the sign-in page, which returns
    /// to this page.
    SignIn,
}

impl From<CatalogError> for WebError {
    fn from(e: CatalogError) -> Self {
        Self::Catalog(e)
    }
}

impl From<minijinja::Error> for WebError {
    fn from(e: minijinja::Error) -> Self {
        Self::Template(e)
    }
}

/// The result of a page handler.
pub(crate) type PageResult = Result<Response, WebError>;

impl WebError {
    /// What went wrong, with its causes, for the log.
    fn describe(&self) -> String {
        let mut out = match self {
            Self::Status(s) => s.to_string(),
            Self::Withdrawn(w) => format!("withdrawn: {}", w.title),
            Self::Catalog(e) => e.to_string(),
            Self::Template(e) => format!("{e:#}"),
            Self::SignIn => "not signed in".to_owned(),
        };
        let mut source = match self {
            Self::Catalog(e) => std::error::Error::source(e),
            Self::Template(e) => std::error::Error::source(e),
            _ => None,
        };
        while let Some(cause) = source {
            out.push_str(&format!(": {cause}"));
            source = cause.source();
        }
        out
    }

    fn status(&self) -> StatusCode {
        match self {
            Self::Status(s) => *s,
            Self::SignIn => StatusCode::SEE_OTHER,
            Self::Withdrawn(_) => StatusCode::GONE,
            Self::Template(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Catalog(e) => match e {
                CatalogError::NotFound(_) => StatusCode::NOT_FOUND,
                CatalogError::Gone(_) => StatusCode::GONE,
                CatalogError::Invalid { .. } | CatalogError::BadParameter { .. } => {
                    StatusCode::BAD_REQUEST
                }
                CatalogError::Forbidden(_) | CatalogError::Unauthenticated(_) => {
                    StatusCode::FORBIDDEN
                }
                CatalogError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
                CatalogError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
                CatalogError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            },
        }
    }
}

/// `page` of the frame.
#[derive(Debug, Serialize)]
pub(crate) struct PageInfo {
    pub path: String,
    pub section: &'static str,
    pub noindex: bool,
}

/// `portal` of the frame.
#[derive(Debug, Serialize)]
pub(crate) struct PortalView {
    pub name: String,
    pub short_name: String,
    pub region_name: String,
    pub contact_email: Option<String>,
    pub contact_name: Option<String>,
}

/// `user.organization` of the frame.
#[derive(Debug, Serialize)]
pub(crate) struct OrgLink {
    pub slug: String,
    pub name: String,
}

/// `user` of the frame: who is signed in.
#[derive(Debug, Serialize)]
pub(crate) struct UserView {
    pub name: String,
    pub email: String,
    pub role: &'static str,
    pub organization: Option<OrgLink>,
}

/// `flash` of the frame.
#[derive(Debug, Serialize)]
pub(crate) struct FlashView {
    pub kind: String,
    pub message: String,
}

/// What every full page has (README "The frame").
#[derive(Debug, Serialize)]
pub(crate) struct Frame {
    pub lang: &'static str,
    pub base_url: String,
    pub page: PageInfo,
    pub portal: PortalView,
    /// The signed-in person (null for anonymous visitors and bearer callers without a name).
    pub user: Option<UserView>,
    /// The session's CSRF token ("" when signed out).
    pub csrf_token: String,
    /// The message the previous page left.
    pub flash: Option<FlashView>,
    /// Whether the signed-in workspace is served (its links are hidden otherwise).
    pub workspace: bool,
}

/// A page's context: the frame and the page's own keys.
#[derive(Debug, Serialize)]
struct Full<'a, T: Serialize> {
    #[serde(flatten)]
    frame: &'a Frame,
    #[serde(flatten)]
    body: &'a T,
}

/// The portal's names as the frame shows them.
pub(crate) fn portal_view(state: &WebState, portal: &portal::Model) -> PortalView {
    let region_name = state
        .catalog
        .regions()
        .and_then(|r| r.get(&portal.region_code).map(|r| title_case(&r.name)))
        .or_else(|| portal.name.strip_prefix("Pemerintah ").map(str::to_owned))
        .unwrap_or_else(|| portal.name.clone());
    let short_name = match portal.name.strip_prefix("Pemerintah ") {
        Some(_) => format!("Satu Data {region_name}"),
        None => portal.name.clone(),
    };
    PortalView {
        name: portal.name.clone(),
        short_name,
        region_name,
        contact_email: portal.contact_email.clone(),
        contact_name: portal.contact_name.clone(),
    }
}

/// `KOTA MOJOKERTO` → `Kota Mojokerto`; names already in mixed case stay.
pub(crate) fn title_case(name: &str) -> String {
    if name.chars().any(char::is_lowercase) {
        return name.to_owned();
    }
    name.split(' ')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| {
                    f.to_uppercase()
                        .chain(c.flat_map(char::to_lowercase))
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect::<Vec<String>>()
        .join(" ")
}

impl WebState {
    /// The frame of a page in section `section`.
    pub(crate) async fn frame(
        &self,
        visitor: &Visitor,
        section: &'static str,
        noindex: bool,
    ) -> Result<Frame, WebError> {
        let portal = self.catalog.portal().await?;
        let user = match &visitor.actor {
            satudata_catalog::Actor::Account(me) => {
                let organization = match me.organization_id {
                    Some(id) => {
                        let org = self.catalog.organization_by_id(id).await?;
                        Some(OrgLink {
                            slug: org.slug,
                            name: org.name,
                        })
                    }
                    None => None,
                };
                Some(UserView {
                    name: me.name.clone(),
                    email: me.email.clone(),
                    role: me.role.as_str(),
                    organization,
                })
            }
            _ => None,
        };
        let flash = match &visitor.flash {
            Some(f) => {
                let args: Vec<(&str, &str)> = f
                    .args
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                // A message this portal did not write (an unknown key) is not shown.
                self.renderer
                    .catalogue(visitor.lang)?
                    .text(&f.key, &args)
                    .ok()
                    .map(|message| FlashView {
                        kind: f.kind.clone(),
                        message,
                    })
            }
            None => None,
        };
        Ok(Frame {
            lang: visitor.lang.code(),
            base_url: self.base_url.clone(),
            page: PageInfo {
                path: visitor.path.clone(),
                section,
                noindex,
            },
            portal: portal_view(self, &portal),
            user,
            csrf_token: visitor
                .session
                .as_ref()
                .map(|s| s.csrf.clone())
                .unwrap_or_default(),
            flash,
            workspace: true,
        })
    }

    /// Renders a full page.
    pub(crate) fn page<T: Serialize>(
        &self,
        visitor: &Visitor,
        frame: &Frame,
        template: &str,
        body: &T,
        status: StatusCode,
    ) -> PageResult {
        let html = self.render(visitor, frame, template, body)?;
        Ok(html_response(visitor, status, html, false))
    }

    /// Renders a template with the frame and a page's context.
    pub(crate) fn render<T: Serialize>(
        &self,
        visitor: &Visitor,
        frame: &Frame,
        template: &str,
        body: &T,
    ) -> Result<String, WebError> {
        self.render_all(visitor, frame, &[template], body)
    }

    /// Renders templates one after the other with the frame and one page context (an htmx
    /// answer of several parts).
    pub(crate) fn render_all<T: Serialize>(
        &self,
        visitor: &Visitor,
        frame: &Frame,
        templates: &[&str],
        body: &T,
    ) -> Result<String, WebError> {
        Ok(self
            .renderer
            .render_all(visitor.lang, templates, &Full { frame, body })?)
    }

    /// The error page for `error`.
    pub(crate) async fn error_page(&self, visitor: &Visitor, error: WebError) -> Response {
        if let WebError::SignIn = error {
            return crate::pages::ws::to_sign_in(visitor);
        }
        let status = error.status();
        let request_id = (status == StatusCode::INTERNAL_SERVER_ERROR).then(|| {
            let id = format!("{:016x}", rand_id());
            tracing::error!(request_id = %id, error = %error.describe(), path = %visitor.path, "page failed");
            id
        });
        #[derive(Serialize)]
        struct Withdrawn {
            title: String,
            organization: Link,
            reason: String,
            withdrawn_at: String,
            last_version_downloads: [(); 0],
        }
        #[derive(Serialize)]
        struct Link {
            name: String,
            url: String,
        }
        #[derive(Serialize)]
        struct Body {
            status: u16,
            withdrawn: Option<Withdrawn>,
            request_id: Option<String>,
        }
        let withdrawn = match error {
            WebError::Withdrawn(w) => Some(Withdrawn {
                title: w.title,
                organization: Link {
                    url: visitor.url(&format!("/opd/{}", w.organization.slug)),
                    name: w.organization.name,
                },
                reason: w.reason,
                withdrawn_at: w.withdrawn_at.to_rfc3339(),
                last_version_downloads: [],
            }),
            _ => None,
        };
        let body = Body {
            status: status.as_u16(),
            withdrawn,
            request_id,
        };
        let rendered = async {
            let frame = self.frame(visitor, "", true).await?;
            self.page(visitor, &frame, "errors/error.html", &body, status)
        };
        let retry = matches!(
            status,
            StatusCode::SERVICE_UNAVAILABLE | StatusCode::TOO_MANY_REQUESTS
        );
        match rendered.await {
            Ok(mut response) => {
                if retry {
                    // Busy (a slow data query holds the slots): ask again in a few seconds.
                    response
                        .headers_mut()
                        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
                }
                response
            }
            Err(e) => {
                tracing::error!(error = %e.describe(), "the error page failed");
                (status, "Terjadi kesalahan / An error occurred").into_response()
            }
        }
    }

    /// Runs a page handler and turns its error into an error page.
    pub(crate) async fn respond(
        &self,
        visitor: &Visitor,
        page: impl Future<Output = PageResult>,
    ) -> Response {
        match page.await {
            Ok(response) => response,
            Err(error) => self.error_page(visitor, error).await,
        }
    }
}

fn rand_id() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    h.finish()
}

/// An HTML response: an ETag of the body (and 304 when the client has it), cacheable by
/// shared caches for anonymous visitors (revalidated every time), private otherwise.
pub(crate) fn html_response(
    visitor: &Visitor,
    status: StatusCode,
    html: String,
    vary_htmx: bool,
) -> Response {
    let etag = format!(
        "\"{}\"",
        &hex::encode(Sha256::digest(html.as_bytes()))[..32]
    );
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(visitor.lang.code()),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if visitor.anonymous && status.is_success() {
            "public, no-cache"
        } else if visitor.anonymous {
            "no-cache"
        } else {
            "private, no-store"
        }),
    );
    if vary_htmx {
        headers.insert(
            header::VARY,
            HeaderValue::from_static("HX-Request, HX-Target"),
        );
    }
    if status == StatusCode::OK {
        if let Ok(value) = HeaderValue::from_str(&etag) {
            headers.insert(header::ETAG, value);
        }
        let held = visitor
            .headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|tags| {
                tags.split(',')
                    .map(|t| t.trim().trim_start_matches("W/"))
                    .any(|t| t == etag || t == "*")
            });
        if held {
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
    }
    (status, headers, html).into_response()
}

/// Headers every answer of the portal carries: a Content-Security-Policy without inline
/// scripts or styles, no MIME sniffing, no referrer to other sites.
pub(crate) async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}

/// `Server-Timing: app;dur=…`: the milliseconds the portal spent on the answer (query and
/// rendering; not the network or the queue), for browsers' developer tools and the benchmark.
pub(crate) async fn server_timing(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let start = std::time::Instant::now();
    let mut response = next.run(request).await;
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    if let Ok(value) = HeaderValue::from_str(&format!("app;dur={ms:.1}")) {
        response.headers_mut().insert("server-timing", value);
    }
    response
}

/// Refuses an unsafe request (POST …) from another site — `Sec-Fetch-Site` other than
/// `same-origin`/`none`, or an `Origin` other than the portal's — with the 403 page. The
/// session's CSRF token is checked where the form is read ([`crate::pages::ws::Posted`]).
pub(crate) async fn csrf_guard(
    axum::extract::State(state): axum::extract::State<WebState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    use axum::extract::FromRequestParts;
    if crate::session::is_unsafe(request.method())
        && crate::session::cross_site(request.headers(), &state.origin)
    {
        let (mut parts, _) = request.into_parts();
        let visitor = match Visitor::from_request_parts(&mut parts, &state).await {
            Ok(v) => v,
            Err(never) => match never {},
        };
        tracing::info!(path = %visitor.path, "cross-site request refused");
        let response = state
            .error_page(&visitor, WebError::Status(StatusCode::FORBIDDEN))
            .await;
        return crate::pages::ws::no_store(response);
    }
    next.run(request).await
}

/// Removes the flash cookie once a page has shown its message (not on a redirect, which
/// carries it on, and not when the answer sets a new one).
pub(crate) async fn clear_flash(
    axum::extract::State(state): axum::extract::State<WebState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let had = crate::session::cookie(request.headers(), crate::session::FLASH_COOKIE).is_some();
    let mut response = next.run(request).await;
    let sets_one = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|v| {
            v.as_bytes()
                .starts_with(crate::session::FLASH_COOKIE.as_bytes())
        });
    if had && !sets_one && !response.status().is_redirection() {
        response.headers_mut().append(
            header::SET_COOKIE,
            crate::session::Flash::cookie(None, state.cookie_secure),
        );
    }
    response
}
