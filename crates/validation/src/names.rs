//! Region names compared as regional files spell them: loosely (case, spaces, punctuation,
//! type prefixes), and with a little spelling tolerance.

/// Name prefixes ignored by [`crate::RegionReference::name_matches`] (stripped repeatedly).
const NAME_PREFIXES: &str =
    "KABUPATEN KAB. KAB KOTA DESA KELURAHAN KEL. KECAMATAN KEC. ADMINISTRASI ADM.";

/// A name compared loosely: letters and digits, uppercased, after the [`NAME_PREFIXES`].
pub(crate) fn loose_name(name: &str) -> String {
    loose_chars(name).collect()
}

/// Letters and digits of a name, uppercased, after the [`NAME_PREFIXES`].
pub(crate) fn loose_chars(name: &str) -> impl Iterator<Item = char> + '_ {
    let punctuation = |c: char| !c.is_alphanumeric();
    let mut rest = name.trim_start_matches(punctuation);
    while let Some(stripped) = NAME_PREFIXES.split(' ').find_map(|prefix| {
        let after = rest.get(prefix.len()..)?;
        let whole_word = prefix.ends_with('.') || after.starts_with(|c: char| !c.is_alphanumeric());
        (whole_word && rest.get(..prefix.len())?.eq_ignore_ascii_case(prefix)).then_some(after)
    }) {
        rest = stripped.trim_start_matches(punctuation);
    }
    rest.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
}

/// Whether two names are spellings of one name: equal compared loosely ([`loose_name`]), one
/// holding the other (`CIPAYUNG DATAR`, `Cipayung`), or a letter or two apart for every six
/// (`CIHIDEUNGHILIR`, `Cihideung Ilir`; `PONDOKASO`, `Pondokkaso`), as regional files spell
/// Kemendagri's names.
pub(crate) fn names_close(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (loose_chars(a).collect(), loose_chars(b).collect());
    if a == b {
        return true;
    }
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if short.len() >= 4 && long.windows(short.len()).any(|w| w == short.as_slice()) {
        return true;
    }
    // Levenshtein distance, one row at a time.
    let mut previous: Vec<usize> = (0..=long.len()).collect();
    for (i, x) in short.iter().enumerate() {
        let mut current = vec![i + 1; long.len() + 1];
        for (j, y) in long.iter().enumerate() {
            let substitution = previous[j] + usize::from(x != y);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[long.len()] <= (short.len() / 6).max(1)
}
