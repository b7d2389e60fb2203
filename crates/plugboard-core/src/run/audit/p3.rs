//! The capability log for WASI 0.3: the environment, the arguments, the granted directories,
//! each file opened and each name looked up, logged as for 0.2 (the same notes, around
//! wasmtime-wasi's own 0.3 functions). Sockets and outgoing HTTP are logged by the same hooks
//! as 0.2 (the address check and the HTTP hook).

use wasmtime::StoreContextMut;
use wasmtime::component::{Accessor, Linker, Resource};
use wasmtime_wasi::cli::WasiCliView;
use wasmtime_wasi::filesystem::{
    Descriptor, WasiFilesystem, WasiFilesystemCtxView, WasiFilesystemView,
};
use wasmtime_wasi::p3::bindings::cli::environment;
use wasmtime_wasi::p3::bindings::filesystem::preopens;
use wasmtime_wasi::p3::bindings::filesystem::types::{
    DescriptorFlags, ErrorCode, HostDescriptorWithStore, OpenFlags, PathFlags,
};
use wasmtime_wasi::p3::bindings::sockets::ip_name_lookup::{
    ErrorCode as LookupError, HostWithStore as _,
};
use wasmtime_wasi::p3::bindings::sockets::types::IpAddress;
use wasmtime_wasi::sockets::{WasiSockets, WasiSocketsCtxView, WasiSocketsView};

use super::cli::log_environment;
use super::filesystem::{note_directories, note_open};
use super::sockets::note_lookup;
use crate::run::host::HostState;
use crate::wasi::HOST_WASI_03_VERSION;

/// Shadows the logged WASI 0.3 functions in `linker` (which already holds wasmtime-wasi's).
pub(super) fn add_to_linker(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    log_environment(
        &mut linker.instance(&format!("wasi:cli/environment@{HOST_WASI_03_VERSION}"))?,
        |state| environment::Host::get_environment(&mut state.cli()),
        |state| environment::Host::get_arguments(&mut state.cli()),
    )?;
    type Directories = (Vec<(Resource<Descriptor>, String)>,);
    linker
        .instance(&format!("wasi:filesystem/preopens@{HOST_WASI_03_VERSION}"))?
        .func_wrap(
            "get-directories",
            |mut store: StoreContextMut<'_, HostState>, (): ()| -> wasmtime::Result<Directories> {
                let state = store.data_mut();
                let directories = preopens::Host::get_directories(&mut state.filesystem())?;
                note_directories(state, &directories);
                Ok((directories,))
            },
        )?;
    log_open(linker)?;
    log_lookup(linker)
}

fn filesystem_of(state: &mut HostState) -> WasiFilesystemCtxView<'_> {
    state.filesystem()
}

fn sockets_of(state: &mut HostState) -> WasiSocketsCtxView<'_> {
    state.sockets()
}

/// `[method]descriptor.open-at`: every file or directory opened, for reading or writing.
fn log_open(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    type Open = (Result<Resource<Descriptor>, ErrorCode>,);
    linker
        .instance(&format!("wasi:filesystem/types@{HOST_WASI_03_VERSION}"))?
        .func_wrap_concurrent(
            "[method]descriptor.open-at",
            |accessor: &Accessor<HostState>,
             (fd, path_flags, path, open_flags, flags): (
                Resource<Descriptor>,
                PathFlags,
                String,
                OpenFlags,
                DescriptorFlags,
            )| {
                Box::pin(async move {
                    let full =
                        accessor.with(|mut access| access.get().audit().full_path(fd.rep(), &path));
                    let writing = flags.contains(DescriptorFlags::WRITE)
                        || open_flags.intersects(OpenFlags::CREATE | OpenFlags::TRUNCATE);
                    let filesystem = accessor.with_getter::<WasiFilesystem>(filesystem_of);
                    let result = WasiFilesystem::open_at(
                        &filesystem,
                        fd,
                        path_flags,
                        path,
                        open_flags,
                        flags,
                    )
                    .await;
                    let result = match result {
                        Ok(opened) => Ok(opened),
                        Err(error) => Err(error.downcast()?),
                    };
                    // 0.3's error codes are their own type: the same three mean a denial.
                    let denied = matches!(
                        result,
                        Err(ErrorCode::Access | ErrorCode::NotPermitted | ErrorCode::ReadOnly)
                    );
                    let opened = result.as_ref().ok().map(Resource::rep);
                    accessor.with(|mut access| {
                        note_open(access.get(), full, writing, denied, opened);
                    });
                    Ok((result,)) as wasmtime::Result<Open>
                })
            },
        )?;
    Ok(())
}

/// `resolve-addresses`: each host name looked up, with the toggle that decides it.
fn log_lookup(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    type Lookup = (Result<Vec<IpAddress>, LookupError>,);
    linker
        .instance(&format!(
            "wasi:sockets/ip-name-lookup@{HOST_WASI_03_VERSION}"
        ))?
        .func_wrap_concurrent(
            "resolve-addresses",
            |accessor: &Accessor<HostState>, (name,): (String,)| {
                Box::pin(async move {
                    accessor.with(|mut access| note_lookup(access.get(), &name));
                    let sockets = accessor.with_getter::<WasiSockets>(sockets_of);
                    let result = WasiSockets::resolve_addresses(&sockets, name).await?;
                    Ok((result,)) as wasmtime::Result<Lookup>
                })
            },
        )?;
    Ok(())
}
