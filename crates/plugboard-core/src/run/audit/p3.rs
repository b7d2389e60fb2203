//! The capability log for WASI 0.3: the environment, the arguments and the granted directories,
//! logged as for 0.2 (the same wrappers' notes, around wasmtime-wasi's own 0.3 functions).
//! Sockets and outgoing HTTP are logged by the same hooks as 0.2 (the address check and the
//! HTTP hook); 0.3's async `open-at` and `resolve-addresses` are enforced but not logged yet.

use wasmtime::StoreContextMut;
use wasmtime::component::{Linker, Resource};
use wasmtime_wasi::cli::WasiCliView;
use wasmtime_wasi::filesystem::{Descriptor, WasiFilesystemView};
use wasmtime_wasi::p3::bindings::cli::environment;
use wasmtime_wasi::p3::bindings::filesystem::preopens;

use super::cli::{note_arguments, note_environment};
use super::filesystem::note_directories;
use crate::run::host::HostState;
use crate::wasi::HOST_WASI_03_VERSION;

/// Shadows the logged WASI 0.3 functions in `linker` (which already holds wasmtime-wasi's).
pub(super) fn add_to_linker(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    let mut env = linker.instance(&format!("wasi:cli/environment@{HOST_WASI_03_VERSION}"))?;
    env.func_wrap(
        "get-environment",
        |mut store: StoreContextMut<'_, HostState>,
         (): ()|
         -> wasmtime::Result<(Vec<(String, String)>,)> {
            let state = store.data_mut();
            let vars = environment::Host::get_environment(&mut state.cli())?;
            note_environment(state, &vars);
            Ok((vars,))
        },
    )?;
    env.func_wrap(
        "get-arguments",
        |mut store: StoreContextMut<'_, HostState>, (): ()| -> wasmtime::Result<(Vec<String>,)> {
            let state = store.data_mut();
            let args = environment::Host::get_arguments(&mut state.cli())?;
            note_arguments(state, &args);
            Ok((args,))
        },
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
    Ok(())
}
