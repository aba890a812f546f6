//! One cell's checks: placeholders, type (with the notations OPDs use, counted for one column
//! finding each), region codes, constraints, uniqueness, coverage and what the cell teaches.

use super::super::memo::{FLOAT, GROUPED, INDONESIAN, PLACEHOLDER, UNDOTTED};
use super::super::region::{
    REGION_CACHE, RegionOutcome, bps_length, level_of_code, strip_float_zero, type_id,
};
use super::Checker;
use crate::cells::{indonesian_number, is_placeholder};
use crate::read::{Row, trim};
use crate::report::Findings;
use crate::roles::{CodeSystem, ColumnRole};
use crate::schema::{self, FieldType, Typed};
use crate::seen::Repeat;

impl Checker<'_> {
    pub(super) fn check_cell(&mut self, c: usize, row: &Row, findings: &mut Findings) {
        let column = &mut self.columns[c];
        let Some(raw) = row.cells.get(column.index) else {
            return;
        };
        let value = trim(raw);
        let n = Some(row.number);
        let numeric = matches!(
            column.kind,
            FieldType::Integer | FieldType::Number | FieldType::Year
        );
        // With a declared schema only its `missingValues` are missing; an inferred one knows the
        // placeholders OPDs write.
        let placeholder = self.placeholders
            && (numeric || column.role == ColumnRole::Unit)
            && is_placeholder(value);
        if placeholder {
            column.note(PLACEHOLDER, row.number, value);
        }
        if placeholder || self.missing.iter().any(|m| m == value) {
            if column.required {
                findings.add(
                    "constraint-error",
                    n,
                    Some((column.name.as_str(), column.index)),
                    Some(raw),
                    format!("Kolom '{}' wajib diisi", column.name),
                    format!("Column '{}' requires a value", column.name),
                );
            }
            return;
        }
        let mut float_noted = false;
        let read = column.kind.read(value).or_else(|| {
            // Notations that cleaning makes canonical: counted per column, not errors.
            let whole = matches!(column.kind, FieldType::Integer | FieldType::Year);
            if whole && schema::is_grouped_integer(value) {
                let n = value.replace('.', "").parse::<i64>().ok()?;
                column.note(GROUPED, row.number, value);
                return Some(Typed::Number(n as f64));
            }
            if whole && let Some(digits) = strip_float_zero(value) {
                let n = digits.parse::<i64>().ok()?;
                float_noted = true;
                column.note(FLOAT, row.number, value);
                return Some(Typed::Number(n as f64));
            }
            if numeric && let Some((number, unit)) = indonesian_number(value) {
                if whole && number.fract() != 0.0 {
                    return None;
                }
                column.note(INDONESIAN, row.number, value);
                column.unit = column.unit.or(unit);
                return Some(Typed::Number(number));
            }
            None
        });
        let field = Some((column.name.as_str(), column.index));
        let Some(typed) = read else {
            findings.add(
                "type-error",
                n,
                field,
                Some(raw),
                format!(
                    "Nilai '{value}' bukan {} (kolom '{}'); perbaiki nilainya",
                    type_id(column.kind),
                    column.name
                ),
                format!(
                    "'{value}' is not a valid {} (column '{}'); correct the value",
                    column.kind.label(),
                    column.name
                ),
            );
            return;
        };
        if let Typed::Number(x) = typed
            && numeric
        {
            column.number = Some(x);
        }
        let mut region_reported = false;
        if let Some(region) = column.region {
            let code = match strip_float_zero(value) {
                Some(digits) => {
                    if !float_noted {
                        column.note(FLOAT, row.number, value);
                    }
                    digits
                }
                None => value,
            };
            let name = region
                .name
                .and_then(|i| row.cells.get(i))
                .map(trim)
                .filter(|s| !s.is_empty());
            region_reported = self.check_region(c, code, name, row.number, findings);
        }
        let column = &mut self.columns[c];
        let field = Some((column.name.as_str(), column.index));
        let mut broken: Option<(String, String)> = None;
        if let Typed::Number(number) = typed {
            if column.minimum.is_some_and(|min| number < min) {
                let min = column.minimum.unwrap_or_default();
                broken = Some((
                    format!("kurang dari minimum {min}"),
                    format!("below the minimum {min}"),
                ));
            } else if column.maximum.is_some_and(|max| number > max) {
                let max = column.maximum.unwrap_or_default();
                broken = Some((
                    format!("lebih dari maksimum {max}"),
                    format!("above the maximum {max}"),
                ));
            }
        }
        let limited = column.min_length.is_some() || column.max_length.is_some();
        let chars = if limited { value.chars().count() } else { 0 };
        if limited
            && (column.min_length.is_some_and(|min| chars < min)
                || column.max_length.is_some_and(|max| chars > max))
        {
            broken = Some((
                "panjangnya di luar batas".into(),
                "has a length outside the limits".into(),
            ));
        }
        if column.pattern.as_ref().is_some_and(|p| !p.is_match(value)) {
            broken = Some((
                "tidak sesuai pola".into(),
                "does not match the pattern".into(),
            ));
        }
        if !region_reported && column.values.as_ref().is_some_and(|v| !v.contains(value)) {
            broken = Some((
                "tidak termasuk nilai yang diizinkan".into(),
                "is not one of the allowed values".into(),
            ));
        }
        if let Some((id, en)) = broken {
            findings.add(
                "constraint-error",
                n,
                field,
                Some(raw),
                format!("Nilai '{value}' {id} (kolom '{}')", column.name),
                format!("'{value}' {en} (column '{}')", column.name),
            );
        }
        if let Some(seen) = &mut column.seen {
            let earlier = match seen.insert([value], row.number) {
                Repeat::New => None,
                Repeat::Of(first) => Some((format!("baris {first}"), format!("row {first}"))),
                Repeat::Earlier => {
                    Some(("baris sebelumnya".to_owned(), "an earlier row".to_owned()))
                }
            };
            if let Some((earlier_id, earlier_en)) = earlier {
                findings.add(
                    "unique-error",
                    n,
                    field,
                    Some(raw),
                    format!(
                        "Nilai '{value}' di kolom '{}' sama dengan {earlier_id}",
                        column.name
                    ),
                    format!("'{value}' in column '{}' repeats {earlier_en}", column.name),
                );
            }
        }
        if Some(column.index) == self.tahun
            && let Typed::Number(year) = typed
        {
            if (1900.0..=2100.0).contains(&year) {
                let year = year as i32;
                self.seen.years = Some(match self.seen.years {
                    Some((from, to)) => (from.min(year), to.max(year)),
                    None => (year, year),
                });
            }
            if let Some((from, to)) = self.coverage
                && (year < f64::from(from) || year > f64::from(to))
            {
                findings.add(
                    "year-out-of-coverage",
                    n,
                    field,
                    Some(raw),
                    format!("Tahun {value} di luar cakupan waktu dataset ({from}-{to})"),
                    format!(
                        "Year {value} is outside the dataset's temporal coverage ({from}-{to})"
                    ),
                );
            }
        }
        if let Some((i, units)) = &mut self.satuan
            && *i == column.index
            && units.len() < 10
            && !units.contains(value)
        {
            units.insert(value.to_owned());
        }
    }

    /// Checks a region code cell of column `c` (its float suffix already taken off); returns
    /// whether a finding was made.
    fn check_region(
        &mut self,
        c: usize,
        code: &str,
        name: Option<&str>,
        row: u64,
        findings: &mut Findings,
    ) -> bool {
        let column = &self.columns[c];
        let Some(region) = column.region else {
            return false;
        };
        let field = Some((column.name.as_str(), column.index));
        if region.system == CodeSystem::Bps {
            let digits = code.bytes().all(|b| b.is_ascii_digit());
            let fits = match region.level {
                Some(level) => code.len() == bps_length(level),
                None => matches!(code.len(), 2 | 4 | 7 | 10),
            };
            if !digits || !fits {
                let want = region
                    .level
                    .map_or("2, 4, 7 atau 10".to_owned(), |l| bps_length(l).to_string());
                let want_en = want.replace("atau", "or");
                findings.add(
                    "invalid-bps-code",
                    Some(row),
                    field,
                    Some(code),
                    format!(
                        "Kode BPS '{code}' tidak berbentuk {want} angka tanpa titik; perbaiki kodenya"
                    ),
                    format!("BPS code '{code}' is not {want_en} digits without dots; correct it"),
                );
                return true;
            }
            // At provinsi and kabupaten/kota level BPS and Kemendagri codes are the same digits.
            if code.len() > 4 {
                self.note_spatial(&code[..4], level_of_code(code));
                return false;
            }
        }
        let Some(reference) = self.reference else {
            return false;
        };
        self.region_key.clear();
        self.region_key.push_str(code);
        self.region_key.push('\u{1}');
        self.region_key.push_str(name.unwrap_or_default());
        let outcome = match self.region_cache.get(self.region_key.as_str()) {
            Some(outcome) => outcome.clone(),
            None => {
                let outcome = RegionOutcome::of(reference, code, name);
                if self.region_cache.len() < REGION_CACHE {
                    self.region_cache
                        .insert(self.region_key.clone(), outcome.clone());
                }
                if outcome.known() {
                    self.note_spatial(code, level_of_code(code));
                }
                outcome
            }
        };
        self.region_cells.checked += 1;
        if outcome.known() {
            self.region_cells.known += 1;
        }
        if matches!(outcome, RegionOutcome::Undotted(..)) {
            self.columns[c].note(UNDOTTED, row, code);
        }
        let column = &self.columns[c];
        let field = Some((column.name.as_str(), column.index));
        outcome.report(code, name, Some(row), field, findings)
    }

    /// Folds a known code into the common code of all the table's regions.
    fn note_spatial(&mut self, code: &str, level: Option<crate::reference::RegionLevel>) {
        let digits: String = code
            .bytes()
            .filter(u8::is_ascii_digit)
            .map(char::from)
            .collect();
        if let Some(level) = level {
            self.seen.finest = Some(self.seen.finest.map_or(level, |f| f.max(level)));
        }
        self.seen.common_code = Some(match self.seen.common_code.take() {
            None => digits,
            Some(common) => {
                let shared = common
                    .bytes()
                    .zip(digits.bytes())
                    .take_while(|(a, b)| a == b)
                    .count();
                common[..shared].to_owned()
            }
        });
    }
}
