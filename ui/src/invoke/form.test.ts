import { describe, expect, it } from "vitest";

import type { TypeShape } from "../ipc/bindings/TypeShape";
import { initialValue, toJson, withCase } from "./form";

const point: TypeShape = {
  kind: "record",
  name: "point",
  fields: [
    { name: "x", shape: { kind: "s32" } },
    { name: "y", shape: { kind: "s32" } },
  ],
};

describe("invoke form values", () => {
  it("start empty and become the engine's JSON", () => {
    expect(toJson(point, initialValue(point))).toEqual({ x: 0, y: 0 });
    expect(toJson({ kind: "string" }, { kind: "text", value: "abc" })).toBe("abc");
    expect(toJson({ kind: "f64" }, { kind: "text", value: "1.5" })).toBe(1.5);
    // Not a number: sent as typed, for the engine to name the argument.
    expect(toJson({ kind: "u32" }, { kind: "text", value: "three" })).toBe("three");
    const list: TypeShape = { kind: "list", element: { kind: "u8" }, length: null };
    expect(toJson(list, { kind: "items", items: [{ kind: "text", value: "7" }] })).toEqual([7]);
    const flags: TypeShape = { kind: "flags", name: "style", flags: ["bold", "italic"] };
    expect(toJson(flags, { kind: "flags", set: ["italic"] })).toEqual(["italic"]);
  });

  it("write variants, options and results in the engine's shapes", () => {
    const shape: TypeShape = {
      kind: "variant",
      name: "shape",
      cases: [
        { name: "circle", payload: { kind: "u32" } },
        { name: "dot", payload: null },
      ],
    };
    expect(toJson(shape, initialValue(shape))).toEqual({ case: "circle", value: 0 });
    expect(toJson(shape, withCase(shape, "dot"))).toEqual({ case: "dot" });
    const option: TypeShape = { kind: "option", some: { kind: "string" } };
    expect(toJson(option, initialValue(option))).toBeNull();
    expect(toJson(option, withCase(option, "some"))).toEqual({ some: "" });
    const result: TypeShape = { kind: "result", ok: { kind: "s64" }, err: null };
    expect(toJson(result, initialValue(result))).toEqual({ ok: 0 });
    expect(toJson(result, withCase(result, "err"))).toEqual({ err: null });
  });
});
