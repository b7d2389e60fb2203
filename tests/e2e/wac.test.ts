// A WAC document through the real app: opened like a project, with its packages in `deps/`
// beside it as `wac compose` finds them, it becomes a new, unsaved project with one node per
// instance and a wire per argument, and runs.
import type { Browser } from "webdriverio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  OPS,
  SEED,
  WAIT,
  hook,
  nodeSel,
  snapshot,
  startApp,
  waitForCount,
  waitForMessage,
  writeWacDocument,
} from "./app";
import { runHelpers } from "./runs";

let browser: Browser;
const { output, run } = runHelpers(() => browser);

beforeAll(async () => {
  browser = await startApp([SEED]);
  await browser.$(nodeSel("consumer-app")).waitForExist({ timeout: WAIT });
});

afterAll(async () => {
  await browser?.deleteSession();
});

describe("WAC documents", () => {
  it("opens a WAC document as a new project with its instances and wires, and runs it", async () => {
    const document = writeWacDocument("app.wac");
    await hook(browser, "openProject", document);
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
