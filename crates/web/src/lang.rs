//! The page language: Bahasa Indonesia at `/…`, English at `/en/…`. Chosen by the path only
//! (no cookie, no `Accept-Language`), so every page is cacheable and shareable.

/// A language of the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// Bahasa Indonesia, the portal's first language.
    Id,
    /// English.
    En,
}

impl Lang {
    /// Both languages, Indonesian first.
    pub const ALL: [Self; 2] = [Self::Id, Self::En];

    /// The language code (`id`, `en`), as in `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::En => "en",
        }
    }

    /// The language of a code.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "id" => Some(Self::Id),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// The language of a request path and the language-neutral path (`/en/dataset` →
    /// English, `/dataset`).
    pub fn split_path(path: &str) -> (Self, &str) {
        match path.strip_prefix("/en") {
            Some("") => (Self::En, "/"),
            Some(rest) if rest.starts_with('/') => (Self::En, rest),
            _ => (Self::Id, path),
        }
    }

    /// A page path in this language: `/` + path for Indonesian, `/en` + path for English
    /// (`/`, `/?…` and `/#…` become `/en/`, `/en/?…`, `/en/#…`).
    pub fn url(self, path: &str) -> String {
        match self {
            Self::Id => path.to_owned(),
            Self::En if path == "/" || path.starts_with("/?") || path.starts_with("/#") => {
                format!("/en/{}", &path[1..])
            }
            Self::En => format!("/en{path}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Lang;

    #[test]
    fn paths() {
        assert_eq!(Lang::split_path("/en"), (Lang::En, "/"));
        assert_eq!(Lang::split_path("/en/"), (Lang::En, "/"));
        assert_eq!(Lang::split_path("/en/dataset/x"), (Lang::En, "/dataset/x"));
        assert_eq!(Lang::split_path("/english"), (Lang::Id, "/english"));
        assert_eq!(Lang::split_path("/dataset"), (Lang::Id, "/dataset"));
        assert_eq!(Lang::En.url("/"), "/en/");
        assert_eq!(Lang::En.url("/?q=1"), "/en/?q=1");
        assert_eq!(Lang::En.url("/dataset"), "/en/dataset");
        assert_eq!(Lang::Id.url("/dataset"), "/dataset");
    }
}
