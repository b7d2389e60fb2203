// Starts the real Plugboard app through tauri-driver (which scripts/test-app.sh runs under Xvfb)
// and gives the tests a few helpers. The app binary comes from PLUGBOARD_APP.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { remote, type Browser, type ChainablePromiseElement } from "webdriverio";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const SAMPLES = resolve(ROOT, "target/samples");
export const SEED = resolve(ROOT, "projects/seed.plugboard.json");

export const OPS = "example:stringoperations/operations@0.1.0";
export const LOG = "example:logger/log@0.1.0";
export const GREET = "example:greeter/greet@0.1.0";
export const LEN = "example:string-operations/len@0.1.0";
export const RUN = "wasi:cli/run@0.2.0";

/** Long enough for a cold debug build on a slow 2-core CI machine. */
export const WAIT = 60_000;

export function appBinary(): string {
  const app = process.env.PLUGBOARD_APP;
  if (!app || !existsSync(app)) {
    throw new Error(
      `PLUGBOARD_APP must name the built plugboard-app binary (got ${app ?? "nothing"}): run scripts/test-app.sh`,
    );
  }
  return app;
}

/** Opens the app with `args` and waits for the window to be ready (the host node is drawn). */
export async function startApp(args: string[]): Promise<Browser> {
  const browser = await remote({
    hostname: "127.0.0.1",
    port: Number(process.env.TAURI_DRIVER_PORT ?? 4444),
    logLevel: "warn",
    connectionRetryTimeout: 120_000,
    connectionRetryCount: 2,
    waitforTimeout: WAIT,
    capabilities: {
      // tauri-driver does not proxy WebDriver BiDi: stay with classic WebDriver.
      "wdio:enforceWebDriverClassic": true,
      "tauri:options": { application: appBinary(), args },
    } as WebdriverIO.Capabilities,
  });
  await browser.$('[data-testid="host-node"]').waitForExist({ timeout: WAIT });
  return browser;
}

/** Waits until the canvas has fitted the view to what was last opened or added. */
export async function waitForView(browser: Browser): Promise<void> {
  await browser
    .$('[data-testid="canvas"][data-view-ready="true"]')
    .waitForExist({ timeout: WAIT, timeoutMsg: "the canvas never fitted its view" });
}

export function nodeSel(name: string): string {
  return `[data-testid="node"][data-node-name="${name}"]`;
}

export function portSel(node: string, port: string, dir: "import" | "export"): string {
  return `${nodeSel(node)} [data-testid="port"][data-port-name="${port}"][data-port-dir="${dir}"]`;
}

export async function count(browser: Browser, selector: string): Promise<number> {
  return (await browser.$$(selector).getElements()).length;
}

/** Waits until `selector` matches exactly `n` elements. */
export async function waitForCount(browser: Browser, selector: string, n: number): Promise<void> {
  await browser.waitUntil(async () => (await count(browser, selector)) === n, {
    timeout: WAIT,
    interval: 150,
    timeoutMsg: `expected ${n} × ${selector}, found ${await count(browser, selector)}`,
  });
}

/** Opens the toolbar menu `menu` and chooses its item `item`. */
export async function choose(browser: Browser, menu: string, item: string): Promise<void> {
  await browser.$(`[data-testid="${menu}"]`).click();
  await browser.$(`[data-testid="${item}"]`).click();
}

/** Waits for the message bar to show a message of `kind`, and returns its text. */
export async function waitForMessage(browser: Browser, kind: string): Promise<string> {
  const message = browser.$(`[data-testid="message"][data-kind="${kind}"]`);
  await message.waitForExist({ timeout: WAIT });
  return message.getText();
}

/** Waits until `element` is on screen and has not moved between two looks. */
export async function waitUntilStill(element: ChainablePromiseElement): Promise<void> {
  let last = "";
  await element.waitForDisplayed({ timeout: WAIT });
  await element.waitUntil(
    async () => {
      const here = JSON.stringify(await element.getLocation());
      const still = here === last;
      last = here;
      return still;
    },
    { timeout: WAIT, interval: 250, timeoutMsg: "the element kept moving" },
  );
}

export type Snapshot = {
  project: {
    nodes: {
      id: string;
      component: string;
      sha256?: string | null;
      position: { x: number; y: number };
      registry?: { reference: string; digest: string } | null;
    }[];
    wires: { from: { node: string; port: string }; to: { node: string; port: string } }[];
    exports: { node: string; export: string }[];
    "host-position"?: { x: number; y: number } | null;
  };
  projectPath: string | null;
  dirty: boolean;
  title: string;
  compile: string;
  watching: string[];
};

/** The store's project and status, through the app's test hook. */
export async function snapshot(browser: Browser): Promise<Snapshot> {
  return browser.execute(() => {
    const hook = window.__PLUGBOARD_TEST__;
    if (!hook) throw new Error("the app's test hook is missing");
    return hook.snapshot();
  }) as Promise<Snapshot>;
}

/** Calls one action of the app's test hook (see ui/src/testHook.ts). */
export async function hook(browser: Browser, action: string, ...args: unknown[]): Promise<void> {
  await browser.execute(
    (name: string, values: unknown[]) => {
      const target = window.__PLUGBOARD_TEST__ as unknown as Record<
        string,
        (...a: unknown[]) => void
      >;
      const fn = target[name];
      if (!fn) throw new Error(`no test hook action ${name}`);
      fn(...values);
    },
    action,
    args,
  );
}

declare global {
  interface Window {
    __PLUGBOARD_TEST__?: { snapshot(): unknown };
  }
}

/**
 * Writes a project at `path` whose `provider` node is a copy of the string-operations sample in
 * `dir` (a file a test may "rebuild" by copying another over it), wired into the sample
 * `consumer`. Returns the copy's path.
 */
export function writeRebuildableProject(
  dir: string,
  path: string,
  provider: string,
  consumer: string,
): string {
  const copy = join(dir, `${provider}.wasm`);
  copyFileSync(join(SAMPLES, "string-operations.wasm"), copy);
  writeFileSync(
    path,
    JSON.stringify({
      format: 1,
      nodes: [
        { id: provider, component: copy, position: { x: 0, y: 0 } },
        { id: consumer, component: join(SAMPLES, `${consumer}.wasm`), position: { x: 560, y: 0 } },
      ],
      wires: [{ from: { node: provider, port: OPS }, to: { node: consumer, port: OPS } }],
    }),
  );
  return copy;
}

/** Writes a WAC document named `name` into a new folder, with its two packages (the seed's
 * components) under `deps/example/` as `wac compose` finds them; returns the document's path. */
export function writeWacDocument(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), "plugboard-e2e-wac-"));
  mkdirSync(join(dir, "deps", "example"), { recursive: true });
  for (const component of ["string-operations", "consumer-app"]) {
    copyFileSync(
      join(SAMPLES, `${component}.wasm`),
      join(dir, "deps", "example", `${component}.wasm`),
    );
  }
  const document = join(dir, name);
  writeFileSync(
    document,
    [
      "package demo:app;",
      "let ops = new example:string-operations {};",
      "let app = new example:consumer-app { operations: ops.operations, ... };",
      "export app...;",
      "",
    ].join("\n"),
  );
  return document;
}

/** The node id of the project [`writeComposedSeedProject`] writes. */
export const COMPOSED_SEED_NODE = "seed";

/** Runs the plugboard CLI that is built beside the app with `args`; returns what it printed. */
export function cli(...args: string[]): string {
  const binary = join(dirname(appBinary()), "plugboard");
  if (!existsSync(binary)) {
    throw new Error(`the plugboard CLI is not built beside the app (looked for ${binary})`);
  }
  return execFileSync(binary, args, { encoding: "utf8" });
}

/** Composes the seed with the CLI into `dir/seed.wasm`, and writes a project of that one
 * component there; returns the project's path. */
export function writeComposedSeedProject(dir: string): string {
  const composed = join(dir, "seed.wasm");
  cli("compose", SEED, "-o", composed);
  const path = join(dir, "composed.plugboard.json");
  writeFileSync(
    path,
    JSON.stringify({
      format: 3,
      nodes: [{ id: COMPOSED_SEED_NODE, component: composed, position: { x: 0, y: 0 } }],
    }),
  );
  return path;
}
