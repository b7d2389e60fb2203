// Stubs through the real app: the seed's consumer, its provider deleted, answered by a stub whose
// values are typed in the inspector; it runs alone with them, its calls listed with the stub as
// the callee, and the stub is saved with the project. A stubbed function that traps ends the run
// with its message.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { Browser } from "webdriverio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  OPS,
  SEED,
  WAIT,
  hook,
  nodeSel,
  portSel,
  snapshot,
  startApp,
  waitForCount,
  waitForView,
  waitUntilStill,
} from "./app";
import { runHelpers } from "./runs";

let browser: Browser;
const { output, waitForOutput, run, open } = runHelpers(() => browser);
const dir = mkdtempSync(join(tmpdir(), "plugboard-e2e-stubs-"));

/** The id a stub of the seed's import gets: its interface's name. */
const STUB = "operations-stub";
const EDITOR = `[data-testid="stub-editor"][data-stub="${STUB}"]`;

type StubAnswer = { returns: string } | { traps: string };

/** The project file as saved, as far as stubs go. */
type SavedProject = {
  format: number;
  stubs: {
    id: string;
    answers: { node: string; port: string };
    functions: Record<string, StubAnswer>;
  }[];
};

/** Clicks something on the canvas once it stands still (the view may still be gliding). */
async function clickOnCanvas(selector: string): Promise<void> {
  const element = browser.$(selector);
  await waitUntilStill(element);
  await element.click();
}

/** Deletes the seed's provider and answers the consumer's import, open now, with a stub from
 * the inspector; returns once the stub is on the canvas and its editor shows. */
async function stubTheProvider(): Promise<void> {
  await clickOnCanvas(`${nodeSel("string-operations")} .cnode-header`);
  await browser.keys("Delete");
  await waitForCount(browser, nodeSel("string-operations"), 0);
  const ops = portSel("consumer-app", OPS, "import");
  await browser.$(`${ops}[data-open="true"]`).waitForExist({ timeout: WAIT });
  await clickOnCanvas(ops);
  await browser.$('[data-testid="tab-inspector"]').click();
  await browser.$('[data-testid="add-stub"]').click();
  await browser.$(EDITOR).waitForExist({ timeout: WAIT });
  await waitForCount(browser, `[data-testid="stub-node"][data-stub="${STUB}"]`, 1);
  await waitForCount(browser, `[data-testid="stub-wire"][data-stub="${STUB}"]`, 1);
  expect(await browser.$(ops).getAttribute("data-open")).toBe("false");
}

/** Sets how the stub's function `fn` answers in its editor and applies it; waits until the
 * saved answer reads `saved`. */
async function answer(fn: string, how: StubAnswer, saved: string): Promise<void> {
  const form = browser.$(`${EDITOR} [data-testid="stub-fn"][data-function="${fn}"]`);
  const traps = "traps" in how;
  await form
    .$(`[data-testid="stub-mode-${fn}"]`)
    .selectByAttribute("value", traps ? "traps" : "returns");
  const input = traps
    ? form.$(`[data-testid="stub-trap-${fn}"]`)
    : form.$(`[data-testid="invoke-input"][data-path="${fn}"]`);
  const text = traps ? how.traps : how.returns;
  await input.waitForDisplayed({ timeout: WAIT });
  await input.clearValue();
  await input.setValue(text);
  await browser.waitUntil(async () => (await input.getValue()) === text, { timeout: WAIT });
  await form.$('[data-testid="stub-apply"]').click();
  const answered = form.$(`[data-testid="stub-answer-${fn}"]`);
  await browser.waitUntil(async () => (await answered.getText()) === saved, {
    timeout: WAIT,
    timeoutMsg: `${fn} was never saved as ${saved}`,
  });
}

/** The Calls tab's rows as [caller, callee, function], newest first. */
async function callRows(): Promise<string[][]> {
  await browser.$('[data-testid="tab-calls"]').click();
  await browser.$('[data-testid="calls-panel"]').waitForExist({ timeout: WAIT });
  return browser
    .$$('[data-testid="call-row"]')
    .map(async (row) => [
      (await row.getAttribute("data-caller")) ?? "",
      (await row.getAttribute("data-callee")) ?? "",
      (await row.getAttribute("data-function")) ?? "",
    ]);
}

beforeAll(async () => {
  browser = await startApp([SEED]);
  await browser.$(nodeSel("consumer-app")).waitForExist({ timeout: WAIT });
  // Clicks aim at nodes: wait until the view has fitted the project and stopped gliding.
  await waitForView(browser);
});

afterAll(async () => {
  await browser?.deleteSession();
});

describe("stubs", () => {
  it("runs the consumer alone on a stub's values, lists its calls and saves it", async () => {
    await stubTheProvider();
    await answer("reverse", { returns: "stubbed" }, '"stubbed"');
    await answer("word-count", { returns: "7" }, "7");
    const line = browser.$(
      `[data-testid="stub-node"][data-stub="${STUB}"] [data-testid="stub-function"][data-function="reverse"]`,
    );
    // The card cuts long values; its title holds the whole answer.
    expect(await line.getAttribute("title")).toContain('"stubbed"');

    const ended = await run();
    expect(ended.state).toBe("exited");
    const text = await output();
    expect(text).toContain("Reversed: stubbed");
    expect(text).toContain("Words: 7");
    // The stub's edge counts its calls like a wire, and the Calls tab names it as the callee.
    const count = browser.$('[data-testid="wire-calls"]');
    await count.waitForExist({ timeout: WAIT });
    expect(await count.getAttribute("data-calls")).toBe("2");
    expect(await callRows()).toEqual([
      ["consumer-app", STUB, "word-count"],
      ["consumer-app", STUB, "reverse"],
    ]);

    const path = join(dir, "stubbed.plugboard.json");
    await hook(browser, "saveProjectAs", path);
    await browser.waitUntil(async () => !(await snapshot(browser)).dirty, { timeout: WAIT });
    const saved = JSON.parse(readFileSync(path, "utf8")) as SavedProject;
    expect(saved.format).toBe(4);
    expect(saved.stubs).toMatchObject([{ id: STUB, answers: { node: "consumer-app", port: OPS } }]);
    expect(saved.stubs[0]?.functions).toEqual({
      reverse: { returns: '"stubbed"' },
      "word-count": { returns: "7" },
    });

    // Reopened, the stub's form shows the saved answers, read back from their WAVE.
    await open(path);
    await clickOnCanvas(`[data-testid="stub-node"][data-stub="${STUB}"] .snode-header`);
    await browser.$('[data-testid="tab-inspector"]').click();
    for (const [fn, shown] of [
      ["reverse", "stubbed"],
      ["word-count", "7"],
    ] as const) {
      const input = browser.$(
        `${EDITOR} [data-testid="stub-fn"][data-function="${fn}"] [data-testid="invoke-input"][data-path="${fn}"]`,
      );
      await input.waitForDisplayed({ timeout: WAIT });
      await browser.waitUntil(async () => (await input.getValue()) === shown, {
        timeout: WAIT,
        timeoutMsg: `the saved answer of ${fn} never filled its form`,
      });
    }
  });

  it("ends the run with the trap a stubbed function raises", async () => {
    await open(SEED);
    await stubTheProvider();
    await answer("reverse", { traps: "not yet" }, "traps: not yet");
    const ended = await run();
    expect(ended.state).toBe("trapped");
    await waitForOutput("not yet");
  });
});
