//! Controlled vocabularies of Satu Data Indonesia, checked on every write.
//!
//! Each vocabulary is a closed list of canonical labels. Input is matched without regard to case,
//! spaces, hyphens or slashes, so `kabupaten-kota` and `Kabupaten/Kota` both become
//! `Kabupaten/Kota`; anything else is rejected with the list of accepted values.

use crate::error::{Error, Result};

/// One closed list.
#[derive(Debug, Clone, Copy)]
pub struct Vocabulary {
    /// Field name used in error messages.
    pub field: &'static str,
    /// Canonical labels.
    pub values: &'static [&'static str],
}

impl Vocabulary {
    /// The canonical label for `input`, or an error naming the field and the accepted values.
    pub fn parse(&self, input: &str) -> Result<&'static str> {
        let wanted = fold(input);
        self.values
            .iter()
            .copied()
            .find(|v| fold(v) == wanted)
            .ok_or_else(|| {
                let list = self.values.join(", ");
                Error::invalid(
                    self.field,
                    format!(
                        "Nilai '{input}' tidak dikenal untuk {}. Pilihan: {list}",
                        self.field
                    ),
                    format!(
                        "Unknown value '{input}' for {}. Accepted: {list}",
                        self.field
                    ),
                )
            })
    }

    /// [`parse`](Self::parse) for an optional value; blank counts as none.
    pub fn parse_opt(&self, input: Option<&str>) -> Result<Option<&'static str>> {
        match input.map(str::trim) {
            None | Some("") => Ok(None),
            Some(value) => self.parse(value).map(Some),
        }
    }
}

fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The national portal's ten topic groups.
pub const TOPIK: Vocabulary = Vocabulary {
    field: "topik",
    values: &[
        "Pertahanan dan Luar Negeri",
        "Ekonomi dan Industri",
        "Pembangunan Daerah",
        "Perlindungan Sosial dan Kesehatan",
        "Ketertiban Umum dan Keselamatan",
        "Pendidikan dan Tenaga Kerja",
        "Lingkungan dan Sumber Daya Alam",
        "Budaya dan Agama",
        "Pemerintahan Umum",
        "Pendukung Umum",
    ],
};

/// Access levels; only Terbuka data is public.
pub const AKSES: Vocabulary = Vocabulary {
    field: "akses",
    values: &["Terbuka", "Terbatas", "Tertutup"],
};

/// Update frequency (jadwal pemutakhiran).
pub const FREKUENSI: Vocabulary = Vocabulary {
    field: "frekuensi",
    values: &[
        "Harian",
        "Mingguan",
        "Bulanan",
        "Triwulanan",
        "Empat Bulanan",
        "Semesteran",
        "Tahunan",
        "Dua Tahunan",
        "Ad-hoc",
    ],
};

/// Presentation level (tingkat penyajian), also used for MS-Ind level estimasi.
pub const TINGKAT_PENYAJIAN: Vocabulary = Vocabulary {
    field: "tingkat_penyajian",
    values: &[
        "Nasional",
        "Provinsi",
        "Kabupaten/Kota",
        "Kecamatan",
        "Desa/Kelurahan",
    ],
};

/// MS-Ind level estimasi: same list, its own field name.
pub const LEVEL_ESTIMASI: Vocabulary = Vocabulary {
    field: "msind.level_estimasi",
    values: TINGKAT_PENYAJIAN.values,
};

/// Licences (SPDX identifiers) accepted for open data.
pub const LICENSE: Vocabulary = Vocabulary {
    field: "license",
    values: &[
        "CC-BY-4.0",
        "CC-BY-SA-4.0",
        "CC0-1.0",
        "ODC-By-1.0",
        "ODbL-1.0",
        "PDDL-1.0",
    ],
};

/// The default licence of regional portals.
pub const DEFAULT_LICENSE: &str = "CC-BY-4.0";

/// Kinds of OPD.
pub const ORGANIZATION_KIND: Vocabulary = Vocabulary {
    field: "kind",
    values: &[
        "dinas",
        "badan",
        "kantor",
        "sekretariat",
        "inspektorat",
        "satuan",
        "rsud",
        "kecamatan",
        "kelurahan",
        "lainnya",
    ],
};

/// Account roles.
pub const ROLE: Vocabulary = Vocabulary {
    field: "role",
    values: &["admin", "walidata", "produsen", "pembina"],
};

/// Checks a Kemendagri region code's shape: `35`, `35.76`, `35.76.01` or `35.76.01.1003`.
/// Whether the code exists is the validation engine's job once the reference list is loaded.
pub fn check_region_code(field: &'static str, code: &str) -> Result<()> {
    let parts: Vec<&str> = code.split('.').collect();
    let widths = [2, 2, 2, 4];
    let ok = !parts.is_empty()
        && parts.len() <= widths.len()
        && parts
            .iter()
            .zip(widths)
            .all(|(p, w)| p.len() == w && p.bytes().all(|b| b.is_ascii_digit()));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            format!(
                "Kode wilayah '{code}' tidak sesuai format Kemendagri (mis. 35, 35.76, 35.76.01, 35.76.01.1003)"
            ),
            format!(
                "Region code '{code}' is not in Kemendagri format (e.g. 35, 35.76, 35.76.01, 35.76.01.1003)"
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching_ignores_case_and_punctuation() -> Result<()> {
        assert_eq!(TINGKAT_PENYAJIAN.parse("kabupaten-kota")?, "Kabupaten/Kota");
        assert_eq!(TOPIK.parse("ekonomi dan industri")?, "Ekonomi dan Industri");
        assert_eq!(FREKUENSI.parse("ad hoc")?, "Ad-hoc");
        assert_eq!(AKSES.parse_opt(Some("  "))?, None);
        Ok(())
    }

    #[test]
    fn unknown_values_name_the_field_and_the_choices() {
        let err = AKSES
            .parse("Publik")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("akses") && err.contains("Terbuka"), "{err}");
    }

    #[test]
    fn region_codes_follow_kemendagri_shape() {
        assert!(check_region_code("x", "35.76").is_ok());
        assert!(check_region_code("x", "35.76.01.1003").is_ok());
        assert!(check_region_code("x", "3576").is_err());
        assert!(check_region_code("x", "35.76.1").is_err());
        assert!(check_region_code("x", "").is_err());
    }
}
