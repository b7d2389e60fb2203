//! The engine's integration tests, on the real sample components (built by
//! `sample-components/build.sh`) and real wasmtime. One binary, so it links once.

mod compose;
mod deploy;
mod fuzz_corpus;
mod grants;
mod inspect;
mod invoke;
mod linked;
mod polyglot;
mod project;
mod registry;
#[path = "../support/registry_server.rs"]
mod registry_server;
mod run_capabilities;
mod run_command;
mod run_limits;
mod serve;
mod session;
mod stubs;
mod support;
mod wac;
mod wasi3;
