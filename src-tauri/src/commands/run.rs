//! Running, invoking and serving a project, stopping any of them, and compiling components in
//! the background. Each start returns a [`RunId`] at once and streams the run's events to the
//! window through a `Channel`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use plugboard_core::project::{NodeId, Project};
use plugboard_core::run::{
    ComponentSource, FormCall, FormCallError, Operation, OutputPolicy, ProjectRun, RunEvent,
    RunHandle, RunMode, SessionCalls, form_call,
};
use serde::{Deserialize, Serialize};
use tauri::State;
use tauri::ipc::Channel;
use ts_rs::TS;

use super::blocking;
use super::compose::components;
use crate::error::{AppError, ErrorKind};
use crate::state::{Engine, RunId};

/// The window shows output, it does not archive it: past 64 KiB waiting, output is dropped and
/// counted (the guest never waits on the window), so at most ~4 MiB a second reach the page.
const WINDOW_OUTPUT: OutputPolicy = OutputPolicy::DropOverflow { cap: 64 << 10 };

/// One exported function to call, with the form's values (JSON shaped as
/// `plugboard_core::run::wave_value` documents).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InvokeRequest {
    /// The node whose export it is; `None` for an export of the composed component.
    pub node: Option<NodeId>,
    /// The export (port) holding the function.
    pub port: String,
    /// The function's name.
    pub function: String,
    /// One value per parameter (for a resource's method: per parameter after the instance).
    pub args: Vec<serde_json::Value>,
    /// For a resource's method: the values for its constructor, which makes the instance the
    /// method runs on.
    #[serde(default)]
    #[ts(optional)]
    pub constructor_args: Option<Vec<serde_json::Value>>,
}

/// An invocation started.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct InvokeStarted {
    /// To stop it by.
    pub id: RunId,
    /// The call as WAVE text: what is being run.
    pub call: String,
}

/// Runs the project's command (`wasi:cli/run`).
#[tauri::command]
pub async fn run_project(
    engine: State<'_, Arc<Engine>>,
    project: Project,
    project_path: Option<PathBuf>,
    mode: RunMode,
    events: Channel<RunEvent>,
) -> Result<RunId, AppError> {
    let start = Start {
        project,
        project_path,
        mode,
        operation: Operation::Run,
        root: None,
    };
    start.run(engine.inner(), events).await
}

/// Serves the project's `wasi:http/incoming-handler` on `address` (default `127.0.0.1:0`, a
/// free port; the `serving` event says which).
#[tauri::command]
pub async fn serve_project(
    engine: State<'_, Arc<Engine>>,
    project: Project,
    project_path: Option<PathBuf>,
    mode: RunMode,
    address: Option<String>,
    events: Channel<RunEvent>,
) -> Result<RunId, AppError> {
    let text = address.unwrap_or_else(|| "127.0.0.1:0".to_string());
    let address: SocketAddr = text.trim().parse().map_err(|_| {
        AppError::new(
            ErrorKind::InvalidAddress,
            format!("`{text}` is not an address to serve on: write it as 127.0.0.1:8080"),
        )
    })?;
    let start = Start {
        project,
        project_path,
        mode,
        operation: Operation::Serve { address },
        root: None,
    };
    start.run(engine.inner(), events).await
}

/// Gives server `id` the project as it is now (hot reload, on the same address): it prepares
/// the new code while it answers with the old, then serves new requests with the new code and
/// grants (`swapped`); requests in flight finish on the old code. New code that cannot be served
/// leaves the server as it was (`swap-failed`). The events arrive on the server's channel.
#[tauri::command]
pub async fn swap_served_project(
    engine: State<'_, Arc<Engine>>,
    id: RunId,
    project: Project,
    project_path: Option<PathBuf>,
    mode: RunMode,
) -> Result<(), AppError> {
    blocking(engine.inner(), move |engine| {
        engine.check_consent(&project, project_path.as_deref())?;
        let swapper = engine.swapper(id).ok_or_else(|| {
            AppError::new(
                ErrorKind::RunEnded,
                "the server has stopped: press Serve to start it again",
            )
        })?;
        let components = components(engine, &project, project_path)?;
        let mut composer = engine.composer();
        engine.runtime.swap_project(
            &swapper,
            &mut composer,
            ProjectRun {
                project: &project,
                components: &components,
                mode,
                // Chooses the proxy node as root; the server keeps its address.
                operation: Operation::Serve {
                    address: SocketAddr::from(([127, 0, 0, 1], 0)),
                },
                root: None,
                output: WINDOW_OUTPUT,
                trace_calls: engine.tapping_calls(),
            },
        )?;
        Ok(())
    })
    .await
}

/// Calls one exported function of a node (the project linked with that node as root) or of
/// the composed component, with the form's values.
#[tauri::command]
pub async fn invoke_function(
    engine: State<'_, Arc<Engine>>,
    project: Project,
    project_path: Option<PathBuf>,
    mode: RunMode,
    request: InvokeRequest,
    events: Channel<RunEvent>,
) -> Result<InvokeStarted, AppError> {
    let call = {
        let (project, project_path, request) =
            (project.clone(), project_path.clone(), request.clone());
        blocking(engine.inner(), move |engine| {
            invocation(engine, &project, project_path, &request)
        })
        .await?
    };
    let start = Start {
        project,
        project_path,
        mode,
        operation: Operation::Invoke { call: call.clone() },
        root: request.node,
    };
    let id = start.run(engine.inner(), events).await?;
    Ok(InvokeStarted { id, call })
}

/// Opens an invoke session on a node (the project linked with that node as root) or on the
/// composed component: one instance kept until the session is closed, which runs the WAVE
/// lines [`session_call`] sends, in order. Answers and refusals arrive on `events`.
#[tauri::command]
pub async fn open_session(
    engine: State<'_, Arc<Engine>>,
    project: Project,
    project_path: Option<PathBuf>,
    mode: RunMode,
    node: Option<NodeId>,
    events: Channel<RunEvent>,
) -> Result<RunId, AppError> {
    let (calls, lines) = SessionCalls::channel();
    let start = Start {
        project,
        project_path,
        mode,
        operation: Operation::Session { lines },
        root: node,
    };
    let handle = start.begin(engine.inner()).await?;
    Ok(engine.follow_session(handle, calls, events))
}

/// Sends session `id` one line: a WAVE call (`b = bucket("x")`, `b.get("k")`, `size-of(b)`) or
/// `drop NAME`. Its answer (or refusal) arrives on the session's channel.
#[tauri::command]
pub async fn session_call(
    engine: State<'_, Arc<Engine>>,
    id: RunId,
    line: String,
) -> Result<(), AppError> {
    let ended = || {
        AppError::new(
            ErrorKind::RunEnded,
            "the session has ended: open a new one to go on",
        )
    };
    let calls = engine.session(id).ok_or_else(ended)?;
    if calls.send(line).await {
        Ok(())
    } else {
        Err(ended())
    }
}

/// Closes session `id`: the handles it holds are dropped (their destructors run) and it ends
/// with `closed`. Nothing happens if it is over already.
#[tauri::command]
pub fn close_session(engine: State<'_, Arc<Engine>>, id: RunId) {
    engine.close_session(id);
}

/// Whether linked runs started from now on record every call across a wire (the Calls tab);
/// on by default. Off, a forwarded call skips the recording entirely.
#[tauri::command]
pub fn set_call_tap(engine: State<'_, Arc<Engine>>, on: bool) {
    engine.set_tapping_calls(on);
}

/// Stops run `id` (a run, an invocation, a server): it ends with `stopped` within moments,
/// wherever the guest is. Nothing happens if it is over already.
#[tauri::command]
pub fn stop_run(engine: State<'_, Arc<Engine>>, id: RunId) {
    engine.stop(id);
}

/// Compiles node `node`'s component at `path` in the background (or finds it in the cache), so
/// Run rarely waits; the events say when it compiles and when it is ready.
#[tauri::command]
pub async fn precompile(
    engine: State<'_, Arc<Engine>>,
    node: NodeId,
    path: PathBuf,
    events: Channel<RunEvent>,
) -> Result<RunId, AppError> {
    let handle = blocking(engine.inner(), move |engine| {
        let component = engine.cache.get(&node, &path)?;
        Ok(engine
            .runtime
            .precompile(ComponentSource::of_loaded(&component, &node)))
    })
    .await?;
    Ok(engine.follow(handle, events))
}

/// What to start on a project.
struct Start {
    project: Project,
    project_path: Option<PathBuf>,
    mode: RunMode,
    operation: Operation,
    root: Option<NodeId>,
}

impl Start {
    /// Loads the components, starts the operation (composing first for a fused run) off the
    /// async runtime, and follows it.
    async fn run(self, engine: &Arc<Engine>, events: Channel<RunEvent>) -> Result<RunId, AppError> {
        let handle = self.begin(engine).await?;
        Ok(engine.follow(handle, events))
    }

    /// Loads the components and starts the operation (composing first for a fused run) off the
    /// async runtime.
    async fn begin(self, engine: &Arc<Engine>) -> Result<RunHandle, AppError> {
        blocking(engine, move |engine| {
            engine.check_consent(&self.project, self.project_path.as_deref())?;
            let components = components(engine, &self.project, self.project_path)?;
            let mut composer = engine.composer();
            Ok(engine.runtime.start_project(
                &mut composer,
                ProjectRun {
                    project: &self.project,
                    components: &components,
                    mode: self.mode,
                    operation: self.operation,
                    root: self.root,
                    output: WINDOW_OUTPUT,
                    trace_calls: engine.tapping_calls(),
                },
            )?)
        })
        .await
    }
}

/// The WAVE call for `request`: the function found among the node's (or the composition's)
/// exports by the engine, its arguments checked against its parameter types.
fn invocation(
    engine: &Engine,
    project: &Project,
    project_path: Option<PathBuf>,
    request: &InvokeRequest,
) -> Result<String, AppError> {
    let components = components(engine, project, project_path)?;
    let exports = match &request.node {
        Some(node) => components
            .get(node)
            .map(|c| c.info.exports.clone())
            .ok_or_else(|| {
                AppError::new(
                    ErrorKind::UnknownNode,
                    format!("there is no node `{node}` to invoke: add it, or pick another"),
                )
            })?,
        None => {
            engine
                .composer()
                .compose(project, &components)?
                .info
                .exports
        }
    };
    let call = FormCall {
        port: &request.port,
        function: &request.function,
        args: &request.args,
        constructor_args: request.constructor_args.as_deref().unwrap_or_default(),
    };
    form_call(&exports, &call).map_err(|error| {
        let kind = match error {
            FormCallError::InvalidArguments(_) => ErrorKind::InvalidArguments,
            FormCallError::UnknownFunction { .. } | FormCallError::NoConstructor { .. } => {
                ErrorKind::UnknownFunction
            }
        };
        let error = AppError::new(kind, error.to_string());
        match &request.node {
            Some(node) => error.at(node, Some(&request.port)),
            None => error,
        }
    })
}
