import { describe, expect, it } from "vitest";

import type { FunctionInfo } from "../ipc/bindings/FunctionInfo";
import type { FunctionKind } from "../ipc/bindings/FunctionKind";
import type { Port } from "../ipc/bindings/Port";
import {
  MAX_SESSION_ENTRIES,
  methodsOf,
  newSession,
  sessionAfter,
  sessionStarts,
  shortName,
} from "./session";

function fn(name: string, kind: FunctionKind, resource: string | null = null): FunctionInfo {
  return {
    name,
    kind,
    resource,
    asynchronous: false,
    params: [],
    result: null,
    signature: `${name}: func()`,
    docs: null,
  };
}

function port(name: string, functions: FunctionInfo[]): Port {
  const common = { package: null, version: null, wasi: false, types: [], docs: null, wit: "" };
  return { name, kind: "interface", functions, ...common };
}

const KV = "example:kv/store@0.1.0";
const store = port(KV, [
  fn("[constructor]bucket", "constructor", "bucket"),
  fn("[static]bucket.find", "static", "bucket"),
  fn("[method]bucket.get", "method", "bucket"),
  fn("[method]bucket.set", "method", "bucket"),
  fn("drops", "freestanding"),
]);

describe("invoke sessions", () => {
  it("starts lines with constructors, static and plain functions, qualified only on a clash", () => {
    expect(sessionStarts([store]).map((s) => s.line)).toEqual([
      "bucket(",
      "bucket.find(",
      "drops(",
    ]);
    const other = port("example:other/api@0.1.0", [fn("drops", "freestanding")]);
    expect(sessionStarts([store, other]).map((s) => s.line)).toContain(`${KV}#drops(`);
    expect(shortName(fn("[method]bucket.get", "method", "bucket"))).toBe("get");
    expect(shortName(fn("[constructor]bucket", "constructor", "bucket"))).toBe("bucket");
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
