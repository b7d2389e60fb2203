// The invoke form's values, one per WIT type shape, and the JSON the engine turns into WAVE
// (shapes as documented in crates/plugboard-core/src/run/values.rs). No WAVE is written here:
// numbers that do not parse are sent as typed, and the engine says which argument is wrong.
import type { JsonValue } from "../ipc/bindings/serde_json/JsonValue";
import type { TypeShape } from "../ipc/bindings/TypeShape";

export type FormValue =
  | { kind: "bool"; value: boolean }
  /** Numbers, char, string, and WAVE text for handles and other types. */
  | { kind: "text"; value: string }
  /** A list's items, or a tuple's. */
  | { kind: "items"; items: FormValue[] }
  /** A record's fields, in order. */
  | { kind: "fields"; fields: FormValue[] }
  | { kind: "enum"; value: string }
  | { kind: "flags"; set: string[] }
  /** A variant's case, an option's `some`/`none`, a result's `ok`/`err`, with the payload. */
  | { kind: "case"; name: string; payload: FormValue | null };

const NUMBERS = new Set(["u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "f32", "f64"]);

export function isNumber(shape: TypeShape): boolean {
  return NUMBERS.has(shape.kind);
}

/** The cases a case-like shape offers, with their payload shapes. */
export function casesOf(shape: TypeShape): { name: string; payload: TypeShape | null }[] {
  switch (shape.kind) {
    case "variant":
      return shape.cases.map((c) => ({ name: c.name, payload: c.payload }));
    case "option":
      return [
        { name: "none", payload: null },
        { name: "some", payload: shape.some },
      ];
    case "result":
      return [
        { name: "ok", payload: shape.ok },
        { name: "err", payload: shape.err },
      ];
    default:
      return [];
  }
}

/** A starting value for `shape`. */
export function initialValue(shape: TypeShape): FormValue {
  switch (shape.kind) {
    case "bool":
      return { kind: "bool", value: false };
    case "list":
      return {
        kind: "items",
        items: Array.from({ length: shape.length ?? 0 }, () => initialValue(shape.element)),
      };
    case "tuple":
      return { kind: "items", items: shape.items.map(initialValue) };
    case "record":
      return { kind: "fields", fields: shape.fields.map((f) => initialValue(f.shape)) };
    case "enum":
      return { kind: "enum", value: shape.cases[0] ?? "" };
    case "flags":
      return { kind: "flags", set: [] };
    case "variant":
    case "option":
    case "result": {
      const first = casesOf(shape)[0];
      return {
        kind: "case",
        name: first?.name ?? "",
        payload: first?.payload ? initialValue(first.payload) : null,
      };
    }
    default:
      return { kind: "text", value: isNumber(shape) ? "0" : "" };
  }
}

/** The form value of `shape` as the engine's JSON. */
export function toJson(shape: TypeShape, value: FormValue): JsonValue {
  switch (value.kind) {
    case "bool":
      return value.value;
    case "text": {
      if (!isNumber(shape)) return value.value;
      const number = Number(value.value);
      return value.value.trim() !== "" && Number.isFinite(number) ? number : value.value;
    }
    case "items":
      return value.items.map((item, i) => {
        const itemShape =
          shape.kind === "list" ? shape.element : shape.kind === "tuple" ? shape.items[i] : null;
        return itemShape ? toJson(itemShape, item) : null;
      });
    case "fields": {
      const out: Record<string, JsonValue> = {};
      if (shape.kind === "record") {
        shape.fields.forEach((field, i) => {
          const v = value.fields[i];
          if (v) out[field.name] = toJson(field.shape, v);
        });
      }
      return out;
    }
    case "enum":
      return value.value;
    case "flags":
      return value.set;
    case "case": {
      const payloadShape = casesOf(shape).find((c) => c.name === value.name)?.payload ?? null;
      const payload = payloadShape && value.payload ? toJson(payloadShape, value.payload) : null;
      if (shape.kind === "option") return value.name === "none" ? null : { some: payload };
      if (shape.kind === "result") return { [value.name]: payload };
      return payloadShape ? { case: value.name, value: payload } : { case: value.name };
    }
  }
}

/**
 * The engine's JSON for `shape` as a form value: the inverse of {@link toJson}, to fill a form
 * back from a saved value. What does not fit the shape starts as the shape's initial value.
 */
export function fromJson(shape: TypeShape, json: JsonValue): FormValue {
  switch (shape.kind) {
    case "bool":
      return typeof json === "boolean" ? { kind: "bool", value: json } : initialValue(shape);
    case "list":
    case "tuple": {
      if (!Array.isArray(json)) return initialValue(shape);
      const items = json.map((item, i) => {
        const itemShape = shape.kind === "list" ? shape.element : shape.items[i];
        return itemShape ? fromJson(itemShape, item) : null;
      });
      return { kind: "items", items: items.filter((item) => item !== null) };
    }
    case "record": {
      const object = isObject(json) ? json : {};
      return {
        kind: "fields",
        fields: shape.fields.map((f) => {
          const field = object[f.name];
          return field === undefined ? initialValue(f.shape) : fromJson(f.shape, field);
        }),
      };
    }
    case "enum":
      return typeof json === "string" ? { kind: "enum", value: json } : initialValue(shape);
    case "flags":
      return Array.isArray(json)
        ? { kind: "flags", set: json.filter((f): f is string => typeof f === "string") }
        : initialValue(shape);
    case "variant":
    case "option":
    case "result":
      return caseFromJson(shape, json);
    default:
      if (typeof json === "string") return { kind: "text", value: json };
      if (typeof json === "number") return { kind: "text", value: String(json) };
      return initialValue(shape);
  }
}

function isObject(json: JsonValue): json is { [key in string]: JsonValue } {
  return typeof json === "object" && json !== null && !Array.isArray(json);
}

/** A variant's `{case, value}`, an option's `null`/`{some}`, a result's `{ok}`/`{err}`. */
function caseFromJson(shape: TypeShape, json: JsonValue): FormValue {
  let name: string | undefined;
  let payload: JsonValue | undefined;
  if (shape.kind === "option") {
    [name, payload] =
      json === null ? ["none", undefined] : ["some", isObject(json) ? json.some : undefined];
  } else if (isObject(json) && shape.kind === "result") {
    name = "ok" in json ? "ok" : "err";
    payload = json[name];
  } else if (isObject(json) && typeof json.case === "string") {
    name = json.case;
    payload = json.value;
  }
  const chosen = casesOf(shape).find((c) => c.name === name);
  if (!chosen) return initialValue(shape);
  return {
    kind: "case",
    name: chosen.name,
    payload: chosen.payload
      ? payload === undefined || payload === null
        ? initialValue(chosen.payload)
        : fromJson(chosen.payload, payload)
      : null,
  };
}

/** The value of a case-like shape switched to case `name`. */
export function withCase(shape: TypeShape, name: string): FormValue {
  const payload = casesOf(shape).find((c) => c.name === name)?.payload ?? null;
  return { kind: "case", name, payload: payload ? initialValue(payload) : null };
}
