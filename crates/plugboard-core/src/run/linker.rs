//! The linker every run starts from: every WASI 0.2 interface wasmtime-wasi has (cli, clocks,
//! filesystem, io, random, sockets) and `wasi:http`, with the capability log's wrappers in front
//! of the calls it reports — and on an engine with async support, the WASI 0.3 ones too. Denied
//! capabilities stay linked and fail when called.

use wasmtime::Engine;
use wasmtime::component::types::ComponentItem;
use wasmtime::component::{Component, Linker};

use super::RunError;
use super::audit;
use super::host::HostState;

/// A fresh linker for `engine`'s components (linked runs add their wires to copies of it), with
/// WASI 0.3 when the engine has the component model's async support (`asynchronous`).
pub(crate) fn linker(engine: &Engine, asynchronous: bool) -> Result<Linker<HostState>, RunError> {
    let mut linker = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker).map_err(RunError::host)?;
    wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker).map_err(RunError::host)?;
    if asynchronous {
        wasmtime_wasi::p3::add_to_linker(&mut linker).map_err(RunError::host)?;
        wasmtime_wasi_http::p3::add_to_linker(&mut linker).map_err(RunError::host)?;
    }
    audit::add_to_linker(&mut linker, asynchronous).map_err(RunError::host)?;
    Ok(linker)
}

/// The first import of `component` that neither the host's linker nor `wired` (the imports a
/// linked run wires to other nodes) provides: checked before linking, so a missing import is
/// named as data rather than read out of the linker's message.
pub(crate) fn unprovided_import(
    component: &Component,
    engine: &Engine,
    wired: &[&str],
) -> Option<String> {
    component
        .component_type()
        .imports(engine)
        .find_map(|(name, item)| {
            let provided = matches!(item.ty, ComponentItem::Type(_) | ComponentItem::Resource(_))
                || wired.contains(&name)
                || crate::wasi::provided_by_host(name).is_some();
            (!provided).then(|| name.to_string())
        })
}

/// Pre-instantiates `component` with `linker`, naming the first import nothing provides, or
/// what the linker said when the imports are there but do not fit.
///
/// # Errors
/// [`RunError::MissingImport`] or [`RunError::Link`], about no node (callers name theirs).
pub(crate) fn instantiate_pre(
    linker: &Linker<super::host::HostState>,
    component: &Component,
    wired: &[&str],
) -> Result<wasmtime::component::InstancePre<super::host::HostState>, RunError> {
    if let Some(import) = unprovided_import(component, component.engine(), wired) {
        return Err(RunError::MissingImport { node: None, import });
    }
    linker
        .instantiate_pre(component)
        .map_err(|e| RunError::Link {
            node: None,
            message: format!("{e:#}"),
        })
}
