//! The results as Markdown, with the machine they were measured on.

use std::fmt::Write;
use std::path::Path;
use std::process::Command;

use crate::cases::{Bench, Metric};
use crate::measure::{Spread, Summary, ms};

pub fn markdown(bench: &Bench) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Benchmark results\n");
    let _ = writeln!(out, "{}\n", machine());
    let _ = writeln!(
        out,
        "Each case: {} run(s){}. Times are medians with (min–max); CPU is user + system of the \
         whole process; memory is its peak resident set. `plug` runs in alternation with \
         `wac plug` (at least 9 pairs outside quick mode): its ratio is the median of the \
         pairs' ratios, with their range.\n",
        bench.runs,
        if bench.quick {
            ", no warm-up, small inputs only (quick mode)"
        } else {
            " after one warm-up"
        }
    );
    let _ = writeln!(out, "Peers: {}\n", peers(bench));
    let _ = writeln!(
        out,
        "## Whole process: Plugboard and its peer on the same input\n"
    );
    let _ = writeln!(
        out,
        "| case | input | Plugboard | CPU | peak memory | peer | peer | ratio | target |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|");
    for row in &bench.rows {
        let (ours, theirs) = (
            figure(&row.ours, row.metric),
            row.peer.as_ref().map(|(_, s)| figure(s, row.metric)),
        );
        // Paired runs: the median of the pairs' ratios, with their spread.
        let paired = median_and_range(&row.pair_ratios);
        let ratio = match paired {
            Some((median, _, _)) => Some(median),
            None => theirs.and_then(|t| ratio(ours.median, t.median)),
        };
        let ratio_text = match paired {
            Some((median, min, max)) => format!(
                "{median:.2}× ({min:.2}–{max:.2}, {} pairs)",
                row.pair_ratios.len()
            ),
            None => ratio.map(|r| format!("{r:.2}×")).unwrap_or_default(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            row.case,
            row.input,
            describe(&row.ours, row.metric),
            ms(row.ours.cpu),
            mib(row.ours.peak_rss_kib),
            row.peer
                .as_ref()
                .map(|(tool, _)| tool.as_str())
                .unwrap_or("not installed"),
            row.peer
                .as_ref()
                .map(|(_, s)| describe(s, row.metric))
                .unwrap_or_default(),
            ratio_text,
            verdict(ratio, row.target),
        );
    }
    let _ = writeln!(out, "\n## In process: what the window does on every edit\n");
    let _ = writeln!(
        out,
        "| case | input | Plugboard | compared with | ratio | target |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|");
    for row in &bench.inprocess {
        let ratio = row
            .baseline
            .as_ref()
            .and_then(|(_, d)| ratio(row.ours.median, *d));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            row.case,
            row.input,
            spread(&row.ours),
            row.baseline
                .as_ref()
                .map(|(what, d)| format!("{what}: {}", ms(*d)))
                .unwrap_or_default(),
            ratio.map(|r| format!("{r:.3}×")).unwrap_or_default(),
            verdict(ratio, row.target),
        );
    }
    out
}

/// The figure a row's ratio compares.
fn figure(summary: &Summary, metric: Metric) -> Spread {
    match (metric, summary.first_byte) {
        (Metric::FirstByte, Some(first)) => first,
        _ => summary.wall,
    }
}

fn describe(summary: &Summary, metric: Metric) -> String {
    match (metric, summary.first_byte) {
        (Metric::FirstByte, Some(first)) => {
            format!(
                "first byte {}; total {}",
                spread(&first),
                ms(summary.wall.median)
            )
        }
        _ => spread(&summary.wall),
    }
}

fn spread(s: &Spread) -> String {
    format!("{} ({}–{})", ms(s.median), ms(s.min), ms(s.max))
}

/// The median, minimum and maximum of some ratios (`None` when there are none).
fn median_and_range(ratios: &[f64]) -> Option<(f64, f64, f64)> {
    let mut sorted = ratios.to_vec();
    sorted.sort_by(f64::total_cmp);
    Some((
        *sorted.get(sorted.len() / 2)?,
        *sorted.first()?,
        *sorted.last()?,
    ))
}

fn ratio(ours: std::time::Duration, theirs: std::time::Duration) -> Option<f64> {
    let theirs = theirs.as_secs_f64();
    (theirs > 0.0).then(|| ours.as_secs_f64() / theirs)
}

fn verdict(ratio: Option<f64>, target: Option<f64>) -> String {
    match (ratio, target) {
        (Some(r), Some(t)) if r <= t => format!("≤ {t}×: met"),
        (Some(_), Some(t)) => format!("≤ {t}×: **missed**"),
        (None, Some(t)) => format!("≤ {t}×: no peer"),
        _ => String::new(),
    }
}

fn mib(kib: u64) -> String {
    format!("{:.0} MiB", kib as f64 / 1024.0)
}

fn peers(bench: &Bench) -> String {
    let version = |tool: &Option<std::path::PathBuf>, name: &str| match tool {
        Some(path) => {
            first_line(Command::new(path).arg("--version")).unwrap_or_else(|| name.to_string())
        }
        None => format!("{name} (not installed)"),
    };
    [
        version(&bench.peers.wasmtime, "wasmtime"),
        version(&bench.peers.wasm_tools, "wasm-tools"),
        version(&bench.peers.wac, "wac"),
    ]
    .join(", ")
}

/// CPU, cores, memory and kernel of this machine.
fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map(str::trim)
        .unwrap_or("unknown CPU");
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| m.lines().next().map(str::to_string))
        .and_then(|l| {
            l.split_whitespace()
                .nth(1)
                .and_then(|k| k.parse::<u64>().ok())
        })
        .map(|kib| format!("{:.0} GiB", kib as f64 / 1024.0 / 1024.0))
        .unwrap_or_default();
    let kernel = first_line(Command::new("uname").arg("-sr")).unwrap_or_default();
    let profile = if Path::new(env!("CARGO_MANIFEST_DIR")).exists() && cfg!(debug_assertions) {
        "debug build (dependencies optimised)"
    } else {
        "release build"
    };
    format!("Machine: {model}, {cores} cores, {memory}, {kernel}; Plugboard {profile}.")
}

fn first_line(command: &mut Command) -> Option<String> {
    let output = command.output().ok()?;
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .next()
        .map(str::to_string)
}
