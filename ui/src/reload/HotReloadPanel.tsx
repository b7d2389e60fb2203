import { useShallow } from "zustand/react/shallow";

import { portLabel } from "../graph/mapping";
import type { PortChange } from "../ipc/bindings/PortChange";
import { isActive } from "../run/model";
import { useApp } from "../store";

const MARK = { added: "+", removed: "−", changed: "~" } as const;

/** A node's component changed on disk: what changed in its WIT, which wires no longer fit, and a
 * restart for what is running (a server swaps the new code in on the same address instead). */
export function HotReloadPanel() {
  const s = useApp(
    useShallow((s) => ({
      reload: s.reload,
      run: s.run,
      restart: s.restartRun,
      swap: s.swapServer,
      dismiss: s.dismissReload,
    })),
  );
  const { reload, run } = s;
  if (!reload) return null;
  const changes: Change[] = [
    ...reload.diff.imports.map((c) => ({ ...c, side: "import" as const })),
    ...reload.diff.exports.map((c) => ({ ...c, side: "export" as const })),
  ];
  // The WASI imports a toolchain adds or drops matter less than the component's own ports.
  const own = changes.filter((c) => !c.port.startsWith("wasi:"));
  const wasi = changes.filter((c) => c.port.startsWith("wasi:"));
  const active = isActive(run);
  const serving = run?.kind === "serve" && run.phase === "serving";
  return (
    <div className="reload-panel" data-testid="hot-reload" data-node={reload.node}>
      <div className="compile-title">
        ↻ {reload.node}: its component changed on disk
        <button type="button" className="panel-close" title="Close" onClick={s.dismiss}>
          ✕
        </button>
      </div>
      <div className="reload-body">
        {reload.error !== null && <p className="problem">{reload.error}</p>}
        {reload.error === null && changes.length === 0 && (
          <p className="muted">Reloaded and compiling in the background. Its ports are the same.</p>
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
        {own.length > 0 && <ChangeList changes={own} />}
        {wasi.length > 0 && (
          <details className="reload-wasi">
            <summary>
              {wasi.length} WASI import{wasi.length === 1 ? "" : "s"} changed
            </summary>
            <ChangeList changes={wasi} />
          </details>
        )}
      </div>
      {run && (active || run.phase === "ended") && (
        <div className="compile-actions">
          {serving && (
            <button
              type="button"
              className="primary"
              data-testid="btn-swap"
              title="The server keeps its address; requests in flight finish on the old code"
              onClick={() => void s.swap()}
            >
              ⇄ Swap in for new requests
            </button>
          )}
          <button
            type="button"
            className={serving ? undefined : "primary"}
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

type Change = PortChange & { side: "import" | "export" };

function ChangeList({ changes }: { changes: Change[] }) {
  return (
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
  );
}
