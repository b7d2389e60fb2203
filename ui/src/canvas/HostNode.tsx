import { Handle, Position, type NodeProps } from "@xyflow/react";
import { memo } from "react";

import { hostHandleId, unprovidedHandleId, type HostFlowNode } from "../graph/model";

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
        <div key={group.name} className="hgroup">
          <div className="group-name">{group.name}</div>
          {group.ports
            .filter((p) => p.used)
            .map((p) => (
              <div
                key={p.name}
                className="hport hport--used"
                data-testid="host-port"
                data-port-name={p.name}
                data-used="true"
                title={`${p.name}: ${p.description}`}
              >
                <span className="port-label">{p.label}</span>
                <Handle
                  type="source"
                  position={Position.Right}
                  id={hostHandleId(p.name)}
                  isConnectable={false}
                  className="handle handle--wasi"
                />
              </div>
            ))}
          {/* Interfaces nothing uses yet: listed compactly, without handles. */}
          <div className="hport-more">
            {group.ports
              .filter((p) => !p.used)
              .map((p) => (
                <span
                  key={p.name}
                  data-testid="host-port"
                  data-port-name={p.name}
                  data-used="false"
                  title={`${p.name}: ${p.description}`}
                >
                  {p.label}
                </span>
              ))}
          </div>
        </div>
      ))}
    </div>
  );
});
