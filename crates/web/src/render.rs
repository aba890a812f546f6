//! One minijinja environment per language: strict undefined values, HTML auto-escaping, the
//! catalogue's `t`, `url`, `static` and the filters bound to the language. Release builds
//! compile the environments once; debug builds make them afresh for every page, so that a
//! template or catalogue edit shows on the next reload without a rebuild.

use std::sync::Arc;

use minijinja::value::{Kwargs, Serde, Value};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, Output, UndefinedBehavior};
use serde::Serialize;

use crate::assets;
use crate::filters;
use crate::i18n::Catalogue;
use crate::lang::Lang;

/// An environment and the catalogue its `t` reads.
#[derive(Debug)]
struct Bundle {
    env: Environment<'static>,
    catalogue: Arc<Catalogue>,
}

/// The template environments of both languages.
#[derive(Debug)]
pub struct Renderer {
    /// `Some` in release builds: made once. `None`: made per page (debug builds).
    kept: Option<[Arc<Bundle>; 2]>,
}

impl Renderer {
    /// In release builds, makes the environments now; when a catalogue cannot be read (a
    /// defect of the build, which the tests rule out), it is logged and every page reports it.
    pub fn new() -> Self {
        if cfg!(debug_assertions) {
            return Self { kept: None };
        }
        match (bundle(Lang::Id), bundle(Lang::En)) {
            (Ok(id), Ok(en)) => Self {
                kept: Some([Arc::new(id), Arc::new(en)]),
            },
            (Err(e), _) | (_, Err(e)) => {
                tracing::error!(error = %e, "the portal's string catalogues cannot be read");
                Self { kept: None }
            }
        }
    }

    fn bundle(&self, lang: Lang) -> Result<Arc<Bundle>, Error> {
        match &self.kept {
            Some(kept) => Ok(kept[usize::from(lang == Lang::En)].clone()),
            None => bundle(lang)
                .map(Arc::new)
                .map_err(|e| Error::new(ErrorKind::InvalidOperation, e)),
        }
    }

    /// The catalogue of a language (for text the pages build in Rust).
    pub fn catalogue(&self, lang: Lang) -> Result<Arc<Catalogue>, Error> {
        Ok(self.bundle(lang)?.catalogue.clone())
    }

    /// Renders a template with a context.
    pub fn render(
        &self,
        lang: Lang,
        template: &str,
        context: &impl Serialize,
    ) -> Result<String, Error> {
        self.render_all(lang, &[template], context)
    }

    /// Renders templates one after the other with one context, serialised once (an htmx
    /// answer of several parts).
    pub fn render_all(
        &self,
        lang: Lang,
        templates: &[&str],
        context: &impl Serialize,
    ) -> Result<String, Error> {
        let bundle = self.bundle(lang)?;
        let context = Value::from(Serde(context));
        let mut html = String::new();
        for name in templates {
            let template = bundle.env.get_template(name)?;
            html.push_str(&template.render(context.clone())?);
        }
        Ok(html)
    }
}

impl Default for Renderer {
    fn default() -> Self {
        Self::new()
    }
}

fn bundle(lang: Lang) -> Result<Bundle, String> {
    let catalogue = Arc::new(Catalogue::load(lang)?);
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_loader(|name| Ok(assets::template_source(name)));
    // HTML escaping as jinja2's MarkupSafe does it (the prototype's output): minijinja's own
    // also escapes `/`, which would turn every printed URL into `&#x2f;` soup.
    env.set_formatter(|out, state, value| {
        if matches!(state.auto_escape(), AutoEscape::Html)
            && !value.is_safe()
            && let Some(text) = value.as_str()
        {
            return write_escaped(out, text)
                .map_err(|_| Error::new(ErrorKind::WriteFailure, "writing the page"));
        }
        minijinja::escape_formatter(out, state, value)
    });
    filters::register(&mut env, lang);
    let strings = catalogue.clone();
    env.add_function("t", move |key: String, kwargs: Kwargs| {
        strings.translate(&key, &kwargs)
    });
    env.add_function("static", |name: String| {
        assets::static_version(&name)
            .map(|v| format!("/static/{name}?v={v}"))
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidOperation,
                    format!("static: no file {name:?}"),
                )
            })
    });
    Ok(Bundle { env, catalogue })
}

/// Writes text escaped for HTML: `&`, `<`, `>`, `"` and `'`.
fn write_escaped(out: &mut Output, text: &str) -> std::fmt::Result {
    let mut rest = text;
    while let Some(i) = rest.find(['&', '<', '>', '"', '\'']) {
        out.write_str(&rest[..i])?;
        out.write_str(match rest.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&#34;",
            _ => "&#39;",
        })?;
        rest = &rest[i + 1..];
    }
    out.write_str(rest)
}
