// Inside a composition through the real app: the seed, composed into one component by the CLI
// that sits beside the app, shows on its one node as a composition of two instances; its card
// unfolds in place into them and their one wire, the inspector lists them, and Decompose opens a
// project of two nodes and one wire that runs as the seed does.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { Browser } from "webdriverio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  COMPOSED_SEED_NODE,
  OPS,
  SEED,
  WAIT,
  hook,
  nodeSel,
  snapshot,
  startApp,
  waitForCount,
  waitForMessage,
  waitUntilStill,
  writeComposedSeedProject,
} from "./app";
import { runHelpers } from "./runs";

let browser: Browser;
const { output, run, open } = runHelpers(() => browser);
const dir = mkdtempSync(join(tmpdir(), "plugboard-e2e-inside-"));

/** The composed node's id, and what is unfolded in its card. */
const NODE = COMPOSED_SEED_NODE;
const GROUP = `${nodeSel(NODE)} [data-testid="inside-group"]`;

/** Clicks something on the canvas once it stands still (the view may still be gliding). */
async function clickOnCanvas(selector: string): Promise<void> {
  const element = browser.$(selector);
  await waitUntilStill(element);
  await element.click();
}

/** The `data-instance` of each element `selector` matches, in order. */
async function instanceNames(selector: string): Promise<string[]> {
  return browser.$$(selector).map(async (row) => (await row.getAttribute("data-instance")) ?? "");
}

beforeAll(async () => {
  browser = await startApp([SEED]);
  await browser.$(nodeSel("consumer-app")).waitForExist({ timeout: WAIT });
});

afterAll(async () => {
  await browser?.deleteSession();
});

describe("inside a composition", () => {
  it("shows what a composed node is made of, and decomposes it into a project that runs", async () => {
    await open(writeComposedSeedProject(dir));
    const badge = browser.$(`${nodeSel(NODE)} [data-testid="inside-badge"]`);
    await badge.waitForExist({ timeout: WAIT });
    expect(await badge.getAttribute("data-count")).toBe("2");
    // Upper-cased by its style.
    expect((await badge.getText()).toLowerCase()).toBe("composition · 2 inside");

    // Unfolded in place: the instances in order, the one wire into the consumer.
    expect(await browser.$(GROUP).isExisting()).toBe(false);
    await clickOnCanvas(`${nodeSel(NODE)} [data-testid="inside-toggle"]`);
    await browser.$(GROUP).waitForExist({ timeout: WAIT });
    expect(await instanceNames(`${GROUP} [data-testid="inside-instance"]`)).toEqual([
      "string-operations",
      "consumer-app",
    ]);
    await waitForCount(browser, `${GROUP} [data-testid="inside-wire"]`, 1);
    const wire = browser.$(
      `${GROUP} [data-testid="inside-instance"][data-instance="consumer-app"] [data-testid="inside-wire"]`,
    );
    expect(await wire.getAttribute("data-import")).toBe(OPS);
    expect(await wire.getAttribute("data-from")).toBe("string-operations");

    // Selected, the inspector lists the same inside and offers to take it apart.
    await clickOnCanvas(`${nodeSel(NODE)} .cnode-header`);
    await browser.$('[data-testid="tab-inspector"]').click();
    const panel = '[data-testid="inside-panel"]';
    await browser.$(panel).waitForExist({ timeout: WAIT });
    expect(await instanceNames(`${panel} [data-testid="inside-panel-instance"]`)).toEqual([
      "string-operations",
      "consumer-app",
    ]);
    expect(await browser.$(`${panel} [data-testid="decompose"]`).isDisplayed()).toBe(true);

    // Unfolding and selecting are no edits: Decompose opens its project without asking.
    expect((await snapshot(browser)).dirty).toBe(false);
    const parts = mkdtempSync(join(tmpdir(), "plugboard-e2e-parts-"));
    await hook(browser, "decompose", NODE, parts);
    await browser.waitUntil(
      async () => (await snapshot(browser)).projectPath === join(parts, "seed.plugboard.json"),
      { timeout: WAIT, timeoutMsg: "the decomposed project never opened" },
    );
    expect(await waitForMessage(browser, "info")).toContain("Decomposed seed into 2 components");
    const decomposed = (await snapshot(browser)).project;
    expect(decomposed.nodes.map((n) => n.id).sort()).toEqual(["consumer-app", "string-operations"]);
    expect(decomposed.wires).toHaveLength(1);
    expect(decomposed.wires[0]?.to).toEqual({ node: "consumer-app", port: OPS });
    await waitForCount(browser, nodeSel("consumer-app"), 1);
    await waitForCount(browser, nodeSel("string-operations"), 1);

    const ended = await run();
    expect(ended.state).toBe("exited");
    expect(await output()).toContain("Reversed: ledoM tnenopmoC ylbmessAbeW olleH");
  });
});
