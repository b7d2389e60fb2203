//! Running a command: instantiate, call `wasi:cli/run`, report how it ended.

use wasmtime_wasi::p2::bindings::{Command, CommandPre};

use super::RunError;
use super::context::{Guarded, RunContext};
use super::events::RunEvent;
use super::outcome;

pub(crate) async fn run(mut ctx: RunContext) -> RunEvent {
    match start(&mut ctx).await {
        Ok(event) | Err(event) => event,
    }
}

async fn start(ctx: &mut RunContext) -> Result<RunEvent, RunEvent> {
    let prepared = ctx.prepare().await.map_err(outcome::failed)?;
    CommandPre::new(prepared.root().clone()).map_err(|_| {
        outcome::failed(RunError::WrongKind {
            message: "this component does not export `wasi:cli/run`, so it cannot be run: invoke \
                      one of its functions, or wire it into a command"
                .to_string(),
        })
    })?;
    let mut store = ctx.store(&prepared).map_err(outcome::failed)?;
    ctx.queue.push(RunEvent::Started);
    let fuel = ctx.limits.fuel;
    let result = ctx
        .guard(async {
            let instance = prepared.instantiate(&mut store).await?;
            let command = Command::new(&mut store, &instance)?;
            command.wasi_cli_run().call_run(&mut store).await
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
