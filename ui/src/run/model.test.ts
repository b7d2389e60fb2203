import { describe, expect, it } from "vitest";

import { newRun, reduceRun, statusOf, type RunInfo } from "./model";
import type { RunEvent } from "../ipc/bindings/RunEvent";

function after(run: RunInfo, events: RunEvent[], now = 1000): RunInfo {
  return events.reduce((r, e) => reduceRun(r, e, now), run);
}

describe("a run's status", () => {
  it("goes from compiling with progress to running with elapsed time to its end", () => {
    let run = newRun(1, "run", "linked", 2, 0);
    expect(statusOf(run, 0)).toMatchObject({ state: "starting", tone: "busy" });
    run = after(run, [{ type: "compiling", bytes: 2048 }]);
    expect(statusOf(run, 10)).toMatchObject({ state: "compiling", progress: 0 });
    run = after(run, [{ type: "compiled", cached: false, millis: 5, optimized: false }]);
    expect(statusOf(run, 10).progress).toBe(0.5);
    expect(statusOf(run, 10).text).toContain("1 of 2 components ready");
    run = after(run, [{ type: "started" }], 1000);
    expect(statusOf(run, 3500)).toMatchObject({ state: "running", text: "Running · 2.5 s" });
    run = after(run, [{ type: "exited", code: 3 }], 4000);
    expect(statusOf(run, 9999)).toMatchObject({ state: "exited", tone: "bad" });
    expect(statusOf(run, 9999).text).toBe("Exited with code 3 · 4.0 s");
    // Nothing changes an ended run.
    expect(after(run, [{ type: "started" }])).toBe(run);
  });

  it("names traps, timeouts, memory, stops and a fallback to fused", () => {
    const base = newRun(1, "run", "linked", 2, 0);
    const text = (e: RunEvent) => statusOf(reduceRun(base, e, 500), 500).text;
    expect(text({ type: "trapped", message: "unreachable", backtrace: [] })).toContain(
      "Trapped: unreachable",
    );
    expect(text({ type: "timed-out", afterMs: 2000 })).toContain("Timed out after 2.0 s");
    expect(
      text({
        type: "out-of-memory",
        limitBytes: 64 << 20,
        requestedBytes: 72 << 20,
        grew: "table",
        sizeBytes: 16 << 20,
        node: "hog-leaf",
      }),
    ).toContain(
      "Out of memory: a table of hog-leaf tried to grow to 16.0 MiB, taking the run's memory to 72.0 MiB; the limit is 64.0 MiB",
    );
    expect(statusOf(reduceRun(base, { type: "stopped" }, 500), 500)).toMatchObject({
      state: "stopped",
      tone: "warn",
    });
    const fallback = reduceRun(
      base,
      { type: "link-fallback", reason: "a resource", grants: "every node keeps its own" },
      1,
    );
    expect(fallback.fallback).toBe("a resource");
    expect(fallback.compile.total).toBe(1);
  });

  it("counts a server's requests", () => {
    let run = newRun(1, "serve", "fused", 1, 0);
    run = after(run, [
      { type: "serving", address: "127.0.0.1:8080" },
      { type: "request", id: 1, method: "GET", uri: "/" },
    ]);
    expect(statusOf(run, 2000).text).toBe("Serving on http://127.0.0.1:8080/ · 1.0 s · 1 request");
  });

  it("keeps serving while new code compiles, and counts the swaps", () => {
    const serving = after(newRun(1, "serve", "linked", 2, 0), [
      { type: "serving", address: "127.0.0.1:8080" },
    ]);
    const swapping = { ...serving, swapping: true };
    const compiling = after(swapping, [{ type: "compiling", bytes: 1000 }]);
    expect(compiling.phase).toBe("serving");
    expect(statusOf(compiling, 1000).text).toContain("swapping in new code…");
    const failed = after(compiling, [{ type: "swap-failed", message: "no incoming-handler" }]);
    expect(failed).toMatchObject({ phase: "serving", swapping: false, swaps: 0 });
    const swapped = after(swapping, [{ type: "swapped", millis: 12 }]);
    expect(swapped).toMatchObject({ phase: "serving", swapping: false, swaps: 1 });
    expect(statusOf(swapped, 2000).text).toBe(
      "Serving on http://127.0.0.1:8080/ · 1.0 s · 0 requests · new code swapped in",
    );
  });
});
