//! Reading and writing the files a user points Plugboard at, safely.
//!
//! Reads take regular files only, up to a stated size: a path to `/dev/zero`, a FIFO or a
//! directory is refused before a byte is read, and a file that grows while it is read is cut off
//! at the bound rather than filling memory. Writes are atomic: a temporary file beside the
//! target, renamed over it (or swapped with it), so no reader ever sees half a file.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The largest component file Plugboard reads: 512 MiB. The largest components in use
/// (componentize-py's, with a whole interpreter inside) are about 20 MB.
pub const MAX_COMPONENT_BYTES: u64 = 512 << 20;
/// The largest project file Plugboard reads: 16 MiB.
pub const MAX_PROJECT_BYTES: u64 = 16 << 20;
/// The largest file fed to a guest's stdin: 64 MiB (it is held in memory for the run).
pub const MAX_STDIN_BYTES: u64 = 64 << 20;

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file could not be opened or read.
    #[error("cannot read `{}`: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// Not a regular file: a directory, a device such as `/dev/zero`, a FIFO or a socket.
    #[error("`{}` is not a regular file ({kind}): name a file", path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What it is instead.
        kind: &'static str,
    },
    /// Larger than the bound for its kind of file.
    #[error("`{}` is too large: {size} bytes, the most a {what} may have is {limit} bytes", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size (or the size it had grown to when reading stopped).
        size: u64,
        /// The bound.
        limit: u64,
        /// What kind of file it was read as (`component`, `project file`, …).
        what: &'static str,
    },
}

impl ReadError {
    /// The operating system's error, when that is what went wrong.
    pub fn io_error(&self) -> Option<&std::io::Error> {
        match self {
            Self::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Reads the regular file at `path`, refusing anything else and anything larger than `limit`
/// bytes (`what` names the kind of file in the message) before reading it.
///
/// # Errors
/// [`ReadError::NotAFile`], [`ReadError::TooLarge`] or [`ReadError::Io`].
pub fn read_bounded(path: &Path, limit: u64, what: &'static str) -> Result<Vec<u8>, ReadError> {
    let io = |source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = open_regular(path)?;
    let size = file.metadata().map_err(io)?.len();
    let too_large = |size| ReadError::TooLarge {
        path: path.to_path_buf(),
        size,
        limit,
        what,
    };
    if size > limit {
        return Err(too_large(size));
    }
    // The size may change while reading: take one byte more than the bound to notice.
    let capacity = usize::try_from(size).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Opens `path` for reading if it is a regular file (following symbolic links).
///
/// # Errors
/// [`ReadError::NotAFile`] or [`ReadError::Io`].
pub fn open_regular(path: &Path) -> Result<File, ReadError> {
    let io = |source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    };
    // Look before opening: opening a FIFO for reading blocks until a writer appears.
    let kind = std::fs::metadata(path).map_err(io)?.file_type();
    if !kind.is_file() {
        return Err(ReadError::NotAFile {
            path: path.to_path_buf(),
            kind: describe(&kind),
        });
    }
    let file = File::open(path).map_err(io)?;
    // The path may have been swapped between the look and the open: look at what was opened.
    let opened = file.metadata().map_err(io)?.file_type();
    if !opened.is_file() {
        return Err(ReadError::NotAFile {
            path: path.to_path_buf(),
            kind: describe(&opened),
        });
    }
    Ok(file)
}

fn describe(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_dir() {
        "a directory"
    } else {
        "not a file"
    }
}

/// The directory a project file lives in (`.` for a bare file name).
pub fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => absolutize(p),
        _ => absolutize(Path::new(".")),
    }
}

/// `path` made absolute against the current directory, without touching the file system
/// otherwise (no symlink resolution: the user's paths stay the user's).
pub(crate) fn absolutize(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for part in joined.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// How much a write promises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Durability {
    /// Flushed to disk, file and folder, before the call returns: survives a power cut (what the
    /// user made: projects).
    Durable,
    /// Put in place without waiting for the disk (what can be made again: composed
    /// components, compiled code). Readers still never see half a file. On Linux a file already
    /// there is swapped out (`RENAME_EXCHANGE`) and then removed rather than renamed over:
    /// ext4 writes a file renamed over another to disk at once (`auto_da_alloc`), which made
    /// replacing an 18 MB composition take 11 ms more.
    Replaceable,
}

/// Writes `bytes` to a temporary file beside `path` and renames it over `path`, so no reader ever
/// sees half a file (see [`StagedFile`]).
pub(crate) fn write_atomically(
    path: &Path,
    bytes: &[u8],
    durability: Durability,
) -> std::io::Result<()> {
    let mut staged = StagedFile::beside(path)?;
    staged.file().write_all(bytes)?;
    staged.commit(durability)
}

/// A file written under a temporary name beside its destination and renamed over it by
/// [`StagedFile::commit`], so no reader ever sees half of it; dropped before its commit, it is
/// removed. For what is written in parts, or must not land unless something else succeeds.
pub(crate) struct StagedFile {
    temp: tempfile::NamedTempFile,
    path: PathBuf,
    dir: PathBuf,
}

impl StagedFile {
    /// A new empty file beside `path`.
    pub(crate) fn beside(path: &Path) -> std::io::Result<Self> {
        let dir = parent_dir(path);
        Ok(Self {
            temp: tempfile::NamedTempFile::new_in(&dir)?,
            path: path.to_path_buf(),
            dir,
        })
    }

    /// The file to write to.
    pub(crate) fn file(&mut self) -> &mut File {
        self.temp.as_file_mut()
    }

    /// Puts the file in place. A file written over keeps its permissions.
    /// [`Durability::Durable`] also syncs the file before the rename and the folder after it,
    /// so the rename itself is on disk.
    pub(crate) fn commit(self, durability: Durability) -> std::io::Result<()> {
        if let Ok(existing) = std::fs::metadata(&self.path) {
            self.temp
                .as_file()
                .set_permissions(existing.permissions())?;
        }
        if durability == Durability::Durable {
            self.temp.as_file().sync_all()?;
        }
        // Only a regular file is swapped out: a folder or a link is renamed over, or refused,
        // as before.
        let replaces_a_file = std::fs::symlink_metadata(&self.path).is_ok_and(|m| m.is_file());
        if durability == Durability::Replaceable
            && replaces_a_file
            && exchange(self.temp.path(), &self.path).is_ok()
        {
            // The temporary name now holds the old file: dropping it removes it.
            drop(self.temp);
            return Ok(());
        }
        self.temp.persist(&self.path).map_err(|e| e.error)?;
        if durability == Durability::Durable {
            sync_dir(&self.dir)?;
        }
        Ok(())
    }
}

/// Swaps the files at `a` and `b` atomically.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

/// Swapping files atomically is Linux's (`renameat2`): elsewhere the caller renames.
#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// Makes a rename in `dir` durable (a directory is synced through a handle opened on it).
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_fifos_and_folders_are_refused_before_reading() {
        let dir = tempfile::tempdir().expect("a temp dir");
        for path in [Path::new("/dev/zero"), dir.path()] {
            let error = read_bounded(path, 1 << 20, "component").expect_err("refused");
            assert!(matches!(error, ReadError::NotAFile { .. }), "{error}");
        }
        #[cfg(unix)]
        {
            let fifo = dir.path().join("fifo");
            let status = std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .expect("mkfifo runs");
            assert!(status.success());
            // Opening a FIFO would block this test forever: it must be refused first.
            let error = read_bounded(&fifo, 1 << 20, "component").expect_err("refused");
            assert!(error.to_string().contains("a FIFO"), "{error}");
        }
    }

    #[test]
    fn a_file_over_the_bound_is_refused_by_its_size() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("big.wasm");
        let file = File::create(&path).expect("create");
        // Sparse: 50 GB that take no disk space, and must not be allocated either.
        file.set_len(50 << 30).expect("set_len");
        let error = read_bounded(&path, MAX_COMPONENT_BYTES, "component").expect_err("refused");
        assert!(
            matches!(error, ReadError::TooLarge { size, .. } if size == 50 << 30),
            "{error}"
        );
        std::fs::write(&path, b"12345").expect("write");
        assert_eq!(read_bounded(&path, 5, "x").expect("fits"), b"12345");
        assert!(read_bounded(&path, 4, "x").is_err());
    }

    #[test]
    fn a_staged_file_dropped_before_its_commit_leaves_the_old_file_and_nothing_else() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("out.wasm");
        std::fs::write(&path, b"old").expect("write");
        let mut staged = StagedFile::beside(&path).expect("staged");
        staged.file().write_all(b"half of the new").expect("write");
        drop(staged);
        assert_eq!(std::fs::read(&path).expect("read"), b"old");
        assert_eq!(names_in(dir.path()), ["out.wasm"]);
    }

    /// The names of the files in `dir`, sorted.
    fn names_in(dir: &Path) -> Vec<std::ffi::OsString> {
        let mut names: Vec<_> = std::fs::read_dir(dir)
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_replaceable_write_swaps_the_old_file_out_and_leaves_nothing_else() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("out.wasm");
        std::fs::write(&path, b"old").expect("write");
        // A reader of the old file keeps reading it: it was replaced, not rewritten.
        let mut reader = File::open(&path).expect("open");
        write_atomically(&path, b"new", Durability::Replaceable).expect("written");
        assert_eq!(std::fs::read(&path).expect("read"), b"new");
        let mut old = String::new();
        reader.read_to_string(&mut old).expect("read the old file");
        assert_eq!(old, "old");
        // A folder in the way is neither swapped out nor replaced.
        let folder = dir.path().join("folder");
        std::fs::create_dir(&folder).expect("mkdir");
        assert!(write_atomically(&folder, b"new", Durability::Replaceable).is_err());
        assert!(folder.is_dir());
        assert_eq!(names_in(dir.path()), ["folder", "out.wasm"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_file_written_over_keeps_its_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("p.json");
        std::fs::write(&path, b"old").expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).expect("chmod");
        write_atomically(&path, b"new", Durability::Durable).expect("written");
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
        assert_eq!(std::fs::read(&path).expect("read"), b"new");
    }
}
