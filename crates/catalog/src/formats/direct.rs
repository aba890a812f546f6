//! The JSON array of records is the largest published file (about three times the CSV) and
//! the one read least. It is written around the page cache (`O_DIRECT` on Linux): copying
//! hundreds of MB into page-cache pages cost more CPU than formatting them, and would evict what
//! downloads and the data API keep hot. The caller fills aligned 4 MiB blocks; an I/O thread
//! hashes them (SHA-256), writes them and hands them back. Where the file system refuses direct
//! I/O, the same thread writes the file the ordinary way. The file is synced before it counts
//! as written.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use sha2::{Digest, Sha256};

use super::io as failed;
use crate::error::Result;

/// Direct I/O wants buffers, offsets and lengths aligned to the device's blocks.
const ALIGN: usize = 4096;
/// Bytes per write.
const BLOCK: usize = 4 << 20;
/// Blocks: one being filled, one queued, one being written.
const BLOCKS: usize = 3;

/// A 4 MiB window aligned to [`ALIGN`] inside a slightly larger buffer.
struct Block {
    buf: Vec<u8>,
    start: usize,
    len: usize,
}

impl Block {
    fn new() -> Self {
        let buf = vec![0u8; BLOCK + ALIGN];
        let start = (ALIGN - buf.as_ptr() as usize % ALIGN) % ALIGN;
        Self { buf, start, len: 0 }
    }

    fn spare(&mut self) -> &mut [u8] {
        &mut self.buf[self.start + self.len..self.start + BLOCK]
    }

    fn data(&self) -> &[u8] {
        &self.buf[self.start..self.start + self.len]
    }

    /// The data padded with zeros to a whole number of aligned blocks (for the last write).
    fn padded(&mut self) -> &[u8] {
        let end = self.len.next_multiple_of(ALIGN);
        self.buf[self.start + self.len..self.start + end].fill(0);
        &self.buf[self.start..self.start + end]
    }
}

/// What the I/O thread leaves: the file, whether it was opened for direct I/O, and the hash.
type Written = io::Result<(File, bool, Sha256)>;

/// A new file written through [`BLOCK`]-sized direct writes, hashed as it goes.
pub(super) struct DirectFile {
    current: Block,
    size: u64,
    full: Option<SyncSender<Block>>,
    empty: Receiver<Block>,
    io: Option<JoinHandle<Written>>,
}

impl DirectFile {
    pub(super) fn create(path: &Path) -> Result<Self> {
        Self::with(path, true)
    }

    fn with(path: &Path, direct: bool) -> Result<Self> {
        let (file, direct) = open(path, direct).map_err(failed)?;
        let (full_tx, full_rx) = sync_channel::<Block>(1);
        let (empty_tx, empty_rx) = sync_channel::<Block>(BLOCKS);
        for _ in 1..BLOCKS {
            empty_tx.send(Block::new()).map_err(super::internal)?;
        }
        let path = path.to_owned();
        let io = std::thread::Builder::new()
            .name("publish-json-io".into())
            .spawn(move || write_blocks(file, direct, &path, &full_rx, &empty_tx))
            .map_err(failed)?;
        Ok(Self {
            current: Block::new(),
            size: 0,
            full: Some(full_tx),
            empty: empty_rx,
            io: Some(io),
        })
    }

    /// Hands the current block to the I/O thread and takes an empty one.
    fn send(&mut self) -> io::Result<()> {
        let Some(next) = self.empty.recv().ok() else {
            return Err(self.stopped());
        };
        let full = std::mem::replace(&mut self.current, next);
        let sent = self.full.as_ref().map(|tx| tx.send(full).is_ok());
        if sent != Some(true) {
            return Err(self.stopped());
        }
        self.current.len = 0;
        Ok(())
    }

    /// The I/O thread's error, once it has stopped.
    fn stopped(&mut self) -> io::Error {
        self.full = None;
        match self.io.take().map(JoinHandle::join) {
            Some(Ok(Err(e))) => e,
            _ => io::Error::other("the writing thread stopped"),
        }
    }

    /// Writes what is left, syncs the file and returns its SHA-256 (hex) and size.
    pub(super) fn finish(mut self) -> Result<(String, u64)> {
        if self.current.len > 0 {
            self.send().map_err(failed)?;
        }
        self.full = None;
        let (file, direct, hasher) = match self.io.take().map(JoinHandle::join) {
            Some(Ok(written)) => written.map_err(failed)?,
            _ => return Err(failed(io::Error::other("the writing thread panicked"))),
        };
        if direct {
            // The last block was padded to the alignment.
            file.set_len(self.size).map_err(failed)?;
        }
        file.sync_all().map_err(failed)?;
        Ok((hex::encode(hasher.finalize()), self.size))
    }
}

impl Drop for DirectFile {
    /// A file abandoned on an error leaves no thread behind: the I/O thread sees its queue close
    /// and ends before the scratch folder goes.
    fn drop(&mut self) {
        self.full = None;
        if let Some(io) = self.io.take() {
            let _ = io.join();
        }
    }
}

impl Write for DirectFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let spare = self.current.spare();
        let n = spare.len().min(buf.len());
        spare[..n].copy_from_slice(&buf[..n]);
        self.current.len += n;
        self.size += n as u64;
        if self.current.len == BLOCK {
            self.send()?;
        }
        Ok(n)
    }

    fn write_all(&mut self, mut buf: &[u8]) -> io::Result<()> {
        while !buf.is_empty() {
            let n = self.write(buf)?;
            buf = &buf[n..];
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Opens a new file, for direct I/O when asked and the platform has it.
fn open(path: &Path, direct: bool) -> io::Result<(File, bool)> {
    #[cfg(target_os = "linux")]
    if direct {
        use std::os::unix::fs::OpenOptionsExt;
        let opened = File::options()
            .write(true)
            .create(true)
            .truncate(true)
            .custom_flags(libc::O_DIRECT)
            .open(path);
        // Some file systems (tmpfs) refuse O_DIRECT: write those the ordinary way.
        if let Ok(file) = opened {
            return Ok((file, true));
        }
    }
    let _ = direct;
    File::create(path).map(|file| (file, false))
}

/// The I/O thread: hashes and writes each block in order, returns it for refilling.
fn write_blocks(
    mut file: File,
    mut direct: bool,
    path: &Path,
    full: &Receiver<Block>,
    empty: &SyncSender<Block>,
) -> Written {
    let mut hasher = Sha256::new();
    let mut first = true;
    for mut block in full.iter() {
        hasher.update(block.data());
        let whole = block.len % ALIGN == 0;
        let written = if direct {
            file.write_all(if whole { block.data() } else { block.padded() })
        } else {
            file.write_all(block.data())
        };
        match written {
            // A file system may accept the flag and refuse the writes: start again without it.
            Err(e) if direct && first && e.raw_os_error() == Some(libc::EINVAL) => {
                (file, direct) = open(path, false)?;
                file.write_all(block.data())?;
            }
            other => other?,
        }
        first = false;
        // The writer may have stopped: the block is then dropped.
        let _ = empty.send(block);
    }
    Ok((file, direct, hasher))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use sha2::{Digest, Sha256};

    use super::{ALIGN, BLOCK, DirectFile};

    #[test]
    fn every_size_is_written_whole_and_hashed_with_and_without_direct_io() {
        let dir = tempfile::tempdir().expect("tempdir");
        let sizes = [
            0,
            1,
            ALIGN - 1,
            ALIGN,
            BLOCK - 1,
            BLOCK,
            BLOCK + 1,
            3 * BLOCK + 17,
        ];
        for direct in [true, false] {
            for size in sizes {
                let path = dir.path().join(format!("{direct}-{size}.json"));
                let data: Vec<u8> = (0..size).map(|i| (i * 7 % 251) as u8).collect();
                let mut file = DirectFile::with(&path, direct).expect("create");
                // Uneven writes, as the JSON writer makes them.
                for chunk in data.chunks(1000) {
                    file.write_all(chunk).expect("write");
                }
                let (sha256, written) = file.finish().expect("finish");
                assert_eq!(written, size as u64);
                assert_eq!(std::fs::read(&path).expect("read back"), data, "{size}");
                assert_eq!(sha256, hex::encode(Sha256::digest(&data)), "{size}");
            }
        }
    }
}
