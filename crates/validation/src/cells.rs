//! What a single cell is, shared by the checks and cleaning: a formula a spreadsheet would run,
//! a placeholder for a missing value, a number in Indonesian notation, an integer exported as a
//! decimal.

use crate::read::trim;

/// Whether a cell (as written, untrimmed) would be run as a formula by a spreadsheet that opens
/// the CSV: it starts with `=`, `+`, `-` or `@` and is not a number (`-5`, `-1,5`, `+62 812`)
/// nor a run of dashes (a placeholder). A cell defused with a leading tab or apostrophe does not
/// start with those characters.
pub(crate) fn is_formula(raw: &str) -> bool {
    let Some(first) = raw.as_bytes().first() else {
        return false;
    };
    if !matches!(first, b'=' | b'+' | b'-' | b'@') {
        return false;
    }
    let cell = trim(raw);
    if cell.bytes().all(|b| b == b'-') {
        return false;
    }
    let unsigned = cell.trim_start_matches(['+', '-']);
    let numeric = unsigned.bytes().any(|b| b.is_ascii_digit())
        && unsigned
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b',' | b' ' | b'%'));
    !numeric || unsigned.len() + 1 < cell.len()
}

/// Whether the first byte of a cell may start a formula (the reader thread's cheap test).
pub(crate) fn may_be_formula(raw: &str) -> bool {
    matches!(raw.as_bytes().first(), Some(b'=' | b'+' | b'-' | b'@'))
}

/// Markers OPDs and BPS write for "no value" (compared case-insensitively).
const PLACEHOLDERS: [&str; 16] = [
    "-",
    "–",
    "—",
    "--",
    "..",
    "...",
    "n/a",
    "na",
    "#n/a",
    "null",
    "tidak ada data",
    "tidak ada",
    "tidak tersedia",
    "belum ada data",
    "data tidak tersedia",
    "tad",
];

/// Whether a (trimmed) cell is a placeholder for a missing value.
pub(crate) fn is_placeholder(cell: &str) -> bool {
    cell.len() <= 20 && PLACEHOLDERS.iter().any(|p| p.eq_ignore_ascii_case(cell))
}

/// A number in Indonesian notation: `1.234,5`, `87,5 %`, `Rp 1.500.000`, `12,5`. Returns the
/// value and the unit the notation names (`persen`, `Rupiah`), if any. Plain numbers without a
/// unit (`12.5`, `1234`) are not Indonesian notation; a lone grouped number (`1.234`) is.
pub(crate) fn indonesian_number(cell: &str) -> Option<(f64, Option<&'static str>)> {
    let mut v = cell.trim();
    let mut unit = None;
    for prefix in ["Rp.", "Rp", "RP", "rp", "IDR"] {
        if let Some(rest) = v.strip_prefix(prefix) {
            v = rest.trim_start();
            unit = Some("Rupiah");
            break;
        }
    }
    if let Some(rest) = v.strip_suffix('%') {
        v = rest.trim_end();
        unit = Some("persen");
    }
    let (negative, digits) = match v.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, v),
    };
    let number = if let Some((whole, fraction)) = digits.rsplit_once(',') {
        let whole_ok = !whole.is_empty()
            && (whole.bytes().all(|b| b.is_ascii_digit())
                || crate::schema::is_grouped_integer(whole));
        if !whole_ok || fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        format!("{}.{fraction}", whole.replace('.', ""))
            .parse::<f64>()
            .ok()?
    } else if crate::schema::is_grouped_integer(digits) {
        digits.replace('.', "").parse::<f64>().ok()?
    } else if unit.is_some()
        && !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|b| *b == b'.').count() <= 1
    {
        digits.parse::<f64>().ok()?
    } else {
        return None;
    };
    number
        .is_finite()
        .then_some((if negative { -number } else { number }, unit))
}

#[cfg(test)]
mod tests {
    use super::is_formula;

    #[test]
    fn indonesian_numbers_and_placeholders() {
        use super::{indonesian_number, is_placeholder};
        assert_eq!(indonesian_number("87,5 %"), Some((87.5, Some("persen"))));
        assert_eq!(indonesian_number("1.234,5"), Some((1234.5, None)));
        assert_eq!(
            indonesian_number("Rp 1.500.000"),
            Some((1_500_000.0, Some("Rupiah")))
        );
        assert_eq!(indonesian_number("-12,25"), Some((-12.25, None)));
        assert_eq!(indonesian_number("1.234"), Some((1234.0, None)));
        assert_eq!(indonesian_number("12.5"), None, "plain notation");
        assert_eq!(indonesian_number("abc"), None);
        assert_eq!(indonesian_number("1,2,3"), None);
        for p in ["-", "–", "..", "N/A", "tidak ada data", "Tidak Ada Data"] {
            assert!(is_placeholder(p), "{p}");
        }
        assert!(!is_placeholder("0") && !is_placeholder("-5") && !is_placeholder("ada"));
    }

    #[test]
    fn formulas_but_not_numbers_or_dashes() {
        for cell in [
            "=HYPERLINK(\"http://x\",\"klik\")",
            "=1+1",
            "+SUM(A1:A3)",
            "-2+3+cmd|' /C calc'!A0",
            "@SUM(A1)",
            "=",
            "--1",
        ] {
            assert!(is_formula(cell), "{cell}");
        }
        for cell in [
            "-5",
            "-1,5",
            "-1.234,5",
            "+5",
            "+62 812 3456",
            "-12,5 %",
            "-",
            "--",
            "\t=1+1",
            "'=1+1",
            " =1",
            "Jumlah",
            "",
            "–",
        ] {
            assert!(!is_formula(cell), "{cell}");
        }
    }
}
