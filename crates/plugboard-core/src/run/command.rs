//! Running a command: instantiate, call `wasi:cli/run` (WASI 0.2, or 0.3's async `run` on the
//! store's event loop), report how it ended.

use wasmtime_wasi::p2::bindings as p2;
use wasmtime_wasi::p3::bindings as p3;

use super::RunError;
use super::context::{Guarded, Prepared, RunContext};
use super::events::RunEvent;
use super::outcome;

pub(crate) async fn run(mut ctx: RunContext) -> RunEvent {
    match start(&mut ctx).await {
        Ok(event) | Err(event) => event,
    }
}

/// Which `wasi:cli/run` the root exports.
enum Run {
    /// WASI 0.2: a plain function.
    P2,
    /// WASI 0.3: an async function.
    P3,
}

impl Run {
    fn of(prepared: &Prepared) -> Result<Self, RunError> {
        let root = prepared.root();
        if p2::CommandPre::new(root.clone()).is_ok() {
            return Ok(Self::P2);
        }
        if prepared.is_asynchronous() && p3::CommandPre::new(root.clone()).is_ok() {
            return Ok(Self::P3);
        }
        Err(RunError::WrongKind {
            message: "this component does not export `wasi:cli/run`, so it cannot be run: invoke \
                      one of its functions, or wire it into a command"
                .to_string(),
        })
    }
}

async fn start(ctx: &mut RunContext) -> Result<RunEvent, RunEvent> {
    let prepared = ctx.prepare().await.map_err(outcome::failed)?;
    let kind = Run::of(&prepared).map_err(outcome::failed)?;
    let mut store = ctx.store(&prepared).map_err(outcome::failed)?;
    ctx.queue.push(RunEvent::Started);
    let fuel = ctx.limits.fuel;
    let result = ctx
        .guard(async {
            let instance = prepared.instantiate(&mut store).await?;
            match kind {
                Run::P2 => {
                    let command = p2::Command::new(&mut store, &instance)?;
                    command.wasi_cli_run().call_run(&mut store).await
                }
                Run::P3 => {
                    let command = p3::Command::new(&mut store, &instance)?;
                    store
                        .run_concurrent(async move |store| {
                            command.wasi_cli_run().call_run(store).await
                        })
                        .await?
                }
            }
        })
        .await;
    Ok(match result {
        Guarded::Done(Ok(Ok(()))) => RunEvent::Exited { code: 0 },
        Guarded::Done(Ok(Err(()))) => RunEvent::Exited { code: 1 },
        Guarded::Done(Err(error)) => outcome::of_error(&error, fuel),
        Guarded::Stopped => RunEvent::Stopped,
        Guarded::TimedOut(after_ms) => RunEvent::TimedOut { after_ms },
    })
}
