//! Tests of the `file://` store's files: durable puts, and gc's removal under the store's lock.

use super::{Put, REMOVE_LOCK_WAIT, Removal, Storage, missing_folders, sync_stored};
use crate::S3Options;

fn local_store() -> (tempfile::TempDir, Storage) {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("file://{}", dir.path().display());
    let storage = Storage::open(&url, &S3Options::default()).expect("store");
    (dir, storage)
}

/// Writes a file at `path` (folders and all), last changed at `when`.
fn stored_at(path: &std::path::Path, when: std::time::SystemTime) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, b"isi").expect("write");
    touched(path, when).expect("age");
}

fn touched(path: &std::path::Path, when: std::time::SystemTime) -> std::io::Result<()> {
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(when))
}

fn hour_ago() -> std::time::SystemTime {
    std::time::SystemTime::now() - std::time::Duration::from_secs(3600)
}

#[tokio::test]
async fn only_objects_older_than_the_cutoff_are_removed() {
    let (dir, storage) = local_store();
    let old = dir.path().join("blobs/sha256/aa/aaaa");
    let young = dir.path().join("blobs/sha256/bb/bbbb");
    stored_at(&old, hour_ago());
    stored_at(&young, std::time::SystemTime::now());
    let cutoff = chrono::Utc::now() - chrono::Duration::minutes(30);
    let removed = |key: &'static str, dry_run: bool| {
        let storage = &storage;
        async move {
            storage
                .remove_if_older(key, cutoff, dry_run)
                .await
                .expect("remove")
        }
    };
    assert_eq!(
        removed("blobs/sha256/aa/aaaa", true).await,
        Removal::Removed,
        "would be removed"
    );
    assert!(old.exists(), "a dry run removes nothing");
    assert_eq!(
        removed("blobs/sha256/aa/aaaa", false).await,
        Removal::Removed
    );
    assert!(!old.exists());
    assert_eq!(removed("blobs/sha256/bb/bbbb", false).await, Removal::Young);
    assert!(young.exists());
    assert_eq!(
        removed("blobs/sha256/cc/cccc", false).await,
        Removal::Young,
        "missing"
    );
}

/// An hour-old blob `blobs/sha256/aa/aaaa`, the store's lock held shared (as by a put in
/// progress) and a cutoff of half an hour ago: gc would remove the blob if it could lock.
fn old_blob_while_storing(
    dir: &tempfile::TempDir,
) -> (
    std::path::PathBuf,
    std::fs::File,
    chrono::DateTime<chrono::Utc>,
) {
    let blob = dir.path().join("blobs/sha256/aa/aaaa");
    stored_at(&blob, hour_ago());
    let store_lock = std::fs::File::open(dir.path()).expect("root");
    store_lock.lock_shared().expect("lock");
    let cutoff = chrono::Utc::now() - chrono::Duration::minutes(30);
    (blob, store_lock, cutoff)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gc_waits_for_a_store_in_progress_and_then_finds_the_blob_young() {
    let (dir, storage) = local_store();
    // A put_file in the middle of storing the same blob again holds the lock shared.
    let (blob, store_lock, cutoff) = old_blob_while_storing(&dir);
    // A wait far longer than the test's: what is tested is the waiting, not its bound.
    let gc = {
        let storage = storage.clone();
        tokio::spawn(async move {
            storage
                .remove_if_older_within(
                    "blobs/sha256/aa/aaaa",
                    cutoff,
                    false,
                    std::time::Duration::from_secs(60),
                )
                .await
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(!gc.is_finished(), "gc waits for the store");
    // Without the lock gc would have removed the old blob by now.
    touched(&blob, std::time::SystemTime::now()).expect("the blob is still there");
    drop(store_lock);
    let removed = gc.await.expect("join").expect("remove");
    assert_eq!(removed, Removal::Young, "stored again: young");
    assert!(blob.exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gc_gives_a_key_up_while_a_long_store_holds_the_lock() {
    let (dir, storage) = local_store();
    // A put_file syncing a large file holds the lock shared for longer than gc waits.
    let (blob, store_lock, cutoff) = old_blob_while_storing(&dir);
    let started = std::time::Instant::now();
    let removed = storage
        .remove_if_older("blobs/sha256/aa/aaaa", cutoff, false)
        .await
        .expect("remove");
    let waited = started.elapsed();
    assert_eq!(removed, Removal::Busy, "given up while the store is busy");
    assert!(blob.exists());
    assert!(
        waited >= REMOVE_LOCK_WAIT,
        "waited {waited:?} before giving up"
    );
    assert!(
        waited < std::time::Duration::from_secs(5),
        "waited {waited:?}: less than a database writer waits for gc's lock"
    );
    // The next collection, with the store idle, removes it.
    drop(store_lock);
    assert_eq!(
        storage
            .remove_if_older("blobs/sha256/aa/aaaa", cutoff, false)
            .await
            .expect("remove"),
        Removal::Removed
    );
    assert!(!blob.exists());
}

#[tokio::test]
async fn a_blob_already_stored_is_kept_and_made_young_again() {
    let (dir, storage) = local_store();
    let key = "blobs/sha256/ab/abcd";
    let stored = dir.path().join(key);
    let put = |bytes: &'static [u8], key: &'static str| {
        let storage = storage.clone();
        async move {
            let scratch = storage.scratch_dir("test-").expect("scratch");
            let file = scratch.path().join("data.csv");
            std::fs::write(&file, bytes).expect("write");
            let put = storage.put_file(key, &file).await.expect("put");
            (put, file.exists(), scratch)
        }
    };
    let (first, left, _scratch) = put(b"isi", key).await;
    assert_eq!((first, left), (Put::Stored, false));
    let inode = |path: &std::path::Path| {
        std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(path).expect("stat"))
    };
    let before = inode(&stored);
    touched(&stored, hour_ago()).expect("age");
    // The same bytes again: the stored copy stays (same file), young again; the new copy
    // is left in its scratch folder.
    let (again, left, _scratch) = put(b"isi", key).await;
    assert_eq!((again, left), (Put::Kept, true));
    assert_eq!(inode(&stored), before);
    let age = std::fs::metadata(&stored)
        .and_then(|m| m.modified())
        .expect("mtime")
        .elapsed()
        .unwrap_or_default();
    assert!(age < std::time::Duration::from_secs(60), "{age:?}");
    // Another size under the same name (a damaged copy) is replaced.
    let (other, left, _scratch) = put(b"lain", key).await;
    assert_eq!((other, left), (Put::Stored, false));
    assert_eq!(std::fs::read(&stored).expect("read"), b"lain");
    // Keys that do not name their bytes are always replaced.
    let (plain, _, _scratch) = put(b"lain", "datasets/x/versions/y/source").await;
    let (again, left, _scratch) = put(b"lain", "datasets/x/versions/y/source").await;
    assert_eq!((plain, again, left), (Put::Stored, Put::Stored, false));
}

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
