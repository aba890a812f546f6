//! Delimiter detection on the first bytes of a file.

use csv_core::{ReadFieldResult, Reader, ReaderBuilder};

/// Delimiters seen in files that OPDs export, in order of preference on a tie.
pub(crate) const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];

/// How many records of the sample are compared.
const SAMPLE_RECORDS: usize = 50;

/// Picks the delimiter under which the sample's records most consistently have the same number
/// (greater than one) of fields. `complete` says whether the sample is the whole file; if not, the
/// last, possibly cut, record is ignored. Falls back to a comma (a one-column table).
pub(crate) fn sniff_delimiter(sample: &[u8], complete: bool) -> u8 {
    let mut best = (CANDIDATES[0], 0usize);
    for &delimiter in &CANDIDATES {
        let mut counts = field_counts(sample, delimiter);
        if !complete && counts.len() > 1 {
            counts.pop();
        }
        let score = consistency(&counts);
        if score > best.1 {
            best = (delimiter, score);
        }
    }
    best.0
}

/// Number of records sharing the most common field count, when that count is above one.
fn consistency(counts: &[usize]) -> usize {
    let mut best = 0;
    for &candidate in counts {
        if candidate < 2 {
            continue;
        }
        let same = counts.iter().filter(|&&c| c == candidate).count();
        // Weigh wider tables slightly higher so that `a,b;c` prefers the split that agrees more often.
        best = best.max(same * 1000 + candidate);
    }
    best
}

fn field_counts(sample: &[u8], delimiter: u8) -> Vec<usize> {
    let mut reader: Reader = ReaderBuilder::new().delimiter(delimiter).build();
    let mut out = [0u8; 4096];
    let mut input = sample;
    let mut counts = Vec::new();
    let mut fields = 0usize;
    loop {
        let (result, read, _) = reader.read_field(input, &mut out);
        input = &input[read..];
        match result {
            ReadFieldResult::InputEmpty => {
                if input.is_empty() {
                    // Signal the end of the sample so that a last record without newline ends.
                    let (end, _, _) = reader.read_field(&[], &mut out);
                    if let ReadFieldResult::Field { .. } = end {
                        counts.push(fields + 1);
                    }
                    break;
                }
            }
            ReadFieldResult::OutputFull => {}
            ReadFieldResult::Field { record_end } => {
                fields += 1;
                if record_end {
                    counts.push(fields);
                    fields = 0;
                    if counts.len() >= SAMPLE_RECORDS {
                        break;
                    }
                }
            }
            ReadFieldResult::End => break,
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::sniff_delimiter;

    #[test]
    fn picks_the_consistent_delimiter() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1,2,3\n", true), b',');
        assert_eq!(sniff_delimiter(b"a;b;c\n1,5;2;3\n", true), b';');
        assert_eq!(sniff_delimiter(b"a\tb\n1\t2\n", true), b'\t');
        assert_eq!(sniff_delimiter(b"a|b\n1|2\n", true), b'|');
    }

    #[test]
    fn quoted_delimiters_do_not_count() {
        let sample = b"nama;keterangan\n\"Kab. Mojokerto, Jatim\";ok\n\"A, B, C\";ya\n";
        assert_eq!(sniff_delimiter(sample, true), b';');
    }

    #[test]
    fn a_single_column_falls_back_to_comma() {
        assert_eq!(sniff_delimiter(b"nama\nBudi\n", true), b',');
    }

    #[test]
    fn an_incomplete_sample_ignores_its_cut_last_record() {
        assert_eq!(sniff_delimiter(b"a;b\n1;2\n3;", false), b';');
    }
}
