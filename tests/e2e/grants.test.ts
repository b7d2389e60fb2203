// Grants you can trust, through the real app: a project from elsewhere asks before its first
// run (declined: nothing runs and no connection is made; accepted: it runs, and is not asked
// again until a grant changes), memory bombs end out of memory with the app's own memory watched
// from outside, and Stop ends a server request whose handler loops forever.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execFileSync } from "node:child_process";

import type { Browser } from "webdriverio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { ROOT, SAMPLES, SEED, WAIT, nodeSel, startApp } from "./app";
import { ENDED, runHelpers } from "./runs";

let browser: Browser;
const dir = mkdtempSync(join(tmpdir(), "plugboard-e2e-grants-"));
const PROBE = "example:probe/probe@0.1.0";

const { statusText, status, waitForRun, run, open, waitForOutput } = runHelpers(() => browser);

/** A loopback listener that counts the connections it was offered. */
function listen(): Promise<{ server: Server; address: string; connections: () => number }> {
  let connections = 0;
  return new Promise((done) => {
    const server = createServer((socket) => {
      connections += 1;
      socket.end();
    });
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      done({ server, address: `127.0.0.1:${port}`, connections: () => connections });
    });
  });
}

/** Writes a project of `nodes` (sample files) and `wires` into the test's folder. */
function writeProject(name: string, project: Record<string, unknown>): string {
  const path = join(dir, `${name}.plugboard.json`);
  writeFileSync(path, JSON.stringify({ format: 2, ...project }));
  return path;
}

/** The probe pair with probe-app granted `grants` of its own. */
function probeProject(grants: Record<string, unknown>): Record<string, unknown> {
  return {
    nodes: [
      { id: "net-probe", component: join(SAMPLES, "net-probe.wasm"), position: { x: 0, y: 0 } },
      {
        id: "probe-app",
        component: join(SAMPLES, "probe-app.wasm"),
        position: { x: 560, y: 0 },
        capabilities: grants,
      },
    ],
    wires: [{ from: { node: "net-probe", port: PROBE }, to: { node: "probe-app", port: PROBE } }],
  };
}

const DIALOG = '[data-testid="consent-dialog"]';

/** Presses Run and waits for the consent dialog; returns the grants it lists. */
async function runAndAsk(): Promise<string[]> {
  await browser.$('[data-testid="btn-run"]').waitForEnabled({ timeout: WAIT });
  await browser.$('[data-testid="btn-run"]').click();
  await browser.$(DIALOG).waitForExist({ timeout: WAIT });
  return browser.$$(`${DIALOG} li`).map((li) => li.getText());
}

/** The app's process id (one app runs at a time under tauri-driver). */
function appPid(): number {
  return Number(execFileSync("pgrep", ["-n", "-x", "plugboard-app"]).toString().trim());
}

function statusKib(pid: number, field: string): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith(field));
  return Number(line?.split(/\s+/)[1] ?? "0");
}

/**
 * Runs the open project while watching the app's memory from outside: the app is killed if it
 * passes 3 GiB resident (a broken limit must not take the machine). Returns how the run ended
 * and the app's peak resident memory during it, in bytes.
 */
async function runWatched() {
  const pid = appPid();
  // Resets the peak resident memory the kernel reports, so the peak is this run's.
  writeFileSync(`/proc/${pid}/clear_refs`, "5");
  const before = statusKib(pid, "VmRSS:") * 1024;
  let killed = false;
  const watch = setInterval(() => {
    if (statusKib(pid, "VmRSS:") * 1024 > 3 * 2 ** 30) {
      killed = true;
      process.kill(pid, "SIGKILL");
    }
  }, 20);
  try {
    const ended = await run();
    expect(killed).toBe(false);
    return { ended, before, peak: statusKib(pid, "VmHWM:") * 1024 };
  } finally {
    clearInterval(watch);
  }
}

beforeAll(async () => {
  browser = await startApp([SEED]);
  await browser.$(nodeSel("consumer-app")).waitForExist({ timeout: WAIT });
});

afterAll(async () => {
  await browser?.deleteSession();
});

describe("limits", () => {
  const MIB = 2 ** 20;

  it("ends a table bomb out of memory, the app's memory held, and the next run works", async () => {
    const path = writeProject("table-bomb", {
      nodes: [
        { id: "table-bomb", component: join(SAMPLES, "table-bomb.wat"), position: { x: 0, y: 0 } },
      ],
      limits: { "max-memory-bytes": 256 * MIB },
    });
    await open(path);
    const { ended, before, peak } = await runWatched();
    expect(ended.state).toBe("out-of-memory");
    // The status bar names what grew, and whose it was.
    expect(await statusText()).toContain("a table of table-bomb");
    // The guest's 256 MiB, and at most 200 MiB of the host's own on top of what it held.
    expect(peak - before).toBeLessThan(256 * MIB + 200 * MIB);

    await open(SEED);
    expect((await run()).state).toBe("exited");
  });

  it("sums the limit over the three memory hogs of a linked run", async () => {
    await open(resolve(ROOT, "projects", "memory-hogs.plugboard.json"));
    const { ended, before, peak } = await runWatched();
    expect(ended.state).toBe("out-of-memory");
    expect(await statusText()).toMatch(/a memory of hog-(leaf|middle|app)/);
    expect(peak - before).toBeLessThan(256 * MIB + 200 * MIB);
  });
});

describe("consent", () => {
  it("asks before a project from elsewhere gets anything, and remembers the answer", async () => {
    const { server, address, connections } = await listen();
    try {
      const path = writeProject("asks", probeProject({ args: [address], "inherit-network": true }));
      await open(path);

      // Declined: nothing runs, nothing connects.
      const runBefore = (await status()).run;
      expect(await runAndAsk()).toEqual(["The network: TCP and UDP to any address"]);
      expect(await browser.$(`${DIALOG} h3`).getText()).toBe("Node probe-app");
      await browser.$('[data-testid="consent-decline"]').click();
      await browser.$(DIALOG).waitForExist({ reverse: true, timeout: WAIT });
      await browser.$('[data-testid="message"][data-kind="info"]').waitForExist({ timeout: WAIT });
      expect((await status()).run).toBe(runBefore);
      expect(connections()).toBe(0);

      // Accepted: it runs with exactly those grants (net-probe has none of its own).
      await runAndAsk();
      await browser.$('[data-testid="consent-accept"]').click();
      const ended = await waitForRun(runBefore, ENDED);
      expect(ended.state).toBe("exited");
      await waitForOutput(`app connect ${address}: ok`);
      expect(connections()).toBe(1);

      // Opened again: remembered, it runs without asking.
      await open(path);
      expect((await run()).state).toBe("exited");
      expect(await browser.$(DIALOG).isExisting()).toBe(false);

      // A grant changed in the file: asked again, for the new grant only.
      writeFileSync(
        path,
        JSON.stringify({
          format: 2,
          ...probeProject({ args: [address], "inherit-network": true, "inherit-env": true }),
        }),
      );
      await open(path);
      expect(await runAndAsk()).toEqual(["Every environment variable of this machine"]);
      await browser.$('[data-testid="consent-decline"]').click();
      await browser.$(DIALOG).waitForExist({ reverse: true, timeout: WAIT });
    } finally {
      server.close();
    }
  });
});

describe("serving", () => {
  it("stops a request whose handler loops forever, and serves again after", async () => {
    const path = writeProject("loop-proxy", {
      nodes: [
        {
          id: "loop-proxy",
          component: join(SAMPLES, "hostile-proxy-loop.wasm"),
          position: { x: 0, y: 0 },
        },
      ],
    });
    await open(path);
    let before = (await status()).run;
    await browser.$('[data-testid="btn-serve"]').click();
    await waitForRun(before, ["serving"]);
    const url = (await browser.$('[data-testid="serve-url"]').getText()).trim();
    const looping = fetch(`${url}loop`).then(
      (response) => response.status,
      () => "closed",
    );
    await browser.$('[data-testid="request-row"][data-status=""]').waitForExist({ timeout: WAIT });

    await browser.$('[data-testid="btn-stop"]').click();
    expect((await waitForRun(before, ENDED)).state).toBe("stopped");
    await browser
      .$('[data-testid="request-row"][data-status="503"]')
      .waitForExist({ timeout: WAIT });
    expect(await looping).not.toBe(200);

    before = (await status()).run;
    await browser.$('[data-testid="btn-serve"]').click();
    await waitForRun(before, ["serving"]);
    const again = (await browser.$('[data-testid="serve-url"]').getText()).trim();
    const response = await fetch(`${again}fine`);
    expect(await response.text()).toBe("ok\n");
    await browser.$('[data-testid="btn-stop"]').click();
    expect((await waitForRun(before, ENDED)).state).toBe("stopped");
  });
});

describe("standard worlds and wasmtime", () => {
  it("badges each node's world and shows the wasmtime line for the grants", async () => {
    const path = writeProject("cli-world", {
      capabilities: { env: [{ key: "NAME", value: "a workshop" }], args: ["one"] },
      nodes: [{ id: "cli", component: join(SAMPLES, "cli-demo.wasm"), position: { x: 0, y: 0 } }],
    });
    await open(path);
    const badge = browser.$(`${nodeSel("cli")} [data-testid="node-world"]`);
    await badge.waitForExist({ timeout: WAIT });
    expect(await badge.getAttribute("data-world")).toBe("wasi:cli/command");
    expect(await badge.getAttribute("data-conforms")).toBe("true");

    await browser.$('[data-testid="tab-capabilities"]').click();
    const line = browser.$('[data-testid="wasmtime-line"]');
    await line.waitForExist({ timeout: WAIT });
    const command = await line.getText();
    expect(command).toContain("wasmtime run --env 'NAME=a workshop'");
    expect(command).toContain(`${join(SAMPLES, "cli-demo.wasm")} one`);

    // A composition: the consumer imports more than the command world; the composition fits.
    await open(SEED);
    const consumer = browser.$(`${nodeSel("consumer-app")} [data-testid="node-world"]`);
    await consumer.waitForExist({ timeout: WAIT });
    expect(await consumer.getAttribute("data-conforms")).toBe("false");
    expect(await consumer.getAttribute("title")).toContain("example:stringoperations");
    await browser.$('[data-testid="btn-compile"]').click();
    const composed = browser.$('[data-testid="compile-world"]');
    await composed.waitForExist({ timeout: WAIT });
    expect(await composed.getAttribute("data-conforms")).toBe("true");
    await browser.waitUntil(async () => (await line.getText()).includes("composition.wasm"), {
      timeout: WAIT,
    });
    const unsaid = await browser.$$('[data-testid="wasmtime-unexpressed"]').map((e) => e.getText());
    expect(unsaid.join("\n")).toContain("save the composition");
  });
});
