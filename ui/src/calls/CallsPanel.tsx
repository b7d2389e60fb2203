import { useShallow } from "zustand/react/shallow";

import { useApp } from "../store";
import {
  callText,
  durationText,
  matchesFilter,
  wireKey,
  type CallFilter,
  type WireKey,
} from "./model";

/** The filter as the select's value: `all`, `wire:KEY` or `node:ID`. */
function filterValue(filter: CallFilter): string {
  switch (filter.kind) {
    case "all":
      return "all";
    case "wire":
      return `wire:${filter.wire}`;
    case "node":
      return `node:${filter.node}`;
  }
}

function parseFilter(value: string): CallFilter {
  if (value.startsWith("wire:")) return { kind: "wire", wire: value.slice(5) };
  if (value.startsWith("node:")) return { kind: "node", node: value.slice(5) };
  return { kind: "all" };
}

/** A wire's name for the filter: `consumer-app ← string-operations (operations)`. */
function wireLabel(caller: string, callee: string, importName: string): string {
  const short = importName.replace(/@.*$/, "").replace(/^.*\//, "");
  return `${caller} ← ${callee} (${short})`;
}

/** Every call across a wire of the current run, newest first, filtered by wire or node. */
export function CallsPanel() {
  const s = useApp(
    useShallow((s) => ({
      rows: s.callLog,
      dropped: s.callsDropped,
      filter: s.callFilter,
      setFilter: s.setCallFilter,
      clear: s.clearCalls,
      tap: s.tapCalls,
      setTap: s.setTapCalls,
      wires: s.project.wires,
      stubs: s.project.stubs,
      nodes: s.project.nodes,
      counts: s.wireCalls,
    })),
  );
  const shown = s.rows.filter((row) => matchesFilter(row.call, s.filter));
  const count = (key: WireKey) => s.counts[key] ?? 0;
  return (
    <section className="calls" data-testid="calls-panel">
      <div className="calls-bar">
        <label className="calls-filter">
          Show
          <select
            data-testid="calls-filter"
            value={filterValue(s.filter)}
            onChange={(e) => {
              s.setFilter(parseFilter(e.target.value));
            }}
          >
            <option value="all">every wire</option>
            {[
              ...s.wires.map((w) => ({ to: w.to, from: w.from.node })),
              ...s.stubs.map((stub) => ({ to: stub.answers, from: stub.id })),
            ].map(({ to, from }) => {
              const key = wireKey(to.node, to.port);
              return (
                <option key={key} value={`wire:${key}`}>
                  {wireLabel(to.node, from, to.port)} · {count(key)}
                </option>
              );
            })}
            {s.nodes.map((n) => (
              <option key={n.id} value={`node:${n.id}`}>
                node {n.id}
              </option>
            ))}
            {s.stubs.map((stub) => (
              <option key={stub.id} value={`node:${stub.id}`}>
                stub {stub.id}
              </option>
            ))}
          </select>
        </label>
        <label className="calls-tap" title="Off, calls across wires are not recorded at all">
          <input
            type="checkbox"
            data-testid="calls-tap"
            checked={s.tap}
            onChange={(e) => {
              void s.setTap(e.target.checked);
            }}
          />
          Record calls
        </label>
        {s.rows.length > 0 && (
          <button type="button" className="small" onClick={s.clear}>
            Clear
          </button>
        )}
      </div>
      {s.dropped > 0 && (
        <p className="calls-dropped" data-testid="calls-dropped">
          {s.dropped.toLocaleString("en")} calls not listed (too many, too fast); the counts on the
          wires include them.
        </p>
      )}
      {shown.length === 0 ? (
        <p className="muted hint">
          {s.tap
            ? "Each call one node makes to another across a wire shows here as it happens, with its arguments, results and time. Run the project to see them."
            : "Recording is off: turn on Record calls and run again."}
        </p>
      ) : (
        <ol className="call-rows">
          {shown.map(({ key, call }) => (
            <li
              key={key}
              className={call.error ? "call-row call-row--failed" : "call-row"}
              data-testid="call-row"
              data-caller={call.caller}
              data-callee={call.callee}
              data-function={call.function}
              data-number={call.number}
            >
              <span className="call-number num">#{call.number}</span>
              <span className="call-nodes">
                {call.caller} → {call.callee}
              </span>
              <code className="call-text" title={callText(call)}>
                {callText(call)}
              </code>
              <code className="call-result" title={call.error ?? call.results ?? ""}>
                {call.error ? `✗ ${call.error}` : call.results ? `→ ${call.results}` : "returned"}
              </code>
              <span className="num call-time">{durationText(call.micros)}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
