//! The wire tap: in a linked run every call across a wire already passes through the host (see
//! [`super::linked`]), so the host can record it — caller and callee, interface and function,
//! arguments and results as WAVE, duration, error — at no cost to runs that do not ask for it
//! (their forwarders test one `Option`).
//!
//! Records go through the run's [`super::queue::EventQueue`], which bounds how many wait for
//! the watcher; each wire's count is kept here, so counts stay exact when records are dropped,
//! and [`Tap::totals`] reports them at the end.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use wasmtime::component::Val;

use super::events::{RunEvent, WireCall, WireTotal};
use super::values::{Cuts, wave_text};
use crate::project::NodeId;

/// What a linked run's taps know: who is on each end of each wire, and how often it was called.
#[derive(Debug)]
pub(crate) struct Tap {
    /// Each wire: the calling node and its import.
    wires: Vec<(NodeId, String)>,
    /// Each forwarded function (by slot): its wire, the node that answers, its name.
    slots: Vec<SlotLabel>,
    /// Calls so far, by wire: shared by every store of the run (a server's requests too).
    calls: Vec<AtomicU64>,
    /// Stream items that crossed so far, by wire (see [`super::relay`]).
    items: Vec<AtomicU64>,
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
        let items = wires.iter().map(|_| AtomicU64::new(0)).collect();
        Self {
            wires,
            slots,
            calls,
            items,
        }
    }

    /// Counts `count` stream items crossing the wire of `slot`.
    pub(crate) fn count_items(&self, slot: usize, count: u64) {
        if let Some(items) = self
            .slots
            .get(slot)
            .and_then(|label| self.items.get(label.wire))
        {
            items.fetch_add(count, Ordering::Relaxed);
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
            Ok(values) => (Some(wave_text(values, Cuts::BRIEF)), None),
            Err(error) => (None, Some(format!("{error:#}"))),
        };
        Some(WireCall {
            caller: caller.clone(),
            import: import.clone(),
            callee: label.callee.clone(),
            function: label.function.clone(),
            args: wave_text(params, Cuts::BRIEF),
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
                .zip(self.calls.iter().zip(&self.items))
                .filter_map(|((caller, import), (calls, items))| {
                    let calls = calls.load(Ordering::Relaxed);
                    (calls > 0).then(|| WireTotal {
                        caller: caller.clone(),
                        import: import.clone(),
                        calls,
                        items: items.load(Ordering::Relaxed),
                    })
                })
                .collect(),
        }
    }
}
