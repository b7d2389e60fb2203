import { describe, expect, it } from "vitest";

import type { TypeShape } from "../ipc/bindings/TypeShape";
import { fromJson, initialValue, toJson, withCase, type FormValue } from "./form";

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

  it("fill back from the engine's JSON to the same values", () => {
    const shape: TypeShape = {
      kind: "record",
      name: "reply",
      fields: [
        { name: "words", shape: { kind: "list", element: { kind: "string" }, length: null } },
        { name: "count", shape: { kind: "option", some: { kind: "u32" } } },
        {
          name: "status",
          shape: {
            kind: "result",
            ok: null,
            err: {
              kind: "variant",
              name: null,
              cases: [
                { name: "busy", payload: { kind: "f64" } },
                { name: "gone", payload: null },
              ],
            },
          },
        },
        { name: "style", shape: { kind: "flags", name: "style", flags: ["bold", "italic"] } },
        { name: "ok", shape: { kind: "bool" } },
      ],
    };
    const value: FormValue = {
      kind: "fields",
      fields: [
        {
          kind: "items",
          items: [
            { kind: "text", value: "a" },
            { kind: "text", value: "b c" },
          ],
        },
        { kind: "case", name: "some", payload: { kind: "text", value: "7" } },
        {
          kind: "case",
          name: "err",
          payload: { kind: "case", name: "busy", payload: { kind: "text", value: "1.5" } },
        },
        { kind: "flags", set: ["italic"] },
        { kind: "bool", value: true },
      ],
    };
    const json = toJson(shape, value);
    expect(fromJson(shape, json)).toEqual(value);
    expect(toJson(shape, fromJson(shape, json))).toEqual(json);
    // Empty cases and an absent option come back too; nonsense starts afresh.
    const option: TypeShape = { kind: "option", some: { kind: "char" } };
    expect(fromJson(option, null)).toEqual({ kind: "case", name: "none", payload: null });
    expect(fromJson({ kind: "u8" }, { nonsense: true })).toEqual(initialValue({ kind: "u8" }));
  });
});
