//! Resource handles crossing linked wires.
//!
//! A handle means something only in the instance that made it, so a consumer never holds the
//! provider's handles: for every resource an imported interface defines, the consumer's linker
//! defines a host resource of its own (a dynamic type, one per wire and resource), and the host
//! keeps, for each such proxy, the provider's handle behind it. Forwarded calls translate both
//! ways, inside records, lists, options, results, variants and tuples too: a proxy passed in
//! becomes the provider's handle (lent for a `borrow`, handed over for an `own`), a provider's
//! handle coming back becomes a new proxy. Dropping a proxy drops the provider's handle, so the
//! provider's destructor runs, with the provider's grants. Handles of resources the host itself
//! defines (WASI's streams and pollables) are the same in every instance of the store, and pass
//! through as they are.

use std::collections::HashMap;

use wasmtime::StoreContextMut;
use wasmtime::component::{ResourceAny, ResourceDynamic, ResourceType, Val};

use super::limits::MAX_PROXIES;

/// What a store's data offers the proxying: its table of lent handles, and whose code runs.
pub(crate) trait ProxyHost: Send {
    fn proxied(&mut self) -> &mut Proxied;
    fn current(&self) -> usize;
    fn set_current(&mut self, node: usize);
}

/// The provider handles that proxies stand for, by the proxy's rep.
#[derive(Default)]
pub(crate) struct Proxied {
    handles: HashMap<u32, Lent>,
    next: u32,
}

/// A provider's handle behind a proxy.
#[derive(Clone, Copy)]
struct Lent {
    handle: ResourceAny,
    /// The node that owns it (its destructor runs with that node's grants).
    provider: usize,
}

impl Proxied {
    fn insert(&mut self, lent: Lent) -> wasmtime::Result<u32> {
        if self.handles.len() >= MAX_PROXIES {
            wasmtime::bail!(
                "more than {MAX_PROXIES} handles held across wires at once: a node makes handles without dropping them"
            );
        }
        // A rep is free again once its proxy is dropped; u32 reps wrap around only after four
        // billion proxies, and skip those still alive.
        loop {
            let rep = self.next;
            self.next = self.next.wrapping_add(1);
            if let std::collections::hash_map::Entry::Vacant(slot) = self.handles.entry(rep) {
                slot.insert(lent);
                return Ok(rep);
            }
        }
    }
}

/// The proxy types of one wire: each resource the provider's export defines, with the dynamic
/// type the consumer sees it as.
pub(crate) type WireTypes = Vec<(ResourceType, u32)>;

/// Replaces, in `value` (a forwarded argument), every proxy with the provider's handle behind it:
/// lent for a borrow, handed over (the proxy forgotten) for an own.
pub(crate) fn to_provider(
    store: &mut StoreContextMut<'_, impl ProxyHost>,
    types: &WireTypes,
    value: &mut Val,
) -> wasmtime::Result<()> {
    match value {
        Val::Resource(handle) => {
            if !types
                .iter()
                .any(|(_, key)| handle.ty() == ResourceType::host_dynamic(*key))
            {
                return Ok(());
            }
            let proxy: ResourceDynamic = handle.try_into_resource_dynamic(&mut *store)?;
            let proxied = store.data_mut().proxied();
            let lent = if proxy.owned() {
                proxied.handles.remove(&proxy.rep())
            } else {
                proxied.handles.get(&proxy.rep()).copied()
            };
            let lent = lent.ok_or_else(|| {
                wasmtime::format_err!("a handle crossed a wire after the provider's was dropped")
            })?;
            *value = Val::Resource(lent.handle);
            Ok(())
        }
        other => each_inner(other, |inner| to_provider(store, types, inner)),
    }
}

/// Replaces, in `value` (a forwarded result), every handle of a resource the provider defines
/// with a new proxy the consumer owns.
pub(crate) fn to_consumer(
    store: &mut StoreContextMut<'_, impl ProxyHost>,
    types: &WireTypes,
    provider: usize,
    value: &mut Val,
) -> wasmtime::Result<()> {
    match value {
        Val::Resource(handle) => {
            let Some((_, key)) = types.iter().find(|(ty, _)| handle.ty() == *ty) else {
                return Ok(());
            };
            let rep = store.data_mut().proxied().insert(Lent {
                handle: *handle,
                provider,
            })?;
            *value =
                Val::Resource(ResourceDynamic::new_own(rep, *key).try_into_resource_any(store)?);
            Ok(())
        }
        other => each_inner(other, |inner| to_consumer(store, types, provider, inner)),
    }
}

/// Calls `f` on every value directly inside `value`.
fn each_inner(
    value: &mut Val,
    mut f: impl FnMut(&mut Val) -> wasmtime::Result<()>,
) -> wasmtime::Result<()> {
    match value {
        Val::List(items) | Val::Tuple(items) => items.iter_mut().try_for_each(f),
        Val::Record(fields) => fields.iter_mut().try_for_each(|(_, v)| f(v)),
        Val::Variant(_, Some(payload)) | Val::Option(Some(payload)) => f(payload),
        Val::Result(Ok(Some(payload)) | Err(Some(payload))) => f(payload),
        _ => Ok(()),
    }
}

/// The destructor of a proxy: drops the provider's handle behind it, running the provider's
/// destructor with the provider's grants.
pub(crate) async fn drop_proxy(
    mut store: StoreContextMut<'_, impl ProxyHost>,
    rep: u32,
) -> wasmtime::Result<()> {
    let Some(lent) = store.data_mut().proxied().handles.remove(&rep) else {
        return Ok(());
    };
    let caller = store.data().current();
    store.data_mut().set_current(lent.provider);
    let dropped = lent.handle.resource_drop_async(&mut store).await;
    store.data_mut().set_current(caller);
    dropped
}
