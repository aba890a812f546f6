//! The finding types, their severities, and the checks on the header.

use crate::report::{Findings, Severity};

/// Every finding type and its severity. Frictionless names where frictionless has the check.
pub const FINDING_TYPES: &[(&str, Severity)] = &[
    ("blank-header", Severity::Error),
    ("duplicate-label", Severity::Error),
    ("missing-label", Severity::Error),
    ("extra-label", Severity::Error),
    ("blank-row", Severity::Error),
    ("missing-cell", Severity::Error),
    ("extra-cell", Severity::Error),
    ("type-error", Severity::Error),
    ("constraint-error", Severity::Error),
    ("unique-error", Severity::Error),
    ("primary-key", Severity::Error),
    ("unknown-region-code", Severity::Error),
    ("bps-region-code", Severity::Error),
    ("invalid-bps-code", Severity::Error),
    ("region-code-mismatch", Severity::Error),
    ("misaligned-values", Severity::Error),
    ("region-name-mismatch", Severity::Warning),
    ("float-formatted", Severity::Warning),
    ("placeholder-value", Severity::Warning),
    ("placeholder-zero", Severity::Warning),
    ("totals-mismatch", Severity::Warning),
    ("empty-columns", Severity::Warning),
    ("repeated-values", Severity::Warning),
    ("ambiguous-region-name", Severity::Warning),
    ("region-not-checked", Severity::Warning),
    ("totals-row", Severity::Warning),
    ("missing-sdi-column", Severity::Warning),
    ("mixed-units", Severity::Warning),
    ("wide-layout", Severity::Warning),
    ("year-out-of-coverage", Severity::Warning),
    ("non-snake-case-header", Severity::Warning),
    ("encoding-error", Severity::Warning),
    ("formula-cell", Severity::Warning),
    ("title-row", Severity::Info),
    ("undotted-region-code", Severity::Info),
    ("index-column", Severity::Info),
    ("footnote-row", Severity::Info),
    ("indonesian-number", Severity::Info),
];

/// The severity of a finding type.
pub fn severity_of(kind: &str) -> Severity {
    FINDING_TYPES
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(Severity::Error, |(_, s)| *s)
}

/// `Jumlah Penduduk (Jiwa)` → `jumlah_penduduk_jiwa`.
pub fn snake_case(label: &str) -> String {
    let mut out = String::new();
    for c in label.trim().chars() {
        let c = match c {
            'à' | 'á' | 'â' | 'ä' | 'À' | 'Á' | 'Â' | 'Ä' => 'a',
            'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ò' | 'ó' | 'ô' | 'ö' | 'Ò' | 'Ó' | 'Ô' | 'Ö' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            other => other,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "kolom_");
    }
    out
}

fn is_snake_case(label: &str) -> bool {
    label.starts_with(|c: char| c.is_ascii_lowercase())
        && label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !label.contains("__")
        && !label.ends_with('_')
}

/// Checks the header labels; `row` is the header's physical row. Columns without a label are
/// judged at the end, by what they hold (finish.rs).
pub(crate) fn header(labels: &[String], row: u64, findings: &mut Findings) {
    let mut seen = std::collections::HashSet::new();
    for (i, label) in labels.iter().enumerate() {
        let field = Some((label.as_str(), i));
        if label.is_empty() {
            continue;
        }
        if !seen.insert(label.as_str()) {
            findings.add(
                "duplicate-label",
                Some(row),
                field,
                Some(label),
                format!("Judul kolom '{label}' muncul lebih dari sekali; beri judul yang berbeda"),
                format!("Label '{label}' appears more than once; give each column its own label"),
            );
        }
        if !is_snake_case(label) {
            let suggestion = snake_case(label);
            findings.add(
                "non-snake-case-header",
                Some(row),
                field,
                Some(label),
                format!("Judul kolom '{label}' sebaiknya snake_case: '{suggestion}'"),
                format!("Label '{label}' should be snake_case: '{suggestion}'"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_suggestions() {
        assert_eq!(snake_case("Jumlah Penduduk (Jiwa)"), "jumlah_penduduk_jiwa");
        assert_eq!(snake_case("Kode Wilayah"), "kode_wilayah");
        assert_eq!(snake_case("2024"), "kolom_2024");
        assert!(is_snake_case("kode_kabupaten_kota"));
        assert!(!is_snake_case("KodeWilayah"));
    }

    #[test]
    fn every_type_has_a_severity() {
        assert_eq!(severity_of("totals-row"), Severity::Warning);
        assert_eq!(severity_of("type-error"), Severity::Error);
        assert_eq!(severity_of("title-row"), Severity::Info);
    }
}
