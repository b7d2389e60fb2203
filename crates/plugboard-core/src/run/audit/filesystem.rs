//! The filesystem in the capability log: which directories a guest asked for, and each open,
//! create, delete, rename and link it tried, allowed or denied. wasmtime-wasi decides every one of
//! them (read-only grants, paths escaping a granted directory); it has no hook there, so these
//! wrappers shadow its functions, call them unchanged and log what they answered.

use std::future::Future;

use wasmtime::StoreContextMut;
use wasmtime::component::{Linker, LinkerInstance, Resource};
use wasmtime_wasi::filesystem::{Descriptor, WasiFilesystemView};
use wasmtime_wasi::p2::FsResult;
use wasmtime_wasi::p2::bindings::filesystem::preopens::Host as _;
use wasmtime_wasi::p2::bindings::filesystem::types::{
    DescriptorFlags, ErrorCode, HostDescriptor, OpenFlags, PathFlags,
};

use super::instance;
use crate::run::host::HostState;

/// Shadows the filesystem functions that reveal what a guest may reach or change.
pub(super) fn add_to_linker(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    log_directories(&mut linker.instance(&instance("wasi:filesystem/preopens"))?)?;
    let mut types = linker.instance(&instance("wasi:filesystem/types"))?;
    log_open(&mut types)?;
    log_change(
        &mut types,
        "create-directory-at",
        "create directory",
        |mut fs, fd, path| Box::pin(async move { fs.create_directory_at(fd, path).await }),
    )?;
    log_change(
        &mut types,
        "remove-directory-at",
        "remove directory",
        |mut fs, fd, path| Box::pin(async move { fs.remove_directory_at(fd, path).await }),
    )?;
    log_change(
        &mut types,
        "unlink-file-at",
        "delete",
        |mut fs, fd, path| Box::pin(async move { fs.unlink_file_at(fd, path).await }),
    )?;
    log_rename(&mut types)?;
    log_links(&mut types)?;
    Ok(())
}

/// Remembers the granted directories' guest paths (to name the files opened in them) and logs,
/// once per node, which were granted, or a denial when none were.
pub(super) fn note_directories(
    state: &mut HostState,
    directories: &[(Resource<Descriptor>, String)],
) {
    let log = state.audit();
    for (descriptor, guest) in directories {
        log.paths.insert(descriptor.rep(), guest.clone());
    }
    if log.first("directories") {
        let targets: Vec<String> = if directories.is_empty() {
            vec!["granted directories: none".to_string()]
        } else {
            directories
                .iter()
                .map(|(_, guest)| format!("directory {guest}"))
                .collect()
        };
        for target in targets {
            state.log_capability(
                "wasi:filesystem/preopens",
                target,
                !directories.is_empty(),
                "dirs",
            );
        }
    }
}

/// `get-directories`: the directories granted, or a denial when there are none.
fn log_directories(preopens: &mut LinkerInstance<'_, HostState>) -> wasmtime::Result<()> {
    type Directories = (Vec<(Resource<Descriptor>, String)>,);
    preopens.func_wrap(
        "get-directories",
        |mut store: StoreContextMut<'_, HostState>, (): ()| -> wasmtime::Result<Directories> {
            let state = store.data_mut();
            let directories = state.filesystem().get_directories()?;
            note_directories(state, &directories);
            Ok((directories,))
        },
    )
}

/// Logs an open of `full` (the path as the guest sees it), for writing or not, allowed unless
/// `denied`, and names the descriptor it `opened` after that path (WASI 0.2 and 0.3).
pub(super) fn note_open(
    state: &mut HostState,
    full: String,
    writing: bool,
    denied: bool,
    opened: Option<u32>,
) {
    let verb = if writing { "open for writing" } else { "open" };
    state.log_capability(
        "wasi:filesystem/types",
        format!("{verb} {full}"),
        !denied,
        "dirs",
    );
    if let Some(rep) = opened {
        state.audit().paths.insert(rep, full);
    }
}

/// Whether a filesystem call was refused by the grants (not, say, a missing file).
fn is_denial<T>(result: &Result<T, ErrorCode>) -> bool {
    matches!(
        result,
        Err(ErrorCode::Access | ErrorCode::NotPermitted | ErrorCode::ReadOnly)
    )
}

/// `[method]descriptor.open-at`: every file or directory opened, for reading or writing.
fn log_open(types: &mut LinkerInstance<'_, HostState>) -> wasmtime::Result<()> {
    type Open = (Result<Resource<Descriptor>, ErrorCode>,);
    types.func_wrap_async(
        "[method]descriptor.open-at",
        |mut store: StoreContextMut<'_, HostState>,
         (fd, path_flags, path, open_flags, flags): (
            Resource<Descriptor>,
            PathFlags,
            String,
            OpenFlags,
            DescriptorFlags,
        )| {
            Box::new(async move {
                let state = store.data_mut();
                let full = state.audit().full_path(fd.rep(), &path);
                let writing = flags.contains(DescriptorFlags::WRITE)
                    || open_flags.intersects(OpenFlags::CREATE | OpenFlags::TRUNCATE);
                let result = state
                    .filesystem()
                    .open_at(fd, path_flags, path, open_flags, flags)
                    .await;
                let result = match result {
                    Ok(opened) => Ok(opened),
                    Err(error) => Err(error.downcast()?),
                };
                let opened = result.as_ref().ok().map(Resource::rep);
                note_open(state, full, writing, is_denial(&result), opened);
                Ok((result,)) as wasmtime::Result<Open>
            })
        },
    )
}

/// The future of a wasmtime-wasi filesystem call that changes a directory.
type Change<'a> = std::pin::Pin<Box<dyn Future<Output = FsResult<()>> + Send + 'a>>;

/// A `[method]descriptor.NAME(path)` that changes a directory, logged as `VERB path`.
fn log_change(
    types: &mut LinkerInstance<'_, HostState>,
    name: &str,
    verb: &'static str,
    call: for<'a> fn(
        wasmtime_wasi::filesystem::WasiFilesystemCtxView<'a>,
        Resource<Descriptor>,
        String,
    ) -> Change<'a>,
) -> wasmtime::Result<()> {
    types.func_wrap_async(
        &format!("[method]descriptor.{name}"),
        move |mut store: StoreContextMut<'_, HostState>,
              (fd, path): (Resource<Descriptor>, String)| {
            Box::new(async move {
                let state = store.data_mut();
                let full = state.audit().full_path(fd.rep(), &path);
                let result = call(state.filesystem(), fd, path).await;
                Ok((state.log_fs(format!("{verb} {full}"), result)?,))
                    as wasmtime::Result<(Result<(), ErrorCode>,)>
            })
        },
    )
}

/// `[method]descriptor.rename-at`.
fn log_rename(types: &mut LinkerInstance<'_, HostState>) -> wasmtime::Result<()> {
    types.func_wrap_async(
        "[method]descriptor.rename-at",
        |mut store: StoreContextMut<'_, HostState>,
         (fd, old, new_fd, new): (Resource<Descriptor>, String, Resource<Descriptor>, String)| {
            Box::new(async move {
                let state = store.data_mut();
                let log = state.audit();
                let target = format!(
                    "rename {} to {}",
                    log.full_path(fd.rep(), &old),
                    log.full_path(new_fd.rep(), &new)
                );
                let result = state.filesystem().rename_at(fd, old, new_fd, new).await;
                Ok((state.log_fs(target, result)?,))
                    as wasmtime::Result<(Result<(), ErrorCode>,)>
            })
        },
    )
}

/// `[method]descriptor.symlink-at` and `[method]descriptor.link-at`: links made in a granted
/// directory (wasmtime-wasi refuses any that would point outside it).
fn log_links(types: &mut LinkerInstance<'_, HostState>) -> wasmtime::Result<()> {
    types.func_wrap_async(
        "[method]descriptor.symlink-at",
        |mut store: StoreContextMut<'_, HostState>,
         (fd, target, link): (Resource<Descriptor>, String, String)| {
            Box::new(async move {
                let state = store.data_mut();
                let full = state.audit().full_path(fd.rep(), &link);
                let result = state
                    .filesystem()
                    .symlink_at(fd, target.clone(), link)
                    .await;
                Ok((state.log_fs(format!("symlink {full} to {target}"), result)?,))
                    as wasmtime::Result<(Result<(), ErrorCode>,)>
            })
        },
    )?;
    types.func_wrap_async(
        "[method]descriptor.link-at",
        |mut store: StoreContextMut<'_, HostState>,
         (fd, flags, old, new_fd, new): (
            Resource<Descriptor>,
            PathFlags,
            String,
            Resource<Descriptor>,
            String,
        )| {
            Box::new(async move {
                let state = store.data_mut();
                let log = state.audit();
                let target = format!(
                    "link {} to {}",
                    log.full_path(new_fd.rep(), &new),
                    log.full_path(fd.rep(), &old)
                );
                let result = state
                    .filesystem()
                    .link_at(fd, flags, old, new_fd, new)
                    .await;
                Ok((state.log_fs(target, result)?,)) as wasmtime::Result<(Result<(), ErrorCode>,)>
            })
        },
    )
}

impl HostState {
    /// Logs a filesystem call as allowed, unless wasmtime-wasi refused it for want of a grant
    /// (a read-only directory, a path outside the granted ones); returns its answer to the
    /// guest. A trap stays a trap.
    fn log_fs<T>(
        &mut self,
        target: String,
        result: FsResult<T>,
    ) -> wasmtime::Result<Result<T, ErrorCode>> {
        let result = match result {
            Ok(value) => Ok(value),
            Err(error) => Err(error.downcast()?),
        };
        self.log_capability("wasi:filesystem/types", target, !is_denial(&result), "dirs");
        Ok(result)
    }
}
