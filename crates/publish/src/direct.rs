//! The JSON array of records (the largest published file, about three times the CSV, and the
//! one read least) and the workbook are written around the page cache (`O_DIRECT` on Linux):
//! copying hundreds of MB into never-touched page-cache pages cost more CPU than formatting
//! them, and would evict what downloads and the data API keep hot. The caller fills aligned
//! 4 MiB blocks; a hashing thread runs SHA-256 over them and passes them to a writing thread,
//! which writes them and hands them back. Hashing and writing overlap: a direct write waits for
//! the device, and done on one thread the two added up. Where the file system refuses direct
//! I/O, the writing thread writes the file the ordinary way. Syncing is left to the store
//! (`Storage::put_file` syncs every file it stores, these included).

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Direct I/O wants buffers, offsets and lengths aligned to the device's blocks.
const ALIGN: usize = 4096;
/// Bytes per write.
const BLOCK: usize = 4 << 20;
/// Blocks: one being filled, one queued for hashing, one being hashed, one queued for writing,
/// one being written.
const BLOCKS: usize = 5;

/// Room past a block's 4 MiB for the record that crosses its end.
const SLACK: usize = 256 << 10;

/// A buffer whose data (`buf[start..end]`) begins at an [`ALIGN`]ed address. Records are
/// written into it directly; a record that crosses the end of the 4 MiB is carried over to the
/// next block. The bytes past `end` stay initialised, so a writer can copy whole words past a
/// short piece (copy.rs) without a call to memcpy.
struct Block {
    buf: Vec<u8>,
    start: usize,
    end: usize,
}

impl Block {
    fn new() -> Self {
        let mut buf = Vec::with_capacity(ALIGN + BLOCK + SLACK);
        let start = (ALIGN - buf.as_ptr() as usize % ALIGN) % ALIGN;
        buf.resize(start, 0);
        Self {
            buf,
            start,
            end: start,
        }
    }

    fn len(&self) -> usize {
        self.end - self.start
    }

    fn data(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    fn clear(&mut self) {
        self.end = self.start;
    }

    /// At least `need` writable bytes after the data. A block grows once to its full size and
    /// keeps it; a record larger than the spare room makes the buffer move.
    fn room(&mut self, need: usize) -> &mut [u8] {
        if self.buf.len() < self.end + need {
            let full = (self.start + BLOCK + SLACK).max(self.end + need);
            self.buf.resize(full, 0);
        }
        &mut self.buf[self.end..]
    }

    fn push(&mut self, bytes: &[u8]) {
        self.room(bytes.len())[..bytes.len()].copy_from_slice(bytes);
        self.end += bytes.len();
    }

    /// Whether the data still begins at an aligned address.
    fn aligned(&self) -> bool {
        (self.buf.as_ptr() as usize + self.start).is_multiple_of(ALIGN)
    }

    /// The data padded with zeros to a whole number of aligned blocks (for the last write).
    fn padded(&mut self) -> &[u8] {
        let pad = self.len().next_multiple_of(ALIGN) - self.len();
        self.room(pad)[..pad].fill(0);
        self.end += pad;
        self.data()
    }
}

/// What the writing thread leaves: the file, and whether it was opened for direct I/O.
type Written = io::Result<(File, bool)>;

/// A new file written through [`BLOCK`]-sized direct writes, hashed as it goes.
pub(super) struct DirectFile {
    current: Block,
    size: u64,
    /// To the hashing thread.
    full: Option<SyncSender<Block>>,
    /// From the writing thread.
    empty: Receiver<Block>,
    hash: Option<JoinHandle<Sha256>>,
    io: Option<JoinHandle<Written>>,
}

impl DirectFile {
    /// A new file at `path`; its threads are named after `label`.
    pub(super) fn create(path: &Path, label: &str) -> Result<Self> {
        Self::with(path, label, true)
    }

    fn with(path: &Path, label: &str, direct: bool) -> Result<Self> {
        let (file, direct) = open(path, direct)?;
        let (full_tx, full_rx) = sync_channel::<Block>(1);
        let (hashed_tx, hashed_rx) = sync_channel::<Block>(1);
        let (empty_tx, empty_rx) = sync_channel::<Block>(BLOCKS);
        for _ in 1..BLOCKS {
            empty_tx
                .send(Block::new())
                .map_err(|_| io::Error::other("the writing thread stopped"))?;
        }
        let path = path.to_owned();
        let io = std::thread::Builder::new()
            .name(format!("{label}-io"))
            .spawn(move || write_blocks(file, direct, &path, &hashed_rx, &empty_tx))?;
        let hash = std::thread::Builder::new()
            .name(format!("{label}-sha"))
            .spawn(move || hash_blocks(&full_rx, &hashed_tx))?;
        Ok(Self {
            current: Block::new(),
            size: 0,
            full: Some(full_tx),
            empty: empty_rx,
            hash: Some(hash),
            io: Some(io),
        })
    }

    /// At least `need` bytes to write the next bytes into, from the slice's start; then call
    /// [`filled`](Self::filled) with how many were written. Bytes past those may be written
    /// too: they are not part of the file.
    pub(super) fn room(&mut self, need: usize) -> &mut [u8] {
        self.current.room(need)
    }

    /// Adds the first `written` bytes of the [`room`](Self::room) to the file; sends every
    /// whole 4 MiB to the hashing thread.
    pub(super) fn filled(&mut self, written: usize) -> io::Result<()> {
        self.current.end += written;
        debug_assert!(
            self.current.end <= self.current.buf.len(),
            "filled past the room"
        );
        while self.current.len() >= BLOCK {
            let Some(mut next) = self.empty.recv().ok() else {
                return Err(self.stopped());
            };
            next.clear();
            let end = self.current.start + BLOCK;
            next.push(&self.current.buf[end..self.current.end]);
            self.current.end = end;
            let full = std::mem::replace(&mut self.current, next);
            self.send(full)?;
        }
        Ok(())
    }

    /// Hands a block to the hashing thread.
    fn send(&mut self, mut block: Block) -> io::Result<()> {
        if !block.aligned() {
            let mut moved = Block::new();
            moved.push(block.data());
            block = moved;
        }
        self.size += block.len() as u64;
        let sent = self.full.as_ref().map(|tx| tx.send(block).is_ok());
        if sent != Some(true) {
            return Err(self.stopped());
        }
        Ok(())
    }

    /// Closes the queue and waits for both threads: the hash, and the file or the writing
    /// thread's error.
    fn join(&mut self) -> (Option<Sha256>, io::Result<(File, bool)>) {
        self.full = None;
        // The hashing thread ends when the queue closes or the writing thread has stopped.
        let hash = self.hash.take().and_then(|h| h.join().ok());
        let written = match self.io.take().map(JoinHandle::join) {
            Some(Ok(written)) => written,
            _ => Err(io::Error::other("the writing thread panicked")),
        };
        (hash, written)
    }

    /// The writing thread's error, once it has stopped.
    fn stopped(&mut self) -> io::Error {
        match self.join() {
            (_, Err(e)) => e,
            _ => io::Error::other("the writing thread stopped"),
        }
    }

    /// Writes what is left and returns the file's SHA-256 (hex) and size.
    pub(super) fn finish(mut self) -> Result<(String, u64)> {
        if self.current.len() > 0 {
            let last = std::mem::replace(
                &mut self.current,
                Block {
                    buf: Vec::new(),
                    start: 0,
                    end: 0,
                },
            );
            self.send(last)?;
        }
        let (hasher, written) = self.join();
        let (file, direct) = written?;
        let hasher = hasher.ok_or(Error::Panicked)?;
        if direct {
            // The last block was padded to the alignment.
            file.set_len(self.size)?;
        }
        Ok((hex::encode(hasher.finalize()), self.size))
    }
}

impl Drop for DirectFile {
    /// A file abandoned on an error leaves no thread behind: the I/O thread sees its queue close
    /// and ends before the scratch folder goes.
    fn drop(&mut self) {
        if self.hash.is_some() || self.io.is_some() {
            let _ = self.join();
        }
    }
}

impl Write for DirectFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.room(buf.len())[..buf.len()].copy_from_slice(buf);
        self.filled(buf.len())?;
        Ok(buf.len())
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

/// The hashing thread: runs SHA-256 over each block in order and passes it on for writing.
fn hash_blocks(full: &Receiver<Block>, hashed: &SyncSender<Block>) -> Sha256 {
    let mut hasher = Sha256::new();
    for block in full.iter() {
        hasher.update(block.data());
        // The writing thread has stopped on an error: stop too, which closes the queue.
        if hashed.send(block).is_err() {
            break;
        }
    }
    hasher
}

/// The writing thread: writes each block in order, returns it for refilling.
fn write_blocks(
    mut file: File,
    mut direct: bool,
    path: &Path,
    hashed: &Receiver<Block>,
    empty: &SyncSender<Block>,
) -> Written {
    let mut first = true;
    for mut block in hashed.iter() {
        let len = block.len();
        let written = if direct {
            let whole = len.is_multiple_of(ALIGN);
            file.write_all(if whole { block.data() } else { block.padded() })
        } else {
            file.write_all(block.data())
        };
        match written {
            // A file system may accept the flag and refuse the writes: start again without it,
            // with the block's own bytes (not the padding a direct write needed).
            Err(e) if direct && first && e.raw_os_error() == Some(libc::EINVAL) => {
                (file, direct) = open(path, false)?;
                file.write_all(&block.data()[..len])?;
            }
            other => other?,
        }
        first = false;
        // The writer may have stopped: the block is then dropped.
        let _ = empty.send(block);
    }
    Ok((file, direct))
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
                let mut file = DirectFile::with(&path, "test", direct).expect("create");
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

    #[test]
    fn records_larger_than_a_block_are_carried_over_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("big.json");
        // A small record, one that outgrows the block's spare room (the buffer moves, so its
        // data is no longer aligned), then small ones again.
        let sizes = [10, 2 * BLOCK + ALIGN + 3, 5, BLOCK - 7, 1];
        let mut data = Vec::new();
        let mut file = DirectFile::create(&path, "test").expect("create");
        for (i, size) in sizes.into_iter().enumerate() {
            let record: Vec<u8> = (0..size).map(|j| ((i + j) % 251) as u8).collect();
            file.room(size)[..size].copy_from_slice(&record);
            file.filled(size).expect("filled");
            data.extend_from_slice(&record);
        }
        let (sha256, written) = file.finish().expect("finish");
        assert_eq!(written, data.len() as u64);
        assert_eq!(std::fs::read(&path).expect("read back"), data);
        assert_eq!(sha256, hex::encode(Sha256::digest(&data)));
    }

    #[test]
    fn a_failing_write_is_reported_not_hung() {
        // Every write to /dev/full fails with ENOSPC: the error must come back through the
        // hashing thread to the caller, with all threads ended.
        let path = std::path::Path::new("/dev/full");
        if !path.exists() {
            return;
        }
        let mut file = DirectFile::with(path, "test", false).expect("create");
        let chunk = vec![b'x'; 1 << 20];
        let mut failed = None;
        for _ in 0..64 {
            if let Err(e) = file.write_all(&chunk) {
                failed = Some(e);
                break;
            }
        }
        let error = match failed {
            Some(e) => e.to_string(),
            None => format!("{:?}", file.finish().err()),
        };
        assert!(error.contains("space"), "{error}");
    }
}
