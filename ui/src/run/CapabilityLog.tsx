import { useShallow } from "zustand/react/shallow";

import {
  TOGGLE_LABEL,
  grants,
  hasOwnGrants,
  isToggle,
  needsValues,
  scopeProfile,
  type GrantScope,
} from "../capabilities/profile";
import { useApp } from "../store";

/** Every capability attempt of the current run, newest first, with the toggle to flip. */
export function CapabilityLog() {
  const s = useApp(
    useShallow((s) => ({
      rows: s.capabilityLog,
      project: s.project,
      toggle: s.toggleCapability,
      clear: s.clearCapabilityLog,
    })),
  );
  return (
    <section className="cap-log" data-testid="capability-log">
      {s.rows.length === 0 ? (
        <p className="muted hint">
          Each attempt to use the filesystem, the network, name lookup or outgoing HTTP shows here
          as it happens: allowed or denied, by which node.
        </p>
      ) : (
        <ul className="cap-rows">
          {s.rows.map(({ key, attempt, origin }) => {
            const node = attempt.node;
            // The grants that decided it: the node's own, else the project's.
            const scope: GrantScope =
              node !== null && hasOwnGrants(s.project, node)
                ? { kind: "node", node }
                : { kind: "project" };
            const toggle = isToggle(attempt.toggle) ? attempt.toggle : null;
            const on = toggle !== null && grants(scopeProfile(s.project, scope), toggle);
            return (
              <li
                key={key}
                className={attempt.allowed ? "cap-row-item allowed" : "cap-row-item denied"}
                data-testid="capability-row"
                data-node={node ?? ""}
                data-interface={attempt.interface}
                data-target={attempt.target}
                data-allowed={attempt.allowed}
                data-origin={origin}
                data-count={attempt.count}
              >
                <span className="verdict">{attempt.allowed ? "✔ allowed" : "✗ denied"}</span>
                {attempt.count > 1 && (
                  <span className="cap-count" title="the same attempt, repeated">
                    {attempt.count.toLocaleString("en")} ×
                  </span>
                )}
                {node !== null && <span className="cap-node">{node}</span>}
                <code className="cap-interface">{attempt.interface.replace(/^wasi:/, "")}</code>
                <code className="cap-target">{attempt.target}</code>
                <span className="num">+{(attempt.atMs / 1000).toFixed(3)} s</span>
                {toggle && (
                  <button
                    type="button"
                    className="small"
                    data-testid="capability-flip"
                    title={`${needsValues(toggle) ? "Edit" : on ? "Deny" : "Grant"} ${TOGGLE_LABEL[toggle]} in ${scope.kind === "node" ? `${scope.node}'s own grants` : "the project's grants"}; run again to see it`}
                    onClick={() => {
                      s.toggle(scope, toggle);
                    }}
                  >
                    {needsValues(toggle)
                      ? `${TOGGLE_LABEL[toggle]}…`
                      : `${on ? "deny" : "grant"} ${TOGGLE_LABEL[toggle]}`}
                    {scope.kind === "node" ? ` (${scope.node})` : ""}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {s.rows.length > 0 && (
        <button type="button" className="small cap-log-clear" onClick={s.clear}>
          Clear log
        </button>
      )}
    </section>
  );
}
