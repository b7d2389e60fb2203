// WASI 0.3 through the real app: an async command's live output and its node's WASI badge, a
// stream across a linked wire (with the tap's calls), and a 0.3 HTTP service answering the
// request tester beside what 0.2 proxies get.
import { resolve } from "node:path";

import type { Browser } from "webdriverio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { ROOT, SEED, WAIT, nodeSel, startApp } from "./app";
import { ENDED, runHelpers } from "./runs";

let browser: Browser;
const { output, waitForOutput, textOf, status, waitForRun, run, open } = runHelpers(() => browser);
const project = (name: string) => resolve(ROOT, "projects", `${name}.plugboard.json`);

beforeAll(async () => {
  browser = await startApp([SEED]);
  await browser.$(nodeSel("consumer-app")).waitForExist({ timeout: WAIT });
});

afterAll(async () => {
  await browser?.deleteSession();
});

describe("WASI 0.3", () => {
  it("runs an async command, its output live, its node marked WASI 0.2 + 0.3", async () => {
    await open(project("wasi-0.3-command"));
    const badge = browser.$(`${nodeSel("p3-ticker")} [data-testid="node-wasi"]`);
    await badge.waitForExist({ timeout: WAIT });
    expect(await badge.getText()).toBe("WASI 0.2 + 0.3");
    const ended = await run();
    expect(ended.state).toBe("exited");
    expect(ended.code).toBe("0");
    const text = await output();
    expect(text).toContain("WASI 0.3: an async run writing to a stream");
    expect(text).toContain("tick 5 of 5");
  });

  it("streams words across a linked wire and taps the async calls", async () => {
    await open(project("wasi-0.3-words"));
    const ended = await run();
    expect(ended.state).toBe("exited");
    await waitForOutput("9 words");
    expect(await textOf('[data-testid="status-mode"]')).toBe("linked");
    await browser.$('[data-testid="tab-calls"]').click();
    const functions = await browser
      .$$('[data-testid="call-row"]')
      .map((row) => row.getAttribute("data-function"));
    expect(functions).toContain("split");
    expect(functions).toContain("count");
    // The wire counts the stream's items that crossed it.
    const label = browser.$('[data-testid="wire-calls"]');
    await browser.waitUntil(async () => (await label.getAttribute("data-items")) === "9", {
      timeout: WAIT,
    });
    expect(await label.getText()).toContain("9 stream items");
  });

  it("invokes an async export and reads the stream it returns to its end", async () => {
    await open(project("wasi-0.3-words"));
    await browser.$('[data-testid="tab-invoke"]').click();
    await browser.$('[data-testid="invoke-target"]').selectByAttribute("value", "p3-words");
    const split = browser.$('[data-testid="invoke-fn"][data-function="split"]');
    expect(await split.getText()).toContain("async func");
    expect(await split.getText()).toContain("stream<string>");
    await split.click();
    const input = browser.$('[data-testid="invoke-input"][data-path="text"]');
    await input.waitForDisplayed({ timeout: WAIT });
    await input.setValue("streams cross wires");
    await browser.$('[data-testid="btn-invoke"]').click();
    await browser
      .$('[data-testid="invoke-result"][data-state="returned"]')
      .waitForExist({ timeout: WAIT });
    expect(await browser.$('[data-testid="invoke-wave"]').getText()).toBe(
      'stream["streams", "cross", "wires"] (3 items)',
    );
  });

  it("serves a WASI 0.3 HTTP service to the request tester", async () => {
    await open(project("wasi-0.3-http"));
    const before = (await status()).run;
    await browser.$('[data-testid="btn-serve"]').click();
    await waitForRun(before, ["serving"]);
    const url = (await browser.$('[data-testid="serve-url"]').getText()).trim();
    const response = await fetch(`${url}hello`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("olleh/\n");
    await browser.$('[data-testid="btn-stop"]').click();
    expect((await waitForRun(before, ENDED)).state).toBe("stopped");
  });
});
