//! Reading the real portal files of `shared/corpus/real/` and judging them.

use std::path::{Path, PathBuf};

use satudata_validation::{
    CleanOptions, Finding, Options, RegionReference, Report, TableFacts, clean_with, validate,
};

pub fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/real");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must have shared/corpus/real beside the clone"
    );
    eprintln!("{} not found: skipping", dir.display());
    None
}

/// The Kemendagri list from `TEST_REFERENCE_TGZ` (the npm package of idn-area-data 4.0.1).
pub fn reference() -> Option<RegionReference> {
    let Some(path) = std::env::var_os("TEST_REFERENCE_TGZ") else {
        assert!(
            std::env::var_os("TEST_REQUIRE_REFERENCE").is_none()
                && std::env::var_os("CI").is_none(),
            "TEST_REFERENCE_TGZ is required"
        );
        eprintln!("TEST_REFERENCE_TGZ not set: skipping");
        return None;
    };
    Some(RegionReference::load(Path::new(&path)).expect("reference loads"))
}

/// The file's bytes, its report, and the reference it was checked with.
pub fn judge(name: &str) -> Option<(Vec<u8>, Report, RegionReference)> {
    let bytes = std::fs::read(corpus()?.join(name)).expect("corpus file");
    let reference = reference()?;
    let options = Options {
        reference: Some(&reference),
        ..Options::default()
    };
    let report = validate(bytes.as_slice(), &options).expect("readable");
    Some((bytes, report, reference))
}

/// (type, row, column name) of each listed finding.
pub fn found(report: &Report) -> Vec<(&'static str, Option<u64>, Option<&str>)> {
    report
        .findings
        .iter()
        .map(|f| (f.kind, f.row_number, f.field_name.as_deref()))
        .collect()
}

pub fn count(report: &Report, kind: &str) -> u64 {
    report.counts.get(kind).copied().unwrap_or(0)
}

pub fn finding<'r>(report: &'r Report, kind: &str) -> &'r Finding {
    report
        .findings
        .iter()
        .find(|f| f.kind == kind)
        .unwrap_or_else(|| panic!("no {kind}: {:#?}", found(report)))
}

pub fn cleaned(bytes: &[u8], report: &Report, reference: &RegionReference, long: bool) -> String {
    let mut out = Vec::new();
    let options = CleanOptions {
        long,
        ..CleanOptions::default()
    };
    clean_with(bytes, report, Some(reference), &mut out, &options).expect("cleans");
    String::from_utf8(out).expect("utf-8")
}

pub fn tidy(report: &Report) -> bool {
    TableFacts::from(report).tidy
}
