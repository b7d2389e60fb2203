//! Optimized code for the next runs, without keeping the prompt waiting.
//!
//! A first run starts on quick code while the optimized code compiles in the background. A
//! one-shot process would otherwise wait for that compile after the guest exits (seconds for a
//! large component), so it hands each unfinished component to a detached copy of itself
//! (`plugboard __cache-optimized`, the bytes on its stdin) and returns at once; the copy compiles
//! into the disk cache, where the next run finds it.

use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};

use anyhow::{Context, Result};
use plugboard_core::files::MAX_COMPONENT_BYTES;
use plugboard_core::run::{ComponentSource, Runtime, RuntimeOptions};

/// The hidden subcommand the detached copy runs.
pub const SUBCOMMAND: &str = "__cache-optimized";

/// Hands the optimized code `runtime` has not cached yet to detached processes, and waits for
/// the cache writes already under way (milliseconds); waits for everything instead only when a
/// process cannot be started.
pub fn hand_off(runtime: &Runtime) {
    let unfinished = runtime.optimized_code_not_cached();
    if unfinished.iter().all(|source| detach(source).is_ok()) {
        runtime.finish_cache_writes();
    } else if runtime.background_work_pending() {
        eprintln!("plugboard: caching compiled code for the next runs (Ctrl-C skips this)…");
        runtime.finish_background_work();
    }
}

/// Starts `plugboard __cache-optimized NAME` in its own process group (a Ctrl-C at the prompt
/// does not reach it) and writes the component to its stdin.
fn detach(source: &ComponentSource) -> std::io::Result<()> {
    let mut child = Command::new(std::env::current_exe()?)
        .arg(SUBCOMMAND)
        .arg(&source.name)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()?;
    let written = child
        .stdin
        .take()
        .ok_or_else(|| std::io::Error::other("no stdin"))
        .and_then(|mut stdin| stdin.write_all(&source.bytes));
    if written.is_err() {
        let _ = child.kill();
    }
    // Not waited for: it outlives this process, and init reaps it.
    written
}

/// The detached copy: reads one component from stdin and compiles its optimized code into the
/// disk cache.
pub fn cache_optimized(name: &str) -> Result<u8> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .take(MAX_COMPONENT_BYTES + 1)
        .read_to_end(&mut bytes)
        .context("cannot read the component from stdin")?;
    anyhow::ensure!(
        bytes.len() as u64 <= MAX_COMPONENT_BYTES,
        "the component is larger than {MAX_COMPONENT_BYTES} bytes"
    );
    let runtime = Runtime::new(RuntimeOptions::with_default_cache())?;
    runtime.cache_optimized(ComponentSource::new(name, bytes))?;
    Ok(0)
}
