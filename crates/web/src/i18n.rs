//! The string catalogues (`i18n/id.toml`, `i18n/en.toml`): one per language, the same dotted
//! keys in both, `{name}` placeholders filled by `t(key, name=…)`. A missing key or a
//! placeholder without its argument is an error, never a silent fallback.
//!
//! A string that counts something may have plural forms, `key = { one = "{n} dataset",
//! other = "{n} datasets" }`: the `one` form is used when the argument `n` is 1, the `other`
//! form otherwise (English; Indonesian nouns do not change, so `id.toml` has plain strings).

use std::collections::HashMap;

use minijinja::value::{Kwargs, Value, ValueKind};
use minijinja::{Error, ErrorKind};

use crate::assets::Catalogues;
use crate::lang::Lang;

/// One language's strings by dotted key.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    lang: &'static str,
    /// Each key's string; for a key with plural forms, its `other` form.
    strings: HashMap<String, String>,
    /// The `one` forms of keys with plural forms.
    singular: HashMap<String, String>,
}

impl Catalogue {
    /// Reads `i18n/<lang>.toml` (from disk in debug builds, embedded in release builds).
    pub fn load(lang: Lang) -> Result<Self, String> {
        let name = format!("{}.toml", lang.code());
        let file = Catalogues::get(&name).ok_or_else(|| format!("no catalogue {name}"))?;
        let text = std::str::from_utf8(&file.data).map_err(|e| format!("{name}: {e}"))?;
        let table: toml::Table = text.parse().map_err(|e| format!("{name}: {e}"))?;
        let mut catalogue = Self {
            lang: lang.code(),
            ..Self::default()
        };
        catalogue
            .flatten(&table, "")
            .map_err(|e| format!("{name}: {e}"))?;
        Ok(catalogue)
    }

    /// Every key, sorted.
    pub fn keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = self.strings.keys().map(String::as_str).collect();
        keys.sort_unstable();
        keys
    }

    /// The placeholders of a key's string (all its forms), sorted.
    pub fn placeholders(&self, key: &str) -> Vec<String> {
        let mut names: Vec<String> = [self.strings.get(key), self.singular.get(key)]
            .into_iter()
            .flatten()
            .flat_map(|s| pieces(s).filter_map(|p| p.err().map(str::to_owned)))
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// The string of `key` with its placeholders filled by `arg` (for Rust code building
    /// page text).
    pub fn text(&self, key: &str, args: &[(&str, &str)]) -> Result<String, Error> {
        self.fill(key, |name| {
            args.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
                .ok_or_else(|| missing_arg(key, name))
        })
    }

    /// `t(key, **args)` in a template.
    pub fn translate(&self, key: &str, kwargs: &Kwargs) -> Result<String, Error> {
        self.fill(key, |name| {
            let value: Value = kwargs.get(name).map_err(|_| missing_arg(key, name))?;
            match value.kind() {
                ValueKind::Undefined | ValueKind::None | ValueKind::Bool => Err(Error::new(
                    ErrorKind::InvalidOperation,
                    format!("t({key:?}): argument {name:?} is {value:?}"),
                )),
                _ => Ok(value.to_string()),
            }
        })
    }

    fn fill(
        &self,
        key: &str,
        mut arg: impl FnMut(&str) -> Result<String, Error>,
    ) -> Result<String, Error> {
        let mut text = self.strings.get(key).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidOperation,
                format!("t(): no key {key:?} in {}.toml", self.lang),
            )
        })?;
        if let Some(one) = self.singular.get(key)
            && arg("n")? == "1"
        {
            text = one;
        }
        let mut out = String::with_capacity(text.len());
        for piece in pieces(text) {
            match piece {
                Ok(literal) => out.push_str(literal),
                Err(name) => out.push_str(&arg(name)?),
            }
        }
        Ok(out)
    }
}

fn missing_arg(key: &str, name: &str) -> Error {
    Error::new(
        ErrorKind::MissingArgument,
        format!("t({key:?}): missing argument {name:?}"),
    )
}

/// The text split into literals (`Ok`) and placeholder names (`Err`): `{name}` with a name of
/// lower-case letters, digits and `_` starting with a letter or `_`.
fn pieces(text: &str) -> impl Iterator<Item = Result<&str, &str>> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut search = 0;
        while let Some(open) = rest[search..].find('{').map(|i| i + search) {
            if let Some(close) = rest[open..].find('}').map(|i| i + open) {
                let name = &rest[open + 1..close];
                let valid = name
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
                    && name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
                if valid {
                    if open > 0 {
                        let literal = &rest[..open];
                        rest = &rest[open..];
                        return Some(Ok(literal));
                    }
                    rest = &rest[close + 1..];
                    return Some(Err(name));
                }
            }
            search = open + 1;
        }
        let literal = rest;
        rest = "";
        Some(Ok(literal))
    })
}

impl Catalogue {
    /// Adds the strings of `table`, its keys prefixed with `prefix`.
    fn flatten(&mut self, table: &toml::Table, prefix: &str) -> Result<(), String> {
        for (k, v) in table {
            let key = format!("{prefix}{k}");
            match v {
                toml::Value::Table(t) if t.contains_key("one") || t.contains_key("other") => {
                    let form = |name: &str| match t.get(name) {
                        Some(toml::Value::String(s)) if s.contains("{n}") => Ok(s.clone()),
                        _ => Err(format!(
                            "{key}: plural forms need both `one` and `other`, strings with {{n}}"
                        )),
                    };
                    if t.len() != 2 {
                        return Err(format!("{key}: plural forms are `one` and `other` only"));
                    }
                    let (one, other) = (form("one")?, form("other")?);
                    self.singular.insert(key.clone(), one);
                    self.strings.insert(key, other);
                }
                toml::Value::Table(t) => self.flatten(t, &format!("{key}."))?,
                toml::Value::String(s) => {
                    self.strings.insert(key, s.clone());
                }
                _ => return Err(format!("{key}: catalogue values must be strings")),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{Catalogue, pieces};

    fn catalogue(toml: &str) -> Result<Catalogue, String> {
        let mut catalogue = Catalogue::default();
        catalogue.flatten(&toml.parse().expect("toml"), "")?;
        Ok(catalogue)
    }

    #[test]
    fn plural_forms_follow_n() {
        let en = catalogue(
            r#"[home]
n_datasets = { one = "{n} dataset", other = "{n} datasets" }
plain = "{n} active""#,
        )
        .expect("catalogue");
        let text = |key: &str, n: &str| en.text(key, &[("n", n)]).expect("text");
        assert_eq!(text("home.n_datasets", "1"), "1 dataset");
        assert_eq!(text("home.n_datasets", "0"), "0 datasets");
        assert_eq!(text("home.n_datasets", "21"), "21 datasets");
        assert_eq!(text("home.n_datasets", "1,000"), "1,000 datasets");
        assert_eq!(text("home.plain", "1"), "1 active");
        assert_eq!(en.keys(), ["home.n_datasets", "home.plain"]);
        assert_eq!(en.placeholders("home.n_datasets"), ["n"]);
        assert!(en.text("home.n_datasets", &[]).is_err(), "n is required");
    }

    #[test]
    fn plural_forms_are_checked_when_loaded() {
        for bad in [
            r#"k = { one = "{n} dataset" }"#,
            r#"k = { one = "a dataset", other = "{n} datasets" }"#,
            r#"k = { one = "{n} x", other = "{n} xs", few = "{n} y" }"#,
        ] {
            assert!(catalogue(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn placeholders_split() {
        let parts: Vec<_> = pieces("Baris {first}–{last} dari {total}").collect();
        assert_eq!(
            parts,
            [
                Ok("Baris "),
                Err("first"),
                Ok("–"),
                Err("last"),
                Ok(" dari "),
                Err("total")
            ]
        );
        let parts: Vec<_> = pieces("a {Not} {x").collect();
        assert_eq!(parts, [Ok("a {Not} {x")]);
    }
}
