//! Frictionless Table Schema (the subset Satu Data uses): reading, inferring and checking cells.

use crate::cells::{indonesian_number, is_placeholder};
use crate::engine::strip_float_zero;
use crate::roles::ColumnRole;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A Table Schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableSchema {
    /// Columns, in order.
    pub fields: Vec<Field>,
    /// Columns whose values together identify a row.
    #[serde(
        rename = "primaryKey",
        default,
        skip_serializing_if = "Vec::is_empty",
        with = "one_or_many"
    )]
    pub primary_key: Vec<String>,
    /// Other unique column combinations.
    #[serde(rename = "uniqueKeys", default, skip_serializing_if = "Vec::is_empty")]
    pub unique_keys: Vec<Vec<String>>,
    /// Cell values that mean "no value".
    #[serde(rename = "missingValues", default = "default_missing")]
    pub missing_values: Vec<String>,
}

fn default_missing() -> Vec<String> {
    vec![String::new()]
}

/// A column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// Column name, matched against the header.
    pub name: String,
    /// Value type.
    #[serde(rename = "type", default)]
    pub kind: FieldType,
    /// Human title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Constraints on the values.
    #[serde(default, skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
    /// Kode of the Standar Data variable the column is bound to (a satudata extension; other
    /// Frictionless tools ignore it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standar_data: Option<String>,
}

impl Field {
    /// A text column named `name`, with nothing else said about it.
    fn text(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            kind: FieldType::String,
            title: None,
            description: None,
            constraints: Constraints::default(),
            standar_data: None,
        }
    }
}

/// Value types understood by the checks; other frictionless types are accepted as `any`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    /// Any text.
    #[default]
    String,
    /// Whole number, e.g. `1234` (no thousand separators).
    Integer,
    /// Decimal number with a `.` decimal point.
    Number,
    /// `true`/`false`.
    Boolean,
    /// `YYYY-MM-DD`.
    Date,
    /// Four-digit year.
    Year,
    /// Anything (types the checks do not know).
    #[serde(other)]
    Any,
}

/// Constraints on a column's values.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Constraints {
    /// A value is required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// Values are unique.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unique: Option<bool>,
    /// Smallest allowed value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<Value>,
    /// Largest allowed value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<Value>,
    /// Shortest allowed text.
    #[serde(rename = "minLength", default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<usize>,
    /// Longest allowed text.
    #[serde(rename = "maxLength", default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
    /// Regular expression the whole value must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Allowed values.
    #[serde(rename = "enum", default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<Value>>,
}

impl Constraints {
    fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// A cell read as its field's type.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub(crate) enum Typed {
    Number(f64),
    Text,
}

impl FieldType {
    /// Reads a (trimmed, non-missing) cell; `None` when it is not of this type.
    pub(crate) fn read(self, cell: &str) -> Option<Typed> {
        match self {
            Self::String | Self::Any => Some(Typed::Text),
            Self::Integer => parse_integer(cell).map(|n| Typed::Number(n as f64)),
            Self::Year => (cell.len() == 4)
                .then(|| parse_integer(cell))
                .flatten()
                .map(|n| Typed::Number(n as f64)),
            Self::Number => parse_number(cell).map(Typed::Number),
            Self::Boolean => matches!(cell, "true" | "false" | "True" | "False" | "TRUE" | "FALSE")
                .then_some(Typed::Text),
            Self::Date => is_date(cell).then_some(Typed::Text),
        }
    }

    /// The name used in messages.
    pub fn label(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Integer => "integer",
            Self::Number => "number",
            Self::Boolean => "boolean",
            Self::Date => "date",
            Self::Year => "year",
            Self::Any => "any",
        }
    }
}

fn parse_integer(cell: &str) -> Option<i64> {
    let digits = cell.strip_prefix(['-', '+']).unwrap_or(cell);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    cell.parse().ok()
}

fn parse_number(cell: &str) -> Option<f64> {
    let ok = cell
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
        && cell.bytes().any(|b| b.is_ascii_digit());
    if ok {
        cell.parse().ok().filter(|f: &f64| f.is_finite())
    } else {
        None
    }
}

/// Indonesian thousand grouping of a whole number: `1.234` or `-12.345.678`.
pub(crate) fn is_grouped_integer(value: &str) -> bool {
    let digits = value.strip_prefix('-').unwrap_or(value);
    let mut groups = digits.split('.');
    let first = groups.next().unwrap_or_default();
    let rest: Vec<&str> = groups.collect();
    !rest.is_empty()
        && (1..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_digit())
        && rest
            .iter()
            .all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
}

fn is_date(cell: &str) -> bool {
    let b = cell.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && (1..=12).contains(&cell[5..7].parse::<u8>().unwrap_or(0))
        && (1..=31).contains(&cell[8..10].parse::<u8>().unwrap_or(0))
}

/// Compiles a Table Schema `pattern` to match whole values; `None` when it is not a valid regex.
pub fn compile_pattern(pattern: &str) -> Option<regex::Regex> {
    regex::Regex::new(&format!("^(?:{pattern})$")).ok()
}

/// The numeric value of a constraint bound (a JSON number or numeric string).
pub(crate) fn bound(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A JSON enum value as the text a cell would hold.
pub(crate) fn enum_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Share of a sample's values that must fit a type for the column to get it (as frictionless'
/// field confidence): a stray `n/a` among numbers becomes a type error, not a text column.
const CONFIDENCE: f64 = 0.9;

/// Infers a schema from sample rows: the narrowest of integer (thousand dots, `2019.0` and
/// `Rp 1.500.000` allowed), number (Indonesian notation `87,5 %` allowed) and string that at
/// least 90% of the values fit, placeholders (`-`, `tidak ada data`) not counted. Codes are
/// identifiers, so two kinds of code column are text whatever their values look like: a region
/// code column (a Kemendagri kabupaten code such as `35.10` read as a number would be published
/// as 35.1, and an undotted `3510` could not be dotted by cleaning), and any other code column
/// whose sample has a value a number would change (`1.02`, `007`).
pub(crate) fn infer(
    header: &[String],
    sample: &[Vec<String>],
    roles: &[ColumnRole],
) -> TableSchema {
    let fields = header
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let values = || {
                sample
                    .iter()
                    .filter_map(move |row| row.get(i))
                    .map(|v| v.trim())
                    .filter(|v| !v.is_empty() && !is_placeholder(v))
            };
            let role = roles.get(i).copied().unwrap_or(ColumnRole::Other);
            if role.is_region_code()
                || role == ColumnRole::Unit
                || (role.is_code() && values().any(|v| !plain_number_text(v)))
            {
                return Field::text(name);
            }
            let (mut total, mut whole, mut numeric) = (0usize, 0usize, 0usize);
            for value in values() {
                total += 1;
                let indonesian = indonesian_number(value);
                if FieldType::Integer.read(value).is_some()
                    || is_grouped_integer(value)
                    || strip_float_zero(value).is_some()
                    || indonesian.is_some_and(|(n, _)| n.fract() == 0.0 && !value.contains(','))
                {
                    whole += 1;
                    numeric += 1;
                } else if FieldType::Number.read(value).is_some() || indonesian.is_some() {
                    numeric += 1;
                }
            }
            let share = |n: usize| total > 0 && n as f64 >= CONFIDENCE * total as f64;
            // A column of nothing but placeholders (BPS writes `-` for a number not available).
            let only_placeholders = total == 0
                && sample
                    .iter()
                    .filter_map(|row| row.get(i))
                    .any(|v| is_placeholder(v.trim()));
            let kind = if share(whole) || only_placeholders {
                FieldType::Integer
            } else if share(numeric) {
                FieldType::Number
            } else {
                FieldType::String
            };
            Field {
                kind,
                ..Field::text(name)
            }
        })
        .collect();
    TableSchema {
        fields,
        primary_key: Vec::new(),
        unique_keys: Vec::new(),
        missing_values: default_missing(),
    }
}

/// Whether `text` is a number written the way a number would be printed: digits, no leading
/// zero, no point (what a code column may hold without losing anything as a number).
fn plain_number_text(text: &str) -> bool {
    let digits = text.as_bytes();
    !digits.is_empty()
        && digits.iter().all(u8::is_ascii_digit)
        && (digits[0] != b'0' || digits.len() == 1)
}

/// Columns that never belong in a key: measures' companions and free text.
const NOT_KEY: &[&str] = &["satuan", "ukuran", "keterangan", "catatan", "sumber"];

/// Proposes a key for the steward to confirm: the smallest set of dimension columns (text, codes
/// and time columns, not measures) whose values are unique over the sample, found by dropping
/// columns one at a time while the rest stays unique. Empty when no such set exists.
pub(crate) fn propose_key(
    schema: &TableSchema,
    header: &[String],
    sample: &[Vec<String>],
) -> Vec<String> {
    if sample.len() < 2 {
        return Vec::new();
    }
    let time = ["tahun", "bulan", "semester", "triwulan", "periode"];
    let mut columns: Vec<usize> = header
        .iter()
        .enumerate()
        .filter(|(_, name)| {
            let kind = schema
                .fields
                .iter()
                .find(|f| &f.name == *name)
                .map_or(FieldType::String, |f| f.kind);
            let paired_name = name
                .strip_prefix("nama_")
                .is_some_and(|rest| header.contains(&format!("kode_{rest}")));
            !NOT_KEY.contains(&name.as_str())
                && !paired_name
                && name.as_str() != "id"
                && (kind == FieldType::String
                    || time.contains(&name.as_str())
                    || name.starts_with("kode_"))
        })
        .map(|(i, _)| i)
        .collect();
    let unique = |columns: &[usize]| {
        let mut seen = std::collections::HashSet::new();
        !columns.is_empty()
            && sample.iter().all(|row| {
                let key: Vec<&str> = columns
                    .iter()
                    .map(|&i| row.get(i).map_or("", |v| v.trim()))
                    .collect();
                seen.insert(key.join("\u{1}"))
            })
    };
    if !unique(&columns) {
        return Vec::new();
    }
    for position in (0..columns.len()).rev() {
        let mut fewer = columns.clone();
        fewer.remove(position);
        if unique(&fewer) {
            columns = fewer;
        }
    }
    columns.into_iter().map(|i| header[i].clone()).collect()
}

mod one_or_many {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
        Ok(match OneOrMany::deserialize(d)? {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        })
    }

    pub(super) fn serialize<S: Serializer>(v: &[String], s: S) -> Result<S::Ok, S::Error> {
        v.serialize(s)
    }
}

#[cfg(test)]
#[path = "schema_tests.rs"]
mod tests;
