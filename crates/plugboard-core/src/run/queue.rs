//! The ordered, bounded queue between a running guest and whoever watches it.
//!
//! Guest output and host events go into one queue, in order. A pump task drains it in batches
//! (at most ~60 a second) into the run's channel. Output never grows memory without bound: past
//! [`OutputPolicy`]'s cap it is either dropped and counted (the app: the guest never waits on the
//! window) or the guest waits until the watcher catches up (the CLI: nothing is lost, like
//! `wasmtime run`). Capability attempts are bounded too: an attempt repeating one still waiting
//! is counted on it ("denied 10 000 × connect 127.0.0.1:9"), and past
//! [`MAX_WAITING_ATTEMPTS`] different ones waiting, more are counted as dropped. So are the wire
//! tap's call records past [`MAX_WAITING_CALLS`] waiting, or, with backpressure, the caller waits.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::{Notify, mpsc};

use super::events::{CapabilityAttempt, OutputStream, RunEvent, WireCall};

/// What happens to output produced faster than it is consumed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputPolicy {
    /// Keep at most this many bytes waiting; drop the rest and report how much was dropped.
    DropOverflow {
        /// The most bytes kept waiting.
        cap: usize,
    },
    /// Keep at most this many bytes waiting; make the guest wait for the rest.
    Backpressure {
        /// The most bytes kept waiting.
        cap: usize,
    },
}

impl Default for OutputPolicy {
    /// Drop past 256 KiB waiting: the choice for interactive front ends, which then get at most
    /// ~16 MiB of output a second, however fast the guest writes.
    fn default() -> Self {
        Self::DropOverflow { cap: 256 << 10 }
    }
}

impl OutputPolicy {
    fn cap(self) -> usize {
        match self {
            Self::DropOverflow { cap } | Self::Backpressure { cap } => cap,
        }
    }
}

/// The most bytes one output event carries; bigger bursts become several events.
const MAX_CHUNK: usize = 64 << 10;
/// The shortest time between two batches sent to the watcher (≈ 60 per second).
const BATCH_INTERVAL: Duration = Duration::from_millis(16);
/// The most different capability attempts waiting for the watcher; more are dropped and counted.
pub(crate) const MAX_WAITING_ATTEMPTS: usize = 256;

/// The most call records waiting for the watcher: a run making a million calls holds no more.
pub(crate) const MAX_WAITING_CALLS: usize = 256;

/// What makes two capability attempts the same one, repeated.
#[derive(PartialEq, Eq, Hash)]
struct AttemptKey {
    node: Option<String>,
    interface: String,
    target: String,
    allowed: bool,
}

#[derive(Default)]
struct Queue {
    events: VecDeque<RunEvent>,
    /// Where each waiting capability attempt is in `events` (cleared with every batch).
    attempts: HashMap<AttemptKey, usize>,
    /// Attempts dropped since the last batch, when too many different ones were waiting.
    dropped_attempts: u64,
    /// Call records waiting, and those dropped since the last batch.
    waiting_calls: usize,
    dropped_calls: u64,
    pending_bytes: usize,
    dropped: [u64; 2],
    /// Bytes of an incomplete UTF-8 character held back per stream until the rest arrives.
    carry: [Vec<u8>; 2],
    terminal: Option<RunEvent>,
}

/// The queue shared by a run's guest outputs, host hooks and pump.
pub(crate) struct EventQueue {
    queue: Mutex<Queue>,
    policy: OutputPolicy,
    started: Instant,
    wake_pump: Notify,
    /// Cuts the pump's pacing short: the run ended, or the guest waits for room.
    hurry: Notify,
    space: Notify,
}

impl EventQueue {
    /// A queue and the pump task that drains it into `sender`. The pump ends after delivering the
    /// terminal event given to [`EventQueue::finish`].
    pub(crate) fn start(
        policy: OutputPolicy,
        sender: mpsc::Sender<RunEvent>,
        runtime: &tokio::runtime::Handle,
    ) -> Arc<Self> {
        let queue = Arc::new(Self {
            queue: Mutex::new(Queue::default()),
            policy,
            started: Instant::now(),
            wake_pump: Notify::new(),
            hurry: Notify::new(),
            space: Notify::new(),
        });
        runtime.spawn(pump(queue.clone(), sender));
        queue
    }

    fn lock(&self) -> MutexGuard<'_, Queue> {
        // Only this module touches the queue and it never panics while holding the lock.
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds a host event (never dropped).
    pub(crate) fn push(&self, event: RunEvent) {
        self.lock().events.push_back(event);
        self.wake_pump.notify_one();
    }

    /// Records a capability decision, stamped with the time since the run started. The same
    /// attempt repeated while the first still waits is counted on it; past
    /// [`MAX_WAITING_ATTEMPTS`] different ones waiting, it is dropped and counted.
    pub(crate) fn capability(
        &self,
        node: Option<&str>,
        interface: &str,
        target: String,
        allowed: bool,
        toggle: &str,
    ) {
        let key = AttemptKey {
            node: node.map(str::to_string),
            interface: interface.to_string(),
            target,
            allowed,
        };
        let mut q = self.lock();
        if let Some(&at) = q.attempts.get(&key) {
            if let Some(RunEvent::Capability(attempt)) = q.events.get_mut(at) {
                attempt.count += 1;
            }
            return;
        }
        if q.attempts.len() >= MAX_WAITING_ATTEMPTS {
            q.dropped_attempts += 1;
            return;
        }
        let at = q.events.len();
        q.events.push_back(RunEvent::Capability(CapabilityAttempt {
            interface: key.interface.clone(),
            target: key.target.clone(),
            allowed,
            toggle: toggle.to_string(),
            at_ms: self.started.elapsed().as_millis() as u64,
            node: key.node.clone(),
            count: 1,
        }));
        q.attempts.insert(key, at);
        drop(q);
        self.wake_pump.notify_one();
    }

    /// Milliseconds from the run's start to `instant`: when events say they happened.
    pub(crate) fn ms_at(&self, instant: Instant) -> u64 {
        instant.saturating_duration_since(self.started).as_millis() as u64
    }

    /// Records a call across a wire. Past [`MAX_WAITING_CALLS`] waiting, the record is dropped
    /// and counted, or, with backpressure (nothing lost, as for output), the caller waits.
    pub(crate) async fn call(&self, call: WireCall) {
        if matches!(self.policy, OutputPolicy::Backpressure { .. }) {
            loop {
                let notified = self.space.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                if self.lock().waiting_calls < MAX_WAITING_CALLS {
                    break;
                }
                self.hurry.notify_one();
                notified.await;
            }
        }
        let mut q = self.lock();
        if q.waiting_calls >= MAX_WAITING_CALLS {
            q.dropped_calls += 1;
            return;
        }
        q.waiting_calls += 1;
        q.events.push_back(RunEvent::Call(Box::new(call)));
        drop(q);
        self.wake_pump.notify_one();
    }

    /// Whether the guest may write now without waiting (always, unless the policy is
    /// backpressure and the queue is full).
    pub(crate) fn has_space(&self) -> bool {
        match self.policy {
            OutputPolicy::DropOverflow { .. } => true,
            OutputPolicy::Backpressure { cap } => self.lock().pending_bytes < cap,
        }
    }

    /// Waits until [`EventQueue::has_space`], hurrying the pump along meanwhile.
    pub(crate) async fn wait_for_space(&self) {
        loop {
            let notified = self.space.notified();
            if self.has_space() {
                return;
            }
            self.hurry.notify_one();
            notified.await;
        }
    }

    /// Appends guest output, coalescing with the previous chunk of the same stream.
    pub(crate) fn write(&self, stream: OutputStream, bytes: &[u8]) {
        let mut q = self.lock();
        let room = self.policy.cap().saturating_sub(q.pending_bytes);
        let keep = match self.policy {
            OutputPolicy::DropOverflow { .. } => bytes.len().min(room),
            // The guest asked `has_space` first; a single write may overshoot the cap once.
            OutputPolicy::Backpressure { .. } => bytes.len(),
        };
        q.dropped[index(stream)] += (bytes.len() - keep) as u64;
        q.pending_bytes += keep;
        let bytes = &bytes[..keep];
        match q.events.back_mut() {
            Some(RunEvent::Stdout { data })
                if stream == OutputStream::Stdout && data.len() < MAX_CHUNK =>
            {
                data.extend_from_slice(bytes)
            }
            Some(RunEvent::Stderr { data })
                if stream == OutputStream::Stderr && data.len() < MAX_CHUNK =>
            {
                data.extend_from_slice(bytes)
            }
            _ if bytes.is_empty() => {}
            _ => q.events.push_back(output_event(stream, bytes.to_vec())),
        }
        drop(q);
        self.wake_pump.notify_one();
    }

    /// Ends the run with `terminal`: the pump delivers everything queued, then it.
    pub(crate) fn finish(&self, terminal: RunEvent) {
        let mut q = self.lock();
        if q.terminal.is_none() {
            q.terminal = Some(terminal);
        }
        drop(q);
        self.wake_pump.notify_one();
        self.hurry.notify_one();
    }

    /// Whether the pump should send the next batch without pacing: the run is over, or (with
    /// backpressure) the guest is waiting for room.
    fn is_urgent(&self) -> bool {
        let q = self.lock();
        q.terminal.is_some()
            || matches!(self.policy, OutputPolicy::Backpressure { cap }
                if q.pending_bytes >= cap / 2 || q.waiting_calls >= MAX_WAITING_CALLS / 2)
    }

    /// Takes everything queued, holding back an incomplete trailing UTF-8 character of each
    /// stream unless the run is over. Returns the batch and the terminal event, if reached.
    fn drain(&self) -> (Vec<RunEvent>, Option<RunEvent>) {
        let mut q = self.lock();
        let finishing = q.terminal.is_some();
        let mut batch: Vec<RunEvent> = Vec::with_capacity(q.events.len() + 2);
        let carry = std::mem::take(&mut q.carry);
        for (stream, held) in [OutputStream::Stdout, OutputStream::Stderr]
            .into_iter()
            .zip(carry)
        {
            if !held.is_empty() {
                batch.push(output_event(stream, held));
            }
        }
        batch.extend(q.events.drain(..));
        q.attempts.clear();
        let batch = coalesce(batch);
        let mut out = Vec::with_capacity(batch.len());
        for mut event in batch {
            if !finishing && let Some((stream, data)) = output_data(&mut event) {
                let tail = incomplete_utf8_tail(data);
                if tail > 0 {
                    let split = data.len() - tail;
                    q.carry[index(stream)] = data.split_off(split);
                    if data.is_empty() {
                        continue;
                    }
                }
            }
            out.push(event);
        }
        for (i, stream) in [OutputStream::Stdout, OutputStream::Stderr]
            .into_iter()
            .enumerate()
        {
            let bytes = std::mem::take(&mut q.dropped[i]);
            if bytes > 0 {
                out.push(RunEvent::OutputDropped { stream, bytes });
            }
        }
        q.waiting_calls = 0;
        let dropped_calls = std::mem::take(&mut q.dropped_calls);
        if dropped_calls > 0 {
            out.push(RunEvent::CallsDropped {
                count: dropped_calls,
            });
        }
        let dropped_attempts = std::mem::take(&mut q.dropped_attempts);
        if dropped_attempts > 0 {
            out.push(RunEvent::AttemptsDropped {
                count: dropped_attempts,
            });
        }
        q.pending_bytes = q.carry.iter().map(Vec::len).sum();
        let terminal = if finishing { q.terminal.take() } else { None };
        drop(q);
        self.space.notify_waiters();
        (out, terminal)
    }
}

/// Delivers batches until the terminal event has been sent, or the watcher went away.
async fn pump(queue: Arc<EventQueue>, sender: mpsc::Sender<RunEvent>) {
    loop {
        queue.wake_pump.notified().await;
        let (batch, terminal) = queue.drain();
        let done = terminal.is_some();
        for event in batch.into_iter().chain(terminal) {
            if sender.send(event).await.is_err() {
                // Nobody is watching any more: keep draining so the guest never waits on us.
                queue.space.notify_waiters();
            }
        }
        if done {
            return;
        }
        // Pace the watcher at ~60 batches a second; whatever is queued meanwhile left a wake-up
        // permit and goes out as the next batch. Never hold back the end of the run, nor a
        // backlog the guest is waiting on.
        if !queue.is_urgent() {
            tokio::select! {
                () = tokio::time::sleep(BATCH_INTERVAL) => {}
                () = queue.hurry.notified() => {}
            }
        }
    }
}

fn index(stream: OutputStream) -> usize {
    match stream {
        OutputStream::Stdout => 0,
        OutputStream::Stderr => 1,
    }
}

fn output_event(stream: OutputStream, data: Vec<u8>) -> RunEvent {
    match stream {
        OutputStream::Stdout => RunEvent::Stdout { data },
        OutputStream::Stderr => RunEvent::Stderr { data },
    }
}

fn output_data(event: &mut RunEvent) -> Option<(OutputStream, &mut Vec<u8>)> {
    match event {
        RunEvent::Stdout { data } => Some((OutputStream::Stdout, data)),
        RunEvent::Stderr { data } => Some((OutputStream::Stderr, data)),
        _ => None,
    }
}

/// Merges neighbouring output events of the same stream (a held-back character and the bytes
/// that complete it), never beyond [`MAX_CHUNK`]: the watcher's channel holds a bounded number
/// of events, so their size is what bounds its memory.
fn coalesce(events: Vec<RunEvent>) -> Vec<RunEvent> {
    let mut out: Vec<RunEvent> = Vec::with_capacity(events.len());
    for event in events {
        match (out.last_mut(), event) {
            (Some(RunEvent::Stdout { data }), RunEvent::Stdout { data: more })
            | (Some(RunEvent::Stderr { data }), RunEvent::Stderr { data: more })
                if data.len() + more.len() <= MAX_CHUNK =>
            {
                data.extend(more)
            }
            (_, event) => out.push(event),
        }
    }
    out
}

/// How many bytes at the end of `data` begin a UTF-8 character that is not complete yet.
fn incomplete_utf8_tail(data: &[u8]) -> usize {
    for back in 1..=data.len().min(3) {
        let byte = data[data.len() - back];
        if byte & 0b1100_0000 != 0b1000_0000 {
            // A lead byte: how long its character should be.
            let needed = match byte {
                b if b >= 0b1111_0000 => 4,
                b if b >= 0b1110_0000 => 3,
                b if b >= 0b1100_0000 => 2,
                _ => 1,
            };
            return if needed > back { back } else { 0 };
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_incomplete_character_is_held_back() {
        let euro = "€".as_bytes();
        assert_eq!(incomplete_utf8_tail(b"abc"), 0);
        assert_eq!(incomplete_utf8_tail(&euro[..1]), 1);
        assert_eq!(incomplete_utf8_tail(&[b'a', euro[0], euro[1]]), 2);
        assert_eq!(incomplete_utf8_tail(euro), 0);
    }

    fn a_call(number: u64) -> WireCall {
        WireCall {
            caller: crate::project::NodeId::new("app"),
            import: "example:x/y".into(),
            callee: crate::project::NodeId::new("provider"),
            function: "f".into(),
            args: "()".into(),
            results: Some("()".into()),
            error: None,
            micros: 1,
            at_ms: 0,
            number,
        }
    }

    /// Sends `calls` call records through a queue with `policy` (the watcher reading only once
    /// they are all sent) and returns the records delivered and the count said dropped.
    async fn through_queue(policy: OutputPolicy, calls: u64) -> (u64, u64) {
        let (tx, mut rx) = mpsc::channel(16);
        let queue = EventQueue::start(policy, tx, &tokio::runtime::Handle::current());
        let watcher = tokio::spawn(async move {
            let (mut delivered, mut dropped) = (0, 0);
            while let Some(event) = rx.recv().await {
                match event {
                    RunEvent::Call(_) => delivered += 1,
                    RunEvent::CallsDropped { count } => dropped += count,
                    _ => {}
                }
            }
            (delivered, dropped)
        });
        for number in 1..=calls {
            queue.call(a_call(number)).await;
        }
        queue.finish(RunEvent::Exited { code: 0 });
        watcher.await.expect("the watcher")
    }

    #[tokio::test]
    async fn call_records_waiting_are_bounded_and_the_rest_counted() {
        // On this single-threaded runtime the pump runs only once the calls are made: all but
        // the first MAX_WAITING_CALLS are dropped, and counted.
        let (delivered, dropped) = through_queue(OutputPolicy::default(), 100_000).await;
        assert_eq!(delivered, MAX_WAITING_CALLS as u64);
        assert_eq!(delivered + dropped, 100_000);
    }

    #[tokio::test]
    async fn with_backpressure_no_call_record_is_lost() {
        let policy = OutputPolicy::Backpressure { cap: 1 << 20 };
        let (delivered, dropped) = through_queue(policy, 10_000).await;
        assert_eq!((delivered, dropped), (10_000, 0));
    }

    #[tokio::test]
    async fn output_is_delivered_in_order_then_the_terminal_event() {
        let (tx, mut rx) = mpsc::channel(16);
        let queue = EventQueue::start(
            OutputPolicy::default(),
            tx,
            &tokio::runtime::Handle::current(),
        );
        queue.write(OutputStream::Stdout, b"one ");
        queue.write(OutputStream::Stdout, &"tw\u{20ac}".as_bytes()[..4]);
        queue.write(OutputStream::Stdout, &"\u{20ac}".as_bytes()[2..]);
        queue.push(RunEvent::Started);
        queue.write(OutputStream::Stderr, b"err");
        queue.finish(RunEvent::Exited { code: 0 });
        let mut events = Vec::new();
        while let Some(event) = rx.recv().await {
            events.push(event);
        }
        let stdout: Vec<u8> = events
            .iter()
            .filter_map(|e| match e {
                RunEvent::Stdout { data } => Some(data.clone()),
                _ => None,
            })
            .flatten()
            .collect();
        assert_eq!(
            String::from_utf8(stdout).ok().as_deref(),
            Some("one tw\u{20ac}")
        );
        assert_eq!(events.last(), Some(&RunEvent::Exited { code: 0 }));
        assert!(events.contains(&RunEvent::Stderr {
            data: b"err".to_vec()
        }));
    }

    #[tokio::test]
    async fn repeated_attempts_are_counted_and_waiting_ones_are_bounded() {
        let (tx, mut rx) = mpsc::channel(16);
        let queue = EventQueue::start(
            OutputPolicy::default(),
            tx,
            &tokio::runtime::Handle::current(),
        );
        // Everything below is queued before the pump runs (this test's runtime has one thread).
        for _ in 0..10_000 {
            queue.capability(
                None,
                "wasi:sockets/tcp",
                "connect 127.0.0.1:9".into(),
                false,
                "inherit-network",
            );
        }
        for port in 0..1_000 {
            queue.capability(
                None,
                "wasi:sockets/tcp",
                format!("connect 10.0.0.1:{port}"),
                false,
                "inherit-network",
            );
        }
        queue.finish(RunEvent::Exited { code: 0 });
        let mut events = Vec::new();
        while let Some(event) = rx.recv().await {
            events.push(event);
        }
        let attempts: Vec<&CapabilityAttempt> = events
            .iter()
            .filter_map(|e| match e {
                RunEvent::Capability(a) => Some(a),
                _ => None,
            })
            .collect();
        assert_eq!(attempts.len(), MAX_WAITING_ATTEMPTS);
        assert_eq!(attempts[0].count, 10_000);
        assert_eq!(attempts[0].target, "connect 127.0.0.1:9");
        let dropped: u64 = events
            .iter()
            .filter_map(|e| match e {
                RunEvent::AttemptsDropped { count } => Some(*count),
                _ => None,
            })
            .sum();
        assert_eq!(dropped, 1_000 - (MAX_WAITING_ATTEMPTS as u64 - 1));
    }

    #[test]
    fn coalescing_keeps_events_small() {
        let chunk = || RunEvent::Stdout {
            data: vec![b'x'; MAX_CHUNK],
        };
        let merged = coalesce(vec![
            chunk(),
            chunk(),
            RunEvent::Stdout {
                data: b"y".to_vec(),
            },
        ]);
        assert_eq!(merged.len(), 3);
        let small = coalesce(vec![
            RunEvent::Stdout {
                data: b"a".to_vec(),
            },
            RunEvent::Stdout {
                data: b"b".to_vec(),
            },
        ]);
        assert_eq!(
            small,
            vec![RunEvent::Stdout {
                data: b"ab".to_vec()
            }]
        );
    }

    #[tokio::test]
    async fn overflow_is_dropped_and_counted() {
        let (tx, mut rx) = mpsc::channel(16);
        let queue = EventQueue::start(
            OutputPolicy::DropOverflow { cap: 10 },
            tx,
            &tokio::runtime::Handle::current(),
        );
        queue.write(OutputStream::Stdout, b"0123456789abcdef");
        queue.finish(RunEvent::Exited { code: 0 });
        let mut events = Vec::new();
        while let Some(event) = rx.recv().await {
            events.push(event);
        }
        assert_eq!(
            events[0],
            RunEvent::Stdout {
                data: b"0123456789".to_vec()
            }
        );
        assert!(events.contains(&RunEvent::OutputDropped {
            stream: OutputStream::Stdout,
            bytes: 6
        }));
    }
}
