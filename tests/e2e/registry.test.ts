// OCI registries and deploy manifests through the real app: a registry (Debian's
// docker-registry) on loopback, samples published into it with the CLI, pulled in the Add from a
// registry dialog into nodes that say where they came from, wired and run; a bad reference
// refused in the dialog; the composition and a node published; a newer version marked when the
// project is opened again, and a registry gone quiet, not an error. Then the seed exported as a
// Spin application and a wasmCloud workload, with what each cannot carry.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { Browser } from "webdriverio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  OPS,
  SEED,
  WAIT,
  choose,
  count,
  hook,
  nodeSel,
  snapshot,
  startApp,
  waitUntilStill,
} from "./app";
import { startRegistry, type Registry } from "./oci";
import { runHelpers } from "./runs";

let browser: Browser;
let registry: Registry;
const dir = mkdtempSync(join(tmpdir(), "plugboard-e2e-registry-"));
const { run, open, textOf } = runHelpers(() => browser);

/** Types `text` into the field `selector`, replacing what it held. */
async function type(selector: string, text: string): Promise<void> {
  const input = browser.$(selector);
  await input.waitForDisplayed({ timeout: WAIT });
  await input.clearValue();
  await input.setValue(text);
}

/** Opens Add from a registry, types `ref` and presses Pull. */
async function pull(ref: string): Promise<void> {
  await choose(browser, "btn-add", "add-registry");
  await type('[data-testid="registry-reference"]', ref);
  await browser.$('[data-testid="registry-pull"]').click();
}

/** Selects `node` on the canvas and shows the inspector. */
async function inspect(node: string): Promise<void> {
  const header = browser.$(`${nodeSel(node)} .cnode-header`);
  await waitUntilStill(header);
  await header.click();
  await browser.$('[data-testid="tab-inspector"]').click();
  await browser.$('[data-testid="inspector-title"]').waitForExist({ timeout: WAIT });
}

beforeAll(async () => {
  registry = await startRegistry();
  registry.publishSample("string-operations", "0.1.0");
  registry.publishSample("consumer-app", "0.1.0");
  browser = await startApp([]);
});

afterAll(async () => {
  await browser?.deleteSession();
  registry?.stop();
});

describe("registries", () => {
  it("pulls a component into a node that shows where it came from", async () => {
    const ops = registry.reference("string-operations", "0.1.0");
    await pull(ops);
    await browser.$(nodeSel("string-operations")).waitForExist({ timeout: WAIT });
    await browser.$('[data-testid="registry-dialog"]').waitForExist({ reverse: true });

    const badge = browser.$(`${nodeSel("string-operations")} [data-testid="registry-badge"]`);
    await badge.waitForDisplayed({ timeout: WAIT });
    expect(await textOf(`${nodeSel("string-operations")} [data-testid="registry-badge"]`)).toBe(
      "⬇ string-operations:0.1.0",
    );
    const title = (await badge.getAttribute("title")) ?? "";
    expect(title).toContain(ops);
    expect(title).toMatch(/sha256:[0-9a-f]{64}/);

    const node = (await snapshot(browser)).project.nodes.find((n) => n.id === "string-operations");
    expect(node?.registry?.reference).toBe(ops);
    expect(title).toContain(node?.registry?.digest);
    await inspect("string-operations");
    expect(await browser.$('[data-testid="inspector-reference"]').getText()).toContain(ops);
    expect(await browser.$('[data-testid="inspector-digest"]').getText()).toContain(
      node?.registry?.digest,
    );
  });

  it("wires two pulled components and runs them", async () => {
    await pull(registry.reference("consumer-app", "0.1.0"));
    await browser.$(nodeSel("consumer-app")).waitForExist({ timeout: WAIT });
    await hook(
      browser,
      "connect",
      { node: "string-operations", port: OPS },
      { node: "consumer-app", port: OPS },
    );
    await browser.waitUntil(async () => (await snapshot(browser)).project.wires.length === 1, {
      timeout: WAIT,
    });
    const ended = await run();
    expect(ended.state).toBe("exited");
    expect(await textOf('[data-testid="output"]')).toContain("Words: 4");
  });

  it("shows why a reference cannot be pulled in the dialog, and adds nothing", async () => {
    const before = await count(browser, '[data-testid="node"]');
    await pull(registry.reference("nothing-here", "9.9.9"));
    const error = browser.$('[data-testid="registry-error"]');
    await error.waitForDisplayed({ timeout: WAIT });
    expect(await error.getText()).toContain("nothing-here");

    await type('[data-testid="registry-reference"]', "not a reference at all");
    await browser.$('[data-testid="registry-pull"]').click();
    await browser.waitUntil(async () => !(await error.getText()).includes("nothing-here"), {
      timeout: WAIT,
    });
    expect(await error.getText()).not.toBe("");

    await browser.$('[data-testid="registry-dialog"] [data-testid="dialog-close"]').click();
    await browser.$('[data-testid="registry-dialog"]').waitForExist({ reverse: true });
    expect(await count(browser, '[data-testid="node"]')).toBe(before);
    expect(await browser.$('[data-testid="message"][data-kind="error"]').isExisting()).toBe(false);
  });

  it("publishes the composition and a node, and shows where each went", async () => {
    await choose(browser, "btn-share", "share-publish");
    await type('[data-testid="publish-reference"]', `${registry.host}/demo/seed:1.0.0`);
    await browser.$('[data-testid="publish-submit"]').click();
    const result = browser.$('[data-testid="publish-result"]');
    await result.waitForDisplayed({ timeout: WAIT });
    expect(await result.getText()).toMatch(
      new RegExp(`^${registry.host}/demo/seed:1\\.0\\.0@sha256:[0-9a-f]{64}$`),
    );
    expect(await registry.tags("demo/seed")).toEqual(["1.0.0"]);
    await browser.$('[data-testid="publish-dialog"] [data-testid="dialog-close"]').click();

    await inspect("consumer-app");
    await browser.$('[data-testid="node-publish"]').click();
    expect(await browser.$('[data-testid="publish-dialog"] h2').getText()).toBe(
      "Publish consumer-app",
    );
    await type('[data-testid="publish-reference"]', `${registry.host}/demo/app:2.0.0`);
    await browser.$('[data-testid="publish-submit"]').click();
    await browser.$('[data-testid="publish-result"]').waitForDisplayed({ timeout: WAIT });
    expect(await registry.tags("demo/app")).toEqual(["2.0.0"]);
    await browser.$('[data-testid="publish-dialog"] [data-testid="dialog-close"]').click();
  });

  it("marks a node whose registry has a newer version when the project is opened again", async () => {
    const path = join(dir, "pulled.plugboard.json");
    await hook(browser, "saveProjectAs", path);
    await browser.waitUntil(async () => (await snapshot(browser)).projectPath === path, {
      timeout: WAIT,
    });
    expect((JSON.parse(readFileSync(path, "utf8")) as { format: number }).format).toBe(4);
    registry.publishSample("string-operations", "0.2.0");

    await open(path);
    const newer = browser.$(`${nodeSel("string-operations")} [data-testid="registry-newer"]`);
    await newer.waitForDisplayed({ timeout: WAIT });
    expect(await newer.getText()).toContain("newer: version 0.2.0");
    expect(
      await browser.$(`${nodeSel("consumer-app")} [data-testid="registry-newer"]`).isExisting(),
    ).toBe(false);
  });

  it("shows a registry gone quiet as muted news, not as an error", async () => {
    registry.stop();
    await inspect("consumer-app");
    await browser.$('[data-testid="registry-check"]').click();
    const quiet = browser.$(`${nodeSel("consumer-app")} [data-testid="registry-unreachable"]`);
    await quiet.waitForDisplayed({ timeout: WAIT });
    expect(await quiet.getText()).toBe("registry not reachable");
    expect(await browser.$('[data-testid="message"][data-kind="error"]').isExisting()).toBe(false);
  });
});

describe("deploy manifests", () => {
  it("shows the seed as a Spin application and a wasmCloud workload, with warnings", async () => {
    await open(SEED);
    await choose(browser, "btn-share", "share-deploy");
    await browser.$('[data-testid="deploy-dialog"]').waitForDisplayed({ timeout: WAIT });
    const text = browser.$('[data-testid="deploy-text"]');
    await text.waitForDisplayed({ timeout: WAIT });
    expect(await text.getText()).toContain("spin_manifest_version = 2");
    expect(await text.getText()).toContain("[component.consumer-app.dependencies]");
    const warnings = browser.$$('[data-testid="deploy-warnings"] [data-testid="deploy-warning"]');
    expect(await warnings.length).toBeGreaterThan(0);
    expect(await browser.$('[data-testid="deploy-warnings"]').getText()).toContain(
      "trigger-command",
    );

    await browser.$('[data-testid="deploy-tab-wasmcloud"]').click();
    await browser.waitUntil(
      async () =>
        (await browser.$('[data-testid="deploy-text"]').getText()).includes(
          "kind: WorkloadDeployment",
        ),
      { timeout: WAIT },
    );
    expect(await browser.$('[data-testid="deploy-warnings"]').getText()).toContain(
      "wasmCloud pulls components from an OCI registry",
    );

    const saved = join(dir, "workload.yaml");
    await hook(browser, "saveDeployManifest", saved);
    await browser.$('[data-testid="deploy-saved"]').waitForDisplayed({ timeout: WAIT });
    expect(readFileSync(saved, "utf8")).toContain("kind: WorkloadDeployment");
    await browser.$('[data-testid="deploy-dialog"] [data-testid="dialog-close"]').click();
    await browser.$('[data-testid="deploy-dialog"]').waitForExist({ reverse: true });
  });
});
