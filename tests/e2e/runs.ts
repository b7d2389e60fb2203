// Following runs in the real app: the output pane, the status bar, Run, and opening a project,
// for every test file that runs something.
import type { Browser } from "webdriverio";

import { WAIT, hook, snapshot, waitForView } from "./app";

/** The states a run ends in, as the status bar names them. */
export const ENDED = [
  "exited",
  "trapped",
  "timed-out",
  "out-of-memory",
  "out-of-fuel",
  "stopped",
  "failed",
];

/** The helpers, on the app session `session()` gives (a test file's one browser). */
export function runHelpers(session: () => Browser) {
  /** The output pane's text: what the guest printed (its last lines). */
  async function output(): Promise<string> {
    return session().execute(
      () => document.querySelector('[data-testid="output"]')?.textContent ?? "",
    );
  }

  /** Waits until the output pane shows `text`; returns all it shows. */
  async function waitForOutput(text: string): Promise<string> {
    let last = "";
    await session()
      .waitUntil(
        async () => {
          last = await output();
          return last.includes(text);
        },
        { timeout: WAIT },
      )
      .catch(() => {
        throw new Error(
          `the output never showed ${JSON.stringify(text)}; it ends ${last.slice(-400)}`,
        );
      });
    return last;
  }

  /** The text content of the first element matching `selector`. */
  async function textOf(selector: string): Promise<string> {
    return session().execute((s: string) => document.querySelector(s)?.textContent ?? "", selector);
  }

  /** The status bar's words. */
  async function statusText(): Promise<string> {
    return textOf('[data-testid="run-status"]');
  }

  async function status(): Promise<{ run: number; state: string; code: string | null }> {
    const bar = session().$('[data-testid="run-status"]');
    return {
      run: Number(await bar.getAttribute("data-run")),
      state: (await bar.getAttribute("data-state")) ?? "",
      code: await bar.getAttribute("data-code"),
    };
  }

  /** Waits until the run after `after` is in one of `states`; returns how it stands. */
  async function waitForRun(after: number, states: string[], timeout = WAIT) {
    let last = await status();
    await session().waitUntil(
      async () => {
        last = await status();
        return last.run > after && states.includes(last.state);
      },
      {
        timeout,
        interval: 200,
        timeoutMsg: `run ${after + 1} never reached ${states.join("/")}`,
      },
    );
    return last;
  }

  /** Presses Run and waits for the run to end; returns how it ended. */
  async function run(timeout = WAIT) {
    const before = (await status()).run;
    await session().$('[data-testid="btn-run"]').waitForEnabled({ timeout: WAIT });
    await session().$('[data-testid="btn-run"]').click();
    const ended = await waitForRun(before, ENDED, timeout);
    // The pane draws a frame later than the status bar: wait for the run's closing line.
    const closing = ended.state === "failed" ? "── " : `── ${ended.state.replaceAll("-", " ")}`;
    await waitForOutput(closing);
    return ended;
  }

  /** Opens the project at `path` and waits until the canvas has fitted it. */
  async function open(path: string): Promise<void> {
    const browser = session();
    await hook(browser, "openProject", path);
    await browser.waitUntil(async () => (await snapshot(browser)).projectPath === path, {
      timeout: WAIT,
    });
    await browser.$('[data-testid="host-node"]').waitForExist({ timeout: WAIT });
    // Clicks may aim at nodes: wait until the view has fitted the project and stopped gliding.
    await waitForView(browser);
  }

  return { output, waitForOutput, textOf, statusText, status, waitForRun, run, open };
}
