//! How long and how big a run may get.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use wasmtime::ResourceLimiter;

/// Limits of a run. Each one, when hit, ends the run with its own event.
///
/// Defaults: no timeout, at most [`DEFAULT_MAX_MEMORY_BYTES`] (1 GiB) of guest memory for the
/// whole run, no fuel limit, [`DEFAULT_MAX_REQUESTS`] requests in flight for a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
#[ts(export)]
pub struct Limits {
    /// Wall-clock time before the run is stopped, in milliseconds. For a server, each request's
    /// limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number | null")]
    pub timeout_ms: Option<u64>,
    /// The most guest memory a run may hold, in bytes: every linear memory and every table
    /// (each element counted as [`TABLE_ELEMENT_BYTES`]) of every node, summed. For a server,
    /// each request's limit. `None` is the default, [`DEFAULT_MAX_MEMORY_BYTES`].
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number | null")]
    pub max_memory_bytes: Option<u64>,
    /// Units of fuel (roughly, wasm instructions) before the run is stopped.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number | null")]
    pub fuel: Option<u64>,
    /// For a server: how many requests may run at once; more wait for one to finish. `None` is
    /// the default, [`DEFAULT_MAX_REQUESTS`].
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number | null")]
    pub max_requests: Option<u32>,
}

/// The memory limit when a project sets none: 1 GiB for all memories and tables of a run.
pub const DEFAULT_MAX_MEMORY_BYTES: u64 = 1 << 30;
/// How many requests a server runs at once when the project says nothing: 16.
pub const DEFAULT_MAX_REQUESTS: u32 = 16;
/// What one table element costs the host, as counted against the memory limit: a pointer.
pub const TABLE_ELEMENT_BYTES: u64 = 8;
/// The most instances (core module instances, of every node) one run may make.
pub const MAX_INSTANCES: usize = 10_000;
/// The most tables one run may make.
pub const MAX_TABLES: usize = 10_000;
/// The most linear memories one run may make (each reserves address space).
pub const MAX_MEMORIES: usize = 1_000;
/// The most handles a linked run's consumers may hold across wires at once: each is host memory
/// the memory limit does not see (a guest that makes handles without dropping them stops here).
pub const MAX_PROXIES: usize = 1_000_000;

impl Default for Limits {
    fn default() -> Self {
        Self {
            timeout_ms: None,
            max_memory_bytes: Some(DEFAULT_MAX_MEMORY_BYTES),
            fuel: None,
            max_requests: None,
        }
    }
}

impl Limits {
    /// The timeout as a duration.
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout_ms.map(Duration::from_millis)
    }

    /// The memory limit in force: the one set, or the default.
    pub fn memory_budget(&self) -> u64 {
        self.max_memory_bytes.unwrap_or(DEFAULT_MAX_MEMORY_BYTES)
    }

    /// How many requests a server runs at once: the number set (at least one), or the default.
    pub fn requests_in_flight(&self) -> usize {
        self.max_requests.unwrap_or(DEFAULT_MAX_REQUESTS).max(1) as usize
    }
}

/// What grew past the memory limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum Grew {
    /// A linear memory (made, or grown with `memory.grow`).
    Memory,
    /// A table (made, or grown with `table.grow`).
    Table,
}

/// The error a run traps with when it reaches its memory limit; the runner turns it into
/// [`super::RunEvent::OutOfMemory`].
#[derive(Debug, thiserror::Error)]
#[error(
    "memory limit of {limit} bytes reached: a {what:?} tried to grow to {size} bytes, which would take the run's memory to {requested} bytes"
)]
pub(crate) struct LimitHit {
    pub(crate) what: Grew,
    /// The node whose memory or table grew, in a linked run.
    pub(crate) node: Option<String>,
    pub(crate) limit: u64,
    /// What the whole run would hold after the growth.
    pub(crate) requested: u64,
    /// The size the memory or table tried to grow to.
    pub(crate) size: u64,
}

/// One store's memory budget: every memory and table of every instance in it counted against
/// one limit, and their numbers bounded. A linked run is one store, so its nodes share it; a
/// server makes one store (one budget) per request.
#[derive(Debug)]
pub(crate) struct StoreBudget {
    limit: u64,
    used: u64,
    /// What the last growth the budget allowed took, given back if wasmtime then fails it (past
    /// a memory's or table's declared maximum).
    last_memory: u64,
    last_table: u64,
}

impl StoreBudget {
    pub(crate) fn new(limits: &Limits) -> Self {
        Self {
            limit: limits.memory_budget(),
            used: 0,
            last_memory: 0,
            last_table: 0,
        }
    }

    fn grow(&mut self, what: Grew, current: u64, desired: u64) -> wasmtime::Result<u64> {
        let delta = desired.saturating_sub(current);
        let requested = self.used.saturating_add(delta);
        if requested > self.limit {
            return Err(wasmtime::Error::new(LimitHit {
                what,
                node: None,
                limit: self.limit,
                requested,
                size: desired,
            }));
        }
        self.used = requested;
        Ok(delta)
    }
}

impl ResourceLimiter for StoreBudget {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        self.last_memory = self.grow(Grew::Memory, current as u64, desired as u64)?;
        Ok(true)
    }

    fn memory_grow_failed(&mut self, _error: wasmtime::Error) -> wasmtime::Result<()> {
        self.used -= std::mem::take(&mut self.last_memory);
        Ok(())
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let bytes = |elements: usize| (elements as u64).saturating_mul(TABLE_ELEMENT_BYTES);
        self.last_table = self.grow(Grew::Table, bytes(current), bytes(desired))?;
        Ok(true)
    }

    fn table_grow_failed(&mut self, _error: wasmtime::Error) -> wasmtime::Result<()> {
        self.used -= std::mem::take(&mut self.last_table);
        Ok(())
    }

    fn instances(&self) -> usize {
        MAX_INSTANCES
    }

    fn tables(&self) -> usize {
        MAX_TABLES
    }

    fn memories(&self) -> usize {
        MAX_MEMORIES
    }
}

/// Parses a size as bytesize reads it: `64MiB`, `1GiB`, `512KiB` (IEC), `64MB`, `1GB` (SI,
/// powers of 1000), or plain bytes.
///
/// # Errors
/// A message naming what is not a size.
pub fn parse_size(text: &str) -> Result<u64, String> {
    text.trim()
        .parse::<bytesize::ByteSize>()
        .map(|size| size.as_u64())
        .map_err(|e| format!("`{text}` is not a size like 64MiB or 1GiB: {e}"))
}

/// Parses a duration as humantime reads it (`5s`, `250ms`, `2m`, `1h 30m`), or a bare number of
/// seconds (`1.5`), as the CLI has always taken it.
///
/// # Errors
/// A message naming what is not a duration.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<f64>() {
        return Duration::try_from_secs_f64(seconds).map_err(|e| format!("`{text}`: {e}"));
    }
    humantime::parse_duration(text)
        .map_err(|e| format!("`{text}` is not a duration like 5s or 250ms: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memories_and_tables_share_one_budget_and_failed_growth_is_given_back() {
        let mut budget = StoreBudget::new(&Limits {
            max_memory_bytes: Some(100 << 20),
            ..Limits::default()
        });
        assert!(matches!(budget.memory_growing(0, 60 << 20, None), Ok(true)));
        // 4 Mi elements of 8 bytes: 32 MiB, 92 MiB in all.
        assert!(matches!(budget.table_growing(0, 4 << 20, None), Ok(true)));
        let error = budget
            .memory_growing(0, 10 << 20, None)
            .expect_err("a second memory past the sum");
        let hit = error.downcast_ref::<LimitHit>().expect("a limit hit");
        assert_eq!((hit.what, hit.requested), (Grew::Memory, 102 << 20));
        // A table growth wasmtime then fails (past its declared maximum) is given back.
        assert!(matches!(
            budget.table_growing(4 << 20, 5 << 20, None),
            Ok(true)
        ));
        assert!(
            budget
                .table_grow_failed(wasmtime::format_err!("max"))
                .is_ok()
        );
        assert!(matches!(
            budget.memory_growing(60 << 20, 68 << 20, None),
            Ok(true)
        ));
        let table = budget
            .table_growing(4 << 20, 4 << 20 | 1, None)
            .expect_err("full");
        assert_eq!(
            table.downcast_ref::<LimitHit>().map(|h| h.what),
            Some(Grew::Table)
        );
    }

    #[test]
    fn sizes_and_durations_parse_like_the_cli_writes_them() {
        assert_eq!(parse_size("64MiB"), Ok(64 << 20));
        assert_eq!(parse_size("1GiB"), Ok(1 << 30));
        assert_eq!(parse_size("1GB"), Ok(1_000_000_000));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert!(parse_size("12 parsecs").is_err());
        assert_eq!(parse_duration("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("1.5"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("1m 30s"), Ok(Duration::from_secs(90)));
        assert!(parse_duration("soon").is_err());
    }
}
