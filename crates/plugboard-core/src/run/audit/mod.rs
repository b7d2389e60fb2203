//! The capability log: wrappers in front of the WASI calls that reveal or reach what the host
//! grants (directories and files, the environment and arguments, stdin, name lookups), each
//! calling wasmtime-wasi's own function unchanged and logging what it answered. Sockets and
//! outgoing HTTP are logged where wasmtime-wasi asks the host (the address check and the HTTP
//! hook, in [`super::host`]). Everything is logged with the node whose code made the call.

mod cli;
mod filesystem;
mod p3;
mod sockets;

use wasmtime::component::Linker;

use super::host::HostState;

/// Shadows the logged functions in `linker` (which already holds wasmtime-wasi's), the WASI 0.3
/// ones too when it has them (`with_0_3`).
pub(crate) fn add_to_linker(
    linker: &mut Linker<HostState>,
    with_0_3: bool,
) -> wasmtime::Result<()> {
    linker.allow_shadowing(true);
    cli::add_to_linker(linker)?;
    filesystem::add_to_linker(linker)?;
    sockets::add_to_linker(linker)?;
    if with_0_3 {
        p3::add_to_linker(linker)?;
    }
    linker.allow_shadowing(false);
    Ok(())
}

/// The version the host's WASI 0.2 instances are named with (wasmtime-wasi's WIT).
const VERSION: &str = crate::wasi::HOST_WASI_VERSION;

/// The host's name of a WASI 0.2 interface: `wasi:cli/environment@0.2.12`.
fn instance(interface: &str) -> String {
    format!("{interface}@{VERSION}")
}
