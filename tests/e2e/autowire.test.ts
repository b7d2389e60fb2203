// Auto-wire through the real app: a consumer alone on the canvas finds its provider in the
// sample library and is wired to it in one click; a node with providers on the canvas gets
// every unambiguous import wired at once.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { Browser } from "webdriverio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { LOG, OPS, SAMPLES, SEED, WAIT, count, nodeSel, startApp, waitForCount } from "./app";
import { runHelpers } from "./runs";

let browser: Browser;
const { open } = runHelpers(() => browser);
const dir = mkdtempSync(join(tmpdir(), "plugboard-e2e-autowire-"));
const WIRES = '[data-testid="wire"]';

function project(name: string, nodes: string[]): string {
  const path = join(dir, `${name}.plugboard.json`);
  const listed = nodes.map((id, i) => ({
    id,
    component: join(SAMPLES, `${id}.wasm`),
    position: { x: i * 460, y: 0 },
  }));
  writeFileSync(path, JSON.stringify({ format: 2, nodes: listed }));
  return path;
}

/** Selects `node` and asks for its suggestions. */
async function suggest(node: string): Promise<void> {
  await browser.$(`${nodeSel(node)} .cnode-header`).click();
  await browser.$('[data-testid="tab-inspector"]').click();
  await browser.$('[data-testid="autowire-suggest"]').click();
  await browser.$('[data-testid="autowire"][data-state="ready"]').waitForExist({ timeout: WAIT });
}

beforeAll(async () => {
  browser = await startApp([SEED]);
  await browser.$(nodeSel("consumer-app")).waitForExist({ timeout: WAIT });
});

afterAll(async () => {
  await browser?.deleteSession();
});

describe("auto-wire", () => {
  it("finds a consumer's provider in the library and wires it in one click", async () => {
    await open(project("alone", ["consumer-app"]));
    await suggest("consumer-app");
    const ops = browser.$(`[data-testid="autowire-import"][data-import="${OPS}"]`);
    await ops.waitForExist({ timeout: WAIT });
    const candidate = ops.$(
      '[data-testid="autowire-candidate"][data-source="file"][data-name="string-operations"]',
    );
    await candidate.click();
    await waitForCount(browser, WIRES, 1);
    expect(await count(browser, nodeSel("string-operations"))).toBe(1);
    // Asked again, nothing is left open.
    await browser.$('[data-testid="autowire-none"]').waitForExist({ timeout: WAIT });
  });

  it("wires every unambiguous import at once and lists the rest", async () => {
    await open(project("providers", ["string-operations", "logger", "greeter"]));
    await suggest("greeter");
    const log = browser.$(`[data-testid="autowire-import"][data-import="${LOG}"]`);
    await log.waitForExist({ timeout: WAIT });
    // The logger on the canvas is the only one: the library's copy is that same file.
    expect(await log.getAttribute("data-candidates")).toBe("1");
    await browser.$('[data-testid="autowire-all"]').click();
    await browser.waitUntil(
      async () =>
        (await browser.$$(WIRES).map((w) => w.getAttribute("data-to-port"))).includes(LOG),
      { timeout: WAIT },
    );
    // The string operations are wired too, unless the library also holds other providers of
    // them (the polyglot samples): then the import stays listed with its candidates.
    await browser.$('[data-testid="autowire"][data-state="ready"]').waitForExist({ timeout: WAIT });
    const wired = await browser.$$(WIRES).map((w) => w.getAttribute("data-to-port"));
    if (!wired.includes(OPS)) {
      const ops = browser.$(`[data-testid="autowire-import"][data-import="${OPS}"]`);
      expect(Number(await ops.getAttribute("data-candidates"))).toBeGreaterThan(1);
    }
  });
});
