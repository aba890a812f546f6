//! Kemendagri region-code reference: provinsi, kabupaten/kota, kecamatan and desa/kelurahan.
//!
//! The list comes from the `idn-area-data` npm package (ODbL 1.0), read either from the `.tgz`
//! that `npm pack idn-area-data@4.0.1` writes or from an unpacked copy. Loading verifies the list
//! (code shapes, parents, duplicates) so that a broken copy fails loudly instead of flagging every
//! cell of an upload.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Component, Path, PathBuf};

use flate2::read::GzDecoder;

use crate::names::loose_chars;
pub(crate) use crate::names::{loose_name, names_close};
use serde::Serialize;

/// File names inside the package's `data` folder and their headers, in level order.
const FILES: [(&str, &str); 4] = [
    ("provinces.csv", "code,name"),
    ("regencies.csv", "code,province_code,name"),
    ("districts.csv", "code,regency_code,name"),
    ("villages.csv", "code,district_code,name"),
];
/// Digits in each dot-separated part of a Kemendagri code (`35.76.01.1003`).
const PART_LEN: [usize; 4] = [2, 2, 2, 4];

/// Level of a region.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum RegionLevel {
    /// Province, code `35`.
    Provinsi,
    /// Regency or city, code `35.76`.
    KabupatenKota,
    /// District, code `35.76.01`.
    Kecamatan,
    /// Village or urban village, code `35.76.01.1003`.
    DesaKelurahan,
}

impl RegionLevel {
    /// All levels, from the top.
    pub const ALL: [Self; 4] = [
        Self::Provinsi,
        Self::KabupatenKota,
        Self::Kecamatan,
        Self::DesaKelurahan,
    ];

    /// The label used in JSON (kebab-case).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Provinsi => "provinsi",
            Self::KabupatenKota => "kabupaten-kota",
            Self::Kecamatan => "kecamatan",
            Self::DesaKelurahan => "desa-kelurahan",
        }
    }

    /// The level a dotted Kemendagri code has by its shape (parts of 2, 2, 2 and 4 digits), or
    /// `None` when it is not shaped like one. Says nothing about whether the code exists.
    pub fn of_code(code: &str) -> Option<Self> {
        let mut parts = 0;
        for part in code.split('.') {
            let want = *PART_LEN.get(parts)?;
            if part.len() != want || !part.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            parts += 1;
        }
        Self::ALL.get(parts.checked_sub(1)?).copied()
    }
}

/// One region of the reference list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Region {
    /// Dotted Kemendagri code, e.g. `35.76.01.1003`.
    pub code: String,
    /// Name as written in the list, e.g. `Mentikan`.
    pub name: String,
    /// Level, implied by the code's shape.
    pub level: RegionLevel,
    /// Code of the enclosing region; `None` for a province.
    pub parent: Option<String>,
}

/// The loaded and verified Kemendagri region list.
#[derive(Clone)]
pub struct RegionReference {
    /// Regions per level (indexed by `RegionLevel as usize`), each sorted by code.
    levels: [Vec<Region>; 4],
}

impl std::fmt::Debug for RegionReference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegionReference")
            .field("counts", &self.counts())
            .finish_non_exhaustive()
    }
}

/// Why the reference list could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ReferenceError {
    /// A file or folder could not be read: path and cause.
    #[error("cannot read {path}: {1}", path = .0.display())]
    Io(PathBuf, #[source] io::Error),
    /// A CSV file (named) could not be parsed.
    #[error("{0}: {1}")]
    Csv(&'static str, #[source] csv::Error),
    /// The path is a file but not a readable `.tgz`/`.tar` archive: path and reason.
    #[error("{path} is not a readable .tgz/.tar archive: {1}", path = .0.display())]
    BadArchive(PathBuf, String),
    /// One of the four CSV files (named) is absent from the path.
    #[error("{0} not found in {path}", path = .1.display())]
    MissingFile(&'static str, PathBuf),
    /// The named file breaks a rule (shape, parent, duplicate, empty level), e.g.
    /// `villages.csv: line 7: desa-kelurahan 35.76.01.1003 has unknown parent 35.76.01`.
    #[error("{0}: {1}")]
    Verification(&'static str, String),
}

/// How a cell value relates to the reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CodeClass {
    /// Exists as written (dotted Kemendagri code; a province code has no dot).
    Known(RegionLevel),
    /// Digits only (e.g. `3576011003`) whose dotted form exists; carries the dotted code.
    UndottedKemendagri(String),
    /// Digits only of length 4, 7 or 10 (BPS style: `3576`, `3576010`, `3576010001`) that is not
    /// an undotted Kemendagri code in the list.
    BpsLike,
    /// Shaped like a Kemendagri code (dotted, or digits only of length 2 or 6) but not in the list.
    Unknown,
    /// Anything else.
    Malformed,
}

impl RegionReference {
    /// Attribution to show wherever the list is used (Bahasa Indonesia / English).
    pub const ATTRIBUTION: &'static str = "Kode wilayah Kemendagri dari idn-area-data 4.0.1, \
        lisensi ODbL 1.0 / Kemendagri region codes from idn-area-data 4.0.1 \
        (https://github.com/fityannugroho/idn-area-data), licensed under ODbL 1.0";

    /// Loads the list from the `.tgz` written by `npm pack` (or a plain `.tar`), from a folder
    /// holding `package/data/*.csv`, from the `package` folder itself (`data/*.csv`), or from the
    /// `data` folder.
    pub fn load(path: &Path) -> Result<Self, ReferenceError> {
        let io_err = |source| ReferenceError::Io(path.to_owned(), source);
        if !std::fs::metadata(path).map_err(io_err)?.is_dir() {
            return Self::load_archive(path);
        }
        let data = [
            path.join("package/data"),
            path.join("data"),
            path.to_owned(),
        ]
        .into_iter()
        .find(|dir| dir.join(FILES[0].0).is_file())
        .ok_or_else(|| ReferenceError::MissingFile("package/data/provinces.csv", path.into()))?;
        let open = |index: usize| {
            let file = data.join(FILES[index].0);
            File::open(&file).map_err(|source| match source.kind() {
                io::ErrorKind::NotFound => {
                    ReferenceError::MissingFile(FILES[index].0, data.clone())
                }
                _ => ReferenceError::Io(file, source),
            })
        };
        Self::from_readers(open(0)?, open(1)?, open(2)?, open(3)?)
    }

    /// Loads from a gzip-compressed or plain tar archive holding `[<root>/]data/*.csv`.
    fn load_archive(path: &Path) -> Result<Self, ReferenceError> {
        let io_err = |source| ReferenceError::Io(path.to_owned(), source);
        let bad = |reason: String| ReferenceError::BadArchive(path.to_owned(), reason);
        let bad_io = |error: io::Error| bad(error.to_string());
        let mut reader = BufReader::with_capacity(64 * 1024, File::open(path).map_err(io_err)?);
        let head = reader.fill_buf().map_err(io_err)?;
        let input: Box<dyn Read> = if head.starts_with(&[0x1f, 0x8b]) {
            Box::new(GzDecoder::new(reader))
        } else if head.get(257..262) == Some(b"ustar") {
            Box::new(reader)
        } else {
            return Err(bad("neither gzip nor tar".to_owned()));
        };
        let mut found: [Option<Vec<u8>>; 4] = Default::default();
        let mut archive = tar::Archive::new(input);
        for entry in archive.entries().map_err(bad_io)? {
            let mut entry = entry.map_err(bad_io)?;
            let Some(index) = data_file_index(&entry.path().map_err(bad_io)?) else {
                continue;
            };
            let mut bytes = Vec::with_capacity(usize::try_from(entry.size()).unwrap_or(0));
            entry.read_to_end(&mut bytes).map_err(bad_io)?;
            found[index] = Some(bytes);
            if found.iter().all(Option::is_some) {
                break;
            }
        }
        let [p, r, d, v] = found;
        let need = |index: usize, bytes: Option<Vec<u8>>| {
            bytes.ok_or_else(|| ReferenceError::MissingFile(FILES[index].0, path.to_owned()))
        };
        let (p, r, d, v) = (need(0, p)?, need(1, r)?, need(2, d)?, need(3, v)?);
        Self::from_readers(p.as_slice(), r.as_slice(), d.as_slice(), v.as_slice())
    }

    /// Reads and verifies the four CSV files (with their headers, as in the package).
    pub fn from_readers(
        provinces: impl Read,
        regencies: impl Read,
        districts: impl Read,
        villages: impl Read,
    ) -> Result<Self, ReferenceError> {
        let p = read_level(RegionLevel::Provinsi, provinces, &[])?;
        let r = read_level(RegionLevel::KabupatenKota, regencies, &p)?;
        let d = read_level(RegionLevel::Kecamatan, districts, &r)?;
        let v = read_level(RegionLevel::DesaKelurahan, villages, &d)?;
        Ok(Self {
            levels: [p, r, d, v],
        })
    }

    /// Builds the list from regions already verified once (as stored by the catalog after an
    /// import): checks that codes match their levels, parents exist and no code repeats.
    pub fn from_regions(regions: impl IntoIterator<Item = Region>) -> Result<Self, ReferenceError> {
        let mut levels: [Vec<Region>; 4] = Default::default();
        for region in regions {
            if RegionLevel::of_code(&region.code) != Some(region.level) {
                let message = format!("{} is not a {} code", region.code, region.level.as_str());
                return Err(ReferenceError::Verification("stored regions", message));
            }
            levels[region.level as usize].push(region);
        }
        for list in &mut levels {
            list.sort_by(|a, b| a.code.cmp(&b.code));
            if let Some(pair) = list.windows(2).find(|w| w[0].code == w[1].code) {
                let message = format!("code {} appears twice", pair[0].code);
                return Err(ReferenceError::Verification("stored regions", message));
            }
        }
        let reference = Self { levels };
        for region in reference.iter() {
            let parent_ok = match (&region.parent, region.level) {
                (None, RegionLevel::Provinsi) => true,
                (Some(parent), _) => reference.get(parent).is_some(),
                (None, _) => false,
            };
            if !parent_ok {
                let message = format!("{} has no valid parent", region.code);
                return Err(ReferenceError::Verification("stored regions", message));
            }
        }
        Ok(reference)
    }

    /// The region with this exact dotted code.
    pub fn get(&self, code: &str) -> Option<&Region> {
        let list = &self.levels[RegionLevel::of_code(code)? as usize];
        let index = list.binary_search_by(|r| r.code.as_str().cmp(code)).ok()?;
        list.get(index)
    }

    /// Province and kabupaten/kota names, compared loosely ([`loose_name`]), with their level.
    pub(crate) fn upper_names(&self) -> std::collections::HashMap<String, RegionLevel> {
        let mut names = std::collections::HashMap::new();
        for region in self.levels[..2].iter().flatten() {
            // A province named like a kota (Bengkulu, Jambi) is the province.
            names
                .entry(loose_name(&region.name))
                .or_insert(region.level);
        }
        names
    }

    /// Province and kabupaten/kota names, compared loosely, with their dotted code.
    pub(crate) fn upper_codes(&self) -> std::collections::HashMap<String, String> {
        let mut codes = std::collections::HashMap::new();
        for region in self.levels[..2].iter().flatten() {
            codes
                .entry(loose_name(&region.name))
                .or_insert_with(|| region.code.clone());
        }
        codes
    }

    /// Number of regions per level: provinsi, kabupaten/kota, kecamatan, desa/kelurahan.
    pub fn counts(&self) -> [usize; 4] {
        self.levels.each_ref().map(Vec::len)
    }

    /// Number of regions of all levels.
    pub fn len(&self) -> usize {
        self.levels.iter().map(Vec::len).sum()
    }

    /// Whether the list holds no region (never true for a loaded list).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The regions directly below `parent` (the provinces when `None`), sorted by code.
    pub fn children(&self, parent: Option<&str>) -> Vec<&Region> {
        let level = match parent {
            None => 0,
            Some(code) => match RegionLevel::of_code(code) {
                Some(level) if (level as usize) < 3 => level as usize + 1,
                _ => return Vec::new(),
            },
        };
        self.levels[level]
            .iter()
            .filter(|r| r.parent.as_deref() == parent)
            .collect()
    }

    /// All regions, level by level from the provinces down, each level sorted by code.
    pub fn iter(&self) -> impl Iterator<Item = &Region> {
        self.levels.iter().flatten()
    }

    /// Classifies a cell value (trimmed first) against the list.
    pub fn classify(&self, value: &str) -> CodeClass {
        let value = value.trim();
        if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
            return match RegionLevel::of_code(value) {
                Some(level) if self.get(value).is_some() => CodeClass::Known(level),
                Some(_) => CodeClass::Unknown,
                None => CodeClass::Malformed,
            };
        }
        let mut buf = [0; 13];
        if let Some(region) = add_dots(value, &mut buf).and_then(|code| self.get(code)) {
            return if region.code == value {
                CodeClass::Known(region.level)
            } else {
                CodeClass::UndottedKemendagri(region.code.clone())
            };
        }
        match value.len() {
            2 | 6 => CodeClass::Unknown,
            4 | 7 | 10 => CodeClass::BpsLike,
            _ => CodeClass::Malformed,
        }
    }

    /// Whether `name` is this code's name, compared loosely: case-insensitive, ignoring spaces,
    /// punctuation and the prefixes "KABUPATEN", "KAB.", "KAB", "KOTA", "DESA", "KELURAHAN",
    /// "KEL." (also "KECAMATAN", "KEC.", "ADMINISTRASI", "ADM.") so that "PRAJURIT KULON" matches
    /// "Prajuritkulon" and "KOTA MOJOKERTO" or "Mojokerto" match "Kota Mojokerto". `None` when
    /// the code (trimmed) is not in the list.
    pub fn name_matches(&self, code: &str, name: &str) -> Option<bool> {
        let region = self.get(code.trim())?;
        Some(loose_chars(&region.name).eq(loose_chars(name)))
    }
}

/// Which of [`FILES`] an archive entry is, if it is `[./][<root>/]data/<file>`.
fn data_file_index(path: &Path) -> Option<usize> {
    let mut components = path.components().rev();
    let name = components.next()?.as_os_str();
    let index = FILES.iter().position(|(file, _)| name == *file)?;
    let in_data = components.next()?.as_os_str() == "data";
    let depth = components
        .filter(|c| matches!(c, Component::Normal(_)))
        .count();
    (in_data && depth <= 1).then_some(index)
}

/// The dotted Kemendagri form of an all-digit code (`3204252001` → `32.04.25.2001`), by its
/// shape alone.
pub(crate) fn dotted(digits: &str) -> Option<String> {
    let mut buf = [0; 13];
    add_dots(digits, &mut buf).map(str::to_owned)
}

/// Dotted form of an all-digit value of length 2, 4, 6 or 10, written into `buf`.
fn add_dots<'a>(digits: &str, buf: &'a mut [u8; 13]) -> Option<&'a str> {
    let (mut rest, mut len) = (digits.as_bytes(), 0);
    for part in PART_LEN {
        if rest.is_empty() {
            break;
        }
        let (head, tail) = rest.split_at_checked(part)?;
        if len > 0 {
            buf[len] = b'.';
            len += 1;
        }
        buf.get_mut(len..len + part)?.copy_from_slice(head);
        (rest, len) = (tail, len + part);
    }
    if !rest.is_empty() {
        return None;
    }
    std::str::from_utf8(buf.get(..len)?).ok()
}

/// Reads one level's CSV, checking every row against `parents` (the level above, sorted).
fn read_level(
    level: RegionLevel,
    input: impl Read,
    parents: &[Region],
) -> Result<Vec<Region>, ReferenceError> {
    let (file, expected) = FILES[level as usize];
    let columns = expected.split(',').count();
    let fail = |message: String| ReferenceError::Verification(file, message);
    let csv_err = |source| ReferenceError::Csv(file, source);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let header = reader.byte_headers().map_err(csv_err)?;
    if !header
        .iter()
        .map(<[u8]>::trim_ascii)
        .eq(expected.split(',').map(str::as_bytes))
    {
        let found: Vec<_> = header.iter().map(String::from_utf8_lossy).collect();
        return Err(fail(format!(
            "header is `{}`, expected `{expected}`",
            found.join(",")
        )));
    }
    let mut record = csv::ByteRecord::new();
    let mut regions = Vec::new();
    let mut last_parent: Option<String> = None;
    while reader.read_byte_record(&mut record).map_err(csv_err)? {
        let line = record.position().map_or(0, csv::Position::line);
        let at = |message: String| fail(format!("line {line}: {message}"));
        if record.len() != columns {
            return Err(at(format!("{} columns, expected {columns}", record.len())));
        }
        let field = |i| Some(std::str::from_utf8(record.get(i)?).ok()?.trim());
        let (Some(code), Some(name)) = (field(0), field(columns - 1)) else {
            return Err(at("not valid UTF-8".to_owned()));
        };
        if RegionLevel::of_code(code) != Some(level) {
            return Err(at(format!("`{code}` is not a {} code", level.as_str())));
        }
        if name.is_empty() {
            return Err(at(format!("{code} has an empty name")));
        }
        let parent = match code.rsplit_once('.') {
            None => None,
            Some((own_parent, _)) => {
                let given = field(1).unwrap_or_default();
                if given != own_parent {
                    return Err(at(format!(
                        "{code} lists parent `{given}`, not {own_parent}"
                    )));
                }
                // The package lists children in code order: most share the previous parent.
                if last_parent.as_deref() != Some(given)
                    && parents
                        .binary_search_by(|r| r.code.as_str().cmp(given))
                        .is_err()
                {
                    let noun = level.as_str();
                    return Err(at(format!("{noun} {code} has unknown parent {given}")));
                }
                if last_parent.as_deref() != Some(given) {
                    last_parent = Some(given.to_owned());
                }
                Some(given.to_owned())
            }
        };
        let (code, name) = (code.to_owned(), name.to_owned());
        regions.push(Region {
            code,
            name,
            level,
            parent,
        });
    }
    if regions.is_empty() {
        return Err(fail(format!("no {} rows", level.as_str())));
    }
    regions.sort_unstable_by(|a, b| a.code.cmp(&b.code));
    if let Some(pair) = regions.windows(2).find(|pair| pair[0].code == pair[1].code) {
        return Err(fail(format!("duplicate code {}", pair[0].code)));
    }
    Ok(regions)
}

#[cfg(test)]
#[path = "reference_tests.rs"]
mod tests;
