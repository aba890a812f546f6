//! How our identifiers and vocabularies look to CKAN clients: licence ids, group names, resource
//! ids and CKAN's timestamp format. The harvest feeds speak them; the portal shows the same
//! licence titles and gives the same resource ids in its API examples.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::vocab;

/// CKAN's timestamps: naive UTC with microseconds, `2024-05-01T10:00:00.123456`. Harvesters
/// compare them as strings, so the format must never vary.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
}

/// One licence as CKAN lists it.
#[derive(Debug, Clone, Copy)]
pub struct License {
    /// CKAN's id (`cc-by`).
    pub id: &'static str,
    /// Our SPDX identifier (`CC-BY-4.0`).
    pub spdx: &'static str,
    /// Title.
    pub title: &'static str,
    /// The licence text.
    pub url: &'static str,
}

/// The licences we accept, with the ids CKAN's default licence list gives them.
pub const LICENSES: &[License] = &[
    License {
        id: "cc-by",
        spdx: "CC-BY-4.0",
        title: "Creative Commons Attribution 4.0",
        url: "https://creativecommons.org/licenses/by/4.0/",
    },
    License {
        id: "cc-by-sa",
        spdx: "CC-BY-SA-4.0",
        title: "Creative Commons Attribution Share-Alike 4.0",
        url: "https://creativecommons.org/licenses/by-sa/4.0/",
    },
    License {
        id: "cc-zero",
        spdx: "CC0-1.0",
        title: "Creative Commons CCZero",
        url: "https://creativecommons.org/publicdomain/zero/1.0/",
    },
    License {
        id: "odc-by",
        spdx: "ODC-By-1.0",
        title: "Open Data Commons Attribution License",
        url: "https://opendatacommons.org/licenses/by/1-0/",
    },
    License {
        id: "odc-odbl",
        spdx: "ODbL-1.0",
        title: "Open Data Commons Open Database License (ODbL)",
        url: "https://opendatacommons.org/licenses/odbl/1-0/",
    },
    License {
        id: "odc-pddl",
        spdx: "PDDL-1.0",
        title: "Open Data Commons Public Domain Dedication and License (PDDL)",
        url: "https://opendatacommons.org/licenses/pddl/1-0/",
    },
];

/// The licence of an SPDX id.
pub fn license(spdx: &str) -> Option<&'static License> {
    LICENSES.iter().find(|l| l.spdx == spdx)
}

/// Our SPDX id for a CKAN licence id (or an SPDX id).
pub fn spdx_of(key: &str) -> Option<&'static str> {
    LICENSES
        .iter()
        .find(|l| l.id == key || l.spdx.eq_ignore_ascii_case(key))
        .map(|l| l.spdx)
}

/// The CKAN group name of a topik: `Ekonomi dan Industri` → `ekonomi-dan-industri`.
pub fn group_name(topik: &str) -> String {
    slug::slugify(topik)
}

/// The topik of a group name.
pub fn topik_of_group(name: &str) -> Option<&'static str> {
    vocab::TOPIK
        .values
        .iter()
        .copied()
        .find(|t| group_name(t) == name || t.eq_ignore_ascii_case(name))
}

/// Published formats in CKAN resource order.
pub const RESOURCE_FORMATS: [&str; 4] = ["csv", "json", "parquet", "xlsx"];

/// The resource id of a dataset's format: stable across versions (a CKAN resource is "the CSV
/// of this dataset", whose content changes when a version is published), and reversible without
/// a lookup table. It is the dataset's UUID (version 4) with the version nibble replaced by
/// 8 + the format's position (8 = csv, 9 = json, a = parquet, b = xlsx).
pub fn resource_id(dataset: Uuid, format: &str) -> Option<Uuid> {
    let index = RESOURCE_FORMATS.iter().position(|f| *f == format)?;
    let mut bytes = *dataset.as_bytes();
    bytes[6] = (bytes[6] & 0x0f) | (((8 + index) as u8) << 4);
    Some(Uuid::from_bytes(bytes))
}

/// The dataset UUID and format of a resource id made by [`resource_id`].
pub fn parse_resource_id(id: &str) -> Option<(Uuid, &'static str)> {
    let uuid = Uuid::parse_str(id).ok()?;
    let mut bytes = *uuid.as_bytes();
    let nibble = usize::from(bytes[6] >> 4);
    let format = *RESOURCE_FORMATS.get(nibble.checked_sub(8)?)?;
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    Some((Uuid::from_bytes(bytes), format))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_ids_round_trip() {
        let dataset = Uuid::new_v4();
        for format in RESOURCE_FORMATS {
            let id = resource_id(dataset, format).expect("test value");
            assert_ne!(id, dataset);
            assert_eq!(parse_resource_id(&id.to_string()), Some((dataset, format)));
        }
        assert_eq!(parse_resource_id(&dataset.to_string()), None);
        assert_eq!(parse_resource_id("nope"), None);
    }

    #[test]
    fn ckan_timestamps_have_microseconds_and_no_zone() {
        let at = chrono::DateTime::parse_from_rfc3339("2024-05-01T10:00:00.1234567Z")
            .expect("test value")
            .with_timezone(&Utc);
        assert_eq!(timestamp(at), "2024-05-01T10:00:00.123456");
        let whole = chrono::DateTime::parse_from_rfc3339("2024-05-01T10:00:00Z")
            .expect("test value")
            .with_timezone(&Utc);
        assert_eq!(timestamp(whole), "2024-05-01T10:00:00.000000");
    }

    #[test]
    fn groups_and_licences_map_both_ways() {
        for t in vocab::TOPIK.values {
            assert_eq!(topik_of_group(&group_name(t)), Some(*t));
        }
        assert_eq!(spdx_of("cc-by"), Some("CC-BY-4.0"));
        assert_eq!(spdx_of("CC-BY-4.0"), Some("CC-BY-4.0"));
        for l in vocab::LICENSE.values {
            assert!(license(l).is_some(), "{l} has no CKAN licence");
        }
    }
}
