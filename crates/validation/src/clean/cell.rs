//! The rules cleaning applies to one cell, each logged by name: trimming (never a tab that
//! defuses a formula), missing-value markers and placeholders emptied, Indonesian numbers and
//! integers exported as decimals made canonical, Kemendagri codes dotted, control characters
//! removed.

use std::borrow::Cow;

use super::Tally;
use crate::cells::{is_formula, is_placeholder};
use crate::engine::strip_float_zero;
use crate::read::trim;
use crate::reference::{CodeClass, RegionReference};
use crate::roles::{CodeSystem, ColumnRole};
use crate::schema::{FieldType, is_grouped_integer};

/// What cleaning knows of a source column.
#[derive(Debug, Clone, Copy)]
pub(super) struct Source {
    pub kind: FieldType,
    pub role: ColumnRole,
}

/// The clean form of a cell, its changes noted in `tally`.
pub(super) fn clean_cell<'a>(
    raw: &'a str,
    source: Source,
    missing: &[String],
    reference: Option<&RegionReference>,
    tally: &mut Tally,
) -> Cow<'a, str> {
    let mut trimmed = trim(raw);
    // A tab or carriage return that keeps a spreadsheet from running the cell as a formula
    // stays (trimming would arm it).
    if is_formula(trimmed) && raw.starts_with(['\t', '\r']) {
        let start = raw.len() - raw.trim_start().len();
        trimmed = raw[start - 1..].trim_end();
    }
    if trimmed.len() != raw.len() {
        tally.note("trim", 1, raw, trimmed);
    }
    let numeric = matches!(
        source.kind,
        FieldType::Integer | FieldType::Number | FieldType::Year
    );
    let code = source.role.is_code();
    let mut value: Cow<'a, str> = if !trimmed.is_empty() && missing.iter().any(|m| m == trimmed) {
        // The schema declares this marker a missing value: every format writes null.
        tally.note("missing-value", 1, trimmed, "");
        Cow::Borrowed("")
    } else if (numeric || source.role == ColumnRole::Unit) && is_placeholder(trimmed) {
        tally.note("placeholder-value", 1, trimmed, "");
        Cow::Borrowed("")
    } else if let Some(whole) = (matches!(source.kind, FieldType::Integer | FieldType::Year)
        || code)
        .then(|| strip_float_zero(trimmed))
        .flatten()
    {
        tally.note("float-formatted", 1, trimmed, whole);
        Cow::Borrowed(whole)
    } else if let Some(number) = canonical_number(trimmed, source.kind) {
        tally.note("indonesian-number", 1, trimmed, &number);
        Cow::Owned(number)
    } else {
        Cow::Borrowed(trimmed)
    };
    if let ColumnRole::RegionCode {
        system: CodeSystem::Kemendagri | CodeSystem::Unspecified,
        ..
    } = source.role
        && matches!(source.kind, FieldType::String | FieldType::Any)
        && !value.is_empty()
        && value.bytes().all(|b| b.is_ascii_digit())
        && let Some(CodeClass::UndottedKemendagri(dotted)) = reference.map(|r| r.classify(&value))
    {
        tally.note("dotted-region-code", 1, &value, &dotted);
        value = Cow::Owned(dotted);
    }
    // Control characters (a NUL from a workbook or JSON) have no place in a CSV cell.
    if value
        .bytes()
        .any(|b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
    {
        let kept: String = value
            .chars()
            .filter(|c| !c.is_ascii_control() || matches!(c, '\t' | '\n' | '\r'))
            .collect();
        tally.note("control-characters", 1, &value, &kept);
        value = Cow::Owned(kept);
    }
    value
}

/// The canonical form of an Indonesian-formatted number in a numeric column, when it differs.
pub(super) fn canonical_number(value: &str, kind: FieldType) -> Option<String> {
    if !matches!(kind, FieldType::Integer | FieldType::Number) || value.is_empty() {
        return None;
    }
    let mut v = value.trim();
    for prefix in ["Rp.", "Rp", "rp.", "rp", "IDR"] {
        if let Some(rest) = v.strip_prefix(prefix) {
            v = rest.trim_start();
        }
    }
    let v = v.strip_suffix('%').map_or(v, str::trim_end);
    // A Number column reads `2.500` as 2.5 (as the validator did): only Integer columns group.
    let grouped = kind == FieldType::Integer && is_grouped_integer(v);
    // Nearly every cell: nothing stripped, no thousand dots, no decimal comma.
    if !grouped && v.len() == value.len() && !v.contains(',') {
        return None;
    }
    let out = if grouped {
        v.replace('.', "")
    } else if let Some((whole, fraction)) = v.rsplit_once(',') {
        // 12,5 or 1.234,5: the comma is the decimal mark, dots group thousands.
        let whole = if is_grouped_integer(whole) {
            whole.replace('.', "")
        } else {
            whole.to_owned()
        };
        format!("{whole}.{fraction}")
    } else {
        v.to_owned()
    };
    let valid = match kind {
        FieldType::Integer => out.parse::<i64>().is_ok(),
        _ => out.parse::<f64>().is_ok_and(f64::is_finite),
    };
    (valid && out != value).then_some(out)
}
