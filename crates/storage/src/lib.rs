//! The object store behind one type: local filesystem (default), S3-compatible or in-memory;
//! scratch folders for files on their way in, durable puts, and the primitives gc needs
//! (listing with ages, removing a leftover only while it is still old).
//!
//! Must not depend on the database, the catalog or HTTP: it stores bytes under keys.

use std::sync::Arc;

use bytes::Bytes;
use tokio_util::task::TaskTracker;

use object_store::{
    GetOptions, GetResultPayload, ObjectStore, ObjectStoreExt, WriteMultipart,
    aws::AmazonS3Builder, local::LocalFileSystem, memory::InMemory, path::Path,
};

mod error;
mod files;

pub use error::{Error, Result};

pub use files::{Put, REMOVE_LOCK_WAIT, Removal};
use files::{missing_folders, sync_stored};

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
    /// Aborts of uploads whose writer was dropped unfinished, still running.
    aborts: TaskTracker,
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
        let bad = |id: String, en: String| Error::Config { id, en };
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
            aborts: TaskTracker::new(),
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
            inner: Some(WriteMultipart::new_with_chunk_size(upload, PART_SIZE)),
            aborts: self.aborts.clone(),
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

    /// Checks that the store answers: a `file://` store's folder exists, and any other store
    /// lists a prefix (an S3 store with a missing bucket or refused credentials fails here).
    pub async fn check(&self) -> Result<()> {
        if let Some(root) = &self.root {
            let meta = tokio::fs::metadata(root)
                .await
                .map_err(Error::io("reading the store's folder"))?;
            if !meta.is_dir() {
                return Err(Error::Config {
                    id: format!("{} bukan folder", root.display()),
                    en: format!("{} is not a folder", root.display()),
                });
            }
            return Ok(());
        }
        let probe = Path::from("satudata-probe");
        self.store.list_with_delimiter(Some(&probe)).await?;
        Ok(())
    }

    /// Waits, at most `limit`, for the aborts of uploads whose writer was dropped unfinished
    /// (a request cancelled mid-upload, e.g. at shutdown); true when none is left running.
    pub async fn settle(&self, limit: std::time::Duration) -> bool {
        self.aborts.close();
        let settled = tokio::time::timeout(limit, self.aborts.wait())
            .await
            .is_ok();
        self.aborts.reopen();
        settled
    }

    /// Number of objects under a key prefix (for checks and housekeeping).
    pub async fn count(&self, prefix: &str) -> Result<usize> {
        use futures_util::TryStreamExt;
        let prefix = Path::from(prefix);
        let objects: Vec<_> = self.store.list(Some(&prefix)).try_collect().await?;
        Ok(objects.len())
    }
}

/// A streaming write: memory stays bounded by the part size times the parts in flight.
///
/// A writer dropped before [`finish`](Self::finish) or [`abort`](Self::abort) (its request
/// was cancelled) aborts its upload in the background: an S3 store would otherwise keep the
/// parts of an unfinished multipart upload, invisible and billed. [`Storage::settle`] waits
/// for those aborts.
#[derive(Debug)]
pub struct ObjectWriter {
    /// None once finished or aborted.
    inner: Option<WriteMultipart>,
    /// Where a dropped writer's abort runs.
    aborts: TaskTracker,
    /// The object's file in a `file://` store, synced once complete, and how many folders
    /// above it are new.
    local: Option<(std::path::PathBuf, usize)>,
}

impl ObjectWriter {
    /// Appends bytes, waiting when too many parts are still uploading.
    pub async fn write(&mut self, bytes: &[u8]) -> Result<()> {
        let inner = self.inner.as_mut().ok_or_else(finished)?;
        inner.wait_for_capacity(PARTS_IN_FLIGHT).await?;
        inner.write(bytes);
        Ok(())
    }

    /// Completes the object; in a `file://` store, it is on disk when this returns.
    pub async fn finish(mut self) -> Result<()> {
        let inner = self.inner.take().ok_or_else(finished)?;
        inner.finish().await?;
        if let Some((path, new_folders)) = self.local.take() {
            tokio::task::spawn_blocking(move || sync_stored(&path, false, new_folders))
                .await?
                .map_err(Error::io("syncing a stored file"))?;
        }
        Ok(())
    }

    /// Gives up; nothing is left in the store.
    pub async fn abort(mut self) {
        if let Some(inner) = self.inner.take() {
            abort(inner).await;
        }
    }
}

impl Drop for ObjectWriter {
    fn drop(&mut self) {
        let Some(inner) = self.inner.take() else {
            return;
        };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                tracing::info!("an upload was cancelled; aborting its partial object");
                self.aborts.spawn_on(abort(inner), &runtime);
            }
            Err(_) => tracing::warn!("an upload was dropped outside the runtime; not aborted"),
        }
    }
}

async fn abort(inner: WriteMultipart) {
    if let Err(e) = inner.abort().await {
        tracing::warn!(error = %e, "aborting an object upload failed");
    }
}

/// The error of a writer used after it finished (cannot happen: finishing consumes it).
fn finished() -> Error {
    Error::io("writing an object")(std::io::Error::other("the write has already finished"))
}
