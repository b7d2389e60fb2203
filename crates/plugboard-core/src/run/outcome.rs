//! Turning how a guest call ended into the run's terminal event.

use wasmtime::{Trap, WasmBacktrace};
use wasmtime_wasi::I32Exit;

use super::RunError;
use super::events::RunEvent;
use super::limits::LimitHit;

/// The terminal event for a run that could not start.
pub(crate) fn failed(error: RunError) -> RunEvent {
    RunEvent::Failed {
        message: error.to_string(),
        kind: error.kind(),
        node: error.node().cloned(),
        port: error.port().map(str::to_string),
    }
}

/// The terminal event for a guest call that returned an error: an exit, a limit, or a trap.
pub(crate) fn of_error(error: &wasmtime::Error, fuel: Option<u64>) -> RunEvent {
    if let Some(exit) = error.downcast_ref::<I32Exit>() {
        return RunEvent::Exited { code: exit.0 };
    }
    if let Some(hit) = error.downcast_ref::<LimitHit>() {
        return RunEvent::OutOfMemory {
            limit_bytes: hit.limit,
            requested_bytes: hit.requested,
            grew: hit.what,
            size_bytes: hit.size,
            node: hit.node.clone(),
        };
    }
    let trap = error.downcast_ref::<Trap>();
    if let (Some(Trap::OutOfFuel), Some(fuel)) = (trap, fuel) {
        return RunEvent::OutOfFuel { fuel };
    }
    let mut message = match trap {
        Some(trap) => trap.to_string(),
        None => error.root_cause().to_string(),
    };
    if let Some(TrappedIn(node)) = error.downcast_ref::<TrappedIn>() {
        message = format!("{message} (in `{node}`)");
    }
    RunEvent::Trapped {
        message,
        backtrace: backtrace(error),
    }
}

/// The node of a linked run whose code a failed call across a wire ended in (the context
/// [`super::linked`] gives the error), named in the trap's message.
#[derive(Debug)]
pub(crate) struct TrappedIn(pub(crate) String);

impl std::fmt::Display for TrappedIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "in node `{}`", self.0)
    }
}

/// The wasm frames of an error, innermost first: `module!function`.
fn backtrace(error: &wasmtime::Error) -> Vec<String> {
    let Some(trace) = error.downcast_ref::<WasmBacktrace>() else {
        return Vec::new();
    };
    trace
        .frames()
        .iter()
        .map(|frame| {
            let module = frame.module().name().unwrap_or("<module>");
            let function = frame
                .func_name()
                // Rust symbols are mangled; `{:#}` also drops the hash suffix.
                .map(|name| format!("{:#}", rustc_demangle::demangle(name)))
                .unwrap_or_else(|| format!("<function {}>", frame.func_index()));
            format!("{module}!{function}")
        })
        .collect()
}
