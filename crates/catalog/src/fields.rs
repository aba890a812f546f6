//! Checks shared by the services' inputs: text length, e-mail, URL, slugs and JSON merge-patch.

use serde::{Deserialize, Deserializer};

use crate::error::{Error, Result};

/// Deserializes a JSON merge-patch field: absent → `None`, `null` → `Some(None)`, value →
/// `Some(Some(value))`. Use with `#[serde(default, deserialize_with = "patch")]`.
pub fn patch<'de, D, T>(deserializer: D) -> std::result::Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// A required text: trimmed, not empty, at most `max` characters.
pub fn required(field: &'static str, value: &str, max: usize) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::invalid(
            field,
            format!("{field} wajib diisi"),
            format!("{field} is required"),
        ));
    }
    limit(field, value, max)
}

/// An optional text: trimmed; blank becomes `None`.
pub fn optional(field: &'static str, value: Option<&str>, max: usize) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => limit(field, v, max).map(Some),
    }
}

fn limit(field: &'static str, value: &str, max: usize) -> Result<String> {
    if value.chars().count() > max {
        return Err(Error::invalid(
            field,
            format!("{field} paling panjang {max} karakter"),
            format!("{field} must be at most {max} characters"),
        ));
    }
    Ok(value.to_owned())
}

/// An optional e-mail address, checked for a plausible shape.
pub fn email(field: &'static str, value: Option<&str>) -> Result<Option<String>> {
    let Some(value) = optional(field, value, 254)? else {
        return Ok(None);
    };
    let plausible = value.split_once('@').is_some_and(|(user, host)| {
        !user.is_empty() && host.contains('.') && !host.starts_with('.') && !host.ends_with('.')
    }) && !value.contains(char::is_whitespace);
    if plausible {
        Ok(Some(value.to_lowercase()))
    } else {
        Err(Error::invalid(
            field,
            format!("'{value}' bukan alamat surel yang sah"),
            format!("'{value}' is not a valid e-mail address"),
        ))
    }
}

/// An optional absolute http(s) URL.
pub fn http_url(field: &'static str, value: Option<&str>) -> Result<Option<String>> {
    let Some(value) = optional(field, value, 2000)? else {
        return Ok(None);
    };
    match url::Url::parse(&value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => Ok(Some(value)),
        _ => Err(Error::invalid(
            field,
            format!("'{value}' bukan URL http(s) yang sah"),
            format!("'{value}' is not a valid http(s) URL"),
        )),
    }
}

/// A URL slug: lower-case ASCII letters, digits and single hyphens, 2 to 100 characters.
pub fn slug(field: &'static str, value: &str) -> Result<String> {
    let ok = (2..=100).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !value.starts_with('-')
        && !value.ends_with('-')
        && !value.contains("--");
    if ok {
        Ok(value.to_owned())
    } else {
        Err(Error::invalid(
            field,
            format!(
                "Slug '{value}' hanya boleh huruf kecil, angka dan tanda hubung (2-100 karakter)"
            ),
            format!(
                "Slug '{value}' may only hold lower-case letters, digits and hyphens (2-100 characters)"
            ),
        ))
    }
}

/// A slug made from a title: `Jumlah Penduduk di Kota Mojokerto` → `jumlah-penduduk-di-kota-mojokerto`.
pub fn slug_from_title(title: &str) -> String {
    let mut slug = slug::slugify(title);
    if slug.len() > 90 {
        slug.truncate(90);
        while slug.ends_with('-') {
            slug.pop();
        }
    }
    if slug.len() < 2 {
        slug = format!("dataset-{slug}").trim_end_matches('-').to_owned();
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_from_titles_are_url_safe() {
        assert_eq!(
            slug_from_title("Jumlah Penduduk Berdasarkan Jenis Kelamin di Kota Mojokerto"),
            "jumlah-penduduk-berdasarkan-jenis-kelamin-di-kota-mojokerto"
        );
        assert_eq!(
            slug_from_title("Kab. Mojokertó — 2024"),
            "kab-mojokerto-2024"
        );
        assert!(slug("s", &slug_from_title("!")).is_ok());
        assert!(slug("s", &slug_from_title(&"panjang ".repeat(40))).is_ok());
    }

    #[test]
    fn emails_and_urls_are_checked() {
        assert!(email("e", Some("dinkes@mojokertokota.go.id")).is_ok());
        assert!(email("e", Some("bukan email")).is_err());
        assert!(http_url("u", Some("https://satudata.mojokertokota.go.id")).is_ok());
        assert!(http_url("u", Some("javascript:alert(1)")).is_err());
    }
}
