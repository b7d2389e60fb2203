//! `plugboard-bench`: Plugboard measured against the tools a user would otherwise use
//! (`wasm-tools`, `wac`, `wasmtime`), on the same inputs, in the same run.
//!
//! Whole-process cases run both tools as child processes several times after a warm-up and
//! report the median (min–max) wall time, the time to the first stdout byte where it matters,
//! the median CPU time and the peak memory. In-process cases (recomposing after a wire change,
//! re-running a linked project after a rewire, calls across a wire) time the engine directly.
//! `--quick` runs everything once on the small inputs only, so CI keeps the harness working;
//! it asserts nothing about time.

mod cases;
mod floor;
mod inprocess;
mod measure;
mod report;

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Parser;

/// Benchmarks Plugboard against wasm-tools, wac and wasmtime.
#[derive(Parser, Debug)]
#[command(name = "plugboard-bench")]
struct Options {
    /// One run of each case, small inputs only, no warm-up: keeps the harness from rotting.
    #[arg(long)]
    quick: bool,
    /// Runs per case after the warm-up.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// The `plugboard` binary to measure (default: next to this one).
    #[arg(long)]
    plugboard: Option<PathBuf>,
    /// Also write the results, with a description of this machine, to this Markdown file.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Only the calls across a wire (linked, tapped, fused, and a traced run): for work on the
    /// forwarding.
    #[arg(long)]
    calls_only: bool,
    /// Only `plug` against `wac plug`, on the seed pair and the 18 MB pair: for work on
    /// plugging.
    #[arg(long, conflicts_with = "calls_only")]
    plug_only: bool,
}

fn main() -> Result<()> {
    let options = Options::parse();
    let plugboard = match options.plugboard {
        Some(path) => path,
        None => std::env::current_exe()?
            .parent()
            .context("no directory")?
            .join("plugboard"),
    };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let runs = if options.quick {
        1
    } else {
        options.runs.max(1)
    };
    let mut bench = cases::Bench::new(root, plugboard, runs, options.quick)?;
    if options.calls_only {
        bench.traced_calls()?;
        inprocess::calls_only(&mut bench)?;
    } else if options.plug_only {
        bench.plugs_only()?;
    } else {
        bench.run_all()?;
        let baseline = bench.plug_baseline();
        inprocess::run_all(&mut bench, baseline)?;
    }
    let text = report::markdown(&bench);
    print!("{text}");
    if let Some(out) = options.out {
        std::fs::write(&out, &text).with_context(|| format!("cannot write {}", out.display()))?;
    }
    Ok(())
}
