// What the window knows about runs, and how each event changes it: pure functions, so the store
// stays small and the status bar's words are unit-tested.
import type { AppError } from "../ipc/bindings/AppError";
import type { Fault } from "../graph/mapping";
import type { CapabilityAttempt } from "../ipc/bindings/CapabilityAttempt";
import type { JsonValue } from "../ipc/bindings/serde_json/JsonValue";
import type { RunEvent } from "../ipc/bindings/RunEvent";
import type { RunMode } from "../ipc/bindings/RunMode";

export type MainRunKind = "run" | "serve";
export type RunPhase = "starting" | "compiling" | "running" | "serving" | "ended";
export type TerminalEvent = Extract<
  RunEvent,
  {
    type:
      | "returned"
      | "closed"
      | "exited"
      | "trapped"
      | "timed-out"
      | "out-of-memory"
      | "out-of-fuel"
      | "stopped"
      | "failed";
  }
>;

/** The project's run or server: what the status bar shows. */
export type RunInfo = {
  /** This window's number for the run (events of an older run are ignored). */
  seq: number;
  kind: MainRunKind;
  mode: RunMode;
  /** The engine's id, once it answered. */
  id: number | null;
  phase: RunPhase;
  startedAt: number;
  /** When the guest started (after compiling). */
  runningSince: number | null;
  endedAt: number | null;
  /** Components compiled or found so far, of how many. */
  compile: { done: number; total: number; compiling: number; bytes: number };
  /** Why a linked run runs fused instead. */
  fallback: string | null;
  /** How it ended. */
  end: TerminalEvent | null;
  /** Why it could not start at all (with the node at fault, if one is). */
  error: AppError | null;
  stopRequested: boolean;
  /** Where it serves. */
  address: string | null;
  requests: number;
  /** A server is preparing new code (hot reload) while it answers with the old. */
  swapping: boolean;
  /** How many times a server took new code. */
  swaps: number;
  /** Bytes of output the engine dropped. */
  dropped: number;
};

export type LogRow = { key: number; origin: MainRunKind | "invoke"; attempt: CapabilityAttempt };

/** Whether two log rows are the same attempt, repeated (then one row counts both). */
export function sameAttempt(a: LogRow, b: LogRow): boolean {
  return (
    a.origin === b.origin &&
    a.attempt.node === b.attempt.node &&
    a.attempt.interface === b.attempt.interface &&
    a.attempt.target === b.attempt.target &&
    a.attempt.allowed === b.attempt.allowed
  );
}

export type RequestRow = {
  key: string;
  id: number;
  method: string;
  uri: string;
  status: number | null;
  millis: number | null;
  error: string | null;
};

export type InvokeTarget = { node: string | null; port: string; function: string };

export type InvokeInfo = {
  seq: number;
  id: number | null;
  target: InvokeTarget;
  state: "running" | "done";
  /** The call as WAVE text, once the engine built it. */
  call: string | null;
  results: string[] | null;
  values: JsonValue[] | null;
  /** What went wrong: bad arguments, a trap, a failure. */
  error: string | null;
  fallback: string | null;
};

export type BackgroundCompile = {
  name: string;
  state: "compiling" | "ready" | "failed";
  bytes: number;
  cached: boolean;
  optimized: boolean;
  message: string | null;
};

export function isTerminal(event: RunEvent): event is TerminalEvent {
  switch (event.type) {
    case "returned":
    case "closed":
    case "exited":
    case "trapped":
    case "timed-out":
    case "out-of-memory":
    case "out-of-fuel":
    case "stopped":
    case "failed":
      return true;
    default:
      return false;
  }
}

export function newRun(
  seq: number,
  kind: MainRunKind,
  mode: RunMode,
  components: number,
  now: number,
): RunInfo {
  return {
    seq,
    kind,
    mode,
    id: null,
    phase: "starting",
    startedAt: now,
    runningSince: null,
    endedAt: null,
    compile: {
      done: 0,
      total: mode === "linked" ? Math.max(components, 1) : 1,
      compiling: 0,
      bytes: 0,
    },
    fallback: null,
    end: null,
    error: null,
    stopRequested: false,
    address: null,
    requests: 0,
    swapping: false,
    swaps: 0,
    dropped: 0,
  };
}

export function isActive(run: RunInfo | null): boolean {
  return run !== null && run.phase !== "ended";
}

/** `run` after `event`. */
export function reduceRun(run: RunInfo, event: RunEvent, now: number): RunInfo {
  if (run.phase === "ended") return run;
  // A server compiling new code goes on serving the old.
  if (run.phase === "serving" && (event.type === "compiling" || event.type === "compiled")) {
    return run;
  }
  switch (event.type) {
    case "swapped":
      return { ...run, swapping: false, swaps: run.swaps + 1 };
    case "swap-failed":
      return { ...run, swapping: false };
    case "compiling":
      return {
        ...run,
        phase: "compiling",
        compile: {
          ...run.compile,
          compiling: run.compile.compiling + 1,
          bytes: run.compile.bytes + event.bytes,
        },
      };
    case "compiled":
      return {
        ...run,
        compile: {
          ...run.compile,
          done: Math.min(run.compile.done + 1, run.compile.total),
          compiling: Math.max(run.compile.compiling - (event.cached ? 0 : 1), 0),
        },
      };
    case "link-fallback":
      return { ...run, fallback: event.reason, compile: { ...run.compile, total: 1 } };
    case "started":
      return { ...run, phase: "running", runningSince: now };
    case "serving":
      return { ...run, phase: "serving", runningSince: now, address: event.address };
    case "request":
      return { ...run, requests: run.requests + 1 };
    case "output-dropped":
      return { ...run, dropped: run.dropped + event.bytes };
    default:
      if (isTerminal(event)) return { ...run, phase: "ended", endedAt: now, end: event };
      return run;
  }
}

/** `run` that could not start: the engine refused before running anything. */
export function failedToStart(run: RunInfo, error: AppError, now: number): RunInfo {
  return { ...run, phase: "ended", endedAt: now, error };
}

/** The node (and port) a run failed at, to mark on the canvas as a compile error is marked. */
export function runFault(run: RunInfo | null): Fault | null {
  if (run?.error?.node) return run.error;
  if (run?.end?.type === "failed" && run.end.node !== null) return run.end;
  return null;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}

export function formatElapsed(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 60_000) return `${Math.floor(ms / 1000)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.floor((ms % 60_000) / 1000)} s`;
}

/** A terminal event in a sentence. */
export function endText(end: TerminalEvent): string {
  switch (end.type) {
    case "returned":
      return `returned ${end.results.join(", ") || "nothing"}`;
    case "closed":
      return `session closed, ${end.dropped} ${end.dropped === 1 ? "handle" : "handles"} dropped`;
    case "exited":
      return `exited with code ${end.code}`;
    case "trapped":
      return `trapped: ${end.message}`;
    case "timed-out":
      return `timed out after ${formatElapsed(end.afterMs)}`;
    case "out-of-memory":
      return `out of memory: a ${end.grew}${end.node ? ` of ${end.node}` : ""} tried to grow to ${formatBytes(end.sizeBytes)}, taking the run's memory to ${formatBytes(end.requestedBytes)}; the limit is ${formatBytes(end.limitBytes)} for all memories and tables together`;
    case "out-of-fuel":
      return `out of fuel after ${end.fuel} units`;
    case "stopped":
      return "stopped";
    case "failed":
      return `failed: ${end.message}`;
  }
}

export type StatusTone = "idle" | "busy" | "ok" | "bad" | "warn";

/** What the status bar says about `run` at `now`. */
export type RunStatusView = {
  /** For tests and styling: `idle`, `compiling`, `running`, `serving`, or the end's type. */
  state: string;
  tone: StatusTone;
  text: string;
  /** 0..1 while compiling. */
  progress: number | null;
};

export function statusOf(run: RunInfo | null, now: number): RunStatusView {
  if (!run) return { state: "idle", tone: "idle", text: "Ready: press Run (F5)", progress: null };
  const noun = run.kind === "serve" ? "Serving" : "Running";
  switch (run.phase) {
    case "starting":
      return {
        state: "starting",
        tone: "busy",
        text: run.stopRequested ? "Stopping…" : "Preparing…",
        progress: 0,
      };
    case "compiling": {
      const { done, total, bytes } = run.compile;
      return {
        state: "compiling",
        tone: "busy",
        text: `Compiling ${formatBytes(bytes)} to machine code… ${done} of ${total} component${total === 1 ? "" : "s"} ready`,
        progress: total > 0 ? done / total : null,
      };
    }
    case "running":
    case "serving": {
      const since = run.runningSince ?? run.startedAt;
      const elapsed = formatElapsed(Math.max(now - since, 0));
      const where = run.address ? ` on http://${run.address}/` : "";
      const requests =
        run.kind === "serve" ? ` · ${run.requests} request${run.requests === 1 ? "" : "s"}` : "";
      const swaps = run.swapping
        ? " · swapping in new code…"
        : run.swaps > 0
          ? ` · new code swapped in${run.swaps > 1 ? ` ${run.swaps}×` : ""}`
          : "";
      return {
        state: run.phase,
        tone: "busy",
        text: run.stopRequested ? "Stopping…" : `${noun}${where} · ${elapsed}${requests}${swaps}`,
        progress: null,
      };
    }
    case "ended": {
      const took = run.endedAt !== null ? ` · ${formatElapsed(run.endedAt - run.startedAt)}` : "";
      if (run.error !== null) {
        return {
          state: "failed",
          tone: "bad",
          text: `Could not start: ${run.error.message}`,
          progress: null,
        };
      }
      const end = run.end;
      if (!end) return { state: "ended", tone: "idle", text: "Ended", progress: null };
      const tone: StatusTone =
        end.type === "exited" && end.code === 0 ? "ok" : end.type === "stopped" ? "warn" : "bad";
      const text = endText(end);
      return {
        state: end.type,
        tone,
        text: `${text.charAt(0).toUpperCase()}${text.slice(1)}${took}`,
        progress: null,
      };
    }
  }
}

/** "linked", or "fell back to fused: why", or "fused". */
export function modeText(run: RunInfo): string {
  if (run.fallback !== null) return `fell back to fused: ${run.fallback}`;
  return run.mode;
}
