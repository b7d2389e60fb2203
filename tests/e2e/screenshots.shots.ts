// Not a test: scripts/screenshots.sh runs this to put the app into the states the README shows
// and photograph the whole Xvfb screen (`import -window root`) into docs/.
import { execFileSync } from "node:child_process";
import { join } from "node:path";

import type { Browser } from "webdriverio";
import { afterAll, beforeAll, it } from "vitest";

import { LOG, OPS, ROOT, SEED, WAIT, nodeSel, portSel, startApp } from "./app";

let browser: Browser;

function shoot(name: string): void {
  execFileSync("import", ["-window", "root", join(ROOT, "docs", `${name}.png`)]);
}

/** Lets animations (fit view, hover) settle before a photo. */
async function settle(): Promise<void> {
  await browser.execute(
    () => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 400))),
  );
}

beforeAll(async () => {
  browser = await startApp([SEED]);
  await browser.$(nodeSel("consumer-app")).waitForExist({ timeout: WAIT });
});

afterAll(async () => {
  await browser?.deleteSession();
});

it("photographs the seed project, the inspector and a refused wire", async () => {
  await browser.$('[data-testid="btn-fit"]').click();
  await settle();
  shoot("seed");

  await browser.$(`${nodeSel("consumer-app")} .cnode-header`).click();
  await browser.$(portSel("consumer-app", OPS, "import")).click();
  await browser.$('[data-testid="inspector-port"]').waitForExist({ timeout: WAIT });
  await browser.$(portSel("consumer-app", OPS, "import")).moveTo();
  await settle();
  shoot("inspector");

  await browser.$('[data-testid="sample"][data-sample-name="greeter"]').click();
  await browser.$(nodeSel("greeter")).waitForExist({ timeout: WAIT });
  await browser.$('[data-testid="btn-layout"]').click();
  await settle();
  const from = browser.$(`${portSel("string-operations", OPS, "export")} .react-flow__handle`);
  const to = browser.$(`${portSel("greeter", LOG, "import")} .react-flow__handle`);
  const mouse = () =>
    browser.action("pointer", { id: "mouse", parameters: { pointerType: "mouse" } });
  await mouse()
    .move({ origin: from })
    .down({ button: 0 })
    .move({ origin: from, x: 40, y: 0, duration: 100 })
    .move({ origin: to, duration: 300 })
    .perform(true);
  await browser.waitUntil(
    async () =>
      (await browser.$(portSel("greeter", LOG, "import")).getAttribute("data-drag")) === "refused",
    { timeout: WAIT },
  );
  await settle();
  shoot("dragging");
  await mouse().up({ button: 0 }).perform();
  await browser.$('[data-testid="message"][data-kind="refusal"]').waitForExist({ timeout: WAIT });
  await settle();
  shoot("refused-wire");

  await browser.$('[data-testid="message"] .message-close').click();
  await browser.$('[data-testid="btn-compile"]').click();
  await browser.$('[data-testid="compile-result"]').waitForExist({ timeout: WAIT });
  await settle();
  shoot("compiled");
});
