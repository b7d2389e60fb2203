// Calls across wires through the real app: the seed's calls counted on its wire, pulsing it and
// listed in the Calls tab (clicking the wire shows its traffic), recording turned off, and a
// resource-based project whose handles cross its wire linked, with the calls that carry them.
import { resolve } from "node:path";

import type { Browser } from "webdriverio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { OPS, ROOT, SEED, WAIT, nodeSel, startApp, waitUntilStill } from "./app";
import { runHelpers } from "./runs";

let browser: Browser;
const { waitForOutput, textOf, run, open } = runHelpers(() => browser);

const WIRE_CALLS = `[data-testid="wire"][data-to-node="consumer-app"][data-to-port="${OPS}"]`;

/** The Calls tab's rows, as the window lists them (newest first). */
async function callRows() {
  await browser.$('[data-testid="tab-calls"]').click();
  await browser.$('[data-testid="calls-panel"]').waitForExist({ timeout: WAIT });
  return browser.$$('[data-testid="call-row"]').map(async (row) => ({
    caller: await row.getAttribute("data-caller"),
    callee: await row.getAttribute("data-callee"),
    function: await row.getAttribute("data-function"),
    number: Number(await row.getAttribute("data-number")),
    text: await row.getText(),
  }));
}

beforeAll(async () => {
  browser = await startApp([SEED]);
  await browser.$(nodeSel("consumer-app")).waitForExist({ timeout: WAIT });
});

afterAll(async () => {
  await browser?.deleteSession();
});

describe("calls across wires", () => {
  it("counts the seed's calls on its wire, pulses it, and lists them", async () => {
    await browser
      .$('[data-testid="precompile-status"][data-state="ready"]')
      .waitForExist({ timeout: WAIT });
    const ended = await run();
    expect(ended.state).toBe("exited");
    // The wire carried two calls: it says so, and a dash ran along it.
    const label = browser.$('[data-testid="wire-calls"]');
    await label.waitForExist({ timeout: WAIT });
    expect(await label.getAttribute("data-calls")).toBe("2");
    expect(await browser.$(`${WIRE_CALLS} .wire-pulse`).isExisting()).toBe(true);
    expect(await textOf('[data-testid="tab-calls"]')).toContain("2");

    // Clicking the count shows the wire's traffic.
    await waitUntilStill(label);
    await label.click();
    await browser
      .$('[data-testid="tab-calls"][aria-selected="true"]')
      .waitForExist({ timeout: WAIT });
    const filter = await browser.$('[data-testid="calls-filter"]').getValue();
    expect(filter).toContain("consumer-app");
    const rows = await callRows();
    expect(rows.map((r) => [r.caller, r.callee, r.function, r.number])).toEqual([
      ["consumer-app", "string-operations", "word-count", 2],
      ["consumer-app", "string-operations", "reverse", 1],
    ]);
    expect(rows[1]?.text).toContain('reverse("Hello WebAssembly Component Model")');
    expect(rows[1]?.text).toContain('→ "ledoM tnenopmoC ylbmessAbeW olleH"');
  });

  it("records nothing once recording is off", async () => {
    await browser.$('[data-testid="tab-calls"]').click();
    const tap = browser.$('[data-testid="calls-tap"]');
    await tap.click();
    await browser.waitUntil(async () => !(await tap.isSelected()), { timeout: WAIT });
    await run();
    expect(await callRows()).toEqual([]);
    expect(await browser.$('[data-testid="wire-calls"]').isExisting()).toBe(false);
    await tap.click();
    await browser.waitUntil(() => tap.isSelected(), { timeout: WAIT });
  });

  it("runs a resource across a wire linked, with the calls that carry handles", async () => {
    await open(resolve(ROOT, "projects/kv-store.plugboard.json"));
    const ended = await run();
    expect(ended.state).toBe("exited");
    await waitForOutput("the store dropped 5 handles");
    expect(await textOf('[data-testid="status-mode"]')).toBe("linked");
    const rows = await callRows();
    const constructor = rows.find((r) => r.function === "[constructor]bucket");
    expect(constructor?.text).toContain("→ <handle>");
    expect(rows.some((r) => r.function === "[method]bucket.set")).toBe(true);
  });
});
