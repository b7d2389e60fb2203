//! The linker every run starts from: every WASI 0.2 interface wasmtime-wasi has (cli, clocks,
//! filesystem, io, random, sockets) and `wasi:http`, with the capability log's wrappers in front
//! of the calls it reports. Denied capabilities stay linked and fail when called.

use wasmtime::Engine;
use wasmtime::component::Linker;

use super::RunError;
use super::audit;
use super::host::HostState;

/// A fresh linker for `engine`'s components (linked runs add their wires to copies of it).
pub(crate) fn linker(engine: &Engine) -> Result<Linker<HostState>, RunError> {
    let mut linker = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker).map_err(RunError::host)?;
    wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker).map_err(RunError::host)?;
    audit::add_to_linker(&mut linker).map_err(RunError::host)?;
    Ok(linker)
}
