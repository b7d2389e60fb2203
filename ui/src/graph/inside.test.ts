import { describe, expect, it } from "vitest";

import { OPS, RUN, SEED_INSIDE, STDOUT } from "../fixtures";
import { hostLine, innerLine, insideKey, insideView } from "./inside";

describe("inside a composition", () => {
  it("lists each instance with the wires into it, what the host gives it, and the exports", () => {
    const view = insideView(SEED_INSIDE);
    expect(view.instances).toEqual([
      { name: "string-operations", wires: [], fromHost: 1 },
      {
        name: "consumer-app",
        wires: [
          {
            import: OPS,
            label: "operations",
            from: { instance: "string-operations", export: OPS },
          },
        ],
        fromHost: 1,
      },
    ]);
    expect(view.exports).toEqual([{ name: RUN, from: { instance: "consumer-app", export: RUN } }]);
  });

  it("keeps an export no instance inside makes, without a source", () => {
    const view = insideView({ ...SEED_INSIDE, exports: [{ name: STDOUT, from: null }] });
    expect(view.exports).toEqual([{ name: STDOUT, from: null }]);
  });

  it("writes what feeds an import, and what the host gives", () => {
    expect(innerLine(OPS, { instance: "ops", export: "operations" })).toBe(
      `${OPS} ← ops: operations`,
    );
    expect(hostLine(1)).toBe("+ 1 import from the host");
    expect(hostLine(3)).toBe("+ 3 imports from the host");
  });

  it("keeps a file rebuilt in place apart from what it was", () => {
    expect(insideKey("/s/a.wasm", "aa")).not.toBe(insideKey("/s/a.wasm", "bb"));
    expect(insideKey("/s/a.wasm", "aa")).toBe(insideKey("/s/a.wasm", "aa"));
  });
});
