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

#[cfg(test)]
mod tests {
    use super::is_formula;

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
