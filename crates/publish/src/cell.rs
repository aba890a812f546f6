//! A clean cell read by its column's type, as the JSON and XLSX writers need it.

use satudata_validation::FieldType;

/// A clean cell read by its column's type; a cell that does not parse stays text (a valid
/// report guarantees it does not happen, and no value is ever dropped).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cell<'a> {
    Null,
    Int(i64),
    /// A number written as plain decimal digits (`-12.50`, `.5`, `7.`, or an integer such as
    /// `-42`): kept as written, since XLSX reads it as it is and JSON does when it is a JSON
    /// number too (saves parsing and formatting it again, and keeps the clean table's text).
    Decimal(&'a str),
    /// Any other number (an exponent, say).
    Float(f64),
    Bool(bool),
    Text(&'a str),
}

impl<'a> Cell<'a> {
    /// Always inlined: the XLSX writer calls it for every cell, and text, most cells, is
    /// known from the column's type at once.
    #[inline(always)]
    pub(super) fn parse(cell: &'a str, kind: FieldType) -> Self {
        if cell.is_empty() {
            return Self::Null;
        }
        let parsed = match kind {
            FieldType::Integer | FieldType::Year if short_integer(cell) => {
                Some(Self::Decimal(cell))
            }
            FieldType::Integer | FieldType::Year => cell.parse().ok().map(Self::Int),
            FieldType::Number if plain_decimal(cell) => Some(Self::Decimal(cell)),
            FieldType::Number => cell
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(Self::Float),
            FieldType::Boolean => boolean(cell).map(Self::Bool),
            _ => None,
        };
        parsed.unwrap_or(Self::Text(cell))
    }
}

/// `-?(0|[1-9]\d{0,17})`: an integer in its canonical form that surely fits an `i64`.
pub(super) fn short_integer(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text).as_bytes();
    match digits {
        [b'0'] => true,
        [b'1'..=b'9', rest @ ..] => rest.len() < 18 && rest.iter().all(u8::is_ascii_digit),
        _ => false,
    }
}

/// A clean boolean cell (validation accepts `true`/`false` in any case).
pub(super) fn boolean(cell: &str) -> Option<bool> {
    if cell.eq_ignore_ascii_case("true") {
        Some(true)
    } else if cell.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// `-?(\d+\.?\d*|\.\d+)`: a finite number in both Rust's and XML Schema's `double` syntax.
fn plain_decimal(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text).as_bytes();
    let mut seen_digit = false;
    let mut seen_dot = false;
    for &b in digits {
        match b {
            b'0'..=b'9' => seen_digit = true,
            b'.' if !seen_dot => seen_dot = true,
            _ => return false,
        }
    }
    seen_digit
}

/// Whether a [`plain_decimal`] is also a JSON number: no leading zero before another digit,
/// digits on both sides of the point.
pub(super) fn json_number(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text).as_bytes();
    let point = digits.iter().position(|&b| b == b'.');
    let (int, fraction) = digits.split_at(point.unwrap_or(digits.len()));
    // `fraction` keeps its point: a point needs a digit after it.
    !int.is_empty() && (int.len() == 1 || int[0] != b'0') && fraction.len() != 1
}

#[cfg(test)]
mod tests {
    use super::{Cell, json_number, plain_decimal};
    use satudata_validation::FieldType;

    #[test]
    fn plain_decimals_are_kept_as_written() {
        for text in ["0", "-12.50", ".5", "7.", "1234567.125", "-0.0"] {
            assert!(plain_decimal(text), "{text}");
            assert!(text.parse::<f64>().is_ok_and(f64::is_finite), "{text}");
            assert_eq!(Cell::parse(text, FieldType::Number), Cell::Decimal(text));
        }
        for text in [
            "", "-", ".", "-.", "1.2.3", "1e5", "+1", "inf", "NaN", "1,5", " 1",
        ] {
            assert!(!plain_decimal(text), "{text}");
        }
        assert_eq!(Cell::parse("1e5", FieldType::Number), Cell::Float(1e5));
        assert_eq!(Cell::parse("NaN", FieldType::Number), Cell::Text("NaN"));
        assert_eq!(Cell::parse("", FieldType::Number), Cell::Null);
    }

    #[test]
    fn canonical_integers_are_kept_as_written() {
        for text in [
            "0",
            "-0",
            "-7",
            "2024",
            "999999999999999999",
            "-123456789012345678",
        ] {
            assert_eq!(Cell::parse(text, FieldType::Integer), Cell::Decimal(text));
            assert!(json_number(text), "{text}");
        }
        for (text, n) in [
            ("007", 7),
            ("+5", 5),
            ("1000000000000000000", 1_000_000_000_000_000_000),
        ] {
            assert_eq!(Cell::parse(text, FieldType::Year), Cell::Int(n), "{text}");
        }
        assert_eq!(
            Cell::parse("99999999999999999999", FieldType::Integer),
            Cell::Text("99999999999999999999")
        );
    }

    #[test]
    fn json_numbers_are_told_apart() {
        for text in ["0", "-0.5", "12.50", "10", "-3"] {
            assert!(json_number(text), "{text}");
            assert!(serde_json::from_str::<f64>(text).is_ok(), "{text}");
        }
        for text in ["007", ".5", "7.", "-.5", "00.1"] {
            assert!(!json_number(text), "{text}");
            assert!(
                serde_json::from_str::<serde_json::Value>(text).is_err(),
                "{text}"
            );
        }
    }
}
