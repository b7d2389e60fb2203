// Not a test: scripts/screenshots.sh runs this to put the app into the states the README shows
// and photograph the whole Xvfb screen (`import -window root`) into docs/.
import { execFileSync } from "node:child_process";
import { join } from "node:path";

import type { Browser } from "webdriverio";
import { afterAll, beforeAll, it } from "vitest";

import {
  LOG,
  OPS,
  ROOT,
  SEED,
  WAIT,
  nodeSel,
  portSel,
  startApp,
  waitForView,
  waitUntilStill,
} from "./app";

let browser: Browser;

function shoot(name: string): void {
  execFileSync("import", ["-window", "root", join(ROOT, "docs", `${name}.png`)]);
}

/** Waits until the canvas stops gliding (fit view, layout) before a photo. */
async function settle(): Promise<void> {
  await waitForView(browser);
  let last = "";
  await browser.waitUntil(
    async () => {
      const now = await browser.execute(
        () => document.querySelector(".react-flow__viewport")?.getAttribute("style") ?? "",
      );
      const still = now === last;
      last = now;
      return still;
    },
    { timeout: WAIT, interval: 400 },
  );
}

/** Moves the mouse to an empty corner of the canvas, so no hover card shows. */
async function mouseAway(): Promise<void> {
  await browser
    .action("pointer", { id: "mouse", parameters: { pointerType: "mouse" } })
    .move({ origin: browser.$('[data-testid="canvas"]'), x: 0, y: 300 })
    .perform();
}

beforeAll(async () => {
  browser = await startApp([SEED]);
  await browser.$(nodeSel("consumer-app")).waitForExist({ timeout: WAIT });
});

afterAll(async () => {
  await browser?.deleteSession();
});

it("photographs the seed project, the inspector and a refused wire", async () => {
  await settle();
  shoot("seed");

  // For a projector: both side panels hidden, the canvas takes the whole width.
  await browser.$('[data-testid="btn-toggle-library"]').click();
  await browser.$('[data-testid="btn-toggle-inspector"]').click();
  await settle();
  shoot("projector");
  await browser.$('[data-testid="btn-toggle-library"]').click();
  await browser.$('[data-testid="btn-toggle-inspector"]').click();

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
  await waitUntilStill(from);
  await waitUntilStill(to);
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
  await mouseAway();
  await settle();
  shoot("refused-wire");

  await browser.$('[data-testid="message"] .message-close').click();
  await browser.$('[data-testid="btn-compile"]').click();
  await browser.$('[data-testid="compile-result"]').waitForExist({ timeout: WAIT });
  await mouseAway();
  await settle();
  shoot("compiled");
});
