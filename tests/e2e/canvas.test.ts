// The canvas end to end, through the real app: open the seed project, check nodes and ports, add a
// sample, wire it, try an incompatible wire and see the refusal, compile, save, reopen, compare.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { Browser } from "webdriverio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  GREET,
  LOG,
  OPS,
  RUN,
  SAMPLES,
  SEED,
  WAIT,
  count,
  hook,
  nodeSel,
  portSel,
  snapshot,
  startApp,
  waitForView,
  waitUntilStill,
  waitForCount,
  waitForMessage,
} from "./app";

const NODES = '[data-testid="node"]';
const WIRES = '[data-testid="wire"]';

let browser: Browser;
const dir = mkdtempSync(join(tmpdir(), "plugboard-e2e-"));

/** Presses the mouse on `from`'s handle and moves onto `to`'s handle; releases when asked. */
async function dragWire(fromPort: string, toPort: string, release: boolean): Promise<void> {
  const from = browser.$(`${fromPort} .react-flow__handle`);
  const to = browser.$(`${toPort} .react-flow__handle`);
  // The view may still be gliding to fit a node just added: aim once the handles stand still.
  await waitForView(browser);
  await waitUntilStill(from);
  await waitUntilStill(to);
  const actions = browser
    .action("pointer", { id: "mouse", parameters: { pointerType: "mouse" } })
    .move({ origin: from })
    .down({ button: 0 })
    .move({ origin: from, x: 40, y: 0, duration: 100 })
    .move({ origin: to, duration: 300 });
  await (release ? actions.up({ button: 0 }) : actions).perform(!release);
}

async function releaseMouse(): Promise<void> {
  await browser
    .action("pointer", { id: "mouse", parameters: { pointerType: "mouse" } })
    .up({ button: 0 })
    .perform();
}

async function closeMessage(): Promise<void> {
  const close = browser.$('[data-testid="message"] .message-close');
  if (await close.isExisting()) await close.click();
  await browser.$('[data-testid="message"]').waitForExist({ reverse: true, timeout: WAIT });
}

beforeAll(async () => {
  browser = await startApp([SEED]);
  // Clicks aim at nodes: wait until the view has fitted the project and stopped gliding.
  await waitForView(browser);
});

afterAll(async () => {
  await browser?.deleteSession();
});

describe("the canvas", () => {
  it("opens the seed project with its nodes, ports, wire and host", async () => {
    await waitForCount(browser, NODES, 2);
    const names = await browser.$$(NODES).map((n) => n.getAttribute("data-node-name"));
    expect(names.sort()).toEqual(["consumer-app", "string-operations"]);

    expect(await browser.$(portSel("string-operations", OPS, "export")).isExisting()).toBe(true);
    expect(await browser.$(portSel("consumer-app", OPS, "import")).isExisting()).toBe(true);
    expect(await browser.$(portSel("consumer-app", RUN, "export")).isExisting()).toBe(true);
    // Collapsed (the default), the consumer's WASI imports are one bundle with one edge to the
    // host, and none of them is a port of its own.
    const bundleSel = `${nodeSel("consumer-app")} [data-testid="wasi-bundle"]`;
    const wasiPorts = `${nodeSel("consumer-app")} [data-testid="port"][data-port-dir="import"][data-wasi="true"]`;
    const hostWires = '[data-testid="host-wire"][data-to-node="consumer-app"]';
    const bundleWire = '[data-testid="wasi-bundle-wire"][data-to-node="consumer-app"]';
    expect(await count(browser, bundleSel)).toBe(1);
    const bundle = browser.$(bundleSel);
    expect(await bundle.getAttribute("data-expanded")).toBe("false");
    expect(await count(browser, wasiPorts)).toBe(0);
    await waitForCount(browser, bundleWire, 1);
    expect(await count(browser, hostWires)).toBe(0);
    const bundled = Number(await bundle.getAttribute("data-count"));

    // Unfolded, every WASI import of the consumer is a port, and each is open: a dashed wire to
    // the host. Unfolding is not an edit.
    await bundle.click();
    await waitForCount(browser, wasiPorts, bundled);
    const wasiImports = await count(browser, wasiPorts);
    expect(wasiImports).toBeGreaterThan(5);
    await waitForCount(browser, hostWires, wasiImports);
    expect(await count(browser, bundleWire)).toBe(0);
    expect(await bundle.getAttribute("data-expanded")).toBe("true");
    expect((await snapshot(browser)).dirty).toBe(false);

    // Folded again: the one bundle edge is back.
    await bundle.click();
    await waitForCount(browser, wasiPorts, 0);
    await waitForCount(browser, bundleWire, 1);
    expect(await count(browser, hostWires)).toBe(0);

    await waitForCount(browser, WIRES, 1);
    const wire = browser.$(WIRES);
    expect(await wire.getAttribute("data-from-node")).toBe("string-operations");
    expect(await wire.getAttribute("data-to-port")).toBe(OPS);
    expect(await browser.$('[data-testid="host-node"]').isDisplayed()).toBe(true);
    expect(await browser.$('[data-testid="host-unprovided"]').isExisting()).toBe(false);

    const s = await snapshot(browser);
    expect(s.dirty).toBe(false);
    expect(s.title).toContain("seed.plugboard.json");
  });

  it("shows a node's WIT and a port's functions in the inspector", async () => {
    await waitUntilStill(browser.$(`${nodeSel("consumer-app")} .cnode-header`));
    await browser.$(`${nodeSel("consumer-app")} .cnode-header`).click();
    const inspector = browser.$('[data-testid="inspector"]');
    await browser.waitUntil(
      async () =>
        (await inspector.$('[data-testid="inspector-title"]').getText()) === "consumer-app",
      { timeout: WAIT },
    );
    expect(await inspector.$('[data-testid="inspector-wit"]').getText()).toContain(
      "example:stringoperations",
    );
    expect(await inspector.$('[data-testid="inspector-sha256"]').getText()).toMatch(/[0-9a-f]{64}/);

    await browser.$(portSel("consumer-app", OPS, "import")).click();
    await inspector.$(`[data-testid="inspector-port"][data-port-name="${OPS}"]`).waitForExist();
    const functions = await inspector
      .$$('[data-testid="inspector-function"]')
      .map((f) => f.getText());
    expect(functions.join("\n")).toContain("reverse: func(s: string) -> string");

    // Hovering a port shows its functions with their signatures.
    const port = browser.$(portSel("consumer-app", OPS, "import"));
    await port.moveTo();
    const card = port.$('[data-testid="port-card"]');
    await card.waitForDisplayed({ timeout: WAIT });
    expect(await card.getText()).toContain("word-count: func(s: string) -> u32");
  });

  it("adds a sample from the library", async () => {
    await browser.$('[data-testid="sample"][data-sample-name="greeter"]').click();
    await waitForCount(browser, NODES, 3);
    expect(await browser.$(portSel("greeter", OPS, "import")).isExisting()).toBe(true);
    expect(await browser.$(portSel("greeter", GREET, "export")).isExisting()).toBe(true);
    // Its logger import is open and the host cannot provide it.
    await browser
      .$(`[data-testid="host-unprovided"][data-port-name="${LOG}"]`)
      .waitForExist({ timeout: WAIT });
    expect((await snapshot(browser)).dirty).toBe(true);
  });

  it("dims refusing imports while a wire is dragged, and refuses the drop with the reason", async () => {
    await dragWire(
      portSel("string-operations", OPS, "export"),
      portSel("greeter", LOG, "import"),
      false,
    );
    // The engine's verdicts for every candidate arrive while the mouse is still down.
    await browser.waitUntil(
      async () =>
        (await browser.$(portSel("greeter", LOG, "import")).getAttribute("data-drag")) ===
        "refused",
      { timeout: WAIT, timeoutMsg: "the logger import was not dimmed as refused" },
    );
    expect(await browser.$(portSel("greeter", OPS, "import")).getAttribute("data-drag")).toBe(
      "allowed",
    );
    await releaseMouse();
    const text = await waitForMessage(browser, "refusal");
    expect(text).toContain("Wire refused");
    expect(text).toContain(OPS);
    // Both sides' WIT side by side, the first difference said and marked on the import's side.
    const summary = browser.$('[data-testid="refusal-summary"]');
    await summary.waitForExist({ timeout: WAIT });
    expect(await summary.getText()).toContain("the export has no type `level`");
    expect(await browser.$('[data-testid="refusal-import"]').getText()).toContain("interface log");
    expect(await browser.$('[data-testid="refusal-export"]').getText()).toContain(
      "interface operations",
    );
    expect(
      await browser.$('[data-testid="refusal-import"] [data-testid="refusal-mark"]').getText(),
    ).toContain("enum level");
    expect(await count(browser, WIRES)).toBe(1);
    // Read, it goes away with Esc, and the canvas under it is free again.
    await browser.keys("Escape");
    await browser.$('[data-testid="message"]').waitForExist({ timeout: WAIT, reverse: true });
  });

  it("wires one export to a second import by dragging", async () => {
    await dragWire(
      portSel("string-operations", OPS, "export"),
      portSel("greeter", OPS, "import"),
      true,
    );
    await waitForCount(browser, WIRES, 2);
    const targets = await browser.$$(WIRES).map((w) => w.getAttribute("data-to-node"));
    expect(targets.sort()).toEqual(["consumer-app", "greeter"]);
  });

  it("deletes a selected wire with Delete, and undoes and redoes with the keyboard", async () => {
    // A wire is a curve passing under nodes and WASI bundles: click a point of it that nothing
    // else covers.
    const middle = await browser.execute((selector: string) => {
      const path = document.querySelector<SVGPathElement>(selector);
      const viewport = document.querySelector<HTMLElement>(".react-flow__viewport");
      const origin = viewport?.parentElement?.getBoundingClientRect();
      if (!path || !viewport || !origin) throw new Error(`no wire ${selector}`);
      const m = new DOMMatrix(getComputedStyle(viewport).transform);
      for (let f = 0.05; f < 1; f += 0.05) {
        const p = path.getPointAtLength(path.getTotalLength() * f);
        const x = Math.round(origin.left + m.e + p.x * m.a);
        const y = Math.round(origin.top + m.f + p.y * m.d);
        const hit = document.elementFromPoint(x, y)?.closest(".react-flow__edge");
        if (hit && hit === path.closest(".react-flow__edge")) return { x, y };
      }
      throw new Error("every point of the wire is covered");
    }, `${WIRES}[data-to-node="greeter"] path.react-flow__edge-interaction`);
    await browser
      .action("pointer", { id: "mouse", parameters: { pointerType: "mouse" } })
      .move({ origin: "viewport", x: middle.x, y: middle.y })
      .down({ button: 0 })
      .up({ button: 0 })
      .perform();
    await browser.$('[data-testid="wire-delete"]').waitForExist({ timeout: WAIT });
    await browser.keys("Delete");
    await waitForCount(browser, WIRES, 1);
    await browser.keys(["Control", "z"]);
    await waitForCount(browser, WIRES, 2);
    await browser.keys(["Control", "z"]);
    await waitForCount(browser, WIRES, 1);
    await browser.keys(["Control", "Shift", "z"]);
    await waitForCount(browser, WIRES, 2);
    await browser.$('[data-testid="canvas"] .react-flow__pane').click();
  });

  it("compiles and shows what the host must provide and what comes out", async () => {
    await browser.$('[data-testid="btn-compile"]').click();
    const result = browser.$('[data-testid="compile-result"]');
    await result.waitForExist({ timeout: WAIT });
    const unprovided = await result
      .$$('[data-testid="result-import"][data-provided="false"]')
      .map((i) => i.getAttribute("data-port-name"));
    expect(unprovided).toEqual([LOG]);
    const exports = await result
      .$$('[data-testid="result-export"]')
      .map((e) => e.getAttribute("data-port-name"));
    expect(exports.sort()).toEqual([GREET, RUN].sort());
    expect(await result.$('[data-testid="btn-save-component"]').isDisplayed()).toBe(true);
    expect(await result.$('[data-testid="btn-export-wac"]').isDisplayed()).toBe(true);
  });

  it("saves the composition and its WAC", async () => {
    const wasm = join(dir, "composition.wasm");
    const wac = join(dir, "composition.wac");
    await hook(browser, "saveComposition", wasm);
    await waitForMessage(browser, "info");
    await browser.waitUntil(() => existsSync(wasm), { timeout: WAIT });
    expect(readFileSync(wasm).subarray(0, 4)).toEqual(Buffer.from("\0asm"));
    await hook(browser, "exportWac", wac);
    await browser.waitUntil(() => existsSync(wac), { timeout: WAIT });
    expect(readFileSync(wac, "utf8")).toContain("let greeter = new");
  });

  it("saves the project, reopens it and finds the same canvas", async () => {
    const path = join(dir, "chain.plugboard.json");
    await browser.$('[data-testid="compile-close"]').click();
    await closeMessage();
    // Choose the composition's export in the inspector: it must survive the round trip.
    await browser.$(portSel("greeter", GREET, "export")).click();
    await browser.$('[data-testid="toggle-export"]').click();
    await browser.waitUntil(async () => (await snapshot(browser)).project.exports.length === 1);
    // The Host node, dragged by its header, keeps its place too.
    const header = browser.$('[data-testid="host-node"] .hnode-header');
    await waitForView(browser);
    await waitUntilStill(header);
    await browser
      .action("pointer", { id: "mouse", parameters: { pointerType: "mouse" } })
      .move({ origin: header })
      .down({ button: 0 })
      .move({ origin: header, x: 20, y: 10, duration: 100 })
      .move({ origin: header, x: 0, y: 160, duration: 200 })
      .up({ button: 0 })
      .perform();
    await browser.waitUntil(
      async () => (await snapshot(browser)).project["host-position"] != null,
      {
        timeout: WAIT,
      },
    );
    await hook(browser, "saveProjectAs", path);
    await browser.waitUntil(async () => !(await snapshot(browser)).dirty, { timeout: WAIT });
    const before = await snapshot(browser);
    expect(before.title).toContain("chain.plugboard.json");

    const saved = JSON.parse(readFileSync(path, "utf8")) as Snapshot["project"];
    expect(saved.nodes.map((n) => n.id)).toEqual(["string-operations", "consumer-app", "greeter"]);
    expect(saved.wires).toHaveLength(2);
    // Component paths are written relative to the project file.
    expect(saved.nodes.every((n) => !n.component.startsWith("/"))).toBe(true);
    expect(saved.nodes[2]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(saved.exports).toEqual([{ node: "greeter", export: GREET }]);
    expect(saved["host-position"]).toEqual(before.project["host-position"]);

    await browser.$('[data-testid="btn-new"]').click();
    await waitForCount(browser, NODES, 0);

    await hook(browser, "openProject", path);
    await waitForCount(browser, NODES, 3);
    await waitForCount(browser, WIRES, 2);
    const after = await snapshot(browser);
    expect(after.project).toEqual(before.project);
    const hostAt = await browser.execute(
      () =>
        document.querySelector('.react-flow__node[data-id="host"]')?.getAttribute("style") ?? "",
    );
    const { x, y } = before.project["host-position"] ?? { x: NaN, y: NaN };
    expect(hostAt).toContain(`translate(${x}px, ${y}px)`);
    expect(after.dirty).toBe(false);
    // Its own ports (once its component is read again), and its WASI imports in one bundle.
    await waitForCount(browser, `${nodeSel("greeter")} [data-testid="port"]`, 3);
    await waitForCount(browser, `${nodeSel("greeter")} [data-testid="wasi-bundle"]`, 1);
    expect(await browser.$(portSel("greeter", GREET, "export")).getText()).toContain("★");

    // Ctrl+S saves to the same file, without a dialog. (Aim once the view has fitted the
    // reopened project and stopped gliding.)
    await waitForView(browser);
    await waitUntilStill(browser.$(portSel("greeter", GREET, "export")));
    await browser.$(portSel("greeter", GREET, "export")).click();
    await browser.$('[data-testid="toggle-export"]').click();
    await browser.waitUntil(async () => (await snapshot(browser)).dirty, { timeout: WAIT });
    await browser.$('[data-testid="canvas"] .react-flow__pane').click();
    await browser.keys(["Control", "s"]);
    await browser.waitUntil(async () => !(await snapshot(browser)).dirty, { timeout: WAIT });
    expect(JSON.parse(readFileSync(path, "utf8"))).not.toHaveProperty("exports.0");
  });

  it("flags missing and changed components on their nodes and keeps them", async () => {
    const path = join(dir, "missing.plugboard.json");
    writeFileSync(
      path,
      JSON.stringify({
        format: 1,
        nodes: [
          { id: "ghost", component: "gone/ghost.wasm", position: { x: 0, y: 0 } },
          {
            id: "consumer-app",
            component: join(SAMPLES, "consumer-app.wasm"),
            sha256: "0".repeat(64),
            position: { x: 500, y: 0 },
          },
        ],
        wires: [{ from: { node: "ghost", port: OPS }, to: { node: "consumer-app", port: OPS } }],
      }),
    );
    await hook(browser, "openProject", path);
    await waitForCount(browser, NODES, 2);
    const ghost = browser.$(nodeSel("ghost"));
    expect(await ghost.getAttribute("data-state")).toBe("missing");
    expect(await browser.$(portSel("ghost", OPS, "export")).isExisting()).toBe(true);
    await waitForCount(browser, WIRES, 1);
    expect(await waitForMessage(browser, "error")).toContain("ghost");

    // consumer-app's file is not the one the project recorded: flagged, and can be accepted.
    expect(await browser.$(nodeSel("consumer-app")).getAttribute("data-state")).toBe("changed");
    await waitForView(browser);
    await waitUntilStill(browser.$(`${nodeSel("consumer-app")} .cnode-header`));
    await browser.$(`${nodeSel("consumer-app")} .cnode-header`).click();
    await browser.$('[data-testid="accept-changed"]').click();
    await browser.$(`${nodeSel("consumer-app")}[data-state="ok"]`).waitForExist({ timeout: WAIT });
    expect((await snapshot(browser)).project.nodes[1]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await snapshot(browser)).project.nodes[1]?.sha256).not.toBe("0".repeat(64));
  });

  it("shows the engine's error for a file that is not a component, and changes nothing", async () => {
    const bad = join(dir, "notes.wasm");
    writeFileSync(bad, "just some text\n");
    const before = await snapshot(browser);
    await hook(browser, "addComponent", bad);
    const text = await browser.waitUntil(
      async () => {
        const t = await browser.$('[data-testid="message"][data-kind="error"]').getText();
        return t.includes("not a WebAssembly file") ? t : false;
      },
      { timeout: WAIT },
    );
    expect(text).toContain("magic bytes");
    expect((await snapshot(browser)).project).toEqual(before.project);
    expect(await count(browser, NODES)).toBe(2);
  });

  it("marks a compile error on the node and the port at fault", async () => {
    const path = join(dir, "mismatch.plugboard.json");
    writeFileSync(
      path,
      JSON.stringify({
        format: 1,
        nodes: [
          { id: "logger", component: join(SAMPLES, "logger.wasm"), position: { x: 0, y: 0 } },
          {
            id: "consumer-app",
            component: join(SAMPLES, "consumer-app.wasm"),
            position: { x: 560, y: 0 },
          },
        ],
        wires: [{ from: { node: "logger", port: LOG }, to: { node: "consumer-app", port: OPS } }],
      }),
    );
    await hook(browser, "openProject", path);
    await waitForCount(browser, NODES, 2);
    await browser.$(nodeSel("logger")).waitForExist({ timeout: WAIT });
    await closeMessage();
    await browser.$('[data-testid="btn-compile"]').click();
    expect(await waitForMessage(browser, "error")).toContain("does not fit");
    await browser
      .$(`${nodeSel("consumer-app")}[data-error="true"]`)
      .waitForExist({ timeout: WAIT });
    expect(await browser.$(portSel("consumer-app", OPS, "import")).getAttribute("data-error")).toBe(
      "true",
    );
  });

  it("lists every shortcut in the help overlay, and hides the side panels", async () => {
    await closeMessage();
    await browser.$('[data-testid="canvas"] .react-flow__pane').click();
    await browser.keys("?");
    const help = browser.$('[data-testid="help"]');
    await help.waitForExist({ timeout: WAIT });
    const text = await help.getText();
    for (const keys of ["Ctrl+Z", "Ctrl+Shift+Z", "Ctrl+S", "Delete"]) expect(text).toContain(keys);
    await browser.keys("Escape");
    await help.waitForExist({ reverse: true, timeout: WAIT });

    await browser.$('[data-testid="btn-toggle-inspector"]').click();
    await browser.$('[data-testid="inspector"]').waitForExist({ reverse: true, timeout: WAIT });
    await browser.$('[data-testid="btn-toggle-inspector"]').click();
    await browser.$('[data-testid="inspector"]').waitForExist({ timeout: WAIT });
  });

  it.skipIf(!existsSync(join(SAMPLES, "py-stringops.wasm")))(
    "adds an 18 MB Python component, the window answering meanwhile",
    async () => {
      await hook(browser, "addComponent", join(SAMPLES, "py-stringops.wasm"));
      // The engine inspects it on a background thread: the page keeps answering meanwhile.
      expect(await browser.execute(() => document.title)).toContain("Plugboard");
      // The node appears at once, its ports when the inspection is done.
      await browser.$(nodeSel("py-stringops")).waitForExist({ timeout: WAIT });
      await browser.$(portSel("py-stringops", OPS, "export")).waitForExist({ timeout: WAIT });
    },
  );

  it("adds .wasm files dropped on the canvas where they were dropped", async () => {
    // WebDriver cannot drag from a file manager; the window hears a drop as Tauri's
    // tauri://drag-drop event, which the test emits with the same payload the OS drop gives.
    const canvas = await browser.$('[data-testid="canvas"]').getLocation();
    const at = { x: Math.round(canvas.x + 120), y: Math.round(canvas.y + 140) };
    const emit = (event: string, payload: unknown) =>
      browser.execute(
        (name: string, body: unknown) => {
          const tauri = (window as unknown as { __TAURI_INTERNALS__: TauriInternals })
            .__TAURI_INTERNALS__;
          return tauri.invoke("plugin:event|emit", { event: name, payload: body });
        },
        event,
        payload,
      );
    const logger = join(SAMPLES, "logger.wasm");
    await waitForView(browser);
    // Where the drop point is in canvas units, from the view's transform before the drop.
    const expected = await browser.execute(
      (x: number, y: number) => {
        const viewport = document.querySelector<HTMLElement>(".react-flow__viewport");
        const origin = viewport?.parentElement?.getBoundingClientRect();
        if (!viewport || !origin) throw new Error("no canvas");
        const m = new DOMMatrix(getComputedStyle(viewport).transform);
        return { x: (x - origin.left - m.e) / m.a, y: (y - origin.top - m.f) / m.d };
      },
      at.x,
      at.y,
    );
    await emit("tauri://drag-enter", { paths: [logger], position: at });
    await browser.$('[data-testid="drop-overlay"]').waitForExist({ timeout: WAIT });
    const before = await count(browser, NODES);
    await emit("tauri://drag-drop", { paths: [logger], position: at });
    await waitForCount(browser, NODES, before + 1);
    await browser.$('[data-testid="drop-overlay"]').waitForExist({ reverse: true, timeout: WAIT });
    // It lands where it was dropped (a second logger, since the project has one already).
    const node = (await snapshot(browser)).project.nodes.at(-1);
    expect(node?.id).toBe("logger-2");
    expect(node?.component).toBe(logger);
    expect(node?.position.x).toBeCloseTo(expected.x, 0);
    expect(node?.position.y).toBeCloseTo(expected.y, 0);
  });
});

type TauriInternals = { invoke: (cmd: string, args: unknown) => Promise<unknown> };

type Snapshot = Awaited<ReturnType<typeof snapshot>>;
