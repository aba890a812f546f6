//! Files written for publication are hashed (SHA-256) and counted as they are written, or read
//! back when their writer seeks (zip, Parquet).

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::error::Result;

/// A new file, buffered, hashed as the buffer empties (the hash sees 1 MiB blocks, not every
/// small write).
pub(super) fn hashed_file(path: &Path) -> Result<BufWriter<Hashing<File>>> {
    Ok(BufWriter::with_capacity(
        1 << 20,
        Hashing::new(File::create(path)?),
    ))
}

/// Flushes a [`hashed_file`]; its SHA-256 (hex) and size.
pub(super) fn finish_hashed(out: BufWriter<Hashing<File>>) -> Result<(String, u64)> {
    out.into_inner().map_err(|e| e.into_error())?.finish()
}

/// A writer that hashes and counts what passes through it.
pub(super) struct Hashing<W: Write> {
    inner: W,
    hasher: Sha256,
    size: u64,
}

impl<W: Write> Hashing<W> {
    fn new(inner: W) -> Self {
        Self {
            inner,
            hasher: Sha256::new(),
            size: 0,
        }
    }

    fn finish(mut self) -> Result<(String, u64)> {
        self.inner.flush()?;
        Ok((hex::encode(self.hasher.finalize()), self.size))
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// SHA-256 (hex) and size of a file.
pub(super) fn hash_file(path: &Path) -> Result<(String, u64)> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok((hex::encode(hasher.finalize()), size))
}
