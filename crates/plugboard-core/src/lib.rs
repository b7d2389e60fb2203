//! Plugboard's engine: everything the desktop app and the `plugboard` CLI do with WebAssembly
//! components, with no GUI dependency.
//!
//! - [`inspect`]: bytes → [`inspect::ComponentInfo`] (ports, functions, types, docs, WIT);
//! - [`project`]: the `*.plugboard.json` model, loaded strictly and saved atomically;
//! - [`compose`]: a project → one composed component via wac-graph, and the wiring rule;
//! - [`deploy`]: a project as a Spin application or a wasmCloud workload, with what each cannot say;
//! - [`files`]: bounded reads of the files a user names, atomic writes;
//! - [`grants`]: one grant policy for every run mode, and what a project asks to be accepted;
//! - [`library`]: the bundled sample components and projects;
//! - [`registry`]: components pulled from and published to OCI registries, cached by digest;
//! - [`run`]: capabilities, limits and running in wasmtime;
//! - [`wasi`]: the WASI interfaces the host provides to a composition's open imports;
//! - [`worlds`]: whether a component fits `wasi:cli/command` or `wasi:http/proxy`.
//!
//! ```no_run
//! use std::path::Path;
//! use plugboard_core::{compose, project::Project};
//!
//! let path = Path::new("seed.plugboard.json");
//! let project = Project::load(path)?;
//! let components = compose::load_components(&project, &plugboard_core::project::parent_dir(path))?;
//! let composition = compose::Composer::new().compose(&project, &components)?;
//! println!("{} bytes, imports {:?}", composition.bytes.len(),
//!     composition.info.imports.iter().map(|p| &p.name).collect::<Vec<_>>());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

pub mod compose;
pub mod deploy;
pub mod files;
pub mod grants;
pub mod inspect;
pub mod library;
pub mod project;
pub mod registry;
pub mod run;
pub mod wasi;
pub mod worlds;
