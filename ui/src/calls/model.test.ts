import { describe, expect, it } from "vitest";

import type { WireCall } from "../ipc/bindings/WireCall";
import {
  MAX_CALL_ROWS,
  NO_CALLS,
  PULSE_MS,
  callsAfter,
  durationText,
  matchesFilter,
  wireKey,
  type CallEvent,
} from "./model";

function wireCall(number: number, fn = "reverse"): WireCall {
  return {
    caller: "consumer-app",
    import: "example:stringoperations/operations@0.1.0",
    callee: "string-operations",
    function: fn,
    args: '"abc"',
    results: '"cba"',
    error: null,
    micros: 12,
    atMs: 5,
    number,
  };
}

function call(number: number, fn = "reverse"): CallEvent {
  return { type: "call", ...wireCall(number, fn) };
}

const SEED = wireKey("consumer-app", "example:stringoperations/operations@0.1.0");

describe("calls across wires", () => {
  it("counts each wire by the engine's numbers and pulses it once the last pulse ran", () => {
    const state = callsAfter(NO_CALLS, [call(1), call(2, "word-count")], 1000);
    expect(state.wireCalls[SEED]).toBe(2);
    expect(state.wirePulses[SEED]).toBe(1000);
    expect(state.callLog.map((r) => r.call.function)).toEqual(["word-count", "reverse"]);
    // Mid-pulse, more calls do not restart it; once it ran, they do.
    expect(callsAfter(state, [call(3)], 1000 + PULSE_MS - 1).wirePulses[SEED]).toBe(1000);
    expect(callsAfter(state, [call(3)], 1000 + PULSE_MS).wirePulses[SEED]).toBe(1000 + PULSE_MS);
  });

  it("keeps counts exact when records were dropped, and the newest rows only", () => {
    const many = Array.from({ length: MAX_CALL_ROWS + 10 }, (_, i) => call(i + 1));
    let state = callsAfter(NO_CALLS, many, 0);
    state = callsAfter(
      state,
      [
        { type: "calls-dropped", count: 90 },
        {
          type: "call-totals",
          wires: [
            {
              caller: "consumer-app",
              import: "example:stringoperations/operations@0.1.0",
              calls: MAX_CALL_ROWS + 100,
              items: 9,
            },
          ],
        },
      ],
      10,
    );
    expect(state.callLog).toHaveLength(MAX_CALL_ROWS);
    expect(state.callLog[0]?.call.number).toBe(MAX_CALL_ROWS + 10);
    expect(state.wireCalls[SEED]).toBe(MAX_CALL_ROWS + 100);
    expect(state.wireItems[SEED]).toBe(9);
    expect(state.callsDropped).toBe(90);
  });

  it("filters by wire and by node, caller or callee", () => {
    const wire = wireCall(1);
    expect(matchesFilter(wire, { kind: "wire", wire: SEED })).toBe(true);
    expect(matchesFilter(wire, { kind: "wire", wire: wireKey("other", "x") })).toBe(false);
    expect(matchesFilter(wire, { kind: "node", node: "string-operations" })).toBe(true);
    expect(matchesFilter(wire, { kind: "node", node: "nobody" })).toBe(false);
  });

  it("says durations in the unit that suits them", () => {
    expect(durationText(12)).toBe("12 µs");
    expect(durationText(3400)).toBe("3.4 ms");
    expect(durationText(2_500_000)).toBe("2.50 s");
  });
});
