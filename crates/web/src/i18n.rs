//! The string catalogues (`i18n/id.toml`, `i18n/en.toml`): one per language, the same dotted
//! keys in both, `{name}` placeholders filled by `t(key, name=…)`. A missing key or a
//! placeholder without its argument is an error, never a silent fallback.

use std::collections::HashMap;

use minijinja::value::{Kwargs, Value, ValueKind};
use minijinja::{Error, ErrorKind};

use crate::assets::Catalogues;
use crate::lang::Lang;

/// One language's strings by dotted key.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    lang: &'static str,
    strings: HashMap<String, String>,
}

impl Catalogue {
    /// Reads `i18n/<lang>.toml` (from disk in debug builds, embedded in release builds).
    pub fn load(lang: Lang) -> Result<Self, String> {
        let name = format!("{}.toml", lang.code());
        let file = Catalogues::get(&name).ok_or_else(|| format!("no catalogue {name}"))?;
        let text = std::str::from_utf8(&file.data).map_err(|e| format!("{name}: {e}"))?;
        let table: toml::Table = text.parse().map_err(|e| format!("{name}: {e}"))?;
        let mut strings = HashMap::new();
        flatten(&table, "", &mut strings).map_err(|e| format!("{name}: {e}"))?;
        Ok(Self {
            lang: lang.code(),
            strings,
        })
    }

    /// Every key, sorted.
    pub fn keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = self.strings.keys().map(String::as_str).collect();
        keys.sort_unstable();
        keys
    }

    /// The placeholders of a key's string, sorted.
    pub fn placeholders(&self, key: &str) -> Vec<String> {
        let mut names: Vec<String> = self
            .strings
            .get(key)
            .map(|s| {
                pieces(s)
                    .filter_map(|p| p.err().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
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
        let text = self.strings.get(key).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidOperation,
                format!("t(): no key {key:?} in {}.toml", self.lang),
            )
        })?;
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

fn flatten(
    table: &toml::Table,
    prefix: &str,
    out: &mut HashMap<String, String>,
) -> Result<(), String> {
    for (k, v) in table {
        let key = format!("{prefix}{k}");
        match v {
            toml::Value::Table(t) => flatten(t, &format!("{key}."), out)?,
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            _ => return Err(format!("{key}: catalogue values must be strings")),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::pieces;

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
