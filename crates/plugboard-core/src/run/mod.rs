//! Running components in wasmtime: what the host grants ([`CapabilityProfile`]) and how far a run
//! may go ([`Limits`]).

mod capabilities;
mod limits;

pub use capabilities::{CapabilityProfile, DirGrant, EnvVar, HttpGrant, StdinSource};
pub use limits::{DEFAULT_MAX_MEMORY_BYTES, Limits, parse_duration, parse_size};
