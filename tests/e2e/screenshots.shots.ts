// Not a test: scripts/screenshots.sh runs this to put the app into the states the README shows
// and photograph the whole Xvfb screen (`import -window root`) into docs/.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import type { Browser } from "webdriverio";
import { afterAll, beforeAll, it } from "vitest";

import {
  COMPOSED_SEED_NODE,
  LOG,
  OPS,
  ROOT,
  SAMPLES,
  SEED,
  WAIT,
  choose,
  hook,
  nodeSel,
  snapshot,
  portSel,
  startApp,
  waitForView,
  waitUntilStill,
  writeComposedSeedProject,
  writeRebuildableProject,
  writeWacDocument,
} from "./app";
import { startRegistry } from "./oci";

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

/** Moves the mouse to an empty corner of the canvas, so no hover card or tooltip shows. */
async function mouseAway(): Promise<void> {
  const canvas = await browser.$('[data-testid="canvas"]').getLocation();
  await browser
    .action("pointer", { id: "mouse", parameters: { pointerType: "mouse" } })
    .move({ origin: "viewport", x: Math.round(canvas.x + 12), y: Math.round(canvas.y + 12) })
    .perform();
}

beforeAll(async () => {
  browser = await startApp([SEED]);
  await browser.$(nodeSel("consumer-app")).waitForExist({ timeout: WAIT });
});

/** Opens a bundled project and waits until its view is fitted. */
async function openProject(name: string): Promise<void> {
  const path = resolve(ROOT, "projects", `${name}.plugboard.json`);
  await hook(browser, "openProject", path);
  await browser.waitUntil(async () => (await snapshot(browser)).projectPath === path, {
    timeout: WAIT,
  });
  await settle();
}

/** Waits until the run or server is in one of `states` (after run number `after`). */
async function waitForRun(after: number, states: string[]): Promise<void> {
  await browser.waitUntil(
    async () => {
      const bar = browser.$('[data-testid="run-status"]');
      const run = Number(await bar.getAttribute("data-run"));
      return run > after && states.includes((await bar.getAttribute("data-state")) ?? "");
    },
    { timeout: WAIT, interval: 200 },
  );
}

async function runNumber(): Promise<number> {
  return Number(await browser.$('[data-testid="run-status"]').getAttribute("data-run"));
}

/** Clicks `button` and waits until the run it starts ends. */
async function runWith(button: string): Promise<void> {
  const before = await runNumber();
  await browser.$(`[data-testid="${button}"]`).click();
  await waitForRun(before, ["exited", "trapped", "failed", "stopped"]);
  // The terminal draws on the next frames.
  await browser.waitUntil(
    async () =>
      (
        await browser.execute(
          () => document.querySelector('[data-testid="output-text"]')?.textContent ?? "",
        )
      ).includes("── exited"),
    { timeout: WAIT },
  );
}

/** Types `text` into `selector`, adding the field first with `add` when it is not there. */
async function type(selector: string, text: string, add?: string): Promise<void> {
  if (add && !(await browser.$(selector).isExisting())) await browser.$(add).click();
  const input = browser.$(selector);
  await input.waitForDisplayed({ timeout: WAIT });
  await input.clearValue();
  await input.setValue(text);
}

afterAll(async () => {
  await browser?.deleteSession();
});

it("photographs the seed project, the inspector and a refused wire", async () => {
  await settle();
  shoot("seed");

  // For a projector: side panels and output folded, the canvas takes the whole window.
  await browser.$('[data-testid="btn-toggle-library"]').click();
  await browser.$('[data-testid="btn-toggle-inspector"]').click();
  await browser.$('[data-testid="btn-toggle-dock"]').click();
  await settle();
  shoot("projector");
  // The canvas shots that follow keep the output folded and the description closed.
  await browser.$('[data-testid="btn-toggle-library"]').click();
  await browser.$('[data-testid="btn-toggle-inspector"]').click();
  await browser.$('[data-testid="project-description"] .panel-close').click();

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
  await browser.$('[data-testid="compile-close"]').click();
  await browser.$('[data-testid="btn-toggle-dock"]').click();
});

it("photographs a run, the grants and the log, an invocation and the HTTP proxy", async () => {
  // A run with output: the chain's logger writes to stderr (red), the app to stdout.
  await openProject("greeter-chain");
  await browser.$('[data-testid="tab-capabilities"]').click();
  await type('[data-testid="cap-arg"]', "workshop", '[data-testid="cap-arg-add"]');
  await runWith("btn-run");
  await mouseAway();
  await settle();
  shoot("run");

  // Grants per node and the capability log naming the node behind each attempt.
  await openProject("per-node-grants");
  await browser.$(`${nodeSel("net-probe")} [data-testid="node-grants"]`).click();
  await runWith("btn-run");
  await browser.$('[data-testid="tab-log"]').click();
  await mouseAway();
  await settle();
  shoot("capabilities");

  // An invocation through a form built from the WIT types.
  await hook(browser, "openProject", `${ROOT}/projects/seed.plugboard.json`);
  await hook(browser, "addComponent", join(SAMPLES, "types-demo.wasm"));
  await browser.$(nodeSel("types-demo")).waitForExist({ timeout: WAIT });
  await browser.$('[data-testid="project-description"] .panel-close').click();
  await browser.$('[data-testid="btn-clear-output"]').click();
  await browser.$('[data-testid="tab-invoke"]').click();
  await browser.$('[data-testid="invoke-target"]').selectByAttribute("value", "types-demo");
  await browser.$('[data-testid="invoke-fn"][data-function="translate"]').click();
  await type('[data-testid="invoke-input"][data-path="p.x"]', "10");
  await type('[data-testid="invoke-input"][data-path="p.y"]', "20");
  await type('[data-testid="invoke-input"][data-path="dx"]', "5");
  await type('[data-testid="invoke-input"][data-path="dy"]', "-8");
  await browser.$('[data-testid="btn-invoke"]').click();
  await browser
    .$('[data-testid="invoke-result"][data-state="returned"]')
    .waitForExist({ timeout: WAIT });
  await mouseAway();
  await settle();
  shoot("invoke");

  // The HTTP proxy world served, a request from outside and one from the tester.
  await openProject("wasi-world-proxy");
  await browser.$('[data-testid="project-description"] .panel-close').click();
  const before = await runNumber();
  await browser.$('[data-testid="btn-serve"]').click();
  await waitForRun(before, ["serving"]);
  const url = (await browser.$('[data-testid="serve-url"]').getText()).trim();
  await fetch(`${url}hello/world`);
  await type('[data-testid="tester-path"]', "/plugboard");
  await browser.$('[data-testid="btn-send-request"]').click();
  await browser.$('[data-testid="tester-response"]').waitForExist({ timeout: WAIT });
  // The side panel folded: the HTTP tab gets the width.
  await browser.$('[data-testid="btn-toggle-inspector"]').click();
  await mouseAway();
  await settle();
  shoot("proxy");
  await browser.$('[data-testid="btn-stop"]').click();
  await browser.$('[data-testid="btn-toggle-inspector"]').click();
});

it("photographs the calls across a wire: counted, pulsing and listed", async () => {
  await openProject("seed");
  await browser.$('[data-testid="project-description"] .panel-close').click();
  await runWith("btn-run");
  await browser.$('[data-testid="tab-calls"]').click();
  await mouseAway();
  await settle();
  // A pulse lasts 0.7 s: hold one halfway along the wire for the photograph, and let it draw.
  await browser.execute(() => {
    document.querySelectorAll('[data-testid="wire"]').forEach((wire) => {
      const pulse = document.createElementNS("http://www.w3.org/2000/svg", "path");
      pulse.setAttribute("d", wire.querySelector("path")?.getAttribute("d") ?? "");
      pulse.setAttribute("pathLength", "100");
      pulse.setAttribute("class", "wire-pulse");
      pulse.setAttribute("style", "animation: none; stroke-dashoffset: -40; opacity: 1");
      wire.appendChild(pulse);
    });
  });
  await browser.executeAsync((done: () => void) => {
    requestAnimationFrame(() => {
      requestAnimationFrame(() => {
        done();
      });
    });
  });
  shoot("calls");
});

it("photographs a project from elsewhere asking first, and a run out of memory", async () => {
  // A project from elsewhere whose grants reach this machine: the dialog lists them per node.
  const dir = mkdtempSync(join(tmpdir(), "plugboard-shots-"));
  const path = join(dir, "asks.plugboard.json");
  const probe = "example:probe/probe@0.1.0";
  writeFileSync(
    path,
    JSON.stringify({
      format: 3,
      nodes: [
        { id: "net-probe", component: join(SAMPLES, "net-probe.wasm"), position: { x: 0, y: 0 } },
        {
          id: "probe-app",
          component: join(SAMPLES, "probe-app.wasm"),
          position: { x: 560, y: 0 },
          capabilities: {
            args: ["127.0.0.1:4000"],
            "inherit-network": true,
            "inherit-env": true,
            dirs: [{ host: tmpdir(), guest: "/data" }],
          },
        },
      ],
      wires: [{ from: { node: "net-probe", port: probe }, to: { node: "probe-app", port: probe } }],
      capabilities: { http: { allowed: true, hosts: ["api.example.com"] } },
    }),
  );
  await hook(browser, "openProject", path);
  await browser.waitUntil(async () => (await snapshot(browser)).projectPath === path, {
    timeout: WAIT,
  });
  await settle();
  await browser.$('[data-testid="btn-run"]').click();
  await browser.$('[data-testid="consent-dialog"]').waitForExist({ timeout: WAIT });
  await mouseAway();
  shoot("consent");
  await browser.$('[data-testid="consent-decline"]').click();

  // Three nodes of 100 MiB each under a limit of 256 MiB for the whole run.
  await openProject("memory-hogs");
  await browser.$('[data-testid="project-description"] .panel-close').click();
  const before = await runNumber();
  await browser.$('[data-testid="btn-run"]').click();
  await waitForRun(before, ["out-of-memory"]);
  await browser.$('[data-testid="tab-capabilities"]').click();
  await browser.$('[data-section="limits"]').scrollIntoView();
  await mouseAway();
  await settle();
  shoot("limits");
});

it("photographs a component rebuilt under a running server", async () => {
  const dir = mkdtempSync(join(tmpdir(), "plugboard-shots-"));
  const path = join(dir, "hot-reload.plugboard.json");
  const provider = writeRebuildableProject(dir, path, "string-operations", "http-proxy-demo");
  await hook(browser, "openProject", path);
  await browser.waitUntil(async () => (await snapshot(browser)).watching.includes(provider), {
    timeout: WAIT,
  });
  const before = await runNumber();
  await browser.$('[data-testid="btn-serve"]').click();
  await waitForRun(before, ["serving"]);
  const url = (await browser.$('[data-testid="serve-url"]').getText()).trim();
  await fetch(`${url}before/the/rebuild`);
  // "Rebuilt" into a component that exports another interface: the wire no longer fits.
  copyFileSync(join(SAMPLES, "string-len.wasm"), provider);
  await browser.$('[data-testid="hot-reload"] [data-testid="btn-swap"]').waitForExist({
    timeout: WAIT,
  });
  await browser.$('[data-testid="wire"][data-broken="true"]').waitForExist({ timeout: WAIT });
  await mouseAway();
  await settle();
  shoot("hot-reload");
  await browser.$('[data-testid="btn-stop"]').click();
});

it("photographs an interface unfolded into its functions, and an invoke session", async () => {
  // The seed with string-operations' interface unfolded: each function with its signature.
  await openProject("seed");
  await browser.$('[data-testid="project-description"] .panel-close').click();
  await browser
    .$(`${portSel("string-operations", OPS, "export")} [data-testid="port-expand"]`)
    .click();
  await browser.$('[data-testid="port-function"]').waitForExist({ timeout: WAIT });
  await mouseAway();
  await settle();
  shoot("interface-functions");

  // A session on the key-value store: a bucket kept between calls, its handle and methods.
  await openProject("kv-store");
  await browser.$('[data-testid="project-description"] .panel-close').click();
  await browser.$('[data-testid="tab-invoke"]').click();
  await browser.$('[data-testid="invoke-target"]').selectByAttribute("value", "kv-store");
  await browser.$('[data-testid="session-open"]').click();
  await browser.$('[data-testid="session"][data-state="open"]').waitForExist({ timeout: WAIT });
  const lines = [
    'b = bucket("fruit")',
    'b.set("apple", "red")',
    'b.get("apple")',
    "size-of(b)",
    'bucket.find("fruit")',
    "drops()",
  ];
  for (const [i, line] of lines.entries()) {
    await type('[data-testid="session-line"]', line);
    await browser.$('[data-testid="session-send"]').click();
    await browser.waitUntil(
      async () => (await browser.$$('[data-testid="session-entry"]').length) === i + 1,
      { timeout: WAIT },
    );
  }
  await type('[data-testid="session-line"]', "b.keys(");
  await mouseAway();
  await settle();
  shoot("session");
  await browser.$('[data-testid="session-close"]').click();

  // Each node's standard world, and the grants as a wasmtime command line.
  await openProject("wasi-cli");
  await browser.$('[data-testid="project-description"] .panel-close').click();
  await browser.$('[data-testid="tab-capabilities"]').click();
  await type('[data-testid="cap-arg"]', "workshop", '[data-testid="cap-arg-add"]');
  const line = browser.$('[data-testid="wasmtime-line"]');
  await browser.waitUntil(async () => (await line.getText()).includes("workshop"), {
    timeout: WAIT,
  });
  await browser.execute(() => {
    document.querySelector('[data-testid="wasmtime-command"]')?.scrollIntoView();
  });
  await mouseAway();
  await settle();
  shoot("wasmtime");

  // Auto-wire: a greeter alone, its open imports and what in the library fits them.
  const alone = join(mkdtempSync(join(tmpdir(), "plugboard-shots-")), "greeter.plugboard.json");
  writeFileSync(
    alone,
    JSON.stringify({
      format: 3,
      nodes: [
        { id: "greeter", component: join(SAMPLES, "greeter.wasm"), position: { x: 0, y: 0 } },
      ],
    }),
  );
  await hook(browser, "openProject", alone);
  await browser.$(nodeSel("greeter")).waitForExist({ timeout: WAIT });
  await browser.$(`${nodeSel("greeter")} .cnode-header`).click();
  await browser.$('[data-testid="tab-inspector"]').click();
  await browser.$('[data-testid="autowire-suggest"]').click();
  await browser.$('[data-testid="autowire"][data-state="ready"]').waitForExist({ timeout: WAIT });
  await browser.execute(() => {
    document.querySelector('[data-testid="autowire"]')?.scrollIntoView();
  });
  await mouseAway();
  await settle();
  shoot("autowire");
});

it("photographs a stub answering a consumer, and a WAC document opened as a project", async () => {
  // The bundled stub project, run: the stub's card and edge with its calls, its editor open.
  await openProject("stubbed-consumer");
  await browser.$('[data-testid="project-description"] .panel-close').click();
  await runWith("btn-run");
  await browser.$('[data-testid="tab-calls"]').click();
  const stub = browser.$('[data-testid="stub-node"]');
  await waitUntilStill(stub);
  await stub.click();
  await browser.$('[data-testid="tab-inspector"]').click();
  await browser.$('[data-testid="stub-editor"]').waitForExist({ timeout: WAIT });
  await mouseAway();
  await settle();
  shoot("stub");

  // A WAC document with its packages in deps/, opened: one node per instance, a wire per
  // argument.
  await hook(browser, "openProject", writeWacDocument("app.wac"));
  await browser.$(nodeSel("app")).waitForExist({ timeout: WAIT });
  await mouseAway();
  await settle();
  shoot("wac-import");
});

it("photographs a composition unfolded in place, with what it is made of", async () => {
  const path = writeComposedSeedProject(mkdtempSync(join(tmpdir(), "plugboard-shots-")));
  await hook(browser, "openProject", path);
  await browser.waitUntil(async () => (await snapshot(browser)).projectPath === path, {
    timeout: WAIT,
  });
  const toggle = browser.$(`${nodeSel(COMPOSED_SEED_NODE)} [data-testid="inside-toggle"]`);
  await waitUntilStill(toggle);
  await toggle.click();
  await browser.$('[data-testid="inside-group"]').waitForExist({ timeout: WAIT });
  await browser.$(`${nodeSel(COMPOSED_SEED_NODE)} .cnode-header`).click();
  await browser.$('[data-testid="tab-inspector"]').click();
  await browser.$('[data-testid="inside-panel"]').waitForExist({ timeout: WAIT });
  await browser.execute(() => {
    document.querySelector('[data-testid="inside-panel"]')?.scrollIntoView();
  });
  await mouseAway();
  await settle();
  shoot("inside");
});

it("photographs components pulled from a registry, and the seed exported to Spin", async () => {
  const registry = await startRegistry();
  try {
    await browser.$('[data-testid="btn-new"]').click();
    for (const name of ["string-operations", "consumer-app"]) {
      registry.publishSample(name, "0.1.0");
      await choose(browser, "btn-add", "add-registry");
      await type('[data-testid="registry-reference"]', registry.reference(name, "0.1.0"));
      await browser.$('[data-testid="registry-pull"]').click();
      await browser.$(nodeSel(name)).waitForExist({ timeout: WAIT });
    }
    await hook(
      browser,
      "connect",
      { node: "string-operations", port: OPS },
      { node: "consumer-app", port: OPS },
    );
    // A newer version published since: the node says so once its registry is asked again.
    registry.publishSample("string-operations", "0.2.0");
    await browser.$(`${nodeSel("string-operations")} .cnode-header`).click();
    await browser.$('[data-testid="tab-inspector"]').click();
    await browser.$('[data-testid="registry-check"]').click();
    await browser
      .$(`${nodeSel("string-operations")} [data-testid="registry-newer"]`)
      .waitForExist({ timeout: WAIT });
    // The canvas gets the width: the library and the output folded.
    await browser.$('[data-testid="btn-toggle-library"]').click();
    await browser.$('[data-testid="btn-toggle-dock"]').click();
    await choose(browser, "btn-add", "add-registry");
    await type(
      '[data-testid="registry-reference"]',
      registry.reference("string-operations", "0.2.0"),
    );
    await mouseAway();
    await settle();
    shoot("registry");
  } finally {
    registry.stop();
  }
  await browser.$('[data-testid="registry-dialog"] [data-testid="dialog-close"]').click();
  await browser.$('[data-testid="btn-toggle-library"]').click();
  await browser.$('[data-testid="btn-toggle-dock"]').click();

  await openProject("seed");
  await browser.$('[data-testid="project-description"] .panel-close').click();
  await choose(browser, "btn-share", "share-deploy");
  await browser.$('[data-testid="deploy-warnings"]').waitForExist({ timeout: WAIT });
  await mouseAway();
  await settle();
  shoot("deploy");
  await browser.$('[data-testid="deploy-dialog"] [data-testid="dialog-close"]').click();
});
