// Invoke sessions through the real app: one instance of the key-value store kept between calls,
// a bucket made by its constructor, its methods picked from its handle, a refused line that
// leaves the session going, a handle dropped (the store's destructor counts it), and the close.
import { resolve } from "node:path";

import type { Browser } from "webdriverio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { ROOT, WAIT, nodeSel, startApp } from "./app";

let browser: Browser;
const KV = resolve(ROOT, "projects", "kv-store.plugboard.json");

beforeAll(async () => {
  browser = await startApp([KV]);
  await browser.$(nodeSel("kv-store")).waitForExist({ timeout: WAIT });
});

afterAll(async () => {
  await browser?.deleteSession();
});

/** The text of the session's newest transcript line (its answer or refusal). */
async function lastAnswer(): Promise<string> {
  const entries = browser.$$('[data-testid="session-entry"]');
  const last = entries[(await entries.length) - 1];
  if (!last) throw new Error("no transcript yet");
  return last.getText();
}

/** Sends `line` and waits for the transcript to grow by its answer. */
async function send(line: string, append = false): Promise<string> {
  const before = await browser.$$('[data-testid="session-entry"]').length;
  const input = browser.$('[data-testid="session-line"]');
  if (!append) await input.clearValue();
  await input.addValue(line);
  await browser.$('[data-testid="session-send"]').click();
  await browser.waitUntil(
    async () => (await browser.$$('[data-testid="session-entry"]').length) > before,
    { timeout: WAIT, timeoutMsg: `no answer to ${line}` },
  );
  return lastAnswer();
}

describe("invoke sessions", () => {
  it("keeps a bucket between calls, lists its handle with its methods, and drops it", async () => {
    await browser.$('[data-testid="tab-invoke"]').click();
    await browser.$('[data-testid="invoke"]').waitForExist({ timeout: WAIT });
    await browser.$('[data-testid="invoke-target"]').selectByAttribute("value", "kv-store");
    await browser.$('[data-testid="session-open"]').click();
    await browser.$('[data-testid="session"][data-state="open"]').waitForExist({ timeout: WAIT });

    // A start picked from the list fills the line; the handle it returns is named and listed.
    await browser.$('[data-testid="session-start"][data-line="bucket("]').click();
    expect(await browser.$('[data-testid="session-line"]').getValue()).toBe("bucket(");
    await browser.$('[data-testid="session-line"]').clearValue();
    expect(await send('b = bucket("fruit")')).toContain("b");
    const handle = browser.$('[data-testid="session-handle"][data-name="b"]');
    await handle.waitForExist({ timeout: WAIT });
    expect(await handle.getText()).toContain("bucket");

    await handle.$('[data-testid="session-method"][data-method="set"]').click();
    expect(await browser.$('[data-testid="session-line"]').getValue()).toBe("b.set(");
    await send('"apple", "red")', true);
    expect(await send('b.get("apple")')).toContain('some("red")');
    expect(await send("size-of(b)")).toContain("1");

    // A line that does not fit is refused and the session goes on.
    expect(await send("b.fly()")).toContain("has no method `fly`");
    expect(await browser.$$('[data-testid="session-entry"][data-refused="true"]').length).toBe(1);
    expect(await send("drops()")).toContain("0");

    await handle.$('[data-testid="session-drop"]').click();
    await handle.waitForExist({ timeout: WAIT, reverse: true });
    expect(await send("drops()")).toContain("1");

    await send('keep = bucket("veg")');
    await browser.$('[data-testid="session-close"]').click();
    const end = browser.$('[data-testid="session-end"]');
    await end.waitForExist({ timeout: WAIT });
    expect(await end.getText()).toContain("session closed, 1 handle dropped");
    expect(await browser.$('[data-testid="session"]').getAttribute("data-state")).toBe("ended");
  });
});
