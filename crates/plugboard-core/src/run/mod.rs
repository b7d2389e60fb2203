//! Running components in wasmtime: commands with live output, invocations of single functions
//! with WAVE values, and HTTP proxies served on a local port — each under a
//! [`CapabilityProfile`] (deny by default) and [`Limits`], each reporting a stream of
//! [`RunEvent`]s and stoppable at any moment.
//!
//! ```no_run
//! use plugboard_core::run::{ComponentSource, RunRequest, Runtime, RuntimeOptions};
//!
//! let runtime = Runtime::new(RuntimeOptions::with_default_cache())?;
//! let source = ComponentSource::from_file("target/samples/cli-demo.wasm".as_ref())?;
//! let mut run = runtime.run(RunRequest::new(source));
//! while let Some(event) = run.next_blocking() {
//!     println!("{event:?}");
//! }
//! # Ok::<(), plugboard_core::run::RunError>(())
//! ```

mod audit;
mod capabilities;
mod collect;
mod command;
mod context;
mod engine;
mod error;
mod events;
mod host;
mod invocation;
mod invoke;
mod limits;
mod linked;
mod linker;
mod outcome;
mod project;
mod proxy;
mod queue;
mod relay;
mod runtime;
mod serve;
mod session;
mod stdio;
mod stub;
mod tap;
mod values;

pub use capabilities::{
    BadHttpHost, CapabilityProfile, CapabilityToggle, DirGrant, EnvVar, HttpGrant, StdinSource,
};
pub use engine::ComponentSource;
pub use error::{FailureKind, RunError};
pub use events::{CapabilityAttempt, HeldHandle, OutputStream, RunEvent, WireCall, WireTotal};
pub use invocation::{FormCall, FormCallError, form_call};
pub use limits::{
    DEFAULT_MAX_MEMORY_BYTES, DEFAULT_MAX_REQUESTS, Grew, Limits, MAX_INSTANCES, MAX_MEMORIES,
    MAX_TABLES, TABLE_ELEMENT_BYTES, parse_duration, parse_size,
};
pub use linked::{LinkError, LinkPlan};
pub use project::{ProjectRun, RunMode, StartError};
pub use queue::OutputPolicy;
pub use runtime::{
    Operation, RunHandle, RunRequest, Runtime, RuntimeOptions, Stopper, Swapper, default_cache_dir,
};
pub use session::{SessionCalls, SessionLines};
pub use values::{json_value, wave_call, wave_method_call, wave_value};
