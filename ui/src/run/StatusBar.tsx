import { useEffect, useState } from "react";
import { useShallow } from "zustand/react/shallow";

import { useApp } from "../store";
import { formatBytes, isActive, modeText, statusOf } from "./model";

const ICON = { idle: "●", busy: "◌", ok: "✔", bad: "✗", warn: "■" } as const;

/** The time now, refreshed a few times a second while `ticking`. */
function useNow(ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) return;
    const timer = setInterval(() => {
      setNow(Date.now());
    }, 200);
    return () => {
      clearInterval(timer);
    };
  }, [ticking]);
  return now;
}

/** The bottom line: the run's state, linked or fused, and background compiles. */
export function StatusBar() {
  const s = useApp(
    useShallow((s) => ({
      run: s.run,
      mode: s.runMode,
      background: s.background,
      dockOpen: s.panels.dock,
      toggleDock: s.togglePanel,
    })),
  );
  const now = useNow(isActive(s.run));
  const view = statusOf(s.run, now);
  const compiles = Object.values(s.background).filter((b) => b !== undefined);
  const compiling = compiles.filter((b) => b.state === "compiling");
  const failed = compiles.filter((b) => b.state === "failed");
  const state = compiling.length > 0 ? "compiling" : failed.length > 0 ? "failed" : "ready";
  return (
    <footer className="statusbar">
      <div
        className={`run-status tone--${view.tone}`}
        data-testid="run-status"
        data-state={view.state}
        data-run={s.run?.seq ?? 0}
        data-code={s.run?.end?.type === "exited" ? s.run.end.code : undefined}
        data-mode={s.run?.mode ?? s.mode}
        data-fallback={s.run?.fallback ? "true" : undefined}
        role="status"
      >
        <span className="run-status-icon" aria-hidden>
          {ICON[view.tone]}
        </span>
        <span className="run-status-text">{view.text}</span>
        {view.progress !== null && (
          <span className="run-progress">
            <span style={{ width: `${Math.round(view.progress * 100)}%` }} />
          </span>
        )}
      </div>
      <div
        className={s.run?.fallback ? "status-mode status-mode--fallback" : "status-mode"}
        data-testid="status-mode"
        title={s.run?.fallback ?? undefined}
      >
        {s.run ? modeText(s.run) : s.mode}
      </div>
      {compiles.length > 0 && (
        <div className="precompile" data-testid="precompile-status" data-state={state}>
          {compiling.length > 0
            ? `⚙ compiling in the background: ${compiling
                .map((b) => (b.bytes > 0 ? `${b.name} (${formatBytes(b.bytes)})` : b.name))
                .join(", ")}…`
            : failed.length > 0
              ? `✗ ${failed.map((b) => b.name).join(", ")} cannot be compiled`
              : `✔ ${compiles.length} component${compiles.length === 1 ? "" : "s"} compiled, ready to run`}
        </div>
      )}
      <button
        type="button"
        className="small dock-toggle"
        data-testid="btn-toggle-dock"
        title={`${s.dockOpen ? "Hide" : "Show"} the output and logs (\`)`}
        onClick={() => {
          s.toggleDock("dock");
        }}
      >
        {s.dockOpen ? "▾ output" : "▴ output"}
      </button>
    </footer>
  );
}
