//! The files of a `file://` store on this machine: scratch folders inside the store (so that
//! storing is a rename), local paths for readers that need one, durable puts, and the removal
//! of leftovers that gc and `put_file` coordinate through the store's lock.

use crate::error::{Error, Result};
use crate::{READ_BLOCK, SCRATCH, Storage};

/// Content-addressed blobs: a key names its bytes.
const BLOBS: &str = "blobs/";

/// How long [`Storage::remove_if_older`] waits for the store's lock, which a put holds (shared)
/// while it syncs a large file; well under the 5 s that database writers wait for a lock.
pub const REMOVE_LOCK_WAIT: std::time::Duration = std::time::Duration::from_millis(500);

/// Takes `lock` exclusively if that is possible within `wait`; whether it was taken.
fn lock_within(lock: &std::fs::File, wait: std::time::Duration) -> std::io::Result<bool> {
    let deadline = std::time::Instant::now() + wait;
    loop {
        match lock.try_lock() {
            Ok(()) => return Ok(true),
            Err(std::fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Err(std::fs::TryLockError::WouldBlock) => return Ok(false),
            Err(std::fs::TryLockError::Error(e)) => return Err(e),
        }
    }
}

/// What [`Storage::remove_if_older`] did with a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal {
    /// Removed (with `dry_run`: would be).
    Removed,
    /// Left alone: stored (again) after the cutoff, or gone.
    Young,
    /// Left alone: the store was busy storing a file for longer than [`REMOVE_LOCK_WAIT`].
    Busy,
}

/// What [`Storage::put_file`] did with the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Put {
    /// Stored under the key (a file in the scratch folder was moved there).
    Stored,
    /// The same blob was already stored: that copy was kept, made young again, and the file
    /// was left where it was (its scratch folder removes it).
    Kept,
}

impl Storage {
    /// Removes a scratch folder after its files were put. One still holding files (copies of
    /// blobs that were [`Put::Kept`]) is removed in the background: freeing hundreds of MB can
    /// take a while, and a crash before it ends leaves a folder the start-up sweep removes.
    pub fn drop_scratch(&self, scratch: tempfile::TempDir, puts: &[Put]) {
        if puts.contains(&Put::Kept) {
            tokio::task::spawn_blocking(move || drop(scratch));
        } else {
            drop(scratch);
        }
    }

    /// A scratch folder for files on their way into the store ([`Storage::put_file`]). For a
    /// `file://` store it lies inside the store's folder, so that putting a file is a rename;
    /// leftovers of a crash are removed by [`Storage::sweep_staging`].
    pub fn scratch_dir(&self, prefix: &str) -> Result<tempfile::TempDir> {
        let builder = tempfile::Builder::new().prefix(prefix).clone();
        let made = match &self.root {
            Some(root) => {
                let scratch = root.join(SCRATCH);
                std::fs::create_dir_all(&scratch).and_then(|()| builder.tempdir_in(&scratch))
            }
            None => builder.tempdir(),
        };
        made.map_err(Error::io("making a scratch folder"))
    }

    /// The file holding `key` in a `file://` store (whether or not it exists); None for other
    /// stores.
    pub fn local_file(&self, key: &str) -> Option<std::path::PathBuf> {
        self.root.as_ref().map(|root| root.join(key))
    }

    /// A local file holding the object `key`, for readers that need a path (polars, the
    /// publishing threads): the stored file itself in a `file://` store; otherwise `copy`,
    /// downloaded when it does not exist yet (written beside it and renamed when whole, so
    /// `copy` is never partial). Content-addressed keys make an existing `copy` current.
    pub async fn local_path(
        &self,
        key: &str,
        copy: &std::path::Path,
    ) -> Result<std::path::PathBuf> {
        use futures_util::StreamExt;
        use tokio::io::AsyncWriteExt;
        if let Some(path) = self.local_file(key) {
            return Ok(path);
        }
        if tokio::fs::try_exists(copy).await.unwrap_or(false) {
            return Ok(copy.to_owned());
        }
        let io = |source| Error::Io {
            context: format!("copying {key} to {}", copy.display()),
            source,
        };
        let mut partial = copy.as_os_str().to_owned();
        partial.push(format!(".{}.part", uuid::Uuid::new_v4()));
        let partial = std::path::PathBuf::from(partial);
        let mut out = tokio::fs::File::create(&partial).await.map_err(io)?;
        let mut stream = self.stream(key).await?;
        let copied: Result<()> = async {
            while let Some(chunk) = stream.next().await {
                out.write_all(&chunk?).await.map_err(io)?;
            }
            out.flush().await.map_err(io)
        }
        .await;
        drop(out);
        match copied {
            // Whoever renames last wrote the same bytes.
            Ok(()) => tokio::fs::rename(&partial, copy).await.map_err(io)?,
            Err(e) => {
                let _ = tokio::fs::remove_file(&partial).await;
                return Err(e);
            }
        }
        Ok(copy.to_owned())
    }

    /// A buffered blocking reader of an object, for the validation and publishing threads: the
    /// file itself in a `file://` store, otherwise the store's stream. Call it inside the runtime.
    pub async fn blocking_reader(&self, key: &str) -> Result<Box<dyn std::io::Read + Send>> {
        use futures_util::TryStreamExt;
        if let Some(root) = &self.root {
            let path = root.join(key);
            return match std::fs::File::open(&path) {
                Ok(file) => Ok(Box::new(std::io::BufReader::with_capacity(
                    READ_BLOCK, file,
                ))),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    Err(object_store::Error::NotFound {
                        path: key.to_owned(),
                        source: Box::new(e),
                    }
                    .into())
                }
                Err(e) => Err(Error::io(format!("reading {}", path.display()))(e)),
            };
        }
        let stream = self.stream(key).await?.map_err(std::io::Error::other);
        Ok(Box::new(std::io::BufReader::with_capacity(
            READ_BLOCK,
            tokio_util::io::SyncIoBridge::new(tokio_util::io::StreamReader::new(stream)),
        )))
    }

    /// Puts a local file into the store under `key`; the object appears whole or not at all.
    /// A file in this `file://` store's [`Storage::scratch_dir`] is moved by a rename (the
    /// file is gone afterwards), unless the same blob is already stored ([`Put::Kept`]);
    /// anything else is copied. In a `file://` store the object is on disk, name and all, when
    /// this returns (synced before a database row points at it).
    pub async fn put_file(&self, key: &str, path: &std::path::Path) -> Result<Put> {
        use tokio::io::AsyncReadExt;
        if let Some(root) = &self.root
            && path.starts_with(root.join(SCRATCH))
        {
            let (source, target, root) = (path.to_owned(), root.join(key), root.clone());
            let blob = key.starts_with(BLOBS);
            let moved = tokio::task::spawn_blocking(move || -> std::io::Result<Put> {
                // gc cannot look at the name's age and remove it while it is being stored.
                let lock = std::fs::File::open(&root)?;
                lock.lock_shared()?;
                let now = std::time::SystemTime::now();
                let file = std::fs::File::options().write(true).open(&source)?;
                // A content-addressed blob of the same size is the same bytes: the stored copy
                // is made young again instead of replaced. Replacing it would free the old
                // copy inside the request (synchronously, on a file system mounted with
                // `discard`) and swap the file under downloads that are reading it.
                if blob
                    && let Ok(stored) = std::fs::File::options().write(true).open(&target)
                    && stored.metadata()?.len() == file.metadata()?.len()
                {
                    stored.set_modified(now)?;
                    return Ok(Put::Kept);
                }
                // The object's age starts now, as a copy's would: gc's grace period must not
                // count the time the file spent being built.
                file.set_modified(now)?;
                // On disk before its name is: a power cut must not leave a stored name (which a
                // committed row may point at) over a short file.
                file.sync_all()?;
                drop(file);
                let mut new_folders = 0;
                if let Some(parent) = target.parent() {
                    new_folders = missing_folders(parent);
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::rename(&source, &target)?;
                drop(lock);
                sync_stored(&target, true, new_folders)?;
                Ok(Put::Stored)
            });
            return moved.await?.map_err(Error::io(format!(
                "moving {} into the store",
                path.display()
            )));
        }
        let mut file = tokio::fs::File::open(path)
            .await
            .map_err(Error::io(format!("reading {}", path.display())))?;
        let mut writer = self.writer(key).await?;
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = match file.read(&mut buf).await {
                Ok(n) => n,
                Err(e) => {
                    writer.abort().await;
                    return Err(Error::io(format!("reading {}", path.display()))(e));
                }
            };
            if n == 0 {
                break;
            }
            if let Err(e) = writer.write(&buf[..n]).await {
                writer.abort().await;
                return Err(e);
            }
        }
        writer.finish().await?;
        Ok(Put::Stored)
    }

    /// Removes `key` unless it was stored (again) after `cutoff` or is gone (with `dry_run`,
    /// says whether it would, and removes nothing). In a `file://` store this holds the store's
    /// lock, which [`Storage::put_file`] shares while it stores: a blob stored again at the same
    /// moment is either removed before it is stored or found young, never removed after. It
    /// waits at most [`REMOVE_LOCK_WAIT`] for the lock and otherwise leaves the key alone
    /// ([`Removal::Busy`]): its caller may be holding a database write lock that others wait
    /// for.
    pub async fn remove_if_older(
        &self,
        key: &str,
        cutoff: chrono::DateTime<chrono::Utc>,
        dry_run: bool,
    ) -> Result<Removal> {
        self.remove_if_older_within(key, cutoff, dry_run, REMOVE_LOCK_WAIT)
            .await
    }

    /// [`Storage::remove_if_older`] with the wait for the store's lock given.
    pub(crate) async fn remove_if_older_within(
        &self,
        key: &str,
        cutoff: chrono::DateTime<chrono::Utc>,
        dry_run: bool,
        wait: std::time::Duration,
    ) -> Result<Removal> {
        let old = move |modified: chrono::DateTime<chrono::Utc>| modified <= cutoff;
        let removal = |removed: bool| {
            if removed {
                Removal::Removed
            } else {
                Removal::Young
            }
        };
        if dry_run {
            return Ok(removal(self.modified(key).await?.is_some_and(old)));
        }
        if let Some(root) = &self.root {
            let (root, path) = (root.clone(), root.join(key));
            let removed = tokio::task::spawn_blocking(move || -> std::io::Result<Removal> {
                let lock = std::fs::File::open(&root)?;
                // The wait happens here, in the blocking task, and the removal only after the
                // lock is taken: giving up never leaves a removal behind to happen later.
                if !lock_within(&lock, wait)? {
                    return Ok(Removal::Busy);
                }
                match std::fs::metadata(&path) {
                    Ok(meta) if old(meta.modified()?.into()) => {
                        std::fs::remove_file(&path)?;
                        Ok(Removal::Removed)
                    }
                    Ok(_) => Ok(Removal::Young),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Removal::Young),
                    Err(e) => Err(e),
                }
            });
            return removed.await?.map_err(Error::io(format!("removing {key}")));
        }
        if !self.modified(key).await?.is_some_and(old) {
            return Ok(Removal::Young);
        }
        self.delete(key).await?;
        Ok(Removal::Removed)
    }

    /// Removes the staging files (`KEY#N`) of multipart writes to a `file://` store that a crash
    /// interrupted and the scratch folders of publishes it interrupted, when older than
    /// `cutoff`; listings never show them. Returns their paths. (On S3, an
    /// AbortIncompleteMultipartUpload lifecycle rule does the same.)
    pub async fn sweep_staging(
        &self,
        cutoff: std::time::SystemTime,
        dry_run: bool,
    ) -> Result<Vec<String>> {
        let Some(root) = self.root.clone() else {
            return Ok(Vec::new());
        };
        tokio::task::spawn_blocking(move || {
            let mut removed = Vec::new();
            let mut dirs = vec![root.clone()];
            while let Some(dir) = dirs.pop() {
                let Ok(entries) = std::fs::read_dir(&dir) else {
                    continue;
                };
                for entry in entries.flatten() {
                    let path = entry.path();
                    let Ok(meta) = entry.metadata() else { continue };
                    let old = meta.modified().is_ok_and(|m| m <= cutoff);
                    if dir == root.join(SCRATCH) {
                        // A publish's scratch folder that a crash left behind; one still in use
                        // has a file written recently (a folder's own time only moves when
                        // files are added).
                        if old && newest_change(&path).is_some_and(|m| m <= cutoff) {
                            if !dry_run {
                                std::fs::remove_dir_all(&path)
                                    .or_else(|_| std::fs::remove_file(&path))
                                    .map_err(Error::io(format!("removing {}", path.display())))?;
                            }
                            let rel = path.strip_prefix(&root).unwrap_or(&path);
                            removed.push(rel.to_string_lossy().into_owned());
                        }
                        continue;
                    }
                    if meta.is_dir() {
                        dirs.push(path);
                        continue;
                    }
                    let name = entry.file_name().to_string_lossy().into_owned();
                    let staging = name.rsplit_once('#').is_some_and(|(_, n)| {
                        !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
                    });
                    if staging && old {
                        if !dry_run {
                            std::fs::remove_file(&path)
                                .map_err(Error::io(format!("removing {}", path.display())))?;
                        }
                        let rel = path.strip_prefix(&root).unwrap_or(&path);
                        removed.push(rel.to_string_lossy().into_owned());
                    }
                }
            }
            Ok(removed)
        })
        .await?
    }
}

/// The latest modification time of `path` and, for a folder, of the files in it.
fn newest_change(path: &std::path::Path) -> Option<std::time::SystemTime> {
    let own = std::fs::metadata(path).and_then(|m| m.modified()).ok()?;
    let inside = std::fs::read_dir(path)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.metadata().and_then(|m| m.modified()).ok());
    inside.chain([own]).max()
}

/// Makes a stored file durable: the file (unless `synced` already) and its name, by syncing its
/// folder and the `new_folders` folders above it that were just created.
pub(crate) fn sync_stored(
    path: &std::path::Path,
    synced: bool,
    new_folders: usize,
) -> std::io::Result<()> {
    if !synced {
        std::fs::File::open(path)?.sync_all()?;
    }
    for dir in path.ancestors().skip(1).take(new_folders + 1) {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// How many of `dir` and the folders above it do not exist yet.
pub(crate) fn missing_folders(dir: &std::path::Path) -> usize {
    dir.ancestors().take_while(|d| !d.exists()).count()
}

#[cfg(test)]
mod tests;
