import { useShallow } from "zustand/react/shallow";

import { portLabel } from "../graph/mapping";
import { isActive } from "../run/model";
import { useApp } from "../store";

const MARK = { added: "+", removed: "−", changed: "~" } as const;

/** A node's component changed on disk: what changed in its WIT, which wires no longer fit, and a
 * restart for what is running. */
export function HotReloadPanel() {
  const s = useApp(
    useShallow((s) => ({
      reload: s.reload,
      run: s.run,
      restart: s.restartRun,
      dismiss: s.dismissReload,
    })),
  );
  const { reload, run } = s;
  if (!reload) return null;
  const changes = [
    ...reload.diff.imports.map((c) => ({ ...c, side: "import" })),
    ...reload.diff.exports.map((c) => ({ ...c, side: "export" })),
  ];
  const active = isActive(run);
  return (
    <div className="reload-panel" data-testid="hot-reload" data-node={reload.node}>
      <div className="compile-title">
        ↻ {reload.node}: its component changed on disk
        <button type="button" className="panel-close" title="Close" onClick={s.dismiss}>
          ✕
        </button>
      </div>
      {reload.error !== null && <p className="problem">{reload.error}</p>}
      {reload.error === null && changes.length === 0 && (
        <p className="muted">Reloaded and compiling in the background. Its ports are the same.</p>
      )}
      {changes.length > 0 && (
        <ul className="reload-changes" data-testid="reload-changes">
          {changes.map((c) => (
            <li
              key={`${c.side}:${c.port}`}
              className={`change change--${c.change}`}
              data-testid="reload-change"
              data-change={c.change}
              data-port={c.port}
            >
              <span className="change-mark">{MARK[c.change]}</span> {c.side}{" "}
              <code title={c.port}>{portLabel(c.port)}</code>
              {c.details.map((d) => (
                <div key={d} className="change-detail">
                  <code>{d}</code>
                </div>
              ))}
            </li>
          ))}
        </ul>
      )}
      {reload.broken.length > 0 && (
        <>
          <h4 className="bad">Wires that no longer fit</h4>
          <ul className="reload-broken">
            {reload.broken.map((b) => (
              <li key={`${b.from}→${b.to}`} data-testid="reload-broken">
                <code>{b.from}</code> → <code>{b.to}</code>: {b.reason}
              </li>
            ))}
          </ul>
        </>
      )}
      {run && (active || run.phase === "ended") && (
        <div className="compile-actions">
          <button
            type="button"
            className="primary"
            data-testid="btn-restart"
            onClick={() => void s.restart()}
          >
            {active
              ? run.kind === "serve"
                ? "↻ Restart serving (same address)"
                : "↻ Restart the run"
              : run.kind === "serve"
                ? "▶ Serve again"
                : "▶ Run again"}
          </button>
        </div>
      )}
    </div>
  );
}
