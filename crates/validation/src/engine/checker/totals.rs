//! What follows the values across rows: the sums that confirm a totals row without a `Jumlah`
//! label (a row labelled with the province, the nation, or nothing, whose values equal the sum of
//! the rows above it within rounding), the agreement of a row's region codes, and each region's
//! series of values (a `0` where the region's other values are all 10 or more is a placeholder).

use std::collections::HashMap;

use super::super::region::{level_of_code, strip_float_zero};
use super::Checker;
use crate::cells::{indonesian_number, is_placeholder};
use crate::read::{Row, trim};
use crate::reference::{RegionLevel, loose_name};
use crate::report::Findings;
use crate::roles::CodeSystem;

/// Data rows whose values are summed (totals rows below are found without a label).
pub(super) const SUM_ROWS: u64 = 100_000;
/// Data rows whose values are followed per region.
const SERIES_ROWS: u64 = 50_000;
/// A region's smallest non-zero value above which a zero is implausible: for counts, a zero
/// where the region's values are 10 or more has a Poisson chance below 1 in 20,000.
const PLAUSIBLE_ZERO_BELOW: f64 = 10.0;
/// Largest share of zeros in a column for its zeros to be suspected at all.
const RARE_ZEROS: f64 = 0.1;

/// Two region codes of a row that do not agree.
#[derive(Debug, Clone)]
pub(in crate::engine) struct Disagreement {
    column: usize,
    label: String,
    code: String,
    message: String,
    message_en: String,
}

/// Each region's values per measure column.
#[derive(Debug, Default)]
pub(in crate::engine) struct Series {
    /// The column naming the region, and the year column.
    pub(super) region: usize,
    pub(super) year: usize,
    /// The measure columns followed (positions in the checker's columns).
    pub(super) measures: Vec<usize>,
    stats: HashMap<String, Vec<Stats>>,
    /// Per measure: zeros and values seen.
    counts: Vec<(u64, u64)>,
}

impl Series {
    pub(super) fn new(region: usize, year: usize, measures: Vec<usize>) -> Self {
        let counts = vec![(0, 0); measures.len()];
        Self {
            region,
            year,
            measures,
            stats: HashMap::new(),
            counts,
        }
    }
}

#[derive(Debug, Clone, Default)]
struct Stats {
    min_nonzero: Option<f64>,
    zeros: Vec<(u64, String)>,
}

/// A number as a totals cell writes it (plain or Indonesian notation).
fn number(cell: &str) -> Option<f64> {
    if cell.is_empty() || is_placeholder(cell) {
        return None;
    }
    cell.parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .or_else(|| indonesian_number(cell).map(|(n, _)| n))
}

impl Checker<'_> {
    pub(super) fn reset_sums(&mut self, row: u64) {
        for column in &mut self.columns {
            column.sum = 0.0;
            column.sum_rows = 0;
            column.sum_first_row = row + 1;
        }
    }

    /// After a data row's cells: its measures join the sums and the regions' series.
    pub(super) fn after_cells(&mut self, row: &Row) {
        if self.kept <= SUM_ROWS {
            for column in self.columns.iter_mut().filter(|c| c.measure) {
                let Some(x) = column.number else { continue };
                if column.sum_rows == 0 {
                    column.sum_first_row = row.number;
                }
                column.sum += x;
                column.sum_rows += 1;
                if x.fract() != 0.0
                    && let Some((_, fraction)) = row
                        .cells
                        .get(column.index)
                        .and_then(|c| c.rsplit_once(['.', ',']))
                {
                    column.decimals = column.decimals.max(fraction.trim().len().min(6) as u8);
                }
            }
            self.last_label.clear();
            if let Some(label) = self.label_columns.first().and_then(|&i| row.cells.get(i)) {
                self.last_label.push_str(trim(label));
            }
            self.last_row = row.number;
        }
        if self.kept <= SERIES_ROWS
            && let Some(series) = &mut self.series
        {
            let region = row.cells.get(series.region).map_or("", trim);
            let region = strip_float_zero(region).unwrap_or(region);
            let year = row.cells.get(series.year).map_or("", trim);
            let year = strip_float_zero(year).unwrap_or(year);
            if region.is_empty() {
                return;
            }
            if !series.stats.contains_key(region) {
                series.stats.insert(
                    region.to_owned(),
                    vec![Stats::default(); series.measures.len()],
                );
            }
            let Some(stats) = series.stats.get_mut(region) else {
                return;
            };
            for (m, &c) in series.measures.iter().enumerate() {
                let Some(x) = self.columns[c].number else {
                    continue;
                };
                series.counts[m].1 += 1;
                if x == 0.0 {
                    series.counts[m].0 += 1;
                    stats[m].zeros.push((row.number, year.to_owned()));
                } else {
                    stats[m].min_nonzero = Some(
                        stats[m]
                            .min_nonzero
                            .map_or(x.abs(), |v: f64| v.min(x.abs())),
                    );
                }
            }
        }
    }

    /// The level a label names among provinces and kabupaten/kota (`None`: not one of them).
    fn label_level(&self, label: &str) -> Option<RegionLevel> {
        let loose = loose_name(label);
        if matches!(loose.as_str(), "INDONESIA" | "NASIONAL") {
            return Some(RegionLevel::Provinsi);
        }
        self.region_names.get(&loose).copied()
    }

    /// A row without a `Jumlah` label that is a totals row all the same: unlabelled, or labelled
    /// with a region above the rows' own (the nation, a province, a kota above its kecamatan),
    /// and confirmed by values equal to the sums of the rows above within rounding.
    pub(super) fn is_unlabelled_totals(&mut self, row: &Row, findings: &mut Findings) -> bool {
        if self.kept > SUM_ROWS || self.label_columns.is_empty() || self.kept < 2 {
            return false;
        }
        let label = self
            .label_columns
            .iter()
            .map(|&i| row.cells.get(i).map_or("", trim))
            .find(|c| !c.is_empty());
        let (signal, signal_en) = match label {
            None => ("tanpa label".to_owned(), "without a label".to_owned()),
            // A label repeating the row above's is not a total of the rows above (nearly every row).
            Some(label) if label == self.last_label => return false,
            Some(label) => {
                let Some(level) = self.label_level(label) else {
                    return false;
                };
                let national = matches!(loose_name(label).as_str(), "INDONESIA" | "NASIONAL");
                let above = self
                    .label_level(&self.last_label.clone())
                    .is_none_or(|prev| prev > level);
                if !national && !above {
                    return false;
                }
                (format!("berlabel '{label}'"), format!("labelled '{label}'"))
            }
        };
        let mut matched: Vec<(String, String, String)> = Vec::new();
        let mut thousandfold: Vec<String> = Vec::new();
        let mut compared = 0;
        for column in self
            .columns
            .iter()
            .filter(|c| c.measure && c.sum_rows >= 2 && c.sum != 0.0)
        {
            let cell = row.cells.get(column.index).map_or("", trim);
            let Some(v) = number(cell) else { continue };
            compared += 1;
            let tolerance =
                0.5 * 10f64.powi(-i32::from(column.decimals)) * f64::from(column.sum_rows) + 1e-9;
            let sum = format!("{:.*}", usize::from(column.decimals), column.sum);
            if (v - column.sum).abs() <= tolerance {
                matched.push((column.name.clone(), cell.to_owned(), sum));
            } else if (v * 1000.0 - column.sum).abs() <= 0.5 + tolerance * 1000.0 {
                thousandfold.push(format!("'{}' {cell} ≠ {sum}", column.name));
            }
        }
        if matched.is_empty() {
            return false;
        }
        let (first, last) = (
            self.columns
                .iter()
                .find(|c| c.measure)
                .map_or(0, |c| c.sum_first_row),
            self.last_row,
        );
        let shown: Vec<String> = matched
            .iter()
            .take(2)
            .map(|(name, v, sum)| format!("'{name}' {v} / {sum}"))
            .collect();
        let shown = shown.join("; ");
        findings.add(
            "totals-row",
            Some(row.number),
            None,
            label,
            format!(
                "Baris total {signal}: nilainya sama dengan jumlah baris {first}–{last} dalam batas \
                 pembulatan ({} dari {compared} kolom; nilai / jumlah: {shown}); hapus baris ini, \
                 jumlah dihitung dari data",
                matched.len()
            ),
            format!(
                "A totals row {signal_en}: its values equal the sums of rows {first}–{last} within \
                 rounding ({} of {compared} columns; value / sum: {shown}); remove it, totals are \
                 computed from the data",
                matched.len()
            ),
        );
        if !thousandfold.is_empty() {
            let count = thousandfold.len();
            let examples = thousandfold
                .iter()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join("; ");
            findings.add(
                "totals-mismatch",
                Some(row.number),
                None,
                None,
                format!(
                    "{count} nilai di baris total ini seperseribu jumlahnya ({examples}): titik \
                     ribuan Indonesia terbaca sebagai desimal (1.040 → 1,04); perbaiki sel atau \
                     hapus baris total"
                ),
                format!(
                    "{count} values in this totals row are a thousandth of their sums \
                     ({examples}): the Indonesian thousands dot was read as a decimal point \
                     (1.040 → 1.04); correct the cells or remove the totals row"
                ),
            );
        }
        true
    }

    /// Whether the row's region codes agree: a lower level within the higher one, and two code
    /// systems on the levels they share (provinsi and kabupaten/kota, except in Papua, where
    /// BPS and Kemendagri number the provinces differently). While the codes repeat the row
    /// above, its result is repeated.
    pub(super) fn region_agreement(&mut self, row: &Row, findings: &mut Findings) {
        if self.region_changed {
            self.region_changed = false;
            self.disagreements.clear();
            let codes: Vec<(usize, CodeSystem, RegionLevel, String, &str)> = self
                .regions
                .iter()
                .filter(|r| {
                    self.columns
                        .iter()
                        .any(|c| c.index == r.index && c.region_ok)
                })
                .filter_map(|r| {
                    let raw = row.cells.get(r.index).map(trim)?;
                    let code = strip_float_zero(raw).unwrap_or(raw);
                    let digits: String = code.chars().filter(|c| *c != '.').collect();
                    let level = r.level.or_else(|| level_of_code(code))?;
                    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
                        .then_some((r.index, r.system, level, digits, raw))
                })
                .collect();
            for a in &codes {
                for b in &codes {
                    let shared = if a.1 == b.1 {
                        if a.2 >= b.2 {
                            continue;
                        }
                        a.3.len()
                    } else {
                        if a.2 > b.2
                            || (a.2 == b.2 && a.0 > b.0)
                            || a.3.get(..2).is_none_or(|p| p >= "91")
                        {
                            continue;
                        }
                        a.3.len().min(4)
                    };
                    if a.3.get(..shared) == b.3.get(..shared) || b.3.len() < shared {
                        continue;
                    }
                    let (label_a, label_b) = (&self.labels[a.0], &self.labels[b.0]);
                    self.disagreements.push(Disagreement {
                        column: b.0,
                        label: label_b.clone(),
                        code: b.4.to_owned(),
                        message: format!(
                            "Kode '{}' (kolom '{label_b}') tidak berada di bawah kode '{}' (kolom \
                             '{label_a}'); periksa kedua kode",
                            b.4, a.4
                        ),
                        message_en: format!(
                            "Code '{}' (column '{label_b}') does not fall under code '{}' (column \
                             '{label_a}'); check both codes",
                            b.4, a.4
                        ),
                    });
                }
            }
        }
        for d in &self.disagreements {
            findings.add(
                "region-code-mismatch",
                Some(row.number),
                Some((&d.label, d.column)),
                Some(&d.code),
                d.message.clone(),
                d.message_en.clone(),
            );
        }
    }

    /// The zeros that stand for missing data, at the end.
    pub(super) fn placeholder_zeros(&mut self, findings: &mut Findings) {
        let Some(series) = self.series.take() else {
            return;
        };
        let mut found: Vec<(u64, usize, String, f64, String)> = Vec::new();
        for (region, stats) in &series.stats {
            for (m, s) in stats.iter().enumerate() {
                let (zeros, values) = series.counts[m];
                let rare = (zeros as f64) <= RARE_ZEROS * values as f64;
                match s.min_nonzero {
                    Some(min) if rare && min >= PLAUSIBLE_ZERO_BELOW => {
                        for (row, year) in &s.zeros {
                            found.push((
                                *row,
                                series.measures[m],
                                region.clone(),
                                min,
                                year.clone(),
                            ));
                        }
                    }
                    _ => {}
                }
            }
        }
        found.sort_by_key(|f| (f.0, f.1));
        for (row, c, region, min, year) in found {
            let column = &self.columns[c];
            findings.add(
                "placeholder-zero",
                Some(row),
                Some((&column.name, column.index)),
                Some("0"),
                format!(
                    "0 untuk wilayah {region} tahun {year} tampaknya penanda 'tidak ada data' \
                     (misalnya wilayah belum terbentuk): nilai lain wilayah ini {min} ke atas; \
                     kosongkan sel bila datanya memang tidak ada"
                ),
                format!(
                    "0 for region {region} in {year} looks like a 'no data' placeholder (the \
                     region may not have existed yet): its other values are {min} or more; leave \
                     the cell empty if there is no data"
                ),
            );
        }
    }
}
