//! Values shifted against their labels: columns labelled in male/female pairs
//! (`40-44 Laki-Laki`, `40-44 Perempuan`) whose row holds male, female, total triples instead,
//! every third value the sum of the two before it (the Jakarta kelurahan table, rows 52–138).

use super::Checker;
use crate::report::Findings;

/// Words of a male and of a female column label.
const MALE: [&str; 3] = ["laki", "pria", "l"];
const FEMALE: [&str; 3] = ["perempuan", "wanita", "p"];

/// Label columns in a row checked for triples.
const MIN_COLUMNS: usize = 6;

fn words(label: &str) -> Vec<String> {
    label
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The positions (in `names` order) of the longest run of columns labelled in male/female
/// pairs that differ only in that word.
pub(super) fn sex_pairs(names: &[&str]) -> Vec<usize> {
    let sex = |label: &str, set: &[&str]| {
        let w = words(label);
        let rest: Vec<&String> = w.iter().filter(|w| !set.contains(&w.as_str())).collect();
        (rest.len() < w.len()).then(|| rest.into_iter().cloned().collect::<Vec<_>>())
    };
    let mut best: Vec<usize> = Vec::new();
    let mut run: Vec<usize> = Vec::new();
    let mut i = 0;
    while i + 1 < names.len() {
        match (sex(names[i], &MALE), sex(names[i + 1], &FEMALE)) {
            (Some(a), Some(b)) if a == b => {
                run.extend([i, i + 1]);
                i += 2;
            }
            _ => {
                if run.len() > best.len() {
                    best = std::mem::take(&mut run);
                }
                run.clear();
                i += 1;
            }
        }
    }
    if run.len() > best.len() {
        best = run;
    }
    if best.len() >= MIN_COLUMNS {
        best
    } else {
        Vec::new()
    }
}

impl Checker<'_> {
    /// Whether this row's paired columns hold male, female, total triples (at some offset).
    pub(super) fn check_triples(&mut self, row: u64) {
        if self.pairs.is_empty() {
            return;
        }
        let values: Vec<Option<f64>> = self.pairs.iter().map(|&c| self.columns[c].number).collect();
        for offset in 0..3 {
            let triples: Vec<(f64, f64, f64)> = values[offset..]
                .chunks_exact(3)
                .filter_map(|t| Some((t[0]?, t[1]?, t[2]?)))
                .collect();
            if triples.len() >= 3
                && triples
                    .iter()
                    .all(|(a, b, sum)| *sum > 0.0 && a + b == *sum)
            {
                let (a, b, sum) = triples[0];
                self.shifted.push((row, format!("{a} + {b} = {sum}")));
                return;
            }
        }
    }

    /// One finding per run of rows whose values are shifted.
    pub(super) fn report_triples(&self, findings: &mut Findings) {
        let Some(&first) = self.pairs.first() else {
            return;
        };
        let (name, index) = (&self.columns[first].name, self.columns[first].index);
        let mut i = 0;
        while i < self.shifted.len() {
            let mut j = i;
            while j + 1 < self.shifted.len() && self.shifted[j + 1].0 == self.shifted[j].0 + 1 {
                j += 1;
            }
            let (from, to, n) = (self.shifted[i].0, self.shifted[j].0, j - i + 1);
            let example = &self.shifted[i].1;
            findings.add_counted_at(
                "misaligned-values",
                Some(from),
                Some((name, index)),
                n as u64,
                format!(
                    "Baris {from}–{to} ({n} baris): judul kolom berpasangan Laki-laki/Perempuan, \
                     tetapi setiap nilai ketiga adalah jumlah dua nilai sebelumnya ({example}): \
                     nilai bergeser dari judulnya (laki-laki, perempuan, jumlah); susun ulang \
                     kolom baris-baris ini"
                ),
                format!(
                    "Rows {from}–{to} ({n} rows): the columns are labelled in male/female pairs, \
                     but every third value is the sum of the two before it ({example}): the \
                     values are shifted against their labels (male, female, total); rearrange \
                     these rows' columns"
                ),
            );
            i = j + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::sex_pairs;

    #[test]
    fn male_female_pairs() {
        let labels = [
            "nama",
            "35-39 Laki-Laki",
            "35-39 Perempuan",
            "40-44 Laki-Laki",
            "40-44 Perempuan",
            ">75 Laki-Laki",
            ">75  Perempuan",
            "jumlah",
        ];
        assert_eq!(sex_pairs(&labels), [1, 2, 3, 4, 5, 6]);
        assert!(sex_pairs(&["a", "b L", "b P"]).is_empty(), "too few");
    }
}
