import "@xterm/xterm/css/xterm.css";

import { FitAddon } from "@xterm/addon-fit";
import { Terminal } from "@xterm/xterm";
import { useEffect, useRef, useSyncExternalStore } from "react";

import { formatBytes } from "../run/model";
import { outputSink } from "./sink";

/** Lines the terminal keeps to scroll back through. */
const SCROLLBACK = 3000;

function fits(element: HTMLElement): boolean {
  return element.clientWidth > 0 && element.clientHeight > 0;
}

/** The output pane: the run's stdout and stderr (in red) in a terminal, live. */
export function OutputPane() {
  const host = useRef<HTMLDivElement>(null);
  const transcript = useRef<HTMLPreElement>(null);
  const skipped = useSyncExternalStore(
    (listener) => outputSink.subscribe(listener),
    () => outputSink.skipped,
  );

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const terminal = new Terminal({
      convertEol: true,
      disableStdin: true,
      scrollback: SCROLLBACK,
      fontFamily: '"DejaVu Sans Mono", "Cascadia Mono", Menlo, monospace',
      fontSize: 17,
      lineHeight: 1.15,
      cursorStyle: "bar",
      cursorInactiveStyle: "none",
      theme: {
        background: "#111a24",
        foreground: "#e9eef3",
        selectionBackground: "#3d5a80",
      },
    });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    terminal.open(element);
    if (fits(element)) fit.fit();
    outputSink.attach(terminal, transcript.current);
    const observer = new ResizeObserver(() => {
      // Hidden (the dock folded): keep the size until it shows again.
      if (fits(element)) fit.fit();
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      outputSink.attach(null, null);
      terminal.dispose();
    };
  }, []);

  return (
    <section className="output" data-testid="output">
      <header className="dock-header">
        <span className="dock-title">Output</span>
        <span className="legend">
          stdout · <span className="legend-stderr">stderr</span>
        </span>
        {skipped > 0 && (
          <span className="output-skipped" data-testid="output-skipped">
            {formatBytes(skipped)} not shown: printed faster than the window can draw
          </span>
        )}
        <button
          type="button"
          className="small"
          data-testid="btn-clear-output"
          title="Clear the output"
          onClick={() => {
            outputSink.clear();
          }}
        >
          Clear
        </button>
      </header>
      <div className="output-term" ref={host} />
      {/* The last lines as plain text: for screen readers (and tests). */}
      <pre className="visually-hidden" data-testid="output-text" ref={transcript} />
    </section>
  );
}
