// A WAC document through the real app: opened like a project, with its packages in `deps/`
// beside it as `wac compose` finds them, it becomes a new, unsaved project with one node per
// instance and a wire per argument, and runs.
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { Browser } from "webdriverio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  OPS,
  SAMPLES,
  SEED,
  WAIT,
  hook,
  nodeSel,
  snapshot,
  startApp,
  waitForCount,
  waitForMessage,
} from "./app";
import { runHelpers } from "./runs";

let browser: Browser;
const { output, run } = runHelpers(() => browser);

/** A folder holding `app.wac` and its two packages under `deps/example/`. */
function wacFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), "plugboard-e2e-wac-"));
  mkdirSync(join(dir, "deps", "example"), { recursive: true });
  for (const name of ["string-operations", "consumer-app"]) {
    copyFileSync(join(SAMPLES, `${name}.wasm`), join(dir, "deps", "example", `${name}.wasm`));
  }
  writeFileSync(
    join(dir, "app.wac"),
    [
      "package demo:app;",
      "let ops = new example:string-operations {};",
      "let app = new example:consumer-app { operations: ops.operations, ... };",
      "export app...;",
      "",
    ].join("\n"),
  );
  return dir;
}

beforeAll(async () => {
  browser = await startApp([SEED]);
  await browser.$(nodeSel("consumer-app")).waitForExist({ timeout: WAIT });
});

afterAll(async () => {
  await browser?.deleteSession();
});

describe("WAC documents", () => {
  it("opens a WAC document as a new project with its instances and wires, and runs it", async () => {
    const dir = wacFolder();
    await hook(browser, "openProject", join(dir, "app.wac"));
    await waitForCount(browser, nodeSel("ops"), 1);
    await waitForCount(browser, nodeSel("app"), 1);
    expect(await waitForMessage(browser, "info")).toContain(
      "Read app.wac as a new project: 2 nodes, 1 wire.",
    );
    const opened = await snapshot(browser);
    expect(opened.projectPath).toBeNull();
    expect(opened.project.wires).toEqual([
      { from: { node: "ops", port: OPS }, to: { node: "app", port: OPS } },
    ]);

    const ended = await run();
    expect(ended.state).toBe("exited");
    expect(await output()).toContain("Reversed: ledoM tnenopmoC ylbmessAbeW olleH");
  });
});
