// What the window knows about calls across wires (the wire tap), and how each batch of events
// changes it: pure functions, unit-tested.
import type { RunEvent } from "../ipc/bindings/RunEvent";
import type { WireCall } from "../ipc/bindings/WireCall";

/** Rows kept in the Calls tab: the newest; counts stay exact beyond them. */
export const MAX_CALL_ROWS = 500;

/** How long a wire's pulse runs (as the stylesheet's `wire-pulse` animation): a new one starts
 * only once the last has run, so steady traffic shows dashes running one after another. */
export const PULSE_MS = 700;

/** A wire, as calls name it: the calling node and its import (one wire ends at each import). */
export type WireKey = string;

export function wireKey(caller: string, importName: string): WireKey {
  return `${caller}\u0000${importName}`;
}

export type CallRow = { key: number; call: WireCall };

/** What the Calls tab shows: every call, one wire's, or those a node made or answered. */
export type CallFilter =
  { kind: "all" } | { kind: "wire"; wire: WireKey } | { kind: "node"; node: string };

export type CallsState = {
  /** Newest first. */
  callLog: CallRow[];
  /** Calls so far by wire (exact: records the engine dropped are still counted). */
  wireCalls: Record<WireKey, number | undefined>;
  /** Items of the streams its calls returned that crossed each wire (WASI 0.3), at the end. */
  wireItems: Record<WireKey, number | undefined>;
  /** When each wire's pulse last started (ms): a new value restarts it. */
  wirePulses: Record<WireKey, number | undefined>;
  /** Records the engine left out (too many, too fast). */
  callsDropped: number;
};

export type CallEvent = Extract<RunEvent, { type: "call" | "calls-dropped" | "call-totals" }>;

export function isCallEvent(event: RunEvent): event is CallEvent {
  return event.type === "call" || event.type === "calls-dropped" || event.type === "call-totals";
}

export const NO_CALLS: CallsState = {
  callLog: [],
  wireCalls: {},
  wireItems: {},
  wirePulses: {},
  callsDropped: 0,
};

let nextKey = 1;

/** The state after a batch of call events, in order, arriving at `now` (ms; only the calls'
 * fields, whatever else `state` holds). */
export function callsAfter(state: CallsState, events: CallEvent[], now: number): CallsState {
  if (events.length === 0) {
    const { callLog, wireCalls, wireItems, wirePulses, callsDropped } = state;
    return { callLog, wireCalls, wireItems, wirePulses, callsDropped };
  }
  const rows: CallRow[] = [];
  const wireCalls = { ...state.wireCalls };
  const wireItems = { ...state.wireItems };
  const wirePulses = { ...state.wirePulses };
  const pulsed = new Set<WireKey>();
  let dropped = state.callsDropped;
  for (const event of events) {
    if (event.type === "call") {
      const wire = wireKey(event.caller, event.import);
      wireCalls[wire] = Math.max(wireCalls[wire] ?? 0, event.number);
      pulsed.add(wire);
      rows.push({ key: nextKey++, call: event });
    } else if (event.type === "calls-dropped") {
      dropped += event.count;
    } else {
      for (const total of event.wires) {
        const wire = wireKey(total.caller, total.import);
        wireCalls[wire] = total.calls;
        if (total.items > 0) wireItems[wire] = total.items;
      }
    }
  }
  for (const wire of pulsed) {
    if (now - (wirePulses[wire] ?? -Infinity) >= PULSE_MS) wirePulses[wire] = now;
  }
  const callLog =
    rows.length > 0 ? [...rows.reverse(), ...state.callLog].slice(0, MAX_CALL_ROWS) : state.callLog;
  return { callLog, wireCalls, wireItems, wirePulses, callsDropped: dropped };
}

export function matchesFilter(call: WireCall, filter: CallFilter): boolean {
  switch (filter.kind) {
    case "all":
      return true;
    case "wire":
      return wireKey(call.caller, call.import) === filter.wire;
    case "node":
      return call.caller === filter.node || call.callee === filter.node;
  }
}

/** `reverse("abc")`, with the arguments as the tap wrote them. */
export function callText(call: WireCall): string {
  return `${call.function}(${call.args})`;
}

/** How long a call took: `12 µs`, `3.4 ms`. */
export function durationText(micros: number): string {
  if (micros < 1000) return `${micros} µs`;
  if (micros < 1_000_000) return `${(micros / 1000).toFixed(1)} ms`;
  return `${(micros / 1_000_000).toFixed(2)} s`;
}
