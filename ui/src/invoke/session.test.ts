import { describe, expect, it } from "vitest";

import type { FunctionInfo } from "../ipc/bindings/FunctionInfo";
import type { Port } from "../ipc/bindings/Port";
import { fnInfo, port as fixturePort } from "../fixtures";
import {
  MAX_SESSION_ENTRIES,
  methodsOf,
  newSession,
  sessionAfter,
  sessionStarts,
  shortName,
} from "./session";

function port(name: string, functions: FunctionInfo[]): Port {
  return fixturePort(name, { kind: "interface", functions });
}

const KV = "example:kv/store@0.1.0";
const store = port(KV, [
  fnInfo("[constructor]bucket", "constructor", "bucket"),
  fnInfo("[static]bucket.find", "static", "bucket"),
  fnInfo("[method]bucket.get", "method", "bucket"),
  fnInfo("[method]bucket.set", "method", "bucket"),
  fnInfo("drops", "freestanding"),
]);

describe("invoke sessions", () => {
  it("starts lines with constructors, static and plain functions, qualified only on a clash", () => {
    expect(sessionStarts([store]).map((s) => s.line)).toEqual([
      "bucket(",
      "bucket.find(",
      "drops(",
    ]);
    const other = port("example:other/api@0.1.0", [fnInfo("drops", "freestanding")]);
    expect(sessionStarts([store, other]).map((s) => s.line)).toContain(`${KV}#drops(`);
    expect(shortName(fnInfo("[method]bucket.get", "method", "bucket"))).toBe("get");
    expect(shortName(fnInfo("[constructor]bucket", "constructor", "bucket"))).toBe("bucket");
  });

  it("offers a handle the methods of its resource, none for an imported one", () => {
    const held = { name: "b", resource: "bucket", interface: KV };
    expect(methodsOf([store], held).map(shortName)).toEqual(["get", "set"]);
    expect(methodsOf([store], { name: "h", resource: null, interface: null })).toEqual([]);
  });

  it("keeps the newest lines, the handles after each answer, and how it ended", () => {
    let session = sessionAfter(newSession(1, "kv-store"), { type: "started" });
    for (let i = 0; i < MAX_SESSION_ENTRIES + 5; i++) {
      session = sessionAfter(session, {
        type: "answered",
        call: `drops() #${i}`,
        results: [`${i}`],
        values: [i],
        handles: [],
      });
    }
    expect(session.entries).toHaveLength(MAX_SESSION_ENTRIES);
    expect(session.entries.at(-1)?.results).toEqual([`${MAX_SESSION_ENTRIES + 4}`]);
    session = sessionAfter(session, { type: "trapped", message: "unreachable", backtrace: [] });
    expect(session).toMatchObject({ state: "ended", end: "trapped: unreachable", handles: [] });
  });
});
