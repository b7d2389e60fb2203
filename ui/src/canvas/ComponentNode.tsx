import type { NodeProps } from "@xyflow/react";
import { memo } from "react";

import type { ComponentFlowNode, Direction, PortGroup, WasiBundle } from "../graph/model";
import { RegistryLine } from "../registry/RegistryNews";
import { getAppStore } from "../store";
import { InsideGroup } from "./InsideGroup";
import { PortRow } from "./PortRow";
import { WasiBundleRow } from "./WasiBundleRow";

const STATE_BADGE: Record<string, string | undefined> = {
  missing: "file missing",
  changed: "file changed",
  error: "cannot load",
  loading: "loading…",
};

function Group(props: { node: string; group: PortGroup; direction: Direction }) {
  const { group } = props;
  return (
    <div className={group.wasi ? "group group--wasi" : "group"}>
      <div className="group-name">
        {group.name || "functions & instances"}
        {group.version && <span className="group-version"> @{group.version}</span>}
      </div>
      {group.ports.map((port) => (
        <PortRow
          key={port.name}
          node={props.node}
          port={port}
          direction={props.direction}
          showVersion={group.version === null}
        />
      ))}
    </div>
  );
}

/** One side of a node: its own groups first, then the WASI bundle's row, then the WASI groups
 * (the bundle unfolded, and WASI ports that are wired or that the host cannot provide). */
const Groups = memo(function Groups(props: {
  node: string;
  groups: PortGroup[];
  direction: Direction;
  bundle: WasiBundle | null;
}) {
  const { node, groups, direction, bundle } = props;
  const group = (g: PortGroup) => (
    <Group key={g.name} node={node} group={g} direction={direction} />
  );
  return (
    <div className={`ports ports--${direction}`}>
      <div className="ports-title">{direction === "import" ? "imports" : "exports"}</div>
      {groups.length === 0 && !bundle && <div className="ports-none">none</div>}
      {groups.filter((g) => !g.wasi).map(group)}
      {bundle && <WasiBundleRow node={node} bundle={bundle} />}
      {groups.filter((g) => g.wasi).map(group)}
    </div>
  );
});

export const ComponentNode = memo(function ComponentNode({
  data,
  selected,
}: NodeProps<ComponentFlowNode>) {
  const badge = STATE_BADGE[data.state];
  const classes = [
    "cnode",
    `cnode--${data.state}`,
    data.error ? "cnode--error" : "",
    selected ? "cnode--selected" : "",
  ];
  return (
    <div
      className={classes.filter(Boolean).join(" ")}
      data-testid="node"
      data-node-name={data.id}
      data-component={data.component}
      data-state={data.state}
      data-error={data.error || undefined}
    >
      <header className="cnode-header">
        <span className="cnode-name">{data.id}</span>
        {data.role && data.role !== "library" && (
          <span className="cnode-role">{data.role === "command" ? "command" : "http proxy"}</span>
        )}
        {data.wasi && (
          <span className="cnode-wasi" data-testid="node-wasi" title={`Uses WASI ${data.wasi}`}>
            WASI {data.wasi}
          </span>
        )}
        {badge && (
          <span className="cnode-badge" data-testid="node-status">
            {badge}
          </span>
        )}
      </header>
      {data.world && (
        <span
          className={data.world.conforms ? "cnode-world" : "cnode-world cnode-world--extra"}
          data-testid="node-world"
          data-world={data.world.world}
          data-conforms={data.world.conforms}
          title={data.world.title}
        >
          {data.world.conforms ? "✓ " : "+ "}
          {data.world.world}
        </span>
      )}

      {data.registry ? (
        <RegistryLine badge={data.registry} />
      ) : (
        data.component !== data.id && <div className="cnode-sub">{data.component}.wasm</div>
      )}
      <InsideGroup node={data.id} path={data.path} />
      <button
        type="button"
        className={data.grants.own ? "grants nodrag grants--own" : "grants nodrag"}
        data-testid="node-grants"
        data-own={data.grants.own}
        title={`${data.grants.own ? "Its own grants" : "Inherits the project's grants"}: ${
          data.grants.chips.join(", ") || "nothing"
        }. Click to edit.`}
        onClick={(event) => {
          event.stopPropagation();
          getAppStore().getState().openGrants({ kind: "node", node: data.id });
        }}
      >
        <span className="grants-label">{data.grants.own ? "own grants" : "inherits"}</span>
        {data.grants.chips.length === 0 ? (
          <span className="grant-chip grant-chip--none">nothing granted</span>
        ) : (
          data.grants.chips.map((chip) => (
            <span key={chip} className="grant-chip" data-testid="grant-chip">
              {chip}
            </span>
          ))
        )}
      </button>
      {data.problem && (
        <div className="cnode-problem" title={data.problem}>
          {data.problem}
        </div>
      )}
      <div className="cnode-body">
        <Groups node={data.id} groups={data.imports} direction="import" bundle={data.wasiBundle} />
        <Groups node={data.id} groups={data.exports} direction="export" bundle={null} />
      </div>
    </div>
  );
});
