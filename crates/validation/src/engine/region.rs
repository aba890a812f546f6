//! Region code columns: which columns hold them, in which code system and at which level (the
//! label says it, or the values do: a bare `KODE` column of Kemendagri desa codes is one), the
//! name column paired with each, and what each cell is against the Kemendagri list.

use crate::reference::{CodeClass, RegionLevel, RegionReference, names_close};
use crate::report::Findings;
use crate::roles::{CodeSystem, ColumnRole};
use crate::schema::FieldType;

/// A region code column as it is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RegionColumn {
    /// Column, 0-based.
    pub index: usize,
    /// Kemendagri or BPS (never unspecified once planned).
    pub system: CodeSystem,
    /// The level, from the label or the values.
    pub level: Option<RegionLevel>,
    /// The paired name column.
    pub name: Option<usize>,
}

/// `32.0` → `32`: an integer a spreadsheet or pandas exported as a decimal.
pub(crate) fn strip_float_zero(value: &str) -> Option<&str> {
    let (whole, fraction) = value.split_once('.')?;
    let digits = whole.strip_prefix('-').unwrap_or(whole);
    (!digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !fraction.is_empty()
        && fraction.bytes().all(|b| b == b'0')
        && fraction.len() == 1)
        .then_some(whole)
}

/// The level a code's shape gives, in either system (dotted Kemendagri; digits: 2 provinsi,
/// 4 kabupaten/kota, 6 or 7 kecamatan, 10 desa/kelurahan).
pub(crate) fn level_of_code(code: &str) -> Option<RegionLevel> {
    if code.contains('.') {
        return RegionLevel::of_code(code);
    }
    if !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match code.len() {
        2 => Some(RegionLevel::Provinsi),
        4 => Some(RegionLevel::KabupatenKota),
        6 | 7 => Some(RegionLevel::Kecamatan),
        10 => Some(RegionLevel::DesaKelurahan),
        _ => None,
    }
}

/// Digits of a BPS code at each level.
pub(crate) fn bps_length(level: RegionLevel) -> usize {
    match level {
        RegionLevel::Provinsi => 2,
        RegionLevel::KabupatenKota => 4,
        RegionLevel::Kecamatan => 7,
        RegionLevel::DesaKelurahan => 10,
    }
}

/// Decides the region code columns: the labels' roles, refined by the sample's values.
pub(crate) fn plan(
    labels: &[String],
    roles: &mut [ColumnRole],
    sample: &[Vec<String>],
    reference: Option<&RegionReference>,
) -> Vec<RegionColumn> {
    let mut columns = Vec::new();
    for index in 0..labels.len().min(roles.len()) {
        let role = roles[index];
        let (system, level) = match role {
            ColumnRole::RegionCode { system, level } => (system, level),
            ColumnRole::Code => (CodeSystem::Unspecified, None),
            _ => continue,
        };
        let values: Vec<&str> = sample
            .iter()
            .filter_map(|row| row.get(index))
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .map(|v| strip_float_zero(v).unwrap_or(v))
            .collect();
        let total = values.len().max(1);
        let known = |v: &&str| {
            reference.is_some_and(|r| {
                matches!(
                    r.classify(v),
                    CodeClass::Known(_) | CodeClass::UndottedKemendagri(_)
                )
            })
        };
        let bps_shaped = |v: &&str| {
            v.bytes().all(|b| b.is_ascii_digit()) && matches!(v.len(), 7 | 10) && !known(v)
        };
        let is_code_role = role == ColumnRole::Code;
        if is_code_role {
            // A bare `kode` column is a region column when its values are region codes.
            let found = values.iter().filter(|v| known(v)).count();
            if reference.is_none() || values.is_empty() || found * 10 < total * 8 {
                continue;
            }
        }
        let system = match system {
            CodeSystem::Unspecified
                if values.iter().filter(|v| bps_shaped(v)).count() * 2 > total =>
            {
                CodeSystem::Bps
            }
            CodeSystem::Unspecified => CodeSystem::Kemendagri,
            declared => declared,
        };
        let level = level.or_else(|| {
            let mut counts = [0usize; 4];
            for v in &values {
                if let Some(l) = level_of_code(v) {
                    counts[l as usize] += 1;
                }
            }
            let (best, n) = counts.iter().enumerate().max_by_key(|(_, n)| **n)?;
            (*n > 0).then(|| RegionLevel::ALL[best])
        });
        roles[index] = ColumnRole::RegionCode { system, level };
        columns.push(RegionColumn {
            index,
            system,
            level,
            name: None,
        });
    }
    for column in &mut columns {
        column.name = pair(labels, roles, column);
    }
    columns
}

/// The name column of a code column: same system and level, else the same level, else a bare
/// `nama` beside a bare `kode`.
fn pair(labels: &[String], roles: &[ColumnRole], code: &RegionColumn) -> Option<usize> {
    let names: Vec<(usize, CodeSystem, Option<RegionLevel>)> = roles
        .iter()
        .enumerate()
        .filter_map(|(i, role)| match role {
            ColumnRole::RegionName { system, level } => Some((i, *system, *level)),
            _ => None,
        })
        .collect();
    let same = |system: Option<CodeSystem>| {
        names
            .iter()
            .find(|(_, s, l)| *l == code.level && system.is_none_or(|sys| *s == sys))
            .map(|(i, _, _)| *i)
    };
    same(Some(code.system))
        .or_else(|| same(Some(CodeSystem::Unspecified)))
        .or_else(|| same(None))
        .or_else(|| {
            let label = crate::checks::snake_case(&labels[code.index]);
            let bare = label
                .trim_start_matches("kemendagri_")
                .trim_start_matches("bps_");
            (bare == "kode").then_some(())?;
            labels
                .iter()
                .position(|l| crate::checks::snake_case(l) == "nama")
        })
}

/// What a Kemendagri region code cell is, given the reference (and its name cell).
#[derive(Debug, Clone)]
pub(super) enum RegionOutcome {
    /// Known, and the name (if any) matches.
    Fine,
    /// Known, but the name cell names another region: the official name.
    Mismatch(String),
    /// Digits only, the dotted code exists: the official name when the name cell names
    /// another region.
    Undotted(Option<String>),
    /// Looks like a BPS code.
    Bps,
    /// Not in the list.
    Unknown,
}

impl RegionOutcome {
    pub(super) fn of(reference: &RegionReference, value: &str, name: Option<&str>) -> Self {
        let official = |code: &str| {
            let region = reference.get(code)?;
            name.filter(|n| !names_close(&region.name, n))
                .map(|_| region.name.clone())
        };
        match reference.classify(value) {
            CodeClass::Known(_) => official(value).map_or(Self::Fine, Self::Mismatch),
            CodeClass::UndottedKemendagri(dotted) => Self::Undotted(official(&dotted)),
            CodeClass::BpsLike => Self::Bps,
            CodeClass::Unknown | CodeClass::Malformed => Self::Unknown,
        }
    }

    pub(super) fn known(&self) -> bool {
        matches!(self, Self::Fine | Self::Mismatch(_) | Self::Undotted(..))
    }

    /// Reports the outcome cell by cell (an undotted code is counted for one column finding,
    /// not reported here); returns whether a finding was made.
    pub(super) fn report(
        &self,
        value: &str,
        name: Option<&str>,
        n: Option<u64>,
        field: Option<(&str, usize)>,
        findings: &mut Findings,
    ) -> bool {
        let (kind, id, en) = match self {
            Self::Fine | Self::Undotted(None) => return false,
            Self::Mismatch(official) | Self::Undotted(Some(official)) => {
                let name = name.unwrap_or_default();
                (
                    "region-name-mismatch",
                    format!(
                        "Kode {value} adalah '{official}' menurut Kemendagri, bukan '{name}'; \
                         periksa kode atau namanya"
                    ),
                    format!(
                        "Code {value} is '{official}' in the Kemendagri list, not '{name}'; \
                         check the code or the name"
                    ),
                )
            }
            Self::Bps => (
                "bps-region-code",
                format!(
                    "'{value}' tampak sebagai kode BPS; kolom ini memakai kode Kemendagri (mis. \
                     35.76.01): ganti kodenya, atau beri kolom awalan bps_ bila memang kode BPS"
                ),
                format!(
                    "'{value}' looks like a BPS code; this column uses Kemendagri codes (e.g. \
                     35.76.01): replace the code, or prefix the column bps_ if it holds BPS codes"
                ),
            ),
            Self::Unknown => (
                "unknown-region-code",
                format!(
                    "Kode wilayah '{value}' tidak ada dalam daftar Kemendagri; perbaiki kodenya"
                ),
                format!("Region code '{value}' is not in the Kemendagri list; correct the code"),
            ),
        };
        findings.add(kind, n, field, Some(value), id, en);
        true
    }
}

/// Distinct (code, name) pairs remembered per table: region columns repeat a few values.
pub(super) const REGION_CACHE: usize = 100_000;

/// Whether a column holds Kemendagri-style region codes by its name alone (the rule for a
/// stored table without roles).
pub(crate) fn is_region_column(name: &str) -> bool {
    ColumnRole::of(name).is_region_code()
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
