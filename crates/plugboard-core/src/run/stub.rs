//! Stubs: the host answers an import nobody provides with values typed in advance (see
//! [`crate::project::Stub`]), so a consumer runs alone.
//!
//! Each answer is parsed against the import's own types when the run is prepared, so a value
//! that does not fit is refused, naming the stub and the function, before the guest starts;
//! each call then only copies the parsed values. In a tapped linked run a stub's calls are
//! recorded like any wire's, the stub named as the callee.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use wasmtime::component::types::{ComponentFunc, ComponentItem};
use wasmtime::component::wasm_wave;
use wasmtime::component::{Accessor, Component, Linker, Type, Val};
use wasmtime::{AsContextMut, StoreContextMut};

use super::RunError;
use super::host::HostState;
use super::invoke::type_name;
use super::linked::{ConcurrentForwarding, Forwarding, tap_record};
use crate::project::{NodeId, Stub, StubAnswer};

/// A stub as a run uses it: what it answers, and where its calls are recorded.
#[derive(Debug, Clone)]
pub(crate) struct PlannedStub {
    /// The stub's id: the callee its recorded calls name.
    pub(crate) id: NodeId,
    /// The import it answers.
    pub(crate) import: String,
    /// Each function's answer, by name.
    pub(crate) functions: BTreeMap<String, StubAnswer>,
    /// The tap slot of each function, when the run taps its wires (see [`super::tap`]).
    pub(crate) slots: BTreeMap<String, usize>,
}

impl PlannedStub {
    pub(crate) fn of(stub: &Stub) -> Self {
        Self {
            id: stub.id.clone(),
            import: stub.answers.port.clone(),
            functions: stub.functions.clone(),
            slots: BTreeMap::new(),
        }
    }

    fn refused(&self, message: impl Into<String>) -> RunError {
        RunError::Stub {
            stub: self.id.clone(),
            import: self.import.clone(),
            message: message.into(),
        }
    }
}

/// How one function answers, parsed: the values it returns, or the trap it raises.
#[derive(Debug)]
enum Answer {
    Returns(Vec<Val>),
    Traps(String),
}

impl Answer {
    fn give(&self, results: &mut [Val]) -> wasmtime::Result<()> {
        match self {
            Self::Returns(values) => {
                for (slot, value) in results.iter_mut().zip(values) {
                    *slot = value.clone();
                }
                Ok(())
            }
            Self::Traps(message) => Err(wasmtime::format_err!("{message}")),
        }
    }
}

/// Defines every function of the import `stub` answers in `linker` (in place of anything the
/// host would provide under that name), for `component`, whose import it is.
///
/// # Errors
/// [`RunError::Stub`] when `component` has no such import, the import defines resources (a stub
/// has no instances to give out), the stub names a function the import lacks, or an answer is
/// not a value of its function's result type.
pub(crate) fn define(
    linker: &mut Linker<HostState>,
    component: &Component,
    stub: &PlannedStub,
) -> Result<(), RunError> {
    let (functions, top_level) = import_functions(component, stub)?;
    if let Some(unknown) = stub
        .functions
        .keys()
        .find(|name| !functions.iter().any(|(f, _)| f == *name))
    {
        let known: Vec<&str> = functions.iter().map(|(f, _)| f.as_str()).collect();
        return Err(stub.refused(format!(
            "it answers `{unknown}`, which the import does not have (it has {})",
            known.join(", ")
        )));
    }
    linker.allow_shadowing(true);
    for (name, ty) in functions {
        let answer = Arc::new(parse(stub, &name, &ty)?);
        let slot = stub.slots.get(&name).copied();
        let mut instance = if top_level {
            linker.root()
        } else {
            linker.instance(&stub.import).map_err(RunError::host)?
        };
        let defined = if ty.async_() {
            instance.func_new_concurrent(&name, concurrent_answerer(answer, slot))
        } else {
            instance.func_new_async(&name, answerer(answer, slot))
        };
        defined.map_err(|e| stub.refused(format!("{e:#}")))?;
    }
    Ok(())
}

/// The functions of the import `stub` answers, by name, and whether the import is one top-level
/// function (named as the import) rather than an interface.
fn import_functions(
    component: &Component,
    stub: &PlannedStub,
) -> Result<(Vec<(String, ComponentFunc)>, bool), RunError> {
    let engine = component.engine();
    let item = component
        .component_type()
        .imports(engine)
        .find(|(name, _)| *name == stub.import)
        .map(|(_, item)| item.ty)
        .ok_or_else(|| stub.refused("the node does not import it"))?;
    match item {
        ComponentItem::ComponentFunc(func) => Ok((vec![(stub.import.clone(), func)], true)),
        ComponentItem::ComponentInstance(instance) => {
            let mut functions = Vec::new();
            for (name, item) in instance.exports(engine) {
                match item.ty {
                    ComponentItem::ComponentFunc(func) => functions.push((name.to_string(), func)),
                    ComponentItem::Resource(_) => {
                        return Err(stub.refused(format!(
                            "it defines the resource `{name}`, and a stub has no instances of it \
                             to give out: wire a provider instead"
                        )));
                    }
                    _ => {}
                }
            }
            Ok((functions, false))
        }
        _ => Err(stub.refused("it is neither a function nor an interface")),
    }
}

/// The answer of `function` (of type `ty`): what the stub says, parsed as the function's result;
/// a function the stub leaves out returns nothing if it can, and traps if it has a result.
fn parse(stub: &PlannedStub, function: &str, ty: &ComponentFunc) -> Result<Answer, RunError> {
    let results: Vec<Type> = ty.results().collect();
    let trap = |message: &str| {
        Answer::Traps(format!(
            "the stub `{}` answers `{function}` with a trap: {message}",
            stub.id
        ))
    };
    match (stub.functions.get(function), results.as_slice()) {
        (None, []) => Ok(Answer::Returns(Vec::new())),
        (None, _) => Ok(trap("it has no value to return")),
        (Some(StubAnswer::Traps(message)), _) => Ok(trap(message)),
        (Some(StubAnswer::Returns(text)), []) if text.trim().is_empty() => {
            Ok(Answer::Returns(Vec::new()))
        }
        (Some(StubAnswer::Returns(text)), []) => Err(stub.refused(format!(
            "`{function}` returns nothing, but the stub returns `{text}`"
        ))),
        (Some(StubAnswer::Returns(text)), [result]) => wasm_wave::from_str::<Val>(result, text)
            .map(|value| Answer::Returns(vec![value]))
            .map_err(|e| {
                stub.refused(format!(
                    "`{text}` is not a value `{function}` can return (a `{}`): {e}",
                    type_name(result)
                ))
            }),
        (Some(StubAnswer::Returns(_)), _) => Err(stub.refused(format!(
            "`{function}` returns several values, which a stub cannot write"
        ))),
    }
}

/// The host function behind one stubbed function: gives its answer, recording the call when
/// the run taps its wires.
fn answerer(
    answer: Arc<Answer>,
    slot: Option<usize>,
) -> impl for<'a> Fn(
    StoreContextMut<'a, HostState>,
    ComponentFunc,
    &'a [Val],
    &'a mut [Val],
) -> Forwarding<'a>
+ Send
+ Sync
+ 'static {
    move |store, _ty, params, results| {
        let answer = answer.clone();
        Box::new(async move {
            let started = Instant::now();
            let outcome = answer.give(results);
            if let Some(slot) = slot
                && let Some((call, queue)) =
                    tap_record(store.data(), slot, params, results, &outcome, started)
            {
                queue.call(call).await;
            }
            outcome
        })
    }
}

/// [`answerer`] for an async function on an engine with the component model's async support.
fn concurrent_answerer(
    answer: Arc<Answer>,
    slot: Option<usize>,
) -> impl for<'a> Fn(
    &'a Accessor<HostState>,
    ComponentFunc,
    &'a [Val],
    &'a mut [Val],
) -> ConcurrentForwarding<'a>
+ Send
+ Sync
+ 'static {
    move |accessor, _ty, params, results| {
        let answer = answer.clone();
        Box::pin(async move {
            let started = Instant::now();
            let outcome = answer.give(results);
            if let Some(slot) = slot {
                let recorded = accessor.with(|mut access| {
                    let store = access.as_context_mut();
                    tap_record(store.data(), slot, params, results, &outcome, started)
                });
                if let Some((call, queue)) = recorded {
                    queue.call(call).await;
                }
            }
            outcome
        })
    }
}
