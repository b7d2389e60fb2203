import { Handle, Position } from "@xyflow/react";
import { memo } from "react";

import {
  handleId,
  portKey,
  wireKey,
  type Direction,
  type FunctionView,
  type PortView,
} from "../graph/model";
import { useApp, type AppState } from "../store";

/**
 * How a port looks while a wire is dragged (`refused` targets are dimmed, `allowed` ones glow),
 * or after a refused drop (its two ports are `rejected`).
 */
export type DragLook =
  "idle" | "origin" | "inactive" | "pending" | "allowed" | "refused" | "rejected";

export function dragLook(
  s: Pick<AppState, "drag" | "wireChecks" | "refused">,
  node: string,
  port: string,
  direction: Direction,
): DragLook {
  const { drag } = s;
  if (!drag) {
    const r = s.refused;
    const hit =
      r &&
      ((direction === "export" && r.from.node === node && r.from.port === port) ||
        (direction === "import" && r.to.node === node && r.to.port === port));
    return hit ? "rejected" : "idle";
  }
  if (drag.end.node === node && drag.end.port === port && drag.direction === direction) {
    return "origin";
  }
  if (drag.direction === direction || drag.end.node === node) return "inactive";
  const me = { node, port };
  const key = direction === "import" ? wireKey(drag.end, me) : wireKey(me, drag.end);
  return s.wireChecks[key]?.verdict ?? "pending";
}

/** An interface port's functions, unfolded beneath it, each with its WIT signature. */
function FunctionList(props: { functions: FunctionView[]; direction: Direction }) {
  return (
    <ul className={`port-functions port-functions--${props.direction}`}>
      {props.functions.map((f) => (
        <li
          key={f.name}
          data-testid="port-function"
          data-function={f.name}
          data-async={f.asynchronous || undefined}
          title={f.signature}
        >
          <code>{f.signature}</code>
        </li>
      ))}
    </ul>
  );
}

export const PortRow = memo(function PortRow(props: {
  node: string;
  port: PortView;
  direction: Direction;
  /** Whether to print the version (not when the group shows it once for all). */
  showVersion: boolean;
}) {
  const { node, port, direction } = props;
  const look = useApp((s) => dragLook(s, node, port.name, direction));
  const selected = useApp(
    (s) =>
      s.selection.kind === "port" &&
      s.selection.node === node &&
      s.selection.port === port.name &&
      s.selection.direction === direction,
  );
  const expanded = useApp(
    (s) => port.expandable && s.expandedPorts[portKey(node, direction, port.name)] === true,
  );
  const selectPort = useApp((s) => s.selectPort);
  const toggleFunctions = useApp((s) => s.togglePortFunctions);
  const classes = [
    "port",
    `port--${direction}`,
    `port--${port.kind}`,
    port.wasi ? "port--wasi" : "port--custom",
    port.open ? (port.hostProvided ? "port--host" : "port--unprovided") : "",
    port.stub ? "port--stubbed" : "",
    port.off ? "port--off" : "",
    port.missing ? "port--missing" : "",
    port.error ? "port--error" : "",
    selected ? "port--selected" : "",
    expanded ? "port--expanded" : "",
    `drag--${look}`,
  ];
  const wireable = !port.missing && port.kind !== "type" && port.kind !== "unknown";
  return (
    <>
      <div
        className={classes.filter(Boolean).join(" ")}
        data-testid="port"
        data-port-name={port.name}
        data-port-dir={direction}
        data-port-kind={port.kind}
        data-wasi={port.wasi}
        data-open={port.open}
        data-stub={port.stub ?? undefined}
        data-off={port.off || undefined}
        data-drag={look}
        data-error={port.error || undefined}
        onClick={(event) => {
          event.stopPropagation();
          selectPort(node, port.name, direction);
        }}
      >
        <Handle
          type={direction === "import" ? "target" : "source"}
          position={direction === "import" ? Position.Left : Position.Right}
          id={handleId(direction, port.name)}
          className={`handle handle--${port.kind} ${port.wasi ? "handle--wasi" : "handle--custom"}`}
          isConnectable={wireable}
        />
        {port.expandable && (
          <button
            type="button"
            className="port-expand nodrag"
            data-testid="port-expand"
            data-expanded={expanded}
            aria-expanded={expanded}
            title={expanded ? "Hide its functions" : "List its functions beneath it"}
            onClick={(event) => {
              event.stopPropagation();
              toggleFunctions(node, direction, port.name);
            }}
          >
            {expanded ? "▾" : "▸"}
          </button>
        )}
        <span className="port-label">{port.label}</span>
        {props.showVersion && port.version && <span className="port-version">@{port.version}</span>}
        {port.exported && (
          <span className="port-badge" title="Exported from the composition">
            ★
          </span>
        )}
        {port.missing && <span className="port-badge port-badge--missing">missing</span>}
        <div className="port-card" role="tooltip" data-testid="port-card">
          <div className="port-card-name">{port.name}</div>
          <div className="port-card-kind">
            {direction} · {port.kind}
            {port.wasi ? " · WASI" : ""}
            {port.open
              ? port.hostProvided
                ? port.off
                  ? " · from the host, but its capability is OFF"
                  : " · from the host"
                : " · NOT provided by the host"
              : port.stub
                ? ` · answered by the stub ${port.stub}`
                : ""}
          </div>
          {port.functions.length > 0 ? (
            <ul className="port-card-functions">
              {port.functions.map((f) => (
                <li key={f.name}>
                  <code>{f.signature}</code>
                </li>
              ))}
            </ul>
          ) : (
            <div className="port-card-empty">
              {port.missing ? "Not in the component any more." : "No functions (types only)."}
            </div>
          )}
        </div>
      </div>
      {expanded && <FunctionList functions={port.functions} direction={direction} />}
    </>
  );
});
