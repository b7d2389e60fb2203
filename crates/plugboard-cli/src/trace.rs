//! `--trace-calls`: every call across a wire of a linked run, printed to stderr as it happens
//! or written to a file as JSON lines (one `WireCall` per line, as the engine reports it).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{Context, Result};
use plugboard_core::run::{WireCall, WireTotal};

/// Where the records go.
pub enum CallSink {
    Stderr,
    File(BufWriter<File>),
}

impl CallSink {
    /// `-` is stderr; anything else a file, created (or truncated).
    pub fn open(target: &Path) -> Result<Self> {
        if target == Path::new("-") {
            return Ok(Self::Stderr);
        }
        let file = File::create(target)
            .with_context(|| format!("cannot write the call trace to {}", target.display()))?;
        Ok(Self::File(BufWriter::new(file)))
    }

    pub fn call(&mut self, call: &WireCall) {
        match self {
            Self::Stderr => eprintln!("plugboard: {}", call_line(call)),
            Self::File(file) => {
                // A full disk must not stop the guest: the trace is only a record.
                let _ = serde_json::to_writer(&mut *file, call).map(|()| writeln!(file));
            }
        }
    }

    /// Says how many calls crossed each wire, and finishes the file.
    pub fn totals(&mut self, wires: &[WireTotal]) {
        if let Self::File(file) = self {
            let _ = file.flush();
        }
        for wire in wires {
            let items = match wire.items {
                0 => String::new(),
                1 => ", 1 stream item".to_string(),
                n => format!(", {n} stream items"),
            };
            eprintln!(
                "plugboard: {} call{} on the wire into {} `{}`{items}",
                wire.calls,
                if wire.calls == 1 { "" } else { "s" },
                wire.caller,
                wire.import
            );
        }
    }
}

/// `#3 consumer-app → string-operations: reverse("abc") → "cba" (12 µs)`.
fn call_line(call: &WireCall) -> String {
    let ending = match (&call.results, &call.error) {
        (_, Some(error)) => format!("✗ {error}"),
        (Some(results), None) if results.is_empty() => "returned".to_string(),
        (Some(results), None) => format!("→ {results}"),
        (None, None) => String::new(),
    };
    format!(
        "#{} {} → {}: {}({}) {ending} ({} µs)",
        call.number, call.caller, call.callee, call.function, call.args, call.micros
    )
}
