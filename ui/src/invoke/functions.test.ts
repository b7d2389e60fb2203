import { describe, expect, it } from "vitest";

import type { FunctionInfo } from "../ipc/bindings/FunctionInfo";
import type { Port } from "../ipc/bindings/Port";
import { callable, resources } from "./functions";

function fn(name: string, resource: string | null): FunctionInfo {
  return { name, resource, params: [], result: null, signature: `${name}: func()`, docs: null };
}

const counter: Port = {
  name: "example:counter/counter@0.1.0",
  package: "example:counter",
  version: "0.1.0",
  kind: "interface",
  wasi: false,
  functions: [
    fn("digits", null),
    fn("[constructor]tally", "tally"),
    fn("[method]tally.bump", "tally"),
    fn("[static]tally.reset", "tally"),
  ],
  types: [],
  docs: null,
  wit: "",
};

describe("invokable functions", () => {
  it("offers plain functions and groups a resource's own under it", () => {
    expect(callable([counter]).map(({ fn }) => fn.name)).toEqual(["digits"]);
    expect(resources([counter])).toEqual([
      {
        name: "tally",
        functions: [
          fn("[constructor]tally", "tally"),
          fn("[method]tally.bump", "tally"),
          fn("[static]tally.reset", "tally"),
        ],
      },
    ]);
  });
});
