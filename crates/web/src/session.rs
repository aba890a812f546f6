//! The browser session of the workspace: a cookie holding one of the catalog's revocable API
//! tokens, the CSRF token derived from it, the client's address (for the sign-in limits) and
//! the one-page flash message carried across a 303.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, HeaderValue, Method, header, request::Parts};
use sha2::{Digest, Sha256};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "satudata_sesi";
/// The flash cookie's name: the message of the next page.
pub const FLASH_COOKIE: &str = "satudata_pesan";
/// Days a browser session lives (the token's expiry and the cookie's `Max-Age`).
pub const SESSION_DAYS: u32 = 30;

/// The CSRF token of a session: the hex SHA-256 of the session token and a purpose string.
/// The token is secret, so the hash cannot be made without it, and the catalog never stores
/// it (it stores another hash of the token alone).
pub fn csrf_token(session_token: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(session_token.as_bytes());
    hash.update(b"csrf");
    hex::encode(hash.finalize())
}

/// Whether two secrets are equal, in time independent of where they differ.
pub(crate) fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// `Set-Cookie` for the session (`None`: remove it).
pub(crate) fn session_cookie(token: Option<&str>, secure: bool) -> HeaderValue {
    let max_age = match token {
        Some(_) => u64::from(SESSION_DAYS) * 86_400,
        None => 0,
    };
    let secure = if secure { "; Secure" } else { "" };
    let value = format!(
        "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
        token.unwrap_or("")
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A flash message: its kind (`sukses`, `galat`, `info`), a catalogue key and the key's
/// arguments, translated on the page that shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Flash {
    pub kind: String,
    pub key: String,
    pub args: Vec<(String, String)>,
}

impl Flash {
    /// A success message.
    pub(crate) fn ok(key: &str, args: &[(&str, &str)]) -> Self {
        Self {
            kind: "sukses".into(),
            key: key.into(),
            args: args
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    /// `Set-Cookie` carrying the message to the next page (`None`: remove it).
    pub(crate) fn cookie(flash: Option<&Self>, secure: bool) -> HeaderValue {
        let (value, max_age) = match flash {
            Some(f) => {
                let mut q = url::form_urlencoded::Serializer::new(String::new());
                q.append_pair("k", &f.kind).append_pair("m", &f.key);
                for (k, v) in &f.args {
                    q.append_pair(&format!("a.{k}"), v);
                }
                (q.finish(), 60)
            }
            None => (String::new(), 0),
        };
        let secure = if secure { "; Secure" } else { "" };
        // The form encoding leaves no `;`, `,` or space in the value.
        let value = format!(
            "{FLASH_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
        );
        HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
    }

    /// The message a request's flash cookie carries.
    pub(crate) fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let raw = cookie(headers, FLASH_COOKIE)?;
        let mut kind = None;
        let mut key = None;
        let mut args = Vec::new();
        for (k, v) in url::form_urlencoded::parse(raw.as_bytes()).into_owned() {
            match k.as_str() {
                "k" => kind = Some(v),
                "m" => key = Some(v),
                _ => {
                    if let Some(name) = k.strip_prefix("a.") {
                        args.push((name.to_owned(), v));
                    }
                }
            }
        }
        let kind = kind.filter(|k| ["sukses", "galat", "info"].contains(&k.as_str()))?;
        Some(Self {
            kind,
            key: key?,
            args,
        })
    }
}

/// The client's address: the peer, or, when the peer is a trusted reverse proxy, the last
/// address its `X-Forwarded-For` adds (the JSON API's `ClientAddr` uses it too). `None` when
/// the server does not know (tests).
pub fn client_addr(parts: &Parts, trusted_proxies: &[IpAddr]) -> Option<IpAddr> {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    let forwarded = || {
        parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .next_back()
            .and_then(|ip| ip.trim().parse().ok())
    };
    match peer {
        Some(ip) if trusted_proxies.contains(&ip) => forwarded().or(Some(ip)),
        other => other,
    }
}

/// Whether a request's method changes something (and so needs the CSRF checks).
pub(crate) fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether an unsafe request comes from another site: `Sec-Fetch-Site` other than
/// `same-origin`/`none`, or an `Origin` that is not the portal's.
pub(crate) fn cross_site(headers: &HeaderMap, base_origin: &str) -> bool {
    let header = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    if let Some(site) = header("sec-fetch-site")
        && !matches!(site, "same-origin" | "none")
    {
        return true;
    }
    header("origin").is_some_and(|origin| !origin.eq_ignore_ascii_case(base_origin))
}

/// The origin (`scheme://host[:port]`) of a base URL.
pub(crate) fn origin_of(base_url: &str) -> String {
    match url::Url::parse(base_url) {
        Ok(url) => url.origin().ascii_serialization(),
        Err(_) => base_url.trim_end_matches('/').to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_is_a_hash_of_the_token() {
        let a = csrf_token("sdt_abc");
        assert_eq!(a.len(), 64);
        assert_ne!(a, csrf_token("sdt_abd"));
        assert!(same_secret(&a, &csrf_token("sdt_abc")));
        assert!(!same_secret(&a, ""));
    }

    #[test]
    fn cross_site_requests_are_recognised() {
        let origin = origin_of("https://data.example.go.id/");
        assert_eq!(origin, "https://data.example.go.id");
        let mut h = HeaderMap::new();
        assert!(!cross_site(&h, &origin));
        h.insert(
            "origin",
            HeaderValue::from_static("https://data.example.go.id"),
        );
        assert!(!cross_site(&h, &origin));
        h.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(!cross_site(&h, &origin));
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(cross_site(&h, &origin));
        h.remove("sec-fetch-site");
        h.insert("origin", HeaderValue::from_static("https://evil.example"));
        assert!(cross_site(&h, &origin));
        h.insert("origin", HeaderValue::from_static("null"));
        assert!(cross_site(&h, &origin));
    }

    #[test]
    fn flash_round_trips() {
        let flash = Flash::ok("tokens.revoked_flash", &[("label", "Skrip; a=b")]);
        let set = Flash::cookie(Some(&flash), true);
        let set = set.to_str().expect("ascii");
        let value = set.split(';').next().expect("a pair").to_owned();
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&value).expect("a header"),
        );
        assert_eq!(Flash::from_headers(&h), Some(flash));
    }
}
