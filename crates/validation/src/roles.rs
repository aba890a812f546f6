//! What a column is for, from its label: the one detector that region checks, inference,
//! cleaning and scoring share. Labels are normalised first (case, spaces, `/`, punctuation:
//! `NAMA KOTA/KAB` → `nama_kota_kab`), then read as an optional code system prefix
//! (`kemendagri_`, `bps_`), a code or name word (`kode_`, `kd_`, `nama_`, `nm_`) and a region
//! level (`provinsi`, `kab_kota`, `kecamatan`, `desa_kelurahan` and their abbreviations), or as
//! one of the Satu Data columns (`tahun`, `bulan`, `periode`, `satuan`, `jumlah_*` ...).

use serde::{Deserialize, Serialize};

use crate::checks::snake_case;
use crate::reference::RegionLevel;

/// Which list a region code column follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CodeSystem {
    /// Kemendagri (dotted `35.76.01`, or the same digits without dots).
    Kemendagri,
    /// BPS (digits: `35`, `3576`, `3576010`, `3576010001`).
    Bps,
    /// Not said by the label: the values decide.
    Unspecified,
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "role")]
pub enum ColumnRole {
    /// Region codes (`kode_kecamatan`, `bps_kode_desa_kelurahan`, `Kode Kelurahan`).
    RegionCode {
        /// The code system the label names.
        system: CodeSystem,
        /// The level the label names (`None`: `kode_wilayah`, any level).
        level: Option<RegionLevel>,
    },
    /// Region names (`nama_kecamatan`, `Kabupaten/Kota`, `Nama Wilayah`).
    RegionName {
        /// The code system the label names.
        system: CodeSystem,
        /// The level the label names.
        level: Option<RegionLevel>,
    },
    /// Another code (`kode_barang`), or a bare `kode` whose values may still be region codes.
    Code,
    /// The year (`tahun`).
    Year,
    /// The month (`bulan`).
    Month,
    /// Another period (`periode`, `semester`, `triwulan`).
    Period,
    /// The unit of measure (`satuan`, a `... SATUAN` column beside its value).
    Unit,
    /// A measure (`jumlah_*`, `persentase_*`, `rasio_*`, `nilai` ...).
    Measure,
    /// A row number (`id`, `no`).
    Id,
    /// Anything else.
    Other,
}

impl ColumnRole {
    /// Whether the column holds region codes of any system.
    pub fn is_region_code(self) -> bool {
        matches!(self, Self::RegionCode { .. })
    }

    /// Whether the column holds codes (region or other), which are identifiers, never numbers.
    pub fn is_code(self) -> bool {
        matches!(self, Self::RegionCode { .. } | Self::Code)
    }

    /// The role of a column from its label.
    pub fn of(label: &str) -> Self {
        role_of(&snake_case(label))
    }
}

/// A level's words, as labels write them after `kode_`/`nama_` (or alone, for names).
fn level_of(words: &str) -> Option<Option<RegionLevel>> {
    Some(match words {
        "provinsi" | "prov" | "propinsi" | "prop" => Some(RegionLevel::Provinsi),
        "kabupaten_kota" | "kab_kota" | "kabupaten" | "kota" | "kabkota" | "kab" | "kota_kab"
        | "kota_kabupaten" | "kabupaten_kota_kab" | "kabkot" => Some(RegionLevel::KabupatenKota),
        "kecamatan" | "kec" => Some(RegionLevel::Kecamatan),
        "desa" | "kelurahan" | "desa_kelurahan" | "kelurahan_desa" | "kel" | "desa_kel"
        | "kel_desa" | "deskel" | "desa_kel_" | "kelurahan_desa_" => {
            Some(RegionLevel::DesaKelurahan)
        }
        "wilayah" | "wil" | "daerah" | "region" => None,
        _ => return None,
    })
}

/// The role of a normalised (snake_case) label.
fn role_of(label: &str) -> ColumnRole {
    let (system, rest) = if let Some(rest) = label.strip_prefix("kemendagri_") {
        (CodeSystem::Kemendagri, rest)
    } else if let Some(rest) = label.strip_prefix("bps_") {
        (CodeSystem::Bps, rest)
    } else {
        (CodeSystem::Unspecified, label)
    };
    for (prefix, code) in [
        ("kode_", true),
        ("kd_", true),
        ("nama_", false),
        ("nm_", false),
    ] {
        if let Some(words) = rest.strip_prefix(prefix) {
            return match (level_of(words), code) {
                (Some(level), true) => ColumnRole::RegionCode { system, level },
                (Some(level), false) => ColumnRole::RegionName { system, level },
                (None, true) => ColumnRole::Code,
                (None, false) => ColumnRole::Other,
            };
        }
    }
    if matches!(rest, "kode" | "kd") {
        return if system == CodeSystem::Unspecified {
            ColumnRole::Code
        } else {
            ColumnRole::RegionCode {
                system,
                level: None,
            }
        };
    }
    if let Some(level) = level_of(rest)
        && (level.is_some() || system != CodeSystem::Unspecified)
    {
        return ColumnRole::RegionName { system, level };
    }
    if system != CodeSystem::Unspecified {
        return ColumnRole::Other;
    }
    let first = label.split('_').next().unwrap_or_default();
    let last = label.rsplit('_').next().unwrap_or_default();
    match label {
        "tahun" | "thn" | "tahun_data" | "year" => return ColumnRole::Year,
        "bulan" | "month" => return ColumnRole::Month,
        "periode" | "semester" | "triwulan" | "kuartal" | "periode_data" => {
            return ColumnRole::Period;
        }
        "satuan" | "unit" | "satuan_data" => return ColumnRole::Unit,
        "id" | "no" | "nomor" | "no_urut" | "nomer" | "urut" | "nomor_urut" => {
            return ColumnRole::Id;
        }
        _ => {}
    }
    if last == "satuan" || first == "satuan" {
        return ColumnRole::Unit;
    }
    if first == "kode" {
        return ColumnRole::Code;
    }
    const MEASURES: [&str; 14] = [
        "jumlah",
        "persentase",
        "persen",
        "rasio",
        "rata",
        "nilai",
        "angka",
        "indeks",
        "total",
        "luas",
        "kepadatan",
        "laju",
        "banyaknya",
        "jml",
    ];
    if MEASURES.contains(&first) || last == "nilai" {
        return ColumnRole::Measure;
    }
    ColumnRole::Other
}

#[cfg(test)]
mod tests {
    use super::{CodeSystem, ColumnRole};
    use crate::reference::RegionLevel;

    fn code(system: CodeSystem, level: Option<RegionLevel>) -> ColumnRole {
        ColumnRole::RegionCode { system, level }
    }

    fn name(system: CodeSystem, level: Option<RegionLevel>) -> ColumnRole {
        ColumnRole::RegionName { system, level }
    }

    #[test]
    fn region_columns_from_their_labels() {
        use CodeSystem::{Bps, Kemendagri, Unspecified};
        use RegionLevel::{DesaKelurahan, KabupatenKota, Kecamatan, Provinsi};
        for (label, role) in [
            ("kode_kecamatan", code(Unspecified, Some(Kecamatan))),
            ("Kode Kelurahan", code(Unspecified, Some(DesaKelurahan))),
            ("KD_KAB", code(Unspecified, Some(KabupatenKota))),
            ("kode_wilayah", code(Unspecified, None)),
            (
                "kemendagri_kode_desa_kelurahan",
                code(Kemendagri, Some(DesaKelurahan)),
            ),
            ("bps_kode_kecamatan", code(Bps, Some(Kecamatan))),
            ("bps_kode_kabupaten_kota", code(Bps, Some(KabupatenKota))),
            ("kode_provinsi", code(Unspecified, Some(Provinsi))),
            (
                "nama_kabupaten_kota",
                name(Unspecified, Some(KabupatenKota)),
            ),
            ("NAMA KOTA/KAB", name(Unspecified, Some(KabupatenKota))),
            ("bps_nama_desa_kelurahan", name(Bps, Some(DesaKelurahan))),
            ("Kabupaten/Kota", name(Unspecified, Some(KabupatenKota))),
            ("NAMA KECAMATAN", name(Unspecified, Some(Kecamatan))),
            ("Nama Wilayah", name(Unspecified, None)),
        ] {
            assert_eq!(ColumnRole::of(label), role, "{label}");
        }
    }

    #[test]
    fn satu_data_columns_from_their_labels() {
        for (label, role) in [
            ("KODE", ColumnRole::Code),
            ("kode_barang", ColumnRole::Code),
            ("TAHUN", ColumnRole::Year),
            ("bulan", ColumnRole::Month),
            ("Periode", ColumnRole::Period),
            ("satuan", ColumnRole::Unit),
            ("JUMLAH LAKI USIA 00 SATUAN", ColumnRole::Unit),
            ("JUMLAH LAKI USIA 00 NILAI", ColumnRole::Measure),
            ("jumlah_banjir", ColumnRole::Measure),
            ("Persentase Penduduk", ColumnRole::Measure),
            ("id", ColumnRole::Id),
            ("nama", ColumnRole::Other),
            ("status_pencemaran_air", ColumnRole::Other),
        ] {
            assert_eq!(ColumnRole::of(label), role, "{label}");
        }
    }
}
