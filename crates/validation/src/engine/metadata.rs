//! The metadata a table gives itself: its years, the region that holds all its regions, its
//! finest region level, and its units.

use std::collections::BTreeMap;

use super::checker::Seen2;
use super::layout::{unit_in, year_in};
use crate::reference::{RegionLevel, RegionReference, dotted, loose_name};
use crate::report::{ProposedMetadata, Spatial, Temporal};
use crate::roles::ColumnRole;
use crate::schema::FieldType;

/// What the metadata is made from.
pub(super) struct Facts<'a> {
    pub labels: &'a [String],
    pub roles: &'a [ColumnRole],
    pub kinds: &'a [FieldType],
    pub seen: &'a Seen2,
    /// Values of the `satuan` column (up to ten).
    pub satuan: Vec<String>,
    /// Units a notation named per column (`%`, `Rp`).
    pub column_units: Vec<(String, &'static str)>,
    /// A unit in the title.
    pub table_unit: Option<&'a str>,
    pub reference: Option<&'a RegionReference>,
    pub sample: &'a [Vec<String>],
}

/// Digits of a Kemendagri code at each level.
const LEVEL_DIGITS: [(usize, RegionLevel); 4] = [
    (10, RegionLevel::DesaKelurahan),
    (6, RegionLevel::Kecamatan),
    (4, RegionLevel::KabupatenKota),
    (2, RegionLevel::Provinsi),
];

pub(super) fn propose(facts: &Facts<'_>) -> ProposedMetadata {
    let temporal = facts
        .seen
        .years
        .or_else(|| {
            // Years as column labels (a wide table).
            let years: Vec<i32> = facts
                .labels
                .iter()
                .enumerate()
                .filter(|(i, _)| {
                    matches!(
                        facts.kinds.get(*i),
                        Some(FieldType::Integer | FieldType::Number)
                    )
                })
                .filter_map(|(_, l)| year_in(l))
                .collect();
            Some((*years.iter().min()?, *years.iter().max()?))
        })
        .map(|(start, end)| Temporal { start, end });
    let common = facts.seen.common_code.clone().or_else(|| names_code(facts));
    let spatial = common.map(|digits| {
        let (code, level) = LEVEL_DIGITS
            .iter()
            .find(|(n, _)| digits.len() >= *n)
            .map_or((String::new(), None), |(n, level)| {
                (dotted(&digits[..*n]).unwrap_or_default(), Some(*level))
            });
        let name = match (&level, facts.reference) {
            (Some(_), Some(reference)) => reference.get(&code).map(|r| r.name.clone()),
            (None, _) => Some("Indonesia".to_owned()),
            _ => None,
        };
        Spatial { code, name, level }
    });
    let mut column_units: BTreeMap<String, String> = BTreeMap::new();
    for label in facts.labels {
        if let Some(unit) = unit_in(label) {
            column_units.insert(label.clone(), unit);
        }
    }
    for (label, unit) in &facts.column_units {
        column_units
            .entry(label.clone())
            .or_insert_with(|| (*unit).to_owned());
    }
    let satuan = match facts.satuan.as_slice() {
        [one] => Some(one.clone()),
        _ => facts.table_unit.map(str::to_owned).or_else(|| {
            let mut units: Vec<&String> = column_units.values().collect();
            units.dedup();
            (units.len() == 1).then(|| units[0].clone())
        }),
    };
    ProposedMetadata {
        temporal,
        spatial,
        level: facts.seen.finest,
        satuan,
        column_units,
    }
}

/// The common code of the regions a table names without codes (`JAWA BARAT`), when every
/// name is a province or kabupaten/kota of the list.
fn names_code(facts: &Facts<'_>) -> Option<String> {
    let reference = facts.reference?;
    if facts.roles.iter().any(|r| r.is_region_code()) {
        return None;
    }
    let column = facts
        .roles
        .iter()
        .position(|r| matches!(r, ColumnRole::RegionName { .. }))?;
    let codes = reference.upper_codes();
    let mut common: Option<String> = None;
    let (mut named, mut found) = (0usize, 0usize);
    for row in facts.sample {
        let Some(name) = row.get(column).map(|c| c.trim()).filter(|c| !c.is_empty()) else {
            continue;
        };
        named += 1;
        // Footnotes below the table are not names: most names must be found.
        let Some(code) = codes.get(&loose_name(name)) else {
            continue;
        };
        found += 1;
        let digits = code.replace('.', "");
        common = Some(match common {
            None => digits,
            Some(c) => {
                let shared = c
                    .bytes()
                    .zip(digits.bytes())
                    .take_while(|(a, b)| a == b)
                    .count();
                c[..shared].to_owned()
            }
        });
    }
    (found * 3 >= named * 2).then_some(common).flatten()
}
