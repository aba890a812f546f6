//! Region code cells against the Kemendagri list, and the wording of type names.

use crate::reference::{CodeClass, RegionReference};
use crate::report::Findings;
use crate::schema::FieldType;

/// What a region code cell is, given the reference (and its name cell).
#[derive(Debug, Clone)]
pub(super) enum RegionOutcome {
    /// Known, and the name (if any) matches.
    Fine,
    /// Known, but the name cell names another region: the official name.
    Mismatch(String),
    /// Digits only; the dotted code exists.
    Undotted(String),
    /// Looks like a BPS code.
    Bps,
    /// Not in the list.
    Unknown,
}

impl RegionOutcome {
    pub(super) fn of(reference: &RegionReference, value: &str, name: Option<&str>) -> Self {
        match reference.classify(value) {
            CodeClass::Known(_) => match name {
                Some(name) if reference.name_matches(value, name) == Some(false) => Self::Mismatch(
                    reference
                        .get(value)
                        .map(|r| r.name.clone())
                        .unwrap_or_default(),
                ),
                _ => Self::Fine,
            },
            CodeClass::UndottedKemendagri(dotted) => Self::Undotted(dotted),
            CodeClass::BpsLike => Self::Bps,
            CodeClass::Unknown | CodeClass::Malformed => Self::Unknown,
        }
    }

    pub(super) fn known(&self) -> bool {
        matches!(self, Self::Fine | Self::Mismatch(_))
    }

    /// Reports the outcome; returns whether a finding was made. `text` says whether the column
    /// is text: a dotted code cannot go in a numeric column, so the advice differs.
    pub(super) fn report(
        &self,
        value: &str,
        name: Option<&str>,
        n: Option<u64>,
        field: Option<(&str, usize)>,
        text: bool,
        findings: &mut Findings,
    ) -> bool {
        let (kind, id, en) = match self {
            Self::Fine => return false,
            Self::Mismatch(official) => {
                let name = name.unwrap_or_default();
                (
                    "region-name-mismatch",
                    format!("Kode {value} adalah '{official}' menurut Kemendagri, bukan '{name}'"),
                    format!("Code {value} is '{official}' in the Kemendagri list, not '{name}'"),
                )
            }
            Self::Undotted(dotted) if text => (
                "undotted-region-code",
                format!("Kode wilayah '{value}' tanpa titik; tulis '{dotted}'"),
                format!("Region code '{value}' lacks its dots; write '{dotted}'"),
            ),
            Self::Undotted(dotted) => (
                "undotted-region-code",
                format!(
                    "Kode wilayah '{value}' tanpa titik ('{dotted}'); kolom ini bertipe angka di \
                     skema, ubah menjadi teks (string) agar kode bertitik dapat dipakai"
                ),
                format!(
                    "Region code '{value}' lacks its dots ('{dotted}'); the schema makes this \
                     column numeric: make it text (string) so the dotted code fits"
                ),
            ),
            Self::Bps => (
                "bps-region-code",
                format!(
                    "'{value}' tampak sebagai kode BPS; kolom ini memakai kode Kemendagri (mis. 35.76.01)"
                ),
                format!(
                    "'{value}' looks like a BPS code; this column uses Kemendagri codes (e.g. 35.76.01)"
                ),
            ),
            Self::Unknown => (
                "unknown-region-code",
                format!("Kode wilayah '{value}' tidak ada dalam daftar Kemendagri"),
                format!("Region code '{value}' is not in the Kemendagri list"),
            ),
        };
        findings.add(kind, n, field, Some(value), id, en);
        true
    }
}

/// Distinct (code, name) pairs remembered per table: region columns repeat a few values.
pub(super) const REGION_CACHE: usize = 100_000;

/// Whether a column holds Kemendagri region codes, by its name (`kode_kecamatan` ...): the rule
/// the region check, cleaning's dotting and type inference share.
pub(crate) fn is_region_column(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("kode_") else {
        return false;
    };
    matches!(
        rest,
        "wilayah"
            | "provinsi"
            | "kabupaten_kota"
            | "kab_kota"
            | "kabupaten"
            | "kota"
            | "kecamatan"
            | "kelurahan"
            | "desa"
            | "desa_kelurahan"
            | "kelurahan_desa"
    )
}

pub(super) fn type_id(kind: FieldType) -> &'static str {
    match kind {
        FieldType::Integer => "bilangan bulat",
        FieldType::Number => "angka",
        FieldType::Year => "tahun empat digit",
        FieldType::Date => "tanggal (YYYY-MM-DD)",
        FieldType::Boolean => "nilai benar/salah",
        FieldType::String | FieldType::Any => "teks",
    }
}
