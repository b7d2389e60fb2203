//! The wire tap: in a linked run every call across a wire already passes through the host (see
//! [`super::linked`]), so the host can record it — caller and callee, interface and function,
//! arguments and results as WAVE, duration, error — at no cost to runs that do not ask for it
//! (their forwarders test one `Option`).
//!
//! Records go through the run's [`super::queue::EventQueue`], which bounds how many wait for
//! the watcher; each wire's count is kept here, so counts stay exact when records are dropped,
//! and [`Tap::totals`] reports them at the end.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use wasmtime::component::{Val, wasm_wave};

use super::events::{RunEvent, WireCall, WireTotal};
use crate::project::NodeId;

/// The longest string shown whole; longer ones are cut and their size said.
const MAX_STRING_CHARS: usize = 64;
/// The most list items shown; the rest are counted.
const MAX_LIST_ITEMS: usize = 16;
/// The longest text one side of a call (arguments or results) takes.
const MAX_TEXT_BYTES: usize = 1024;

/// What a linked run's taps know: who is on each end of each wire, and how often it was called.
#[derive(Debug)]
pub(crate) struct Tap {
    /// Each wire: the calling node and its import.
    wires: Vec<(NodeId, String)>,
    /// Each forwarded function (by slot): its wire, the node that answers, its name.
    slots: Vec<SlotLabel>,
    /// Calls so far, by wire: shared by every store of the run (a server's requests too).
    calls: Vec<AtomicU64>,
}

/// Who a forwarded function calls.
#[derive(Debug)]
pub(crate) struct SlotLabel {
    pub(crate) wire: usize,
    pub(crate) callee: NodeId,
    pub(crate) function: String,
}

impl Tap {
    pub(crate) fn new(wires: Vec<(NodeId, String)>, slots: Vec<SlotLabel>) -> Self {
        let calls = wires.iter().map(|_| AtomicU64::new(0)).collect();
        Self {
            wires,
            slots,
            calls,
        }
    }

    /// The record of one call through `slot` that started at `started` (`at_ms` into the run),
    /// with its arguments and how it ended.
    pub(crate) fn record(
        &self,
        slot: usize,
        params: &[Val],
        outcome: Result<&[Val], &wasmtime::Error>,
        started: Instant,
        at_ms: u64,
    ) -> Option<WireCall> {
        let micros = started.elapsed().as_micros() as u64;
        let label = self.slots.get(slot)?;
        let (caller, import) = self.wires.get(label.wire)?;
        let number = self.calls.get(label.wire)?.fetch_add(1, Ordering::Relaxed) + 1;
        let (results, error) = match outcome {
            Ok(values) => (Some(brief(values)), None),
            Err(error) => (None, Some(format!("{error:#}"))),
        };
        Some(WireCall {
            caller: caller.clone(),
            import: import.clone(),
            callee: label.callee.clone(),
            function: label.function.clone(),
            args: brief(params),
            results,
            error,
            micros,
            at_ms,
            number,
        })
    }

    /// How many calls crossed each wire that was called.
    pub(crate) fn totals(&self) -> RunEvent {
        RunEvent::CallTotals {
            wires: self
                .wires
                .iter()
                .zip(&self.calls)
                .filter_map(|((caller, import), calls)| {
                    let calls = calls.load(Ordering::Relaxed);
                    (calls > 0).then(|| WireTotal {
                        caller: caller.clone(),
                        import: import.clone(),
                        calls,
                    })
                })
                .collect(),
        }
    }
}

/// Values as WAVE, comma-separated, for a person to read: strings past [`MAX_STRING_CHARS`] and
/// lists past [`MAX_LIST_ITEMS`] cut with their size said, handles as `<handle>` (WAVE has no
/// way to write one), and at most about [`MAX_TEXT_BYTES`] in all.
pub(crate) fn brief(values: &[Val]) -> String {
    let mut out = String::new();
    write_items(&mut out, values, usize::MAX);
    out
}

/// Writes the first `limit` of `values` separated by commas, and how many there are if that
/// is not all of them; stops with `…` once the text is long enough.
fn write_items(out: &mut String, values: &[Val], limit: usize) {
    for (i, value) in values.iter().take(limit).enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        if out.len() > MAX_TEXT_BYTES {
            out.push('…');
            return;
        }
        write_value(out, value);
    }
    if values.len() > limit {
        let _ = write!(out, ", … ({} items)", values.len());
    }
}

fn write_value(out: &mut String, value: &Val) {
    match value {
        Val::String(text) if text.chars().count() > MAX_STRING_CHARS => {
            let cut: String = text.chars().take(MAX_STRING_CHARS).collect();
            write_wave(out, &Val::String(cut));
            let _ = write!(out, "… ({} bytes)", text.len());
        }
        Val::List(items) => {
            out.push('[');
            write_items(out, items, MAX_LIST_ITEMS);
            out.push(']');
        }
        Val::Tuple(items) => {
            out.push('(');
            write_items(out, items, usize::MAX);
            out.push(')');
        }
        Val::Record(fields) => {
            out.push('{');
            for (i, (name, value)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let _ = write!(out, "{name}: ");
                write_value(out, value);
            }
            out.push('}');
        }
        Val::Variant(case, payload) => write_case(out, case, payload.as_deref()),
        Val::Option(payload) => match payload {
            Some(inner) => write_case(out, "some", Some(inner)),
            None => out.push_str("none"),
        },
        Val::Result(Ok(payload)) => write_case(out, "ok", payload.as_deref()),
        Val::Result(Err(payload)) => write_case(out, "err", payload.as_deref()),
        Val::Resource(_) => out.push_str("<handle>"),
        other => write_wave(out, other),
    }
}

/// `case`, or `case(payload)`.
fn write_case(out: &mut String, case: &str, payload: Option<&Val>) {
    out.push_str(case);
    if let Some(payload) = payload {
        out.push('(');
        write_value(out, payload);
        out.push(')');
    }
}

fn write_wave(out: &mut String, value: &Val) {
    match wasm_wave::to_string(value) {
        Ok(text) => out.push_str(&text),
        Err(_) => out.push('?'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_as_wave_with_long_ones_cut_and_their_size_said() {
        let long = "x".repeat(1000);
        let values = [
            Val::String("hi".into()),
            Val::U32(7),
            Val::String(long),
            Val::List((0..100).map(Val::U8).collect()),
            Val::Record(vec![
                ("name".into(), Val::String("fruit".into())),
                ("size".into(), Val::Option(Some(Box::new(Val::U32(2))))),
            ]),
            Val::Result(Err(Some(Box::new(Val::Enum("denied".into()))))),
        ];
        let text = brief(&values);
        assert!(text.starts_with(r#""hi", 7, "xxxx"#), "{text}");
        assert!(text.contains("x\"… (1000 bytes)"), "{text}");
        assert!(
            text.contains("[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, … (100 items)]"),
            "{text}"
        );
        assert!(text.contains(r#"{name: "fruit", size: some(2)}"#), "{text}");
        assert!(text.ends_with("err(denied)"), "{text}");
    }

    #[test]
    fn a_huge_value_takes_about_a_kilobyte() {
        let nested = Val::List(
            (0..16)
                .map(|_| Val::List((0..16).map(|_| Val::String("y".repeat(60))).collect()))
                .collect(),
        );
        let text = brief(&[nested.clone(), nested]);
        assert!(text.len() < MAX_TEXT_BYTES + 200, "{} bytes", text.len());
        assert!(text.contains('…'));
    }
}
