//! Short copies and comparisons without a call to libc. A published record is dozens of pieces
//! of a few bytes (a key, a cell); copied one by one with `extend_from_slice`, each was a call
//! to memcpy, and those calls took a third of the JSON writer's time in profiles. Here a piece of
//! up to [`WORD`] bytes whose source has room after it (a cell in its batch's text, a key in
//! [`Pieces`], digits in their buffer) is copied as one whole word, a fixed-size copy the
//! compiler inlines; the bytes past the piece are written over by the next one. A piece of
//! constant length is inlined by the compiler anyway, and one of varying length without room
//! after it goes through [`put_short`]. [`Line`] is a buffer written with these copies (the
//! workbook's rows); [`same`] compares short text (the workbook's shared strings).

/// Bytes copied at once.
pub(crate) const WORD: usize = 32;

/// Copies `source[from..from + len]` to `out[at..]` and returns where it ends. `out` must have
/// room for `len` bytes at `at`; with room for a [`WORD`] on both sides, a short piece is copied
/// as a whole word. Always inlined: a piece of constant length then needs no call either.
#[inline(always)]
pub(super) fn put(out: &mut [u8], at: usize, source: &[u8], from: usize, len: usize) -> usize {
    if len <= WORD && from + WORD <= source.len() && at + WORD <= out.len() {
        out[at..at + WORD].copy_from_slice(&source[from..from + WORD]);
    } else {
        out[at..at + len].copy_from_slice(&source[from..from + len]);
    }
    at + len
}

/// Copies all of `piece` to `out[at..]` and returns where it ends: for a piece of constant
/// length, which the compiler copies inline (see [`put`]).
#[inline(always)]
pub(super) fn put_all(out: &mut [u8], at: usize, piece: &[u8]) -> usize {
    put(out, at, piece, 0, piece.len())
}

/// [`put_all`] for a piece of any length without room after it: up to 16 bytes are copied as
/// two fixed-size copies that overlap in the middle.
#[inline]
pub(super) fn put_short(out: &mut [u8], at: usize, piece: &[u8]) -> usize {
    let n = piece.len();
    let out = &mut out[at..at + n];
    if (8..=16).contains(&n) {
        out[..8].copy_from_slice(&piece[..8]);
        out[n - 8..n].copy_from_slice(&piece[n - 8..n]);
    } else if (4..8).contains(&n) {
        out[..4].copy_from_slice(&piece[..4]);
        out[n - 4..n].copy_from_slice(&piece[n - 4..n]);
    } else if (1..4).contains(&n) {
        out[0] = piece[0];
        out[n / 2] = piece[n / 2];
        out[n - 1] = piece[n - 1];
    } else {
        out.copy_from_slice(piece);
    }
    at + n
}

/// A growing byte buffer written through a cursor: its bytes stay initialised past the cursor,
/// so pieces go in with inlined copies ([`put_all`], [`put_short`]) and digits are written in
/// place.
#[derive(Debug)]
pub(crate) struct Line {
    buf: Vec<u8>,
    len: usize,
}

impl Line {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self {
            buf: vec![0; capacity + WORD],
            len: 0,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    pub(crate) fn clear(&mut self) {
        self.len = 0;
    }

    /// Appends a piece of constant length (see [`put`]).
    #[inline(always)]
    pub(crate) fn push(&mut self, piece: &[u8]) {
        if self.buf.len() < self.len + piece.len() + WORD {
            self.grow(piece.len());
        }
        self.len = put_all(&mut self.buf, self.len, piece);
    }

    /// Appends a piece of any length (see [`put_short`]).
    #[inline]
    pub(crate) fn push_text(&mut self, piece: &[u8]) {
        if self.buf.len() < self.len + piece.len() + WORD {
            self.grow(piece.len());
        }
        self.len = put_short(&mut self.buf, self.len, piece);
    }

    /// Appends the first `len` bytes of `word` (one whole-word copy).
    #[inline]
    pub(crate) fn push_word(&mut self, word: &[u8; WORD], len: usize) {
        if self.buf.len() < self.len + WORD {
            self.grow(WORD);
        }
        self.buf[self.len..self.len + WORD].copy_from_slice(word);
        self.len += len.min(WORD);
    }

    /// Appends `n` in decimal, written in place.
    #[inline]
    pub(crate) fn push_int(&mut self, n: i64) {
        if self.buf.len() < self.len + 20 {
            self.grow(20);
        }
        let mut at = self.len;
        if n < 0 {
            self.buf[at] = b'-';
            at += 1;
        }
        let mut rest = n.unsigned_abs();
        let end = at + rest.checked_ilog10().map_or(1, |log| log as usize + 1);
        for digit in self.buf[at..end].iter_mut().rev() {
            *digit = b'0' + (rest % 10) as u8;
            rest /= 10;
        }
        self.len = end;
    }

    #[cold]
    fn grow(&mut self, need: usize) {
        let size = (self.len + need + WORD).max(self.buf.len() * 2);
        self.buf.resize(size, 0);
    }
}

impl std::io::Write for Line {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.push(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Pieces stored one after another with [`WORD`] bytes of room after the last, so each can be
/// copied with [`put`] as a whole word.
#[derive(Debug, Default)]
pub(super) struct Pieces {
    text: Vec<u8>,
    places: Vec<(usize, usize)>,
}

impl Pieces {
    pub(super) fn push(&mut self, piece: &[u8]) {
        self.text
            .truncate(self.places.last().map_or(0, |&(from, len)| from + len));
        self.places.push((self.text.len(), piece.len()));
        self.text.extend_from_slice(piece);
        self.text.resize(self.text.len() + WORD, 0);
    }

    /// Appends piece `i` to `out[at..]` and returns where it ends.
    #[inline]
    pub(super) fn put(&self, i: usize, out: &mut [u8], at: usize) -> usize {
        let (from, len) = self.places[i];
        put(out, at, &self.text, from, len)
    }

    /// Bytes of all pieces.
    pub(super) fn total(&self) -> usize {
        self.places.iter().map(|&(_, len)| len).sum()
    }

    pub(super) fn len(&self) -> usize {
        self.places.len()
    }
}

/// `a == b` without a call to `memcmp`: nine cells in ten of a grouped table are compared with
/// the cell above, most shorter than 16 bytes, and those calls showed in profiles.
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n < 8 {
        return a.iter().zip(b).all(|(x, y)| x == y);
    }
    let word = |s: &[u8], at: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&s[at..at + 8]);
        u64::from_ne_bytes(w)
    };
    // Whole words, the last one overlapping the one before.
    let mut at = 0;
    while at + 8 < n {
        if word(a, at) != word(b, at) {
            return false;
        }
        at += 8;
    }
    word(a, n - 8) == word(b, n - 8)
}

#[cfg(test)]
mod tests {
    use super::{Line, Pieces, WORD, put, put_short, same};

    #[test]
    fn pieces_of_every_length_are_copied_exactly() {
        let source: Vec<u8> = (0..100u8).collect();
        for len in 0..=70 {
            for from in [0, 1, 100 - len] {
                for room in [len, len + WORD] {
                    let mut out = vec![0xee; room + 3];
                    let end = put(&mut out, 3, &source, from, len);
                    assert_eq!(end, 3 + len);
                    assert_eq!(
                        &out[3..end],
                        &source[from..from + len],
                        "{len} {from} {room}"
                    );
                    assert_eq!(&out[..3], &[0xee; 3]);
                    let mut short = vec![0xee; room + 3];
                    assert_eq!(put_short(&mut short, 3, &source[from..from + len]), end);
                    assert_eq!(short[..end], out[..end], "{len} {from} {room}");
                    assert!(short[end..].iter().all(|&b| b == 0xee));
                }
            }
        }
    }

    #[test]
    fn a_line_holds_what_was_pushed() {
        let mut line = Line::with_capacity(4);
        let mut expected = Vec::new();
        for (i, n) in [0, 7, -7, 10, 99, 1234567, i64::MAX, i64::MIN, -1000]
            .into_iter()
            .enumerate()
        {
            let piece = "x".repeat(i * 9);
            line.push(piece.as_bytes());
            line.push_int(n);
            expected.extend_from_slice(piece.as_bytes());
            expected.extend_from_slice(n.to_string().as_bytes());
        }
        assert_eq!(line.as_bytes(), expected);
        assert_eq!(line.len(), expected.len());
        line.clear();
        line.push(b"<c/>");
        assert_eq!(line.as_bytes(), b"<c/>");
    }

    #[test]
    fn stored_pieces_come_back_in_order() {
        let mut pieces = Pieces::default();
        let words = ["{\"a\":", ",\"nama_kabupaten_kota\":", "", ",\"x\":"];
        for w in words {
            pieces.push(w.as_bytes());
        }
        assert_eq!(pieces.len(), 4);
        assert_eq!(pieces.total(), words.iter().map(|w| w.len()).sum::<usize>());
        let mut out = vec![0; 200];
        let mut at = 0;
        for i in 0..pieces.len() {
            at = pieces.put(i, &mut out, at);
        }
        assert_eq!(&out[..at], words.concat().as_bytes());
    }

    #[test]
    fn strings_compare_as_equal_only_when_equal() {
        let texts = [
            "",
            "a",
            "ab",
            "Laki-laki",
            "Perempuan",
            "35.76.01",
            "35.76.02",
            "35.76.01.1003",
            "35.76.01.1004",
            "Kecamatan Prajuritkulon",
            "Kecamatan Prajuritkulom",
            "é",
            "e",
        ];
        for a in texts {
            for b in texts {
                assert_eq!(same(a.as_bytes(), b.as_bytes()), a == b, "{a:?} {b:?}");
            }
        }
        for n in 0..40 {
            let a = vec![7u8; n];
            assert!(same(&a, &a.clone()));
            for i in 0..n {
                let mut b = a.clone();
                b[i] = 8;
                assert!(!same(&a, &b), "{n} {i}");
            }
        }
    }
}
