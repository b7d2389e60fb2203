import { Handle, Position, type NodeProps } from "@xyflow/react";
import { memo } from "react";

import { PROJECT_SCOPE, TOGGLE_LABEL } from "../capabilities/profile";
import {
  WASI_BUNDLE_HANDLE,
  hostHandleId,
  unprovidedHandleId,
  type HostFlowNode,
  type HostGroup,
  type HostPortView,
} from "../graph/model";
import { getAppStore } from "../store";

/** The switch on a host port whose capability can be granted or denied. */
function PortToggle(props: { port: HostPortView }) {
  const { port } = props;
  if (!port.toggle) return null;
  const toggle = port.toggle;
  return (
    <button
      type="button"
      role="switch"
      aria-checked={port.granted}
      className={port.granted ? "switch switch--on nodrag" : "switch nodrag"}
      data-testid="host-toggle"
      data-toggle={toggle}
      data-granted={port.granted}
      title={`${TOGGLE_LABEL[toggle]}: ${port.granted ? "granted" : "denied"} by the project (click to change)`}
      onClick={(event) => {
        event.stopPropagation();
        getAppStore().getState().toggleCapability(PROJECT_SCOPE, toggle);
      }}
    >
      <span className="switch-knob" />
    </button>
  );
}

/**
 * One WASI package at one version, on one line: its interfaces as chips, the used ones marked
 * (struck through when their capability is denied). The used ones' handles all sit at the
 * line's right end, so an unfolded node's edges leave the Host by package.
 */
function Group(props: { group: HostGroup }) {
  const { group } = props;
  return (
    <div
      className="hpkg"
      data-testid="host-group"
      data-package={group.name}
      data-version={group.version}
    >
      <span className="hpkg-name">{group.label}</span>
      <span className="hpkg-version">{group.version}</span>
      <span className="hpkg-ports">
        {group.ports.map((p) => (
          <span
            key={p.name}
            className={["hchip", p.used ? "hchip--used" : "", p.granted ? "" : "hchip--off"]
              .filter(Boolean)
              .join(" ")}
            data-testid="host-port"
            data-port-name={p.name}
            data-used={p.used}
            data-granted={p.granted}
            title={`${p.name}: ${p.description}${p.granted ? "" : " — denied: calls fail until you grant it"}`}
          >
            <span className="hchip-label">{p.label}</span>
            {p.used && <PortToggle port={p} />}
            {p.used && (
              <Handle
                type="source"
                position={Position.Right}
                id={hostHandleId(p.name)}
                isConnectable={false}
                className="handle handle--wasi"
              />
            )}
          </span>
        ))}
      </span>
    </div>
  );
}

export const HostNode = memo(function HostNode({ data }: NodeProps<HostFlowNode>) {
  const used = data.groups.reduce((n, g) => n + g.ports.filter((p) => p.used).length, 0);
  return (
    <div className="hnode" data-testid="host-node">
      <header className="hnode-header">
        <span className="hnode-name">Host</span>
        <span className="hnode-sub">wasmtime · WASI 0.2</span>
      </header>
      <div className="hnode-summary">
        provides {used} interface{used === 1 ? "" : "s"} to this composition
        {/* Where each node's collapsed WASI bundle is fed from. */}
        <Handle
          type="source"
          position={Position.Right}
          id={WASI_BUNDLE_HANDLE}
          isConnectable={false}
          className="handle handle--wasi handle--bundle"
        />
        <button
          type="button"
          className="small nodrag hnode-grants"
          data-testid="host-grants"
          title="Edit what the host grants (the project's capabilities and limits)"
          onClick={(event) => {
            event.stopPropagation();
            getAppStore().getState().openGrants(PROJECT_SCOPE);
          }}
        >
          grants…
        </button>
      </div>
      {data.unprovided.length > 0 && (
        <div className="hgroup hgroup--unprovided">
          <div className="group-name">not provided: wire a component</div>
          {data.unprovided.map((p) => (
            <div
              key={p.name}
              className="hport hport--unprovided"
              data-testid="host-unprovided"
              data-port-name={p.name}
              title={`${p.name}: the host does not provide this; wire an export to it`}
            >
              <span className="port-label">{p.label}</span>
              <span className="port-version">{p.name.slice(0, p.name.indexOf("/"))}</span>
              <Handle
                type="source"
                position={Position.Right}
                id={unprovidedHandleId(p.name)}
                isConnectable={false}
                className="handle handle--unprovided"
              />
            </div>
          ))}
        </div>
      )}
      {data.groups.map((group) => (
        <Group key={`${group.name}@${group.version}`} group={group} />
      ))}
    </div>
  );
});
