//! The table's layout as its labels show it: one measure spread over many columns (years,
//! months, sexes, age groups as columns: the wide layout), the Satu Data columns it lacks, and the
//! units its title and labels name.

use crate::checks::snake_case;
use crate::report::Findings;
use crate::roles::ColumnRole;
use crate::schema::FieldType;

/// Indonesian month names (and the year as a whole, as BPS tables add it), in order.
const MONTHS: [&str; 13] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
    "Tahunan",
];

/// Words that tell apart the columns of one measure: sexes and age qualifiers.
const CATEGORY_WORDS: [&str; 12] = [
    "laki",
    "l",
    "perempuan",
    "p",
    "pria",
    "wanita",
    "male",
    "female",
    "lebih",
    "dari",
    "kurang",
    "usia",
];

/// The year a label names (`2019`, `Tahun 2020`), if any.
pub(crate) fn year_in(label: &str) -> Option<i32> {
    label
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()))
        .filter_map(|w| w.parse::<i32>().ok())
        .find(|y| (1900..=2100).contains(y))
}

/// The month a label names (`Januari`, or `Tahunan` for the whole year).
pub(crate) fn month_in(label: &str) -> Option<&'static str> {
    label
        .split(|c: char| !c.is_alphanumeric())
        .find_map(|w| MONTHS.iter().find(|m| m.eq_ignore_ascii_case(w)).copied())
}

/// What is left of a label without the words that tell a wide group's columns apart.
fn group_key(label: &str) -> (String, bool) {
    let mut temporal = false;
    let words: Vec<String> = label
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| {
            let number = w.bytes().all(|b| b.is_ascii_digit());
            let month = MONTHS.iter().any(|m| m.eq_ignore_ascii_case(w));
            temporal |= month || (number && year_in(w).is_some());
            !number && !month && !CATEGORY_WORDS.contains(&w.as_str())
        })
        .collect();
    (words.join(" "), temporal)
}

/// Groups of numeric columns holding one measure split by year, month or category: columns
/// whose labels differ only in such words, at least two when they differ by year or month, at
/// least four otherwise.
pub(crate) fn wide_groups(
    labels: &[String],
    kinds: &[FieldType],
    roles: &[ColumnRole],
) -> Vec<Vec<usize>> {
    let mut groups: Vec<(String, bool, Vec<usize>)> = Vec::new();
    for (i, label) in labels.iter().enumerate() {
        let numeric = matches!(kinds.get(i), Some(FieldType::Integer | FieldType::Number));
        let role = roles.get(i).copied().unwrap_or(ColumnRole::Other);
        if !numeric
            || label.is_empty()
            || role.is_code()
            || matches!(role, ColumnRole::Year | ColumnRole::Id)
        {
            continue;
        }
        let (key, temporal) = group_key(label);
        match groups.iter_mut().find(|(k, _, _)| *k == key) {
            Some(group) => {
                group.1 |= temporal;
                group.2.push(i);
            }
            None => groups.push((key, temporal, vec![i])),
        }
    }
    groups
        .into_iter()
        .filter(|(_, temporal, columns)| columns.len() >= if *temporal { 2 } else { 4 })
        .map(|(_, _, columns)| columns)
        .collect()
}

/// Reports the wide layout (one finding) and the Satu Data columns the table lacks.
pub(crate) fn check(
    labels: &[String],
    kinds: &[FieldType],
    roles: &[ColumnRole],
    table_unit: Option<&str>,
    header_row: u64,
    findings: &mut Findings,
) {
    let groups = wide_groups(labels, kinds, roles);
    if let Some(first) = groups.iter().max_by_key(|g| g.len()) {
        let n: usize = groups.iter().map(Vec::len).sum();
        let a = &labels[first[0]];
        let b = &labels[first[first.len() - 1]];
        findings.add_counted_at(
            "wide-layout",
            Some(header_row),
            None,
            n as u64,
            format!(
                "Satu ukuran dipecah menjadi {n} kolom per tahun, bulan atau kelompok ('{a}' … \
                 '{b}'); gunakan tata letak panjang: satu kolom per dimensi (mis. 'tahun') dan \
                 satu baris per pengamatan (pembersihan dapat melakukannya: --long)"
            ),
            format!(
                "One measure is spread over {n} columns by year, month or group ('{a}' … '{b}'); \
                 use the long layout: one column per dimension (e.g. 'tahun') and one row per \
                 observation (cleaning can do it: --long)"
            ),
        );
    }
    let has = |f: &dyn Fn(ColumnRole) -> bool| roles.iter().any(|r| f(*r));
    let measure = labels.iter().enumerate().any(|(i, _)| {
        matches!(kinds.get(i), Some(FieldType::Integer | FieldType::Number))
            && !matches!(
                roles.get(i),
                Some(ColumnRole::Year | ColumnRole::Id | ColumnRole::Month | ColumnRole::Period)
            )
            && !roles.get(i).is_some_and(|r| r.is_code())
    });
    let unit_note = table_unit.map_or((String::new(), String::new()), |u| {
        (
            format!(" (satuan '{u}' hanya tertulis di judul atau judul kolom)"),
            format!(" (the unit '{u}' is only written in the title or a label)"),
        )
    });
    let mut missing: Vec<(String, String)> = Vec::new();
    if measure && !has(&|r| r == ColumnRole::Unit) {
        missing.push((
            format!("satuan (unit pengukuran){}", unit_note.0),
            format!("satuan (unit of measure){}", unit_note.1),
        ));
    }
    if !has(&|r| r == ColumnRole::Year) {
        missing.push((
            "tahun (periode data)".into(),
            "tahun (the data's year)".into(),
        ));
    }
    if has(&|r| matches!(r, ColumnRole::RegionName { .. })) && !has(&|r| r.is_region_code()) {
        missing.push((
            "kode wilayah (kode_provinsi, kode_kabupaten_kota ...) di samping nama wilayah".into(),
            "a region code (kode_provinsi, kode_kabupaten_kota ...) beside the region name".into(),
        ));
    }
    for (id, en) in missing {
        findings.add(
            "missing-sdi-column",
            Some(header_row),
            None,
            None,
            format!(
                "Tabel tidak memiliki kolom {id} yang diwajibkan konvensi Satu Data; tambahkan"
            ),
            format!(
                "The table has no {en} column, which the Satu Data convention requires; add it"
            ),
        );
    }
}

/// Words that make a parenthesised label part a unit.
const UNIT_WORDS: [&str; 32] = [
    "orang",
    "jiwa",
    "ribu",
    "juta",
    "miliar",
    "milyar",
    "triliun",
    "rupiah",
    "rp",
    "persen",
    "km",
    "km2",
    "m2",
    "m",
    "ha",
    "hektar",
    "unit",
    "buah",
    "kk",
    "ton",
    "kg",
    "kwintal",
    "liter",
    "kejadian",
    "kasus",
    "kunjungan",
    "sekolah",
    "rumah",
    "kapita",
    "usd",
    "dolar",
    "meter",
];

/// The unit a text names in its last parentheses (`Jumlah Penduduk (Ribu)` → `Ribu`,
/// `(Rupiah/kapita/bulan)`), if the words there are unit words.
pub(crate) fn unit_in(text: &str) -> Option<String> {
    let open = text.rfind('(')?;
    let close = open + text[open..].find(')')?;
    let inside = text[open + 1..close].trim();
    let unit = inside
        .split(|c: char| c == '/' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .any(|w| UNIT_WORDS.contains(&snake_case(w).as_str()) || w == "%");
    (unit && inside.chars().count() <= 40).then(|| inside.to_owned())
}

#[cfg(test)]
mod tests {
    use super::{unit_in, wide_groups};
    use crate::roles::ColumnRole;
    use crate::schema::FieldType;

    #[test]
    fn units_from_labels() {
        assert_eq!(unit_in("Jumlah Penduduk (Ribu)").as_deref(), Some("Ribu"));
        assert_eq!(
            unit_in("Garis Kemiskinan (Rupiah/kapita/bulan)").as_deref(),
            Some("Rupiah/kapita/bulan")
        );
        assert_eq!(
            unit_in("Kepadatan per km persegi (Km2)").as_deref(),
            Some("Km2")
        );
        assert_eq!(unit_in("Penduduk (Pertengahan tahun/Juni)"), None);
        assert_eq!(unit_in("Jumlah"), None);
    }

    #[test]
    fn wide_groups_by_year_month_and_category() {
        let labels: Vec<String> = ["Nama Wilayah", "2020", "2019", "2018"]
            .map(String::from)
            .to_vec();
        let kinds = [
            FieldType::String,
            FieldType::Integer,
            FieldType::Integer,
            FieldType::Integer,
        ];
        let roles: Vec<ColumnRole> = labels.iter().map(|l| ColumnRole::of(l)).collect();
        assert_eq!(wide_groups(&labels, &kinds, &roles), [vec![1, 2, 3]]);
        let labels: Vec<String> = [
            "kecamatan",
            "35-39 Laki-Laki",
            "35-39 Perempuan",
            "40-44 Laki-Laki",
            "40-44 Perempuan",
            "jumlah",
        ]
        .map(String::from)
        .to_vec();
        let kinds = [
            FieldType::String,
            FieldType::Integer,
            FieldType::Integer,
            FieldType::Integer,
            FieldType::Integer,
            FieldType::Integer,
        ];
        let roles: Vec<ColumnRole> = labels.iter().map(|l| ColumnRole::of(l)).collect();
        assert_eq!(wide_groups(&labels, &kinds, &roles), [vec![1, 2, 3, 4]]);
        let tidy: Vec<String> = ["kode", "jumlah", "satuan", "tahun"]
            .map(String::from)
            .to_vec();
        let kinds = [
            FieldType::String,
            FieldType::Integer,
            FieldType::String,
            FieldType::Integer,
        ];
        let roles: Vec<ColumnRole> = tidy.iter().map(|l| ColumnRole::of(l)).collect();
        assert!(wide_groups(&tidy, &kinds, &roles).is_empty());
    }
}
