import { describe, expect, it } from "vitest";

import type { FunctionInfo } from "../ipc/bindings/FunctionInfo";
import type { FunctionKind } from "../ipc/bindings/FunctionKind";
import type { Port } from "../ipc/bindings/Port";
import { callable, uncallable } from "./functions";

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

describe("invokable functions", () => {
  it("offers plain and static functions, and methods with the constructor they run after", () => {
    const counter = port("example:counter/counter@0.1.0", [
      fn("digits", "freestanding"),
      fn("[constructor]tally", "constructor", "tally"),
      fn("[method]tally.bump", "method", "tally"),
      fn("[static]tally.reset", "static", "tally"),
    ]);
    const offered = callable([counter]).map(({ fn, constructor }) => [
      fn.name,
      constructor?.name ?? null,
    ]);
    expect(offered).toEqual([
      ["digits", null],
      ["[method]tally.bump", "[constructor]tally"],
      ["[static]tally.reset", null],
    ]);
    expect(uncallable([counter])).toEqual([]);
  });

  it("sets apart the methods of a resource without a constructor", () => {
    const handles = port("example:handles/handles@0.1.0", [
      fn("[method]ticket.redeem", "method", "ticket"),
      fn("open", "freestanding"),
    ]);
    expect(callable([handles]).map(({ fn }) => fn.name)).toEqual(["open"]);
    expect(uncallable([handles])).toEqual([
      { name: "ticket", functions: [fn("[method]ticket.redeem", "method", "ticket")] },
    ]);
  });
});
