//! The templates' filters and functions, with the exact semantics of `crates/web/README.md`
//! ("Functions and filters"): `num`, `date`, `datetime`, `bytes`, `key`, `url`. Each is a plain
//! function of the language and a template value, so that tests can run the contract's cases
//! (`proto/filter_cases.json`) against them and the pages can format cells the same way.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Timelike};
use minijinja::value::{Value, ValueKind};
use minijinja::{Error, ErrorKind};

use crate::lang::Lang;

/// The portal's time zone, WIB (UTC+7), in which dates are shown.
const WIB_SECONDS: i32 = 7 * 3600;
/// What a missing number prints as (an en dash).
pub const NO_NUMBER: &str = "\u{2013}";

const MONTHS_ID: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn invalid(message: String) -> Error {
    Error::new(ErrorKind::InvalidOperation, message)
}

/// `(thousands separator, decimal mark)`.
fn separators(lang: Lang) -> (char, char) {
    match lang {
        Lang::Id => ('.', ','),
        Lang::En => (',', '.'),
    }
}

/// Groups a plain decimal text (`-1234567.5`) in the language's form (`-1.234.567,5`); an
/// all-zero result loses its minus sign.
fn localise(lang: Lang, text: &str) -> String {
    let (thousands, decimal) = separators(lang);
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let mut out = String::with_capacity(text.len() + text.len() / 3 + 1);
    if negative && (whole.bytes().chain(frac.bytes())).any(|b| b != b'0') {
        out.push('-');
    }
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(thousands);
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push(decimal);
        out.push_str(frac);
    }
    out
}

/// An integer in the language's form; `decimals` > 0 appends zeros (`12` → `12,0`).
pub fn format_int(lang: Lang, value: i128, decimals: usize) -> String {
    let mut text = value.to_string();
    if decimals > 0 {
        text.push('.');
        text.push_str(&"0".repeat(decimals));
    }
    localise(lang, &text)
}

/// The decimals [`format_float`] shows by default: at most two, trailing zeros dropped
/// (`87.5` → 1, `92.0` → 0, `89.754` → 2).
pub fn decimals_shown(value: f64) -> usize {
    let text = format!("{value:.2}");
    let trimmed = text.trim_end_matches('0');
    trimmed.len() - trimmed.find('.').map_or(trimmed.len(), |dot| dot + 1)
}

/// A float in the language's form: at most two decimals with trailing zeros dropped, or exactly
/// `decimals`; NaN and infinities print as an en dash.
pub fn format_float(lang: Lang, value: f64, decimals: Option<usize>) -> String {
    if !value.is_finite() {
        return NO_NUMBER.to_owned();
    }
    let places = decimals.unwrap_or_else(|| decimals_shown(value));
    localise(lang, &format!("{value:.places$}"))
}

/// `x|num` and `x|num(d)`.
pub fn num(lang: Lang, value: &Value, decimals: Option<&Value>) -> Result<String, Error> {
    let decimals = match decimals {
        None => None,
        Some(d) if d.is_none() => None,
        Some(d) => Some(
            d.as_usize()
                .ok_or_else(|| invalid(format!("num: decimals must be a count, not {d}")))?,
        ),
    };
    match value.kind() {
        ValueKind::None => Ok(NO_NUMBER.to_owned()),
        ValueKind::Number if value.is_integer() => {
            let n = i128::try_from(value.clone())?;
            Ok(format_int(lang, n, decimals.unwrap_or(0)))
        }
        ValueKind::Number => Ok(format_float(lang, f64::try_from(value.clone())?, decimals)),
        _ => Err(invalid(format!("num: not a number: {value:?}"))),
    }
}

/// `n|bytes`: 1000-based units, one decimal below 100, none from 100 (`1,2 MB`, `774 kB`).
pub fn bytes(lang: Lang, value: &Value) -> Result<String, Error> {
    let n = match value.kind() {
        ValueKind::Number if value.is_integer() => u64::try_from(value.clone())
            .map_err(|_| invalid(format!("bytes: not a size: {value}")))?,
        _ => return Err(invalid(format!("bytes: not a size: {value:?}"))),
    };
    Ok(format_bytes(lang, n))
}

/// A byte count as [`bytes`] writes it.
pub fn format_bytes(lang: Lang, n: u64) -> String {
    const UNITS: [&str; 5] = ["kB", "MB", "GB", "TB", "PB"];
    if n < 1000 {
        return format!("{n} B");
    }
    #[expect(clippy::cast_precision_loss, reason = "a size shown with one decimal")]
    let mut v = n as f64;
    let mut unit = 0;
    v /= 1000.0;
    while v >= 1000.0 && unit < UNITS.len() - 1 {
        v /= 1000.0;
        unit += 1;
    }
    let round = |v: f64, places: usize| -> f64 { format!("{v:.places$}").parse().unwrap_or(v) };
    let places = if v < 100.0 { 1 } else { 0 };
    let mut rounded = round(v, places);
    if rounded >= 1000.0 && unit < UNITS.len() - 1 {
        v /= 1000.0;
        unit += 1;
        rounded = round(v, 1);
    }
    format!("{} {}", format_float(lang, rounded, None), UNITS[unit])
}

/// A date or date-time text: the date (in WIB for a date-time) and, for a date-time, the
/// local time.
fn parse_when(value: &Value) -> Result<(NaiveDate, Option<DateTime<FixedOffset>>), Error> {
    let text = value
        .as_str()
        .ok_or_else(|| invalid(format!("date: not an ISO 8601 string: {value:?}")))?;
    if text.len() == 10
        && let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d")
    {
        return Ok((day, None));
    }
    let wib = FixedOffset::east_opt(WIB_SECONDS).ok_or_else(|| invalid("WIB".into()))?;
    let stamp = DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&wib))
        .or_else(|_| {
            NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
                .map(|naive| naive.and_utc().with_timezone(&wib))
        })
        .map_err(|_| invalid(format!("date: not an ISO 8601 date or date-time: {text:?}")))?;
    Ok((stamp.date_naive(), Some(stamp)))
}

/// A month's short name (`Jan` … `Des` / `Dec`), for `1..=12`.
pub fn month_short(lang: Lang, month: i64) -> Option<&'static str> {
    let months = match lang {
        Lang::Id => &MONTHS_ID,
        Lang::En => &MONTHS_EN,
    };
    let name = months.get(usize::try_from(month.checked_sub(1)?).ok()?)?;
    name.get(..3)
}

/// A date as the portal writes it: `12 Mei 2026`, `12 May 2026`.
pub fn format_date(lang: Lang, day: NaiveDate) -> String {
    use chrono::Datelike;
    let months = match lang {
        Lang::Id => &MONTHS_ID,
        Lang::En => &MONTHS_EN,
    };
    let month = months[usize::try_from(day.month0()).unwrap_or_default() % 12];
    format!("{} {month} {}", day.day(), day.year())
}

/// `x|date`.
pub fn date(lang: Lang, value: &Value) -> Result<String, Error> {
    Ok(format_date(lang, parse_when(value)?.0))
}

/// `x|datetime`: the date, then ` 09.21 WIB` (Indonesian) or ` 09:21 WIB` (English).
pub fn datetime(lang: Lang, value: &Value) -> Result<String, Error> {
    let (day, stamp) = parse_when(value)?;
    let mut out = format_date(lang, day);
    if let Some(t) = stamp {
        let sep = if lang == Lang::Id { '.' } else { ':' };
        out.push_str(&format!(" {:02}{sep}{:02} WIB", t.hour(), t.minute()));
    }
    Ok(out)
}

/// `s|key`: lower case, every run of other characters than `a-z0-9` one `-`, trimmed.
pub fn key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.to_lowercase().chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
    }
    out
}

/// `url(path, lang=None)`: the path in the page's language or the one named.
pub fn url(lang: Lang, path: &str, target: Option<&str>) -> Result<String, Error> {
    if !path.starts_with('/') {
        return Err(invalid(format!("url: path must start with '/': {path:?}")));
    }
    let target = match target {
        None => lang,
        Some(code) => Lang::from_code(code)
            .ok_or_else(|| invalid(format!("url: unknown language {code:?}")))?,
    };
    Ok(target.url(path))
}

/// Registers the filters and `url` for one language.
pub fn register(env: &mut minijinja::Environment<'static>, lang: Lang) {
    env.add_filter("num", move |v: Value, d: Option<Value>| {
        num(lang, &v, d.as_ref())
    });
    env.add_filter("bytes", move |v: Value| bytes(lang, &v));
    env.add_filter("date", move |v: Value| date(lang, &v));
    env.add_filter("datetime", move |v: Value| datetime(lang, &v));
    env.add_filter("key", |v: Value| match v.as_str() {
        Some(s) => Ok(key(s)),
        None => Err(invalid(format!("key: not a string: {v:?}"))),
    });
    env.add_function("url", move |path: String, target: Option<String>| {
        url(lang, &path, target.as_deref())
    });
    // The interface's language, for macros that mark Indonesian content (`lang="id"`) on an
    // English page.
    env.add_global("ui_lang", lang.code());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(format_int(Lang::Id, -1_234_567, 0), "-1.234.567");
        assert_eq!(format_float(Lang::Id, 0.125, None), "0,12");
        assert_eq!(format_float(Lang::Id, -0.001, None), "0");
        assert_eq!(
            format_float(Lang::En, 1e21, Some(0)),
            "1,000,000,000,000,000,000,000"
        );
        assert_eq!(format_bytes(Lang::Id, 999_949), "1 MB");
        assert_eq!(key("  Empat  Bulanan "), "empat-bulanan");
    }
}
