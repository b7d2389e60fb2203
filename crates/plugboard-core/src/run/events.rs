//! What a run reports, in order: the one stream the CLI prints, the app shows and tests collect.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::error::FailureKind;
use super::limits::Grew;
use crate::project::NodeId;

/// One thing that happened during a run. A run ends with exactly one *terminal* event
/// ([`RunEvent::is_terminal`]); output and capability events before it are in the order they
/// happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(
    tag = "type",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
#[ts(export)]
pub enum RunEvent {
    /// Compilation to machine code is starting (nothing cached for these bytes yet).
    Compiling {
        /// Size of the component being compiled.
        #[ts(type = "number")]
        bytes: u64,
    },
    /// The component is ready to instantiate.
    Compiled {
        /// Whether it came from the cache (memory or disk) rather than the compiler.
        cached: bool,
        /// How long getting it took.
        #[ts(type = "number")]
        millis: u64,
        /// Whether it is optimized code (Cranelift), or quick code (Winch) for a first run
        /// while the optimized code compiles in the background.
        optimized: bool,
    },
    /// A linked run was asked for but the project cannot be linked: it runs fused instead.
    LinkFallback {
        /// Why it cannot be linked.
        reason: String,
        /// What running fused means for the nodes' grants.
        grants: String,
    },
    /// The guest is starting.
    Started,
    /// Bytes the guest wrote to stdout (serialised as text).
    Stdout {
        /// The bytes; valid UTF-8 when the guest wrote UTF-8.
        #[serde(with = "lossy_text")]
        #[ts(type = "string")]
        data: Vec<u8>,
    },
    /// Bytes the guest wrote to stderr (serialised as text).
    Stderr {
        /// The bytes; valid UTF-8 when the guest wrote UTF-8.
        #[serde(with = "lossy_text")]
        #[ts(type = "string")]
        data: Vec<u8>,
    },
    /// Output was produced faster than it could be shown and this much was dropped.
    OutputDropped {
        /// Which stream.
        stream: OutputStream,
        /// How many bytes.
        #[ts(type = "number")]
        bytes: u64,
    },
    /// The guest tried to use a capability; the host allowed or denied it.
    Capability(CapabilityAttempt),
    /// Capability attempts came faster than they could be shown, all different: this many were
    /// left out of the log (the run itself was not affected).
    AttemptsDropped {
        /// How many.
        #[ts(type = "number")]
        count: u64,
    },
    /// A call crossed a wire of a linked run (recorded when the run taps its wires).
    Call(Box<WireCall>),
    /// Calls crossed the wires faster than they could be shown: this many records were left
    /// out (the calls themselves were not affected, and [`WireCall::number`] still counts them).
    CallsDropped {
        /// How many.
        #[ts(type = "number")]
        count: u64,
    },
    /// How many calls crossed each tapped wire in the whole run (sent before the terminal
    /// event, so counts are exact even when records were dropped).
    CallTotals {
        /// Each wire that was called, with its count.
        wires: Vec<WireTotal>,
    },
    /// An HTTP proxy is being served at this address.
    Serving {
        /// `127.0.0.1:PORT`.
        address: String,
    },
    /// The served proxy received a request.
    Request {
        /// The request's number in this serve session.
        #[ts(type = "number")]
        id: u64,
        /// The method.
        method: String,
        /// The path and query.
        uri: String,
    },
    /// The served proxy answered a request.
    Response {
        /// The request's number.
        #[ts(type = "number")]
        id: u64,
        /// The HTTP status, or 500 when the guest failed.
        status: u16,
        /// Time from request to response head.
        #[ts(type = "number")]
        millis: u64,
        /// Why the guest failed, when it did.
        error: Option<String>,
    },
    /// A server took new code (hot reload): new requests get it, requests in flight finish on
    /// the code they started with.
    Swapped {
        /// How long preparing the new code took.
        #[ts(type = "number")]
        millis: u64,
    },
    /// New code for a server could not be prepared: it goes on answering with the code it had.
    SwapFailed {
        /// What went wrong and what to do.
        message: String,
    },
    /// An invoked function returned (terminal).
    Returned {
        /// Each result as WAVE text.
        results: Vec<String>,
        /// Each result as JSON, for a structured display (shapes as in `run::wave_value`).
        values: Vec<serde_json::Value>,
    },
    /// A session's call returned; the session goes on.
    Answered {
        /// The line as sent.
        call: String,
        /// Each result as WAVE text, a handle written as the name the session gave it.
        results: Vec<String>,
        /// Each result as JSON (shapes as in `run::wave_value`; a handle is its name).
        values: Vec<serde_json::Value>,
        /// The handles the session holds now, oldest first.
        handles: Vec<HeldHandle>,
    },
    /// A session's line was not run: it does not parse, names nothing, or does not fit. The
    /// session goes on.
    Refused {
        /// The line as sent.
        call: String,
        /// What does not fit, and how to write it.
        message: String,
    },
    /// The session was closed by its owner; the handles it still held were dropped (terminal).
    Closed {
        /// How many handles were dropped at the close.
        dropped: u32,
    },
    /// The guest exited with this code (terminal).
    Exited {
        /// 0 for success.
        code: i32,
    },
    /// The guest trapped (terminal).
    Trapped {
        /// What happened.
        message: String,
        /// The wasm backtrace, innermost frame first.
        backtrace: Vec<String>,
    },
    /// The run reached its time limit (terminal).
    TimedOut {
        /// The limit.
        #[ts(type = "number")]
        after_ms: u64,
    },
    /// A memory or table tried to grow past the run's memory limit (terminal).
    OutOfMemory {
        /// The limit: every memory and table of the run together.
        #[ts(type = "number")]
        limit_bytes: u64,
        /// What the run would have held after the growth.
        #[ts(type = "number")]
        requested_bytes: u64,
        /// What grew.
        grew: Grew,
        /// The size it tried to grow to.
        #[ts(type = "number")]
        size_bytes: u64,
        /// The node whose memory or table it was, in a linked run.
        node: Option<String>,
    },
    /// The run used all its fuel (terminal).
    OutOfFuel {
        /// The fuel it was given.
        #[ts(type = "number")]
        fuel: u64,
    },
    /// The run was stopped by the user (terminal).
    Stopped,
    /// The run could not start or continue, for a reason that is not the guest's doing: the
    /// component does not compile, an import is not provided, arguments do not parse (terminal).
    Failed {
        /// What went wrong and what to do.
        message: String,
        /// What kind of failure.
        kind: FailureKind,
        /// The node at fault, in a project.
        node: Option<NodeId>,
        /// The import at fault, if one is.
        port: Option<String>,
    },
}

impl RunEvent {
    /// Whether this event ends the run.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Self::Returned { .. }
                | Self::Closed { .. }
                | Self::Exited { .. }
                | Self::Trapped { .. }
                | Self::TimedOut { .. }
                | Self::OutOfMemory { .. }
                | Self::OutOfFuel { .. }
                | Self::Stopped
                | Self::Failed { .. }
        )
    }

    /// A one-line description of a terminal event, as a status bar or the CLI shows it.
    pub fn summary(&self) -> String {
        match self {
            Self::Returned { results, .. } => format!("returned {}", results.join(", ")),
            Self::Closed { dropped } => format!("session closed, {dropped} handles dropped"),
            Self::Exited { code } => format!("exited with code {code}"),
            Self::Trapped { message, .. } => format!("trapped: {message}"),
            Self::TimedOut { after_ms } => format!("timed out after {}", millis_text(*after_ms)),
            Self::OutOfMemory {
                limit_bytes,
                requested_bytes,
                grew,
                size_bytes,
                node,
            } => format!(
                "out of memory: a {}{} tried to grow to {}, taking the run's memory to {}; the limit is {} for all memories and tables together",
                match grew {
                    Grew::Memory => "memory",
                    Grew::Table => "table",
                },
                node.as_ref()
                    .map(|n| format!(" of {n}"))
                    .unwrap_or_default(),
                mebibytes(*size_bytes),
                mebibytes(*requested_bytes),
                mebibytes(*limit_bytes)
            ),
            Self::OutOfFuel { fuel } => format!("out of fuel after {fuel} units"),
            Self::Stopped => "stopped".to_string(),
            Self::Failed { message, .. } => format!("failed: {message}"),
            other => format!("{other:?}"),
        }
    }
}

/// A handle an invoke session holds, by the name its calls write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HeldHandle {
    /// The name, as a WAVE label: `b`, `bucket1`.
    pub name: String,
    /// The exported resource it is of; `None` for a resource the component imports.
    pub resource: Option<String>,
    /// The exported interface holding that resource; `None` at the top level.
    pub interface: Option<String>,
}

/// Bytes in MiB, with one decimal below 10 MiB (a growth of a few hundred KiB still shows).
fn mebibytes(bytes: u64) -> String {
    let mib = bytes as f64 / f64::from(1 << 20);
    if mib < 10.0 {
        format!("{mib:.1} MiB")
    } else {
        format!("{mib:.0} MiB")
    }
}

fn millis_text(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{ms} ms")
    }
}

/// Which output stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum OutputStream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

/// A use of a capability the host decides on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CapabilityAttempt {
    /// The WASI interface: `wasi:sockets/tcp`, `wasi:sockets/ip-name-lookup`,
    /// `wasi:http/outgoing-handler`, …
    pub interface: String,
    /// What was asked for: an address, a host name, `GET http://host/path`.
    pub target: String,
    /// Whether the host allowed it.
    pub allowed: bool,
    /// The capability toggle that decides it (`inherit-network`, `http`, …), to tell the user.
    pub toggle: String,
    /// Milliseconds since the run started.
    #[ts(type = "number")]
    pub at_ms: u64,
    /// The node whose code made the attempt, in a linked run.
    pub node: Option<String>,
    /// How many times the same attempt was made in a row (while the first was waiting to be
    /// shown); 1 for a single attempt.
    #[ts(type = "number")]
    pub count: u64,
}

/// One call across a wire, as the wire tap saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WireCall {
    /// The calling node (the wire's consumer).
    pub caller: NodeId,
    /// The caller's import the wire ends at: with `caller`, the wire.
    pub import: String,
    /// The node whose export answered (the wire's provider).
    pub callee: NodeId,
    /// The function, as the import names it (`reverse`, `[method]bucket.get`).
    pub function: String,
    /// The arguments as WAVE, long values cut with their size said; handles as `<handle>`.
    pub args: String,
    /// The results as WAVE (cut the same way), when it returned.
    pub results: Option<String>,
    /// Why it failed (a trap in the callee, a handle that crossed wrongly), when it did.
    pub error: Option<String>,
    /// How long the call took, callee's nested calls included.
    #[ts(type = "number")]
    pub micros: u64,
    /// When it started, in milliseconds since the run started.
    #[ts(type = "number")]
    pub at_ms: u64,
    /// This call's number on its wire (1 for the first): the wire's count so far.
    #[ts(type = "number")]
    pub number: u64,
}

/// How many calls crossed one wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WireTotal {
    /// The calling node.
    pub caller: NodeId,
    /// Its import the wire ends at.
    pub import: String,
    /// How many calls.
    #[ts(type = "number")]
    pub calls: u64,
    /// How many items of the streams its calls returned crossed it (WASI 0.3).
    #[ts(type = "number")]
    pub items: u64,
}

/// Bytes as text in JSON (lossy for invalid UTF-8), bytes again when read back.
mod lossy_text {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(data: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&String::from_utf8_lossy(data))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        Ok(String::deserialize(deserializer)?.into_bytes())
    }
}
