//! Name lookups in the capability log, with the host name the guest asked for: wasmtime-wasi
//! has no hook there (connects, binds and sends are logged by the address check).

use wasmtime::StoreContextMut;
use wasmtime::component::{Linker, Resource};
use wasmtime_wasi::p2::Network;
use wasmtime_wasi::p2::bindings::sockets::ip_name_lookup::{Host, ResolveAddressStream};
use wasmtime_wasi::p2::bindings::sockets::network::ErrorCode;
use wasmtime_wasi::sockets::WasiSocketsView;

use super::instance;
use crate::run::host::HostState;

pub(super) fn add_to_linker(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    type Lookup = (Result<Resource<ResolveAddressStream>, ErrorCode>,);
    linker
        .instance(&instance("wasi:sockets/ip-name-lookup"))?
        .func_wrap(
            "resolve-addresses",
            |mut store: StoreContextMut<'_, HostState>,
             (network, name): (Resource<Network>, String)|
             -> wasmtime::Result<Lookup> {
                let state = store.data_mut();
                note_lookup(state, &name);
                match Host::resolve_addresses(&mut state.sockets(), network, name) {
                    Ok(stream) => Ok((Ok(stream),)),
                    Err(error) => Ok((Err(error.downcast()?),)),
                }
            },
        )?;
    Ok(())
}

/// Logs a lookup of `name`, allowed or denied as the grants decide (for WASI 0.2 and 0.3).
pub(super) fn note_lookup(state: &mut HostState, name: &str) {
    let allowed = state.audit().allow_ip_name_lookup;
    state.log_capability(
        "wasi:sockets/ip-name-lookup",
        name.to_string(),
        allowed,
        "allow-ip-name-lookup",
    );
}
