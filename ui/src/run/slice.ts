// The store's runs: Run, Serve, Invoke and Stop, the events they stream (batched into one store
// update per frame), the capability and request logs, background compiles and the request
// tester. Part of the one store (see ../store); only these actions call the run commands.
import { toAppError } from "../ipc/errors";
import type { ComponentDetails } from "../ipc/bindings/ComponentDetails";
import type { Project } from "../ipc/bindings/Project";
import type { JsonValue } from "../ipc/bindings/serde_json/JsonValue";
import type { RunEvent } from "../ipc/bindings/RunEvent";
import type { RunMode } from "../ipc/bindings/RunMode";
import type { TestRequest } from "../ipc/bindings/TestRequest";
import type { TestResponse } from "../ipc/bindings/TestResponse";
import { NO_CALLS, callsAfter, isCallEvent, type CallEvent } from "../calls/model";
import { newSession, sessionAfter, type SessionInfo } from "../invoke/session";
import type { Deps } from "../store";
import { storeHelpers, type Get, type Set } from "../store/shared";
import {
  endText,
  failedToStart,
  formatBytes,
  isActive,
  isTerminal,
  modeText,
  newRun,
  reduceRun,
  runFault,
  sameAttempt,
  type BackgroundCompile,
  type InvokeInfo,
  type InvokeTarget,
  type LogRow,
  type MainRunKind,
  type RequestRow,
  type RunInfo,
} from "./model";

/** Rows kept in the capability log and the request log. */
const MAX_LOG_ROWS = 500;
const MAX_REQUEST_ROWS = 200;

export type DockTab = "log" | "calls" | "http";

export type TesterState =
  | { state: "idle" }
  | { state: "sending" }
  | { state: "done"; response: TestResponse }
  | { state: "failed"; error: string };

export type RunState = {
  runMode: RunMode;
  run: RunInfo | null;
  invoke: InvokeInfo | null;
  /** The invoke session, open or the last one that ended. */
  session: SessionInfo | null;
  capabilityLog: LogRow[];
  requestLog: RequestRow[];
  background: Record<string, BackgroundCompile | undefined>;
  dockTab: DockTab;
  tester: TesterState;
  /** The composed component's exports, for invoking them (for the project as it was then). */
  composed: { project: Project; details: ComponentDetails | null; error: string | null } | null;
};

export type RunActions = {
  setRunMode: (mode: RunMode) => void;
  runProject: () => Promise<void>;
  serveProject: (address?: string | null) => Promise<void>;
  stopRun: () => Promise<void>;
  restartRun: () => Promise<void>;
  /** Gives the running server the project as it is now: new requests get the new code. */
  swapServer: () => Promise<void>;
  /** Calls `target` with `args`; a resource's method also with its constructor's values. */
  invokeFunction: (
    target: InvokeTarget,
    args: JsonValue[],
    constructorArgs?: JsonValue[],
  ) => Promise<void>;
  /** Opens an invoke session on `node` (`null`: the composition), closing any open one. */
  openSession: (node: string | null) => Promise<void>;
  /** Sends the open session one WAVE line. */
  sendSessionLine: (line: string) => Promise<void>;
  /** Closes the open session: its handles are dropped. */
  closeSession: () => Promise<void>;
  precompileNodes: (nodes: { id: string; path: string }[]) => void;
  sendTestRequest: (request: Omit<TestRequest, "address">) => Promise<void>;
  setDockTab: (tab: DockTab) => void;
  clearCapabilityLog: () => void;
  /** Composes the project (if it changed since) to list the composition's functions. */
  loadComposed: () => Promise<void>;
};

type Incoming =
  | { to: "run"; seq: number; event: RunEvent }
  | { to: "invoke"; seq: number; event: RunEvent }
  | { to: "session"; seq: number; event: RunEvent }
  | { to: "background"; path: string; event: RunEvent };

let nextSeq = 1;
let nextRow = 1;

export function createRunSlice(set: Set, get: Get, deps: Deps): RunState & RunActions {
  const { rebuild } = storeHelpers(set, get);
  // Events arrive one IPC message at a time; the store takes them in one update per frame.
  let queue: Incoming[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | null = null;
  /** Restart the run or server once the one being stopped has ended. */
  let restart: { kind: MainRunKind; address: string | null } | null = null;

  function receive(item: Incoming) {
    const { event } = item;
    // Output goes straight to the terminal: it is bounded there, not in the store.
    if ((event.type === "stdout" || event.type === "stderr") && item.to !== "background") {
      deps.output.write(event.type, event.data);
      return;
    }
    queue.push(item);
    flushTimer ??= setTimeout(flush, 16);
  }

  function flush() {
    flushTimer = null;
    const items = queue;
    queue = [];
    const now = Date.now();
    const { requestLog } = get();
    let { run, invoke, session, capabilityLog, background } = get();
    const logRows: LogRow[] = [];
    const callEvents: CallEvent[] = [];
    let requests = requestLog;
    let ended: RunInfo | null = null;
    for (const item of items) {
      const { event } = item;
      if (item.to === "background") {
        // Compiles for a project no longer open are not shown.
        const entry = background[item.path];
        if (entry) background = { ...background, [item.path]: backgroundAfter(entry, event) };
        continue;
      }
      if (isCallEvent(event)) {
        callEvents.push(event);
        continue;
      }
      if (event.type === "capability") {
        const origin = item.to === "run" ? (run?.kind ?? "run") : "invoke";
        const row: LogRow = { key: nextRow++, origin, attempt: event };
        // The same attempt again (the engine counted repeats within a batch): one row counts all.
        const latest = logRows.length > 0 ? logRows[logRows.length - 1] : capabilityLog[0];
        if (latest && sameAttempt(latest, row)) {
          const merged = {
            ...latest,
            attempt: { ...latest.attempt, count: latest.attempt.count + event.count },
          };
          if (logRows.length > 0) logRows[logRows.length - 1] = merged;
          else capabilityLog = [merged, ...capabilityLog.slice(1)];
        } else {
          logRows.push(row);
        }
      }
      if (item.to === "invoke") {
        if (invoke?.seq === item.seq) invoke = invokeAfter(invoke, event);
        continue;
      }
      if (item.to === "session") {
        if (session?.seq === item.seq) session = sessionAfter(session, event);
        continue;
      }
      if (run?.seq !== item.seq) continue;
      const before: RunInfo = run;
      run = reduceRun(before, event, now);
      if (event.type === "request" || event.type === "response") {
        requests = requestsAfter(requests, event);
      }
      if (event.type === "swapped") {
        deps.output.note(
          `── new code swapped in (prepared in ${event.millis} ms): new requests get it`,
        );
      }
      if (event.type === "swap-failed") {
        deps.output.note(`── could not swap: ${event.message}`);
      }
      if (event.type === "link-fallback") {
        deps.output.note(`── fell back to a fused run: ${event.reason}; ${event.grants}`);
      }
      if (event.type === "attempts-dropped") {
        deps.output.note(
          `── ${event.count} capability attempts left out of the log (too many, too fast)`,
        );
      }
      if (event.type === "output-dropped") {
        deps.output.note(
          `── ${formatBytes(event.bytes)} of ${event.stream} dropped (too fast to show)`,
        );
      }
      if (before.phase !== "ended" && run.phase === "ended") ended = run;
    }
    if (logRows.length > 0) {
      capabilityLog = [...logRows.reverse(), ...capabilityLog].slice(0, MAX_LOG_ROWS);
    }
    const patch = {
      run,
      invoke,
      session,
      capabilityLog,
      requestLog: requests,
      background,
      ...callsAfter(get(), callEvents, now),
    };
    // A run that ended at a node (or a new one clearing that) re-marks the canvas.
    set(ended || runFault(get().run) !== runFault(run) ? rebuild(patch) : patch);
    if (ended?.end) {
      deps.output.note(`── ${endText(ended.end)} (${modeText(ended)})`);
      if (restart) void restartNow();
    }
  }

  async function restartNow() {
    const again = restart;
    restart = null;
    if (!again) return;
    if (again.kind === "serve") await get().serveProject(again.address);
    else await get().runProject();
  }

  async function startMain(kind: MainRunKind, address: string | null) {
    if (isActive(get().run)) return;
    if (!(await get().ensureConsent())) return;
    const { project, projectPath, runMode } = get();
    const seq = nextSeq++;
    const run = newRun(seq, kind, runMode, project.nodes.length, Date.now());
    deps.output.clear();
    const title = project.title ?? projectPath?.split(/[\\/]/).pop() ?? "the project";
    deps.output.note(`── ${kind === "serve" ? "serving" : "running"} ${title} (${runMode})`);
    set(
      rebuild({
        run,
        capabilityLog: [],
        ...NO_CALLS,
        ...(kind === "serve"
          ? { requestLog: [], tester: { state: "idle" as const }, dockTab: "http" as const }
          : { dockTab: "log" as const }),
        panels: { ...get().panels, dock: true },
      }),
    );
    const on = (event: RunEvent) => {
      receive({ to: "run", seq, event });
    };
    try {
      const id =
        kind === "serve"
          ? await deps.engine.serveProject(project, projectPath, runMode, address, on)
          : await deps.engine.runProject(project, projectPath, runMode, on);
      const current = get().run;
      if (current?.seq !== seq) return;
      set({ run: { ...current, id } });
      if (current.stopRequested) await deps.engine.stopRun(id);
    } catch (error) {
      const current = get().run;
      const appError = toAppError(error);
      if (current?.seq === seq) {
        set(rebuild({ run: failedToStart(current, appError, Date.now()) }));
      }
      deps.output.note(`── could not start: ${appError.message}`);
    }
  }

  return {
    runMode: "linked",
    run: null,
    invoke: null,
    session: null,
    capabilityLog: [],
    requestLog: [],
    background: {},
    dockTab: "log",
    tester: { state: "idle" },
    composed: null,

    setRunMode(mode) {
      set({ runMode: mode });
    },

    runProject: () => startMain("run", null),

    serveProject: (address) => startMain("serve", address ?? null),

    async stopRun() {
      const { run, invoke } = get();
      const ids: number[] = [];
      if (run && isActive(run)) {
        set({ run: { ...run, stopRequested: true } });
        if (run.id !== null) ids.push(run.id);
      }
      if (invoke?.state === "running" && invoke.id !== null) ids.push(invoke.id);
      await Promise.all(ids.map((id) => deps.engine.stopRun(id).catch(() => null)));
    },

    async restartRun() {
      const { run } = get();
      if (!run) return;
      restart = { kind: run.kind, address: run.address };
      set({ reload: null });
      if (isActive(run)) await get().stopRun();
      else await restartNow();
    },

    async swapServer() {
      const { run, project, projectPath, runMode } = get();
      if (run?.kind !== "serve" || run.phase !== "serving" || run.id === null) return;
      if (!(await get().ensureConsent())) return;
      set({ reload: null, run: { ...run, swapping: true } });
      deps.output.note("── swapping in the new code: requests in flight finish on the old");
      try {
        await deps.engine.swapServedProject(run.id, project, projectPath, runMode);
      } catch (error) {
        const current = get().run;
        if (current?.seq === run.seq) set({ run: { ...current, swapping: false } });
        deps.output.note(`── could not swap: ${toAppError(error).message}`);
      }
    },

    async invokeFunction(target, args, constructorArgs) {
      if (get().invoke?.state === "running") return;
      if (!(await get().ensureConsent())) return;
      const { project, projectPath, runMode } = get();
      const seq = nextSeq++;
      set({
        invoke: {
          seq,
          id: null,
          target,
          state: "running",
          call: null,
          results: null,
          values: null,
          error: null,
          fallback: null,
        },
      });
      try {
        const started = await deps.engine.invokeFunction(
          project,
          projectPath,
          runMode,
          {
            node: target.node,
            port: target.port,
            function: target.function,
            args,
            ...(constructorArgs ? { constructorArgs } : {}),
          },
          (event) => {
            receive({ to: "invoke", seq, event });
          },
        );
        const current = get().invoke;
        if (current?.seq === seq)
          set({ invoke: { ...current, id: started.id, call: started.call } });
        deps.output.note(`── invoke ${started.call}`);
      } catch (error) {
        const current = get().invoke;
        if (current?.seq === seq) {
          set({ invoke: { ...current, state: "done", error: toAppError(error).message } });
        }
      }
    },

    async openSession(node) {
      if (!(await get().ensureConsent())) return;
      await get().closeSession();
      const { project, projectPath, runMode } = get();
      const seq = nextSeq++;
      set({ session: newSession(seq, node) });
      const ended = (message: string) => {
        const current = get().session;
        if (current?.seq === seq) set({ session: { ...current, state: "ended", end: message } });
      };
      try {
        const id = await deps.engine.openSession(project, projectPath, runMode, node, (event) => {
          receive({ to: "session", seq, event });
        });
        const current = get().session;
        if (current?.seq === seq) set({ session: { ...current, id } });
        deps.output.note(`── session opened on ${node ?? "the composition"}`);
      } catch (error) {
        ended(toAppError(error).message);
      }
    },

    async sendSessionLine(line) {
      const session = get().session;
      const text = line.trim();
      if (!session || session.id === null || session.state === "ended" || text === "") return;
      set({ session: { ...session, waiting: session.waiting + 1 } });
      try {
        await deps.engine.sessionCall(session.id, text);
      } catch (error) {
        const current = get().session;
        if (current?.seq === session.seq) {
          set({ session: { ...current, state: "ended", end: toAppError(error).message } });
        }
      }
    },

    async closeSession() {
      const session = get().session;
      if (!session || session.id === null || session.state === "ended") return;
      await deps.engine.closeSession(session.id).catch(() => null);
    },

    precompileNodes(nodes) {
      const seen = new Set<string>();
      for (const { id, path } of nodes) {
        if (seen.has(path)) continue;
        seen.add(path);
        const name = path.split(/[\\/]/).pop() ?? id;
        set({
          background: {
            ...get().background,
            [path]: {
              name,
              state: "compiling",
              bytes: 0,
              cached: false,
              optimized: false,
              message: null,
            },
          },
        });
        deps.engine
          .precompile(id, path, (event) => {
            receive({ to: "background", path, event });
          })
          .catch((error: unknown) => {
            const entry = get().background[path];
            if (entry) {
              set({
                background: {
                  ...get().background,
                  [path]: { ...entry, state: "failed", message: toAppError(error).message },
                },
              });
            }
          });
      }
    },

    async sendTestRequest(request) {
      const address = get().run?.address;
      if (!address || get().run?.phase !== "serving") {
        set({ tester: { state: "failed", error: "Not serving: press Serve first." } });
        return;
      }
      set({ tester: { state: "sending" } });
      try {
        const response = await deps.engine.sendRequest({ ...request, address });
        set({ tester: { state: "done", response } });
      } catch (error) {
        set({ tester: { state: "failed", error: toAppError(error).message } });
      }
    },

    setDockTab(tab) {
      set({ dockTab: tab, panels: { ...get().panels, dock: true } });
    },

    clearCapabilityLog() {
      set({ capabilityLog: [] });
    },

    async loadComposed() {
      const { project, projectPath, composed } = get();
      if (composed?.project === project) return;
      set({ composed: { project, details: null, error: null } });
      try {
        const details = await deps.engine.compile(project, projectPath);
        if (get().composed?.project === project) {
          set({ composed: { project, details, error: null } });
        }
      } catch (error) {
        if (get().composed?.project === project) {
          set({ composed: { project, details: null, error: toAppError(error).message } });
        }
      }
    },
  };
}

function backgroundAfter(base: BackgroundCompile, event: RunEvent): BackgroundCompile {
  switch (event.type) {
    case "compiling":
      return { ...base, bytes: event.bytes };
    case "compiled":
      return { ...base, cached: event.cached, optimized: event.optimized };
    case "failed":
      return { ...base, state: "failed", message: event.message };
    default:
      return isTerminal(event) ? { ...base, state: "ready" } : base;
  }
}

function invokeAfter(invoke: InvokeInfo, event: RunEvent): InvokeInfo {
  switch (event.type) {
    case "link-fallback":
      return { ...invoke, fallback: event.reason };
    case "returned":
      return { ...invoke, state: "done", results: event.results, values: event.values };
    default:
      return isTerminal(event) ? { ...invoke, state: "done", error: endText(event) } : invoke;
  }
}

function requestsAfter(rows: RequestRow[], event: RunEvent): RequestRow[] {
  if (event.type === "request") {
    const row: RequestRow = {
      key: `${nextRow++}`,
      id: event.id,
      method: event.method,
      uri: event.uri,
      status: null,
      millis: null,
      error: null,
    };
    return [row, ...rows].slice(0, MAX_REQUEST_ROWS);
  }
  if (event.type === "response") {
    return rows.map((r) =>
      r.id === event.id && r.status === null
        ? { ...r, status: event.status, millis: event.millis, error: event.error }
        : r,
    );
  }
  return rows;
}
