//! The environment, the arguments and stdin in the capability log: what a guest read of what
//! the host granted, logged once per node (guests ask again and again), denied when nothing was
//! granted. The variables are named, never their values.

use wasmtime::StoreContextMut;
use wasmtime::component::{Linker, LinkerInstance, Resource};
use wasmtime_wasi::cli::WasiCliView;
use wasmtime_wasi::p2::DynInputStream;
use wasmtime_wasi::p2::bindings::cli::{environment, stdin};

use super::instance;
use crate::run::host::HostState;

/// Reads what a node is granted of one kind (its variables, its arguments).
type Granted<T> = fn(&mut HostState) -> wasmtime::Result<Vec<T>>;

/// Shadows `get-environment` and `get-arguments` in `env` (WASI 0.2's or 0.3's: their
/// functions have one shape, behind different traits), logging what the guest read.
pub(super) fn log_environment(
    env: &mut LinkerInstance<'_, HostState>,
    vars: Granted<(String, String)>,
    args: Granted<String>,
) -> wasmtime::Result<()> {
    env.func_wrap(
        "get-environment",
        move |mut store: StoreContextMut<'_, HostState>,
              (): ()|
              -> wasmtime::Result<(Vec<(String, String)>,)> {
            let state = store.data_mut();
            let read = vars(state)?;
            note_environment(state, &read);
            Ok((read,))
        },
    )?;
    env.func_wrap(
        "get-arguments",
        move |mut store: StoreContextMut<'_, HostState>,
              (): ()|
              -> wasmtime::Result<(Vec<String>,)> {
            let state = store.data_mut();
            let read = args(state)?;
            note_arguments(state, &read);
            Ok((read,))
        },
    )
}

pub(super) fn add_to_linker(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    log_environment(
        &mut linker.instance(&instance("wasi:cli/environment"))?,
        |state| environment::Host::get_environment(&mut state.cli()),
        |state| environment::Host::get_arguments(&mut state.cli()),
    )?;
    linker.instance(&instance("wasi:cli/stdin"))?.func_wrap(
        "get-stdin",
        |mut store: StoreContextMut<'_, HostState>,
         (): ()|
         -> wasmtime::Result<(Resource<DynInputStream>,)> {
            let state = store.data_mut();
            let stream = stdin::Host::get_stdin(&mut state.cli())?;
            if state.audit().first("stdin") {
                let granted = state.audit().stdin.clone();
                let allowed = granted.is_some();
                let target = match granted {
                    Some(what) => format!("stdin: {what}"),
                    None => "stdin: nothing granted".to_string(),
                };
                state.log_capability("wasi:cli/stdin", target, allowed, "stdin");
            }
            Ok((stream,))
        },
    )?;
    Ok(())
}

/// Logs, once per node, the environment variables a guest read (named, never their values).
pub(super) fn note_environment(state: &mut HostState, vars: &[(String, String)]) {
    if state.audit().first("environment") {
        let target = if vars.is_empty() {
            "environment: no variables granted".to_string()
        } else {
            let names: Vec<&str> = vars.iter().map(|(k, _)| k.as_str()).collect();
            format!("environment: {}", names.join(", "))
        };
        state.log_capability("wasi:cli/environment", target, !vars.is_empty(), "env");
    }
}

/// Logs, once per node, the arguments a guest read.
pub(super) fn note_arguments(state: &mut HostState, args: &[String]) {
    if state.audit().first("arguments") {
        // The first argument is the program's name, which every guest gets.
        let granted = args.get(1..).unwrap_or_default();
        let target = if granted.is_empty() {
            "arguments: none granted".to_string()
        } else {
            format!("arguments: {}", granted.join(" "))
        };
        state.log_capability("wasi:cli/environment", target, !granted.is_empty(), "env");
    }
}
