//! The object store behind one type: local filesystem (default), S3-compatible or in-memory.

use std::sync::Arc;

use bytes::Bytes;
use object_store::{
    GetOptions, GetResultPayload, ObjectStore, ObjectStoreExt, WriteMultipart,
    aws::AmazonS3Builder, local::LocalFileSystem, memory::InMemory, path::Path,
};

use crate::error::{Error, Result};

/// Size of the parts an upload is cut into; with two parts in flight this bounds upload memory.
const PART_SIZE: usize = 8 * 1024 * 1024;
/// Block size of reads from a local store.
const READ_BLOCK: usize = 256 * 1024;
/// The scratch folder inside a `file://` store ([`Storage::scratch_dir`]).
const SCRATCH: &str = ".scratch";
/// Parts uploaded concurrently.
const PARTS_IN_FLIGHT: usize = 2;

/// Where the catalog keeps files.
#[derive(Debug, Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    description: String,
    /// The folder of a `file://` store.
    root: Option<std::path::PathBuf>,
}

/// Settings for an S3-compatible store beyond the usual `AWS_*` variables.
#[derive(Debug, Clone, Default)]
pub struct S3Options {
    /// Endpoint of an S3-compatible service (MinIO, Ceph, Garage ...).
    pub endpoint: Option<String>,
    /// Region; `AWS_REGION` otherwise.
    pub region: Option<String>,
    /// Allow `http://` endpoints (for a store on the same host or network).
    pub allow_http: bool,
}

impl Storage {
    /// Opens `file://DIR`, `s3://BUCKET` or `memory://`.
    pub fn open(url: &str, s3: &S3Options) -> Result<Self> {
        let bad = |why_id: String, why_en: String| Error::invalid("storage", why_id, why_en);
        let mut root = None;
        let (store, description): (Arc<dyn ObjectStore>, String) =
            if let Some(dir) = url.strip_prefix("file://") {
                if dir.is_empty() {
                    return Err(bad(
                        "file:// memerlukan nama folder".into(),
                        "file:// needs a folder".into(),
                    ));
                }
                std::fs::create_dir_all(dir).map_err(|e| {
                    bad(
                        format!("folder '{dir}' tidak dapat dibuat: {e}"),
                        format!("cannot create folder '{dir}': {e}"),
                    )
                })?;
                let fs = LocalFileSystem::new_with_prefix(dir)?.with_automatic_cleanup(true);
                root = Some(std::path::PathBuf::from(dir));
                (Arc::new(fs), format!("file://{dir}"))
            } else if let Some(bucket) = url.strip_prefix("s3://") {
                let bucket = bucket.trim_end_matches('/');
                if bucket.is_empty() || bucket.contains('/') {
                    return Err(bad(
                        format!("'{url}' harus berbentuk s3://NAMA_BUCKET"),
                        format!("'{url}' must look like s3://BUCKET"),
                    ));
                }
                let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
                if let Some(endpoint) = &s3.endpoint {
                    builder = builder.with_endpoint(endpoint);
                }
                if let Some(region) = &s3.region {
                    builder = builder.with_region(region);
                }
                if s3.allow_http {
                    builder = builder.with_allow_http(true);
                }
                let store = builder.build().map_err(|e| {
                    bad(
                        format!("konfigurasi S3 tidak sah: {e}"),
                        format!("invalid S3 configuration: {e}"),
                    )
                })?;
                (Arc::new(store), format!("s3://{bucket}"))
            } else if url == "memory://" || url == "memory:" {
                (Arc::new(InMemory::new()), "memory://".to_owned())
            } else {
                return Err(bad(
                    format!("'{url}' harus diawali file://, s3:// atau memory://"),
                    format!("'{url}' must start with file://, s3:// or memory://"),
                ));
            };
        Ok(Self {
            store,
            description,
            root,
        })
    }

    /// The store's URL, for logs.
    pub fn describe(&self) -> &str {
        &self.description
    }

    /// Starts a streaming write to `key`.
    pub async fn writer(&self, key: &str) -> Result<ObjectWriter> {
        let upload = self.store.put_multipart(&Path::from(key)).await?;
        Ok(ObjectWriter {
            inner: WriteMultipart::new_with_chunk_size(upload, PART_SIZE),
            // Folders the store will create for it, counted now, synced with it.
            local: self.local_file(key).map(|path| {
                let new = path.parent().map_or(0, missing_folders);
                (path, new)
            }),
        })
    }

    /// Reads a whole object (small objects only).
    pub async fn read(&self, key: &str) -> Result<Bytes> {
        Ok(self.store.get(&Path::from(key)).await?.bytes().await?)
    }

    /// Streams an object's bytes.
    pub async fn stream(
        &self,
        key: &str,
    ) -> Result<futures_util::stream::BoxStream<'static, object_store::Result<Bytes>>> {
        self.stream_range(key, None).await
    }

    /// Deletes an object; a missing object is not an error.
    pub async fn delete(&self, key: &str) -> Result<()> {
        match self.store.delete(&Path::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Streams bytes `range` (end exclusive) of an object, or all of it. Local files are read
    /// in large blocks (object_store's own file stream reads 8 KiB at a time).
    pub async fn stream_range(
        &self,
        key: &str,
        range: Option<std::ops::Range<u64>>,
    ) -> Result<futures_util::stream::BoxStream<'static, object_store::Result<Bytes>>> {
        use futures_util::StreamExt;
        let options = GetOptions::new().with_range(range);
        let result = self.store.get_opts(&Path::from(key), options).await?;
        let range = result.range.clone();
        match result.payload {
            GetResultPayload::File(file, path) => {
                use std::io::{Seek, SeekFrom};
                use tokio::io::AsyncReadExt;
                let mut file = file;
                file.seek(SeekFrom::Start(range.start)).map_err(|source| {
                    object_store::Error::Generic {
                        store: "LocalFileSystem",
                        source: format!("seeking {}: {source}", path.display()).into(),
                    }
                })?;
                let reader = tokio::fs::File::from_std(file).take(range.end - range.start);
                let stream =
                    tokio_util::io::ReaderStream::with_capacity(reader, READ_BLOCK).map(|chunk| {
                        chunk.map_err(|source| object_store::Error::Generic {
                            store: "LocalFileSystem",
                            source: Box::new(source),
                        })
                    });
                Ok(stream.boxed())
            }
            GetResultPayload::Stream(stream) => Ok(stream),
        }
    }

    /// When an object last changed; None when it does not exist.
    pub async fn modified(&self, key: &str) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
        match self.store.head(&Path::from(key)).await {
            Ok(meta) => Ok(Some(meta.last_modified)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Whether an object exists.
    pub async fn exists(&self, key: &str) -> Result<bool> {
        match self.store.head(&Path::from(key)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(e.into()),
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
        made.map_err(|e| Error::Internal(format!("scratch folder: {e}")))
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
        let io = |e: std::io::Error| Error::Internal(format!("copying {key} here: {e}"));
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
                Err(e) => Err(Error::Internal(format!("reading {}: {e}", path.display()))),
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
    /// file is gone afterwards); anything else is copied. In a `file://` store the object is
    /// on disk, name and all, when this returns (synced before a database row points at it).
    pub async fn put_file(&self, key: &str, path: &std::path::Path) -> Result<()> {
        use tokio::io::AsyncReadExt;
        if let Some(root) = &self.root
            && path.starts_with(root.join(SCRATCH))
        {
            let (source, target) = (path.to_owned(), root.join(key));
            let moved = tokio::task::spawn_blocking(move || {
                // The object's age starts now, as a copy's would: gc's grace period must not
                // count the time the file spent being built.
                let file = std::fs::File::options().write(true).open(&source)?;
                file.set_modified(std::time::SystemTime::now())?;
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
                sync_stored(&target, true, new_folders)
            });
            return moved
                .await
                .map_err(|e| Error::Internal(format!("storing a file panicked: {e}")))?
                .map_err(|e| {
                    Error::Internal(format!("moving {} into the store: {e}", path.display()))
                });
        }
        let mut file = tokio::fs::File::open(path)
            .await
            .map_err(|e| Error::Internal(format!("reading {}: {e}", path.display())))?;
        let mut writer = self.writer(key).await?;
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = match file.read(&mut buf).await {
                Ok(n) => n,
                Err(e) => {
                    writer.abort().await;
                    return Err(Error::Internal(format!("reading {}: {e}", path.display())));
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
        writer.finish().await
    }

    /// Every object under a prefix with its last change (for housekeeping).
    pub async fn list(&self, prefix: &str) -> Result<Vec<(String, chrono::DateTime<chrono::Utc>)>> {
        use futures_util::TryStreamExt;
        let prefix = Path::from(prefix);
        let objects: Vec<_> = self.store.list(Some(&prefix)).try_collect().await?;
        Ok(objects
            .into_iter()
            .map(|m| (m.location.to_string(), m.last_modified))
            .collect())
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
                                    .map_err(|e| {
                                        Error::Internal(format!("removing {}: {e}", path.display()))
                                    })?;
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
                            std::fs::remove_file(&path).map_err(|e| {
                                Error::Internal(format!("removing {}: {e}", path.display()))
                            })?;
                        }
                        let rel = path.strip_prefix(&root).unwrap_or(&path);
                        removed.push(rel.to_string_lossy().into_owned());
                    }
                }
            }
            Ok(removed)
        })
        .await
        .map_err(|e| Error::Internal(format!("sweep panicked: {e}")))?
    }

    /// Number of objects under a key prefix (for checks and housekeeping).
    pub async fn count(&self, prefix: &str) -> Result<usize> {
        use futures_util::TryStreamExt;
        let prefix = Path::from(prefix);
        let objects: Vec<_> = self.store.list(Some(&prefix)).try_collect().await?;
        Ok(objects.len())
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
fn sync_stored(path: &std::path::Path, synced: bool, new_folders: usize) -> std::io::Result<()> {
    if !synced {
        std::fs::File::open(path)?.sync_all()?;
    }
    for dir in path.ancestors().skip(1).take(new_folders + 1) {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// How many of `dir` and the folders above it do not exist yet.
fn missing_folders(dir: &std::path::Path) -> usize {
    dir.ancestors().take_while(|d| !d.exists()).count()
}

/// A streaming write: memory stays bounded by the part size times the parts in flight.
#[derive(Debug)]
pub struct ObjectWriter {
    inner: WriteMultipart,
    /// The object's file in a `file://` store, synced once complete, and how many folders
    /// above it are new.
    local: Option<(std::path::PathBuf, usize)>,
}

impl ObjectWriter {
    /// Appends bytes, waiting when too many parts are still uploading.
    pub async fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.inner.wait_for_capacity(PARTS_IN_FLIGHT).await?;
        self.inner.write(bytes);
        Ok(())
    }

    /// Completes the object; in a `file://` store, it is on disk when this returns.
    pub async fn finish(self) -> Result<()> {
        self.inner.finish().await?;
        if let Some((path, new_folders)) = self.local {
            tokio::task::spawn_blocking(move || sync_stored(&path, false, new_folders))
                .await
                .map_err(|e| Error::Internal(format!("syncing a stored file panicked: {e}")))?
                .map_err(|e| Error::Internal(format!("syncing a stored file: {e}")))?;
        }
        Ok(())
    }

    /// Gives up; nothing is left in the store.
    pub async fn abort(self) {
        if let Err(e) = self.inner.abort().await {
            tracing::warn!(error = %e, "aborting an object upload failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{missing_folders, sync_stored};

    #[test]
    fn a_stored_file_and_every_new_folder_above_it_are_synced() {
        let dir = tempfile::tempdir().expect("tempdir");
        let parent = dir.path().join("blobs/sha256/ab");
        assert_eq!(missing_folders(&parent), 3);
        std::fs::create_dir_all(&parent).expect("mkdir");
        assert_eq!(missing_folders(&parent), 0);
        let file = parent.join("abcdef");
        std::fs::write(&file, b"isi").expect("write");
        // The file's folder and the three folders above it, up to the one that existed.
        sync_stored(&file, false, 3).expect("sync");
        assert!(sync_stored(&dir.path().join("missing"), false, 0).is_err());
    }
}
