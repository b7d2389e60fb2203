// The installed package, smoke-tested by scripts/test-package.sh: the app from /usr/bin (given
// no project, as its desktop entry starts it) opens the seed project from the read-only library
// beside it, lists the whole library, and runs the seed; Save asks where to keep the copy.
import type { Browser } from "webdriverio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { WAIT, count, nodeSel, startApp } from "./app";
import { runHelpers } from "./runs";

let browser: Browser;
const { run, waitForOutput } = runHelpers(() => browser);

beforeAll(async () => {
  browser = await startApp([]);
  await browser.$(nodeSel("consumer-app")).waitForExist({ timeout: WAIT });
});

afterAll(async () => {
  await browser?.deleteSession();
});

describe("the installed package", () => {
  it("opens the seed project from its library, as a copy", async () => {
    expect(await browser.$(nodeSel("string-operations")).isExisting()).toBe(true);
    // A copy of a read-only library project has no file yet.
    expect(await browser.getTitle()).toMatch(/Untitled/);
  });

  it("lists the whole sample library", async () => {
    await browser.$('[data-testid="library-project"]').waitForExist({ timeout: WAIT });
    const groups = await browser.execute(() =>
      Array.from(document.querySelectorAll('[data-testid="library-group"]')).map(
        (g) => g.getAttribute("data-group") ?? "",
      ),
    );
    expect(groups).toEqual(
      expect.arrayContaining(["projects:Examples", "projects:WASI worlds", "Seed"]),
    );
    expect(await count(browser, '[data-testid="sample"]')).toBeGreaterThanOrEqual(10);
  });

  it("runs the seed from the installed components", async () => {
    const ended = await run();
    expect(ended.state).toBe("exited");
    await waitForOutput("Words: 4");
  });
});
