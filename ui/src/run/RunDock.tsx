import { useShallow } from "zustand/react/shallow";

import { CallsPanel } from "../calls/CallsPanel";
import { OutputPane } from "../output/OutputPane";
import { useApp } from "../store";
import { CapabilityLog } from "./CapabilityLog";
import { ServePanel } from "./ServePanel";

/** Below the canvas: the output pane, and beside it the capability log, the calls across
 * wires or the HTTP tester. */
export function RunDock() {
  const s = useApp(
    useShallow((s) => ({
      open: s.panels.dock,
      tab: s.dockTab,
      setTab: s.setDockTab,
      rows: s.capabilityLog.length,
      denied: s.capabilityLog
        .filter((r) => !r.attempt.allowed)
        .reduce((sum, r) => sum + r.attempt.count, 0),
      requests: s.requestLog.length,
      calls: Object.values(s.wireCalls).reduce<number>((sum, n) => sum + (n ?? 0), 0),
    })),
  );
  // Folded, not unmounted: the terminal keeps what it showed.
  return (
    <div className={s.open ? "dock" : "dock dock--folded"} data-testid="run-dock">
      <OutputPane />
      <div className="dock-side">
        <nav className="tabs" role="tablist">
          <button
            type="button"
            role="tab"
            aria-selected={s.tab === "log"}
            className={s.tab === "log" ? "tab tab--active" : "tab"}
            data-testid="tab-log"
            onClick={() => {
              s.setTab("log");
            }}
          >
            Capability log {s.rows > 0 && <span className="count">{s.rows}</span>}
            {s.denied > 0 && <span className="count count--bad">{s.denied} denied</span>}
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={s.tab === "calls"}
            className={s.tab === "calls" ? "tab tab--active" : "tab"}
            data-testid="tab-calls"
            onClick={() => {
              s.setTab("calls");
            }}
          >
            Calls {s.calls > 0 && <span className="count">{s.calls.toLocaleString("en")}</span>}
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={s.tab === "http"}
            className={s.tab === "http" ? "tab tab--active" : "tab"}
            data-testid="tab-http"
            onClick={() => {
              s.setTab("http");
            }}
          >
            HTTP {s.requests > 0 && <span className="count">{s.requests}</span>}
          </button>
        </nav>
        <div className="dock-body">
          {s.tab === "log" ? (
            <CapabilityLog />
          ) : s.tab === "calls" ? (
            <CallsPanel />
          ) : (
            <ServePanel />
          )}
        </div>
      </div>
    </div>
  );
}
