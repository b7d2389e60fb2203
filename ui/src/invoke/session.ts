// An invoke session as the window follows it: the lines sent, their answers or refusals, and
// the handles the session holds. Pure, so the store's reducer is tested without the app.
import type { FunctionInfo } from "../ipc/bindings/FunctionInfo";
import type { HeldHandle } from "../ipc/bindings/HeldHandle";
import type { Port } from "../ipc/bindings/Port";
import type { RunEvent } from "../ipc/bindings/RunEvent";
import type { JsonValue } from "../ipc/bindings/serde_json/JsonValue";
import { endText, isTerminal } from "../run/model";

/** The transcript keeps the newest lines only; a session may run for a whole workshop. */
export const MAX_SESSION_ENTRIES = 200;

/** One line sent and what came back. */
export type SessionEntry = {
  key: number;
  call: string;
  /** Each result as WAVE, a handle written as its name; `null` when refused. */
  results: string[] | null;
  values: JsonValue[] | null;
  /** Why the line was refused (the session goes on). */
  refused: string | null;
};

export type SessionInfo = {
  seq: number;
  id: number | null;
  /** The node it runs on; `null` for the composition. */
  node: string | null;
  state: "opening" | "open" | "ended";
  entries: SessionEntry[];
  handles: HeldHandle[];
  /** Lines sent and not answered yet. */
  waiting: number;
  /** How it ended, once it has. */
  end: string | null;
  fallback: string | null;
};

export function newSession(seq: number, node: string | null): SessionInfo {
  return {
    seq,
    id: null,
    node,
    state: "opening",
    entries: [],
    handles: [],
    waiting: 0,
    end: null,
    fallback: null,
  };
}

let nextEntry = 1;

function withEntry(session: SessionInfo, entry: Omit<SessionEntry, "key">): SessionInfo {
  const entries = [...session.entries, { ...entry, key: nextEntry++ }];
  return {
    ...session,
    entries: entries.slice(-MAX_SESSION_ENTRIES),
    waiting: Math.max(0, session.waiting - 1),
  };
}

/** `session` after one of its events. */
export function sessionAfter(session: SessionInfo, event: RunEvent): SessionInfo {
  switch (event.type) {
    case "started":
      return { ...session, state: "open" };
    case "link-fallback":
      return { ...session, fallback: event.reason };
    case "answered":
      return {
        ...withEntry(session, {
          call: event.call,
          results: event.results,
          values: event.values,
          refused: null,
        }),
        handles: event.handles,
      };
    case "refused":
      return withEntry(session, {
        call: event.call,
        results: null,
        values: null,
        refused: event.message,
      });
    default:
      return isTerminal(event)
        ? { ...session, state: "ended", end: endText(event), handles: [], waiting: 0 }
        : session;
  }
}

/** The start of a line calling `method` on `handle`, for the user to finish. */
export function methodLine(handle: string, method: string): string {
  return `${handle}.${method}(`;
}

/** A function a session line can start with, and the text that starts that line. */
export type SessionStart = { key: string; fn: FunctionInfo; line: string };

/** The name a resource's function is called by in a line: `get` for `[method]bucket.get`. */
export function shortName(fn: FunctionInfo): string {
  const bracketed = /^\[(constructor|method|static)\](.*)$/.exec(fn.name);
  if (!bracketed) return fn.name;
  const rest = bracketed[2] ?? "";
  return bracketed[1] === "constructor" ? rest : rest.slice(rest.indexOf(".") + 1);
}

/** What a session can call without a handle: constructors (`bucket(`), static functions
 * (`bucket.find(`) and plain functions (`drops(`), each qualified by its interface only when
 * two interfaces export the same name. */
export function sessionStarts(ports: Port[]): SessionStart[] {
  const starts = ports.flatMap((port) =>
    port.functions
      .filter((fn) => fn.kind !== "method")
      .map((fn) => {
        const name = shortName(fn);
        const call = fn.kind === "static" ? `${fn.resource ?? ""}.${name}` : name;
        return { key: `${port.name}#${fn.name}`, fn, call, port: port.name };
      }),
  );
  return starts.map(({ key, fn, call, port }) => {
    const clash = starts.filter((s) => s.call === call).length > 1;
    const qualified = clash && fn.kind === "freestanding" ? `${port}#${call}` : call;
    return { key, fn, line: `${qualified}(` };
  });
}

/** The methods a handle of `resource` can call, in export order. */
export function methodsOf(ports: Port[], handle: HeldHandle): FunctionInfo[] {
  if (handle.resource === null) return [];
  return ports
    .filter((p) => handle.interface === null || p.name === handle.interface)
    .flatMap((p) => p.functions)
    .filter((fn) => fn.kind === "method" && fn.resource === handle.resource);
}
