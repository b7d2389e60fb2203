// Running through the real app: Run and the output pane, Stop on an infinite loop, grants (a
// folder through the folder picker's test hook, the network per node on the canvas) and the
// capability log, invoke forms, serving the HTTP proxy and fetching it from the test, the WASI
// worlds library, polyglot projects, the 1 GiB flood, and hot reload of a rebuilt component
// (swapped into a running server).
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import type { Browser } from "webdriverio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  LEN,
  OPS,
  ROOT,
  SAMPLES,
  SEED,
  WAIT,
  hook,
  nodeSel,
  snapshot,
  startApp,
  waitUntilStill,
  writeRebuildableProject,
} from "./app";
import { ENDED, runHelpers } from "./runs";

/** Compiling an 18 MB Python component on a cold cache takes a while on 2 cores. */
const SLOW = 240_000;

let browser: Browser;
const dir = mkdtempSync(join(tmpdir(), "plugboard-e2e-run-"));
const project = (name: string) => resolve(ROOT, "projects", `${name}.plugboard.json`);

const { output, waitForOutput, textOf, statusText, status, waitForRun, run, open } = runHelpers(
  () => browser,
);

/** Clicks something on the canvas once it stands still (the view may still be gliding). */
async function clickOnCanvas(selector: string): Promise<void> {
  const element = browser.$(selector);
  await waitUntilStill(element);
  await element.click();
}

async function sideTab(tab: "inspector" | "capabilities" | "invoke"): Promise<void> {
  await browser.$(`[data-testid="tab-${tab}"]`).click();
  await browser.$(`[data-testid="${tab}"]`).waitForExist({ timeout: WAIT });
}

/** Types `text` into an input, replacing what it held. */
async function type(selector: string, text: string): Promise<void> {
  const input = browser.$(selector);
  await input.waitForDisplayed({ timeout: WAIT });
  await input.clearValue();
  await input.setValue(text);
  await browser.waitUntil(async () => (await input.getValue()) === text, { timeout: WAIT });
}

/** Capability log rows as the window shows them. */
async function logRows() {
  await browser.$('[data-testid="tab-log"]').click();
  await browser.$('[data-testid="capability-log"]').waitForExist({ timeout: WAIT });
  return browser.$$('[data-testid="capability-row"]').map(async (row) => ({
    node: await row.getAttribute("data-node"),
    interface: await row.getAttribute("data-interface"),
    target: await row.getAttribute("data-target"),
    allowed: (await row.getAttribute("data-allowed")) === "true",
  }));
}

function listen(): Promise<{ server: Server; address: string }> {
  return new Promise((done) => {
    const server = createServer((socket) => socket.end());
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      done({ server, address: `127.0.0.1:${port}` });
    });
  });
}

beforeAll(async () => {
  browser = await startApp([SEED]);
  await browser.$(nodeSel("consumer-app")).waitForExist({ timeout: WAIT });
});

afterAll(async () => {
  await browser?.deleteSession();
});

describe("running", () => {
  it("runs the seed project linked and shows its three lines, then fused", async () => {
    // Opening the project compiled its components in the background.
    await browser
      .$('[data-testid="precompile-status"][data-state="ready"]')
      .waitForExist({ timeout: WAIT });
    const ended = await run();
    expect(ended.state).toBe("exited");
    expect(ended.code).toBe("0");
    const text = await output();
    expect(text).toContain("Original: Hello WebAssembly Component Model");
    expect(text).toContain("Reversed: ledoM tnenopmoC ylbmessAbeW olleH");
    expect(text).toContain("Words: 4");
    expect(await textOf('[data-testid="status-mode"]')).toBe("linked");

    await browser.$('[data-testid="mode-fused"]').click();
    const fused = await run();
    expect(fused.state).toBe("exited");
    await waitForOutput("Reversed: ledoM tnenopmoC ylbmessAbeW olleH");
    expect(await textOf('[data-testid="status-mode"]')).toBe("fused");
    await browser.$('[data-testid="mode-linked"]').click();
  });

  it("opens the filesystem world from the library: denied, then a granted folder", async () => {
    await browser
      .$('[data-testid="library-group"][data-group="projects:WASI worlds"] button')
      .click();
    const path = project("wasi-filesystem");
    await browser.$(`[data-testid="library-project"][data-project-path="${path}"]`).click();
    const about = browser.$('[data-testid="project-description"]');
    await about.waitForExist({ timeout: WAIT });
    expect(await about.getText()).toContain("Grant a folder as /data");
    // Nothing granted: the host draws the filesystem off.
    const toggle = browser.$('[data-testid="host-toggle"][data-toggle="dirs"]');
    await toggle.waitForExist({ timeout: WAIT });
    expect(await toggle.getAttribute("data-granted")).toBe("false");

    const denied = await run();
    expect(denied.code).toBe("1");
    await waitForOutput("DENIED: no directory was granted");
    expect(await logRows()).toContainEqual({
      node: "filesystem-demo",
      interface: "wasi:filesystem/preopens",
      target: "granted directories: none",
      allowed: false,
    });

    // The folder picker answers through the test hook, as the dialog would.
    const folder = mkdtempSync(join(dir, "data-"));
    writeFileSync(join(folder, "hello.txt"), "hello from the host\n");
    // The host's switch opens the folders of the project's grants (a folder needs picking).
    await toggle.click();
    await browser
      .$('[data-testid="capabilities"][data-scope="project"]')
      .waitForExist({ timeout: WAIT });
    await hook(browser, "addDir", folder);
    await browser
      .$(`[data-testid="cap-dir"][data-host="${folder}"]`)
      .waitForExist({ timeout: WAIT });
    expect(await toggle.getAttribute("data-granted")).toBe("true");
    const readOnly = await run();
    expect(readOnly.code).toBe("1");
    let text = await output();
    expect(text).toContain("granted directory: /data");
    expect(text).toContain("read /data/hello.txt: hello from the host");
    expect(text).toContain("(the directory is read-only)");
    const rows = await logRows();
    expect(rows).toContainEqual({
      node: "filesystem-demo",
      interface: "wasi:filesystem/types",
      target: "open /data/hello.txt",
      allowed: true,
    });
    expect(rows).toContainEqual({
      node: "filesystem-demo",
      interface: "wasi:filesystem/types",
      target: "open for writing /data/written-by-plugboard.txt",
      allowed: false,
    });

    await browser.$('[data-testid="cap-dir-ro"]').click();
    const written = await run();
    expect(written.state).toBe("exited");
    expect(written.code).toBe("0");
    text = await output();
    expect(text).toContain("wrote /data/written-by-plugboard.txt");
    expect(readFileSync(join(folder, "written-by-plugboard.txt"), "utf8")).toContain(
      "filesystem-demo",
    );
  });

  it("feeds a host file to stdin, picked in the grants", async () => {
    await open(project("wasi-cli"));
    expect(await run()).toMatchObject({ state: "exited", code: "0" });
    await waitForOutput("stdin: empty (nothing granted)");

    const input = join(dir, "stdin.txt");
    writeFileSync(input, "first line\nsecond line\n");
    await sideTab("capabilities");
    // The file picker answers through the test hook, as the dialog would.
    await hook(browser, "setStdinFile", input);
    await browser
      .$(`[data-testid="cap-stdin-path"][data-path="${input}"]`)
      .waitForExist({ timeout: WAIT });
    expect(await browser.$('[data-testid="cap-stdin-file"]').isSelected()).toBe(true);
    expect(await run()).toMatchObject({ state: "exited", code: "0" });
    const text = await waitForOutput("stdin: 23 byte(s)");
    expect(text).toContain("> first line");
    expect(text).toContain("> second line");
  });

  it("marks the node and the import a run failed at, as a compile error is marked", async () => {
    const path = join(dir, "unwired.plugboard.json");
    writeFileSync(
      path,
      JSON.stringify({
        format: 2,
        nodes: [
          {
            id: "consumer-app",
            component: join(SAMPLES, "consumer-app.wasm"),
            position: { x: 0, y: 0 },
          },
        ],
      }),
    );
    await open(path);
    const ended = await run();
    expect(ended.state).toBe("failed");
    expect(await statusText()).toContain("is not provided");
    await browser
      .$(`${nodeSel("consumer-app")}[data-error="true"]`)
      .waitForExist({ timeout: WAIT });
    expect(
      await browser
        .$(`${nodeSel("consumer-app")} [data-testid="port"][data-port-name="${OPS}"]`)
        .getAttribute("data-error"),
    ).toBe("true");
  });

  it("stops an infinite loop, the window answering meanwhile", async () => {
    const path = join(dir, "loop.plugboard.json");
    writeFileSync(
      path,
      JSON.stringify({
        format: 1,
        nodes: [
          { id: "loop", component: join(SAMPLES, "hostile-loop.wasm"), position: { x: 0, y: 0 } },
        ],
      }),
    );
    await open(path);
    const before = (await status()).run;
    await browser.$('[data-testid="btn-run"]').click();
    await waitForRun(before, ["running"]);
    await browser.waitUntil(async () => (await output()).includes("spinning forever"), {
      timeout: WAIT,
    });
    // The loop does not hold the window: a panel still folds and unfolds.
    await browser.$('[data-testid="btn-toggle-library"]').click();
    await browser.$('[data-testid="library"]').waitForExist({ reverse: true, timeout: WAIT });
    await browser.$('[data-testid="btn-toggle-library"]').click();
    await browser.$('[data-testid="library"]').waitForExist({ timeout: WAIT });
    expect((await status()).state).toBe("running");

    await browser.$('[data-testid="btn-stop"]').click();
    const stopped = await waitForRun(before, ENDED);
    expect(stopped.state).toBe("stopped");
    expect(await statusText()).toContain("Stopped");
  });

  it("keeps the window answering and the output bounded during a 1 GiB flood", async () => {
    const path = join(dir, "flood.plugboard.json");
    writeFileSync(
      path,
      JSON.stringify({
        format: 1,
        nodes: [
          {
            id: "flood",
            component: join(SAMPLES, "hostile-flood.wasm"),
            position: { x: 0, y: 0 },
          },
        ],
      }),
    );
    await open(path);
    const before = (await status()).run;
    await browser.$('[data-testid="btn-run"]').click();
    await waitForRun(before, ["running", ...ENDED]);
    await browser.$('[data-testid="btn-toggle-inspector"]').click();
    await browser.$('[data-testid="side-panel"]').waitForExist({ reverse: true, timeout: WAIT });
    await browser.$('[data-testid="btn-toggle-inspector"]').click();
    await browser.$('[data-testid="side-panel"]').waitForExist({ timeout: WAIT });
    if ((await status()).state === "running") await browser.$('[data-testid="btn-stop"]').click();
    const ended = await waitForRun(before, ENDED, SLOW);
    expect(["stopped", "exited"]).toContain(ended.state);
    await waitForOutput(`── ${ended.state}`);
    // The pane keeps its last lines only, and says that output was dropped.
    const transcript = await textOf('[data-testid="output-text"]');
    expect(transcript.split("\n").length).toBeLessThanOrEqual(402);
    const skipped = await browser.$('[data-testid="output-skipped"]').isExisting();
    expect(transcript.includes("dropped") || skipped).toBe(true);
  });
});

describe("grants per node", () => {
  it("grants the network to one node on the canvas and names the node in the log", async () => {
    const { server, address } = await listen();
    try {
      await open(project("per-node-grants"));
      // probe-app has grants of its own: point its argument at the test's listener.
      await clickOnCanvas(`${nodeSel("probe-app")} [data-testid="node-grants"]`);
      await browser
        .$('[data-testid="capabilities"][data-scope="node:probe-app"]')
        .waitForExist({ timeout: WAIT });
      await type('[data-testid="cap-arg"]', address);

      let ended = await run();
      expect(ended.state).toBe("exited");
      let rows = await logRows();
      expect(rows).toContainEqual({
        node: "probe-app",
        interface: "wasi:sockets/tcp",
        target: `connect ${address}`,
        allowed: true,
      });
      expect(rows).toContainEqual({
        node: "net-probe",
        interface: "wasi:sockets/tcp",
        target: `connect ${address}`,
        allowed: false,
      });
      await waitForOutput(`app connect ${address}: ok`);

      // net-probe inherits the project's grants (none): give it its own, with the network.
      await clickOnCanvas(`${nodeSel("net-probe")} [data-testid="node-grants"]`);
      await browser
        .$('[data-testid="capabilities"][data-scope="node:net-probe"]')
        .waitForExist({ timeout: WAIT });
      await browser.$('[data-testid="own-grants"]').click();
      await browser.$('[data-testid="cap-network"]').click();
      await browser
        .$(`${nodeSel("net-probe")} [data-testid="node-grants"][data-own="true"]`)
        .waitForExist({ timeout: WAIT });
      expect(
        await browser.$(`${nodeSel("net-probe")} [data-testid="node-grants"]`).getText(),
      ).toContain("network");

      ended = await run();
      expect(ended.state).toBe("exited");
      rows = await logRows();
      expect(rows).toContainEqual({
        node: "net-probe",
        interface: "wasi:sockets/tcp",
        target: `connect ${address}`,
        allowed: true,
      });
      await waitForOutput(`probe connect ${address}: ok`);
      const saved = (await snapshot(browser)).project.nodes.find((n) => n.id === "net-probe");
      expect(saved).toMatchObject({ capabilities: { "inherit-network": true } });
    } finally {
      server.close();
    }
  });
});

describe("invoking", () => {
  it("invokes reverse through the form and shows the result pretty and as WAVE", async () => {
    await open(SEED);
    await sideTab("invoke");
    await browser
      .$('[data-testid="invoke-target"]')
      .selectByAttribute("value", "string-operations");
    await browser.$('[data-testid="invoke-fn"][data-function="reverse"]').click();
    await type('[data-testid="invoke-input"][data-path="s"]', "hello plugboard");
    await browser.$('[data-testid="btn-invoke"]').click();
    const result = browser.$('[data-testid="invoke-result"][data-state="returned"]');
    await result.waitForExist({ timeout: WAIT });
    expect(await browser.$('[data-testid="invoke-wave"]').getText()).toBe('"draobgulp olleh"');
    expect(await browser.$('[data-testid="invoke-pretty"]').getText()).toContain("draobgulp olleh");
    expect(await browser.$('[data-testid="invoke-call"]').getText()).toBe(
      `${OPS}#reverse("hello plugboard")`,
    );

    // The composition's own exports are listed too: the seed exports the command's run.
    await browser.$('[data-testid="invoke-target"]').selectByIndex(2);
    await browser
      .$('[data-testid="invoke-fn"][data-port="wasi:cli/run@0.2.0"][data-function="run"]')
      .waitForExist({ timeout: WAIT });
  });

  it("builds forms for records, numbers and a resource's method, and says which argument does not fit", async () => {
    const path = join(dir, "types.plugboard.json");
    writeFileSync(
      path,
      JSON.stringify({
        format: 1,
        nodes: [
          { id: "types", component: join(SAMPLES, "types-demo.wasm"), position: { x: 0, y: 0 } },
        ],
      }),
    );
    await open(path);
    await sideTab("invoke");
    await browser.$('[data-testid="invoke-target"]').selectByAttribute("value", "types");
    await browser.$('[data-testid="invoke-fn"][data-function="translate"]').click();
    await type('[data-testid="invoke-input"][data-path="p.x"]', "1");
    await type('[data-testid="invoke-input"][data-path="p.y"]', "2");
    await type('[data-testid="invoke-input"][data-path="dx"]', "three");
    await type('[data-testid="invoke-input"][data-path="dy"]', "3");
    await browser.$('[data-testid="btn-invoke"]').click();
    const error = browser.$(
      '[data-testid="invoke-result"][data-state="error"] [data-testid="invoke-error"]',
    );
    await error.waitForExist({ timeout: WAIT });
    expect(await error.getText()).toContain("dx");

    await type('[data-testid="invoke-input"][data-path="dx"]', "3");
    await browser.$('[data-testid="btn-invoke"]').click();
    await browser
      .$('[data-testid="invoke-result"][data-state="returned"]')
      .waitForExist({ timeout: WAIT });
    expect(await browser.$('[data-testid="invoke-wave"]').getText()).toBe("{x: 4, y: 5}");

    // A resource's method runs on a new instance its constructor makes from the form's values.
    await browser.$('[data-testid="invoke-fn"][data-function="[method]tally.add"]').click();
    await type('[data-testid="invoke-input"][data-path="new.start"]', "40");
    await type('[data-testid="invoke-input"][data-path="by"]', "2");
    await browser.$('[data-testid="btn-invoke"]').click();
    await browser.waitUntil(
      async () =>
        (await browser.$('[data-testid="invoke-call"]').getText()).endsWith("tally(40).add(2)"),
      { timeout: WAIT },
    );
    await browser
      .$('[data-testid="invoke-result"][data-state="returned"]')
      .waitForExist({ timeout: WAIT });
    expect(await browser.$('[data-testid="invoke-wave"]').getText()).toBe("42");
  });
});

describe("serving", () => {
  it("serves the proxy world, answers a fetch from the test and the request tester", async () => {
    await open(project("wasi-world-proxy"));
    const before = (await status()).run;
    await browser.$('[data-testid="btn-serve"]').click();
    await waitForRun(before, ["serving"]);
    const url = (await browser.$('[data-testid="serve-url"]').getText()).trim();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

    const response = await fetch(`${url}hello`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("olleh/\n");

    await type('[data-testid="tester-path"]', "/plugboard");
    await browser.$('[data-testid="btn-send-request"]').click();
    const answer = browser.$('[data-testid="tester-response"][data-status="200"]');
    await answer.waitForExist({ timeout: WAIT });
    expect(await browser.$('[data-testid="tester-body-received"]').getText()).toBe("draobgulp/");
    await browser.waitUntil(
      async () => (await browser.$$('[data-testid="request-row"][data-status="200"]').length) >= 2,
      { timeout: WAIT },
    );
    expect(await statusText()).toContain("2 requests");

    await browser.$('[data-testid="btn-stop"]').click();
    expect((await waitForRun(before, ENDED)).state).toBe("stopped");
    await expect(fetch(`${url}again`)).rejects.toThrow();
  });
});

describe("polyglot", () => {
  for (const name of ["polyglot-python-provider", "polyglot-javascript-provider"]) {
    const built =
      existsSync(join(SAMPLES, "py-stringops.wasm")) &&
      existsSync(join(SAMPLES, "js-stringops.wasm"));
    it.skipIf(!built)(`lists and runs ${name}`, async () => {
      await browser
        .$('[data-testid="library-group"][data-group="projects:Polyglot"] button')
        .click();
      await browser
        .$(`[data-testid="library-project"][data-project-path="${project(name)}"]`)
        .click();
      await browser.waitUntil(async () => (await snapshot(browser)).projectPath === project(name), {
        timeout: WAIT,
      });
      const ended = await run(SLOW);
      expect(ended.state).toBe("exited");
      await waitForOutput("Reversed: ledoM tnenopmoC ylbmessAbeW olleH");
      // Fold the group again for the next project.
      await browser
        .$('[data-testid="library-group"][data-group="projects:Polyglot"] button')
        .click();
    });
  }
});

describe("hot reload", () => {
  it("reloads a rebuilt component, shows what changed and marks the wire that no longer fits", async () => {
    const path = join(dir, "reload.plugboard.json");
    const provider = writeRebuildableProject(dir, path, "provider", "consumer-app");
    await open(path);
    expect((await run()).state).toBe("exited");
    await browser.waitUntil(async () => (await snapshot(browser)).watching.includes(provider), {
      timeout: WAIT,
    });

    // "Rebuilt" into something else: the string-len sample exports another interface.
    copyFileSync(join(SAMPLES, "string-len.wasm"), provider);
    const panel = browser.$('[data-testid="hot-reload"][data-node="provider"]');
    await panel.waitForExist({ timeout: WAIT });
    const changes = await panel
      .$$('[data-testid="reload-change"]')
      .map(async (c) => [await c.getAttribute("data-change"), await c.getAttribute("data-port")]);
    expect(changes).toContainEqual(["removed", OPS]);
    // The node shows the new component's ports.
    await browser
      .$(`${nodeSel("provider")} [data-testid="port"][data-port-name="${LEN}"]`)
      .waitForExist({ timeout: WAIT });
    await browser.$('[data-testid="wire"][data-broken="true"]').waitForExist({ timeout: WAIT });
    expect(await panel.$('[data-testid="reload-broken"]').getText()).toContain(OPS);
    expect(await panel.$('[data-testid="btn-restart"]').isExisting()).toBe(true);
  });

  it("swaps a rebuilt provider into a running server on the same address", async () => {
    const served = mkdtempSync(join(dir, "swap-"));
    const path = join(served, "swap.plugboard.json");
    const provider = writeRebuildableProject(served, path, "provider", "http-proxy-demo");
    await open(path);
    await browser.waitUntil(async () => (await snapshot(browser)).watching.includes(provider), {
      timeout: WAIT,
    });
    const before = (await status()).run;
    await browser.$('[data-testid="btn-serve"]').click();
    await waitForRun(before, ["serving"]);
    const url = (await browser.$('[data-testid="serve-url"]').getText()).trim();
    expect(await (await fetch(`${url}first`)).text()).toBe("tsrif/\n");
    const swap = async () => {
      const button = browser.$(
        '[data-testid="hot-reload"][data-node="provider"] [data-testid="btn-swap"]',
      );
      await button.waitForExist({ timeout: WAIT });
      await button.click();
    };

    // A rebuild that no longer fits is refused: the server goes on answering with its code.
    copyFileSync(join(SAMPLES, "string-len.wasm"), provider);
    await swap();
    await waitForOutput("── could not swap");
    expect(await (await fetch(`${url}still`)).text()).toBe("llits/\n");

    // A rebuild that fits is swapped in for new requests, on the same address.
    copyFileSync(join(SAMPLES, "string-operations.wasm"), provider);
    await swap();
    await waitForOutput("── new code swapped in");
    expect(await statusText()).toContain("new code swapped in");
    expect((await status()).state).toBe("serving");
    expect(await (await fetch(`${url}again`)).text()).toBe("niaga/\n");

    await browser.$('[data-testid="btn-stop"]').click();
    expect((await waitForRun(before, ENDED)).state).toBe("stopped");
  });
});
