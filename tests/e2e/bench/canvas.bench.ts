// Not a test: scripts/bench-canvas.sh runs this to measure the canvas of the real app (see the
// "Canvas" section of docs/benchmarks.md). For each project, in each of RUNS rounds: open it and
// time open-to-ready inside the page, then count requestAnimationFrame callbacks over SPAN_MS
// while idle, while zooming (a wheel event on the canvas every frame) and while dragging a node
// (mouse events every frame). Prints a table and writes target/bench/canvas.json (or
// $CANVAS_BENCH_OUT). It asserts nothing about time.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, resolve } from "node:path";

import type { Browser } from "webdriverio";
import { afterAll, beforeAll, it } from "vitest";

import { ROOT, SEED, WAIT, startApp } from "../app";

const BIG = resolve(
  ROOT,
  process.env.CANVAS_BENCH_BIG ?? "projects/generated/big-100.plugboard.json",
);
const OUT = resolve(ROOT, process.env.CANVAS_BENCH_OUT ?? "target/bench/canvas.json");
const RUNS = Number(process.env.CANVAS_BENCH_RUNS ?? 3);
const SPAN_MS = Number(process.env.CANVAS_BENCH_SPAN_MS ?? 3000);
/** The window's outer size, set before every round. */
const WINDOW = { width: 1600, height: 1000 };

type Case = { name: string; path: string; drag: string };
const CASES: Case[] = [
  { name: "seed", path: SEED, drag: "consumer-app" },
  // A greeter in the middle lane of the 5 × 5 grid.
  { name: "big-100", path: BIG, drag: "greeter-25" },
];

type Motion = "idle" | "zoom" | "drag";
type Sample = {
  openMs: number;
  fps: Record<Motion, number>;
  /** Elements in the document and nodes React Flow rendered, once the view was ready. */
  domElements: number;
  renderedNodes: number;
  renderedEdges: number;
  /** The zoom of the fitted view. */
  zoom: number;
};

let browser: Browser;

beforeAll(async () => {
  browser = await startApp([]);
  await browser.setTimeout({ script: 5 * 60_000 });
});

afterAll(async () => {
  await browser?.deleteSession();
});

/** Puts the window at the same place and size, and returns the page's inner size. */
async function sameWindow(): Promise<{ width: number; height: number }> {
  await browser.setWindowRect(0, 0, WINDOW.width, WINDOW.height);
  return browser.execute(() => ({ width: window.innerWidth, height: window.innerHeight }));
}

/**
 * Opens `path` through the test hook and resolves, inside the page, with the milliseconds from
 * the request until the canvas says its view is ready (`data-view-ready` goes false, then true:
 * the project is loaded, its nodes measured and the view fitted).
 */
async function openTimed(path: string): Promise<number> {
  const ms = await browser.executeAsync(
    (file: string, timeout: number, done: (ms: number) => void) => {
      const canvas = document.querySelector('[data-testid="canvas"]');
      const hook = window.__PLUGBOARD_TEST__ as unknown as { openProject(p: string): void };
      if (!canvas) throw new Error("no canvas");
      // Not ready now (a fit pending) counts as the reset: it can only become ready.
      let reset = canvas.getAttribute("data-view-ready") !== "true";
      const start = performance.now();
      const observer = new MutationObserver(() => {
        const ready = canvas.getAttribute("data-view-ready") === "true";
        if (!ready) reset = true;
        else if (reset) {
          observer.disconnect();
          done(performance.now() - start);
        }
      });
      observer.observe(canvas, { attributes: true, attributeFilter: ["data-view-ready"] });
      setTimeout(() => {
        observer.disconnect();
        done(-1);
      }, timeout);
      hook.openProject(file);
    },
    path,
    WAIT,
  );
  if (ms < 0) throw new Error(`${path}: the canvas never said its view was ready`);
  return ms;
}

/** Fits the view (the Controls' button) and waits two frames. */
async function fit(): Promise<void> {
  await browser.executeAsync((done: () => void) => {
    document.querySelector<HTMLButtonElement>(".react-flow__controls-fitview")?.click();
    requestAnimationFrame(() => requestAnimationFrame(() => done()));
  });
}

/**
 * Counts requestAnimationFrame callbacks over `span` ms, doing `motion` on each: nothing, one
 * wheel step on the canvas (zooming in for 30 frames, then out for 30, about the canvas's
 * centre), or one mouse move of a node being dragged in a circle (mousedown on its header first,
 * mouseup after). Returns frames per second.
 */
async function framesPerSecond(motion: Motion, node: string): Promise<number> {
  return browser.executeAsync(
    (kind: string, dragged: string, span: number, done: (fps: number) => void) => {
      const pane = document.querySelector<HTMLElement>(".react-flow__pane");
      if (!pane) throw new Error("no pane");
      const box = pane.getBoundingClientRect();
      const mouse = (type: string, target: EventTarget, x: number, y: number) => {
        target.dispatchEvent(
          new MouseEvent(type, {
            bubbles: true,
            cancelable: true,
            view: window,
            clientX: x,
            clientY: y,
            button: 0,
            buttons: type === "mouseup" ? 0 : 1,
          }),
        );
      };
      let start = { x: 0, y: 0 };
      if (kind === "drag") {
        const header = document.querySelector<HTMLElement>(
          `[data-testid="node"][data-node-name="${dragged}"] .cnode-header`,
        );
        if (!header) throw new Error(`node ${dragged} is not drawn`);
        const r = header.getBoundingClientRect();
        start = { x: r.left + r.width / 2, y: r.top + r.height / 2 };
        mouse("mousedown", header, start.x, start.y);
      }
      let frames = 0;
      const t0 = performance.now();
      const step = (now: number) => {
        if (now - t0 >= span) {
          if (kind === "drag") mouse("mouseup", document, start.x, start.y);
          done((frames * 1000) / (now - t0));
          return;
        }
        frames += 1;
        if (kind === "zoom") {
          pane.dispatchEvent(
            new WheelEvent("wheel", {
              bubbles: true,
              cancelable: true,
              view: window,
              clientX: box.left + box.width / 2,
              clientY: box.top + box.height / 2,
              deltaMode: 0,
              deltaY: Math.floor(frames / 30) % 2 === 0 ? -30 : 30,
            }),
          );
        } else if (kind === "drag") {
          const a = frames * 0.12;
          mouse(
            "mousemove",
            document,
            start.x + 120 * Math.sin(a),
            start.y + 80 * (1 - Math.cos(a)),
          );
        }
        requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    },
    motion,
    node,
    SPAN_MS,
  );
}

async function sample(c: Case): Promise<Sample> {
  const openMs = await openTimed(c.path);
  // Let the window finish what opening starts (background compiles, hover cards) before counting.
  await browser.pause(1500);
  await fit();
  const counts = await browser.execute(() => ({
    zoom: Number(
      /scale\(([\d.]+)\)/.exec(
        document.querySelector<HTMLElement>(".react-flow__viewport")?.style.transform ?? "",
      )?.[1] ?? NaN,
    ),
    domElements: document.getElementsByTagName("*").length,
    renderedNodes: document.querySelectorAll(".react-flow__node").length,
    renderedEdges: document.querySelectorAll(".react-flow__edge").length,
  }));
  const fps = { idle: 0, zoom: 0, drag: 0 };
  for (const motion of ["idle", "zoom", "drag"] as const) {
    await fit();
    fps[motion] = await framesPerSecond(motion, c.drag);
  }
  return { openMs, fps, ...counts };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function summary(values: number[]) {
  return {
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
    runs: values,
  };
}

it("measures the canvas", async () => {
  const samples: Record<string, Sample[]> = {};
  let inner = { width: 0, height: 0 };
  const loadBefore = loadavg();
  // Rounds alternate the projects, so every open replaces a different project.
  for (let round = 0; round < RUNS; round++) {
    for (const c of CASES) {
      inner = await sameWindow();
      (samples[c.name] ??= []).push(await sample(c));
    }
  }
  const results = CASES.map((c) => {
    const runs = samples[c.name] ?? [];
    return {
      project: c.name,
      path: c.path,
      dragged: c.drag,
      openMs: summary(runs.map((r) => r.openMs)),
      idleFps: summary(runs.map((r) => r.fps.idle)),
      zoomFps: summary(runs.map((r) => r.fps.zoom)),
      dragFps: summary(runs.map((r) => r.fps.drag)),
      domElements: runs.map((r) => r.domElements),
      renderedNodes: runs.map((r) => r.renderedNodes),
      renderedEdges: runs.map((r) => r.renderedEdges),
      zoom: runs.map((r) => r.zoom),
    };
  });
  const report = {
    date: new Date().toISOString(),
    runs: RUNS,
    spanMs: SPAN_MS,
    window: { outer: WINDOW, inner },
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadBefore, loadAfter: loadavg() },
    results,
  };
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, JSON.stringify(report, null, 2) + "\n");

  const f = (s: { median: number; min: number; max: number }, digits: number) =>
    `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
  const lines = [
    `canvas, median (min–max) of ${RUNS}, ${SPAN_MS} ms per count, page ${inner.width}×${inner.height}`,
    "| project | open → ready (ms) | idle fps | zoom fps | drag fps | nodes drawn | fitted zoom |",
    "|---|---|---|---|---|---|---|",
    ...results.map(
      (r) =>
        `| ${r.project} | ${f(r.openMs, 0)} | ${f(r.idleFps, 1)} | ${f(r.zoomFps, 1)} | ${f(r.dragFps, 1)} | ${r.renderedNodes.join("/")} | ${r.zoom.map((z) => z.toFixed(2)).join("/")} |`,
    ),
    `load average before ${loadBefore.map((l) => l.toFixed(2)).join(" ")}, after ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}; written to ${OUT}`,
  ];
  process.stdout.write(`\n${lines.join("\n")}\n`);
});
