import { Handle, Position } from "@xyflow/react";
import { memo } from "react";

import { WASI_BUNDLE_HANDLE, type WasiBundle } from "../graph/model";
import { useApp } from "../store";

/** A node's WASI imports as one row: click it to unfold them into ports, and back. */
export const WasiBundleRow = memo(function WasiBundleRow(props: {
  node: string;
  bundle: WasiBundle;
}) {
  const { node, bundle } = props;
  const toggle = useApp((s) => s.toggleWasiBundle);
  const denied = bundle.denied.length > 0;
  const classes = [
    "wasi-bundle",
    bundle.expanded ? "wasi-bundle--expanded" : "",
    denied ? "wasi-bundle--denied" : "",
    bundle.error ? "wasi-bundle--error" : "",
  ];
  return (
    <div
      className={classes.filter(Boolean).join(" ")}
      role="button"
      aria-expanded={bundle.expanded}
      data-testid="wasi-bundle"
      data-node-name={node}
      data-expanded={bundle.expanded}
      data-count={bundle.ports.length}
      data-denied={denied}
      data-error={bundle.error || undefined}
      title={`${bundle.title} Click to ${bundle.expanded ? "fold them into one row" : "show each"}.`}
      onClick={(event) => {
        event.stopPropagation();
        toggle(node);
      }}
    >
      {/* Unfolded, each port has its own handle and edge: the bundle's would dangle. */}
      {!bundle.expanded && (
        <Handle
          type="target"
          position={Position.Left}
          id={WASI_BUNDLE_HANDLE}
          isConnectable={false}
          className="handle handle--wasi handle--bundle"
        />
      )}
      <span className="wasi-bundle-caret">{bundle.expanded ? "▾" : "▸"}</span>
      <span className="wasi-bundle-label">{bundle.label}</span>
      {denied && <span className="wasi-bundle-off">off</span>}
    </div>
  );
});
