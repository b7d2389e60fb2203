import { describe, expect, it } from "vitest";

import type { FunctionInfo } from "../ipc/bindings/FunctionInfo";
import type { Port } from "../ipc/bindings/Port";
import { fnInfo, port as fixturePort } from "../fixtures";
import { callable, uncallable } from "./functions";

function port(name: string, functions: FunctionInfo[]): Port {
  return fixturePort(name, { kind: "interface", functions });
}

describe("invokable functions", () => {
  it("offers plain and static functions, and methods with the constructor they run after", () => {
    const counter = port("example:counter/counter@0.1.0", [
      fnInfo("digits", "freestanding"),
      fnInfo("[constructor]tally", "constructor", "tally"),
      fnInfo("[method]tally.bump", "method", "tally"),
      fnInfo("[static]tally.reset", "static", "tally"),
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
      fnInfo("[method]ticket.redeem", "method", "ticket"),
      fnInfo("open", "freestanding"),
    ]);
    expect(callable([handles]).map(({ fn }) => fn.name)).toEqual(["open"]);
    expect(uncallable([handles])).toEqual([
      { name: "ticket", functions: [fnInfo("[method]ticket.redeem", "method", "ticket")] },
    ]);
  });
});
