import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from "@xyflow/react";
import { memo } from "react";

import { wireKey } from "../calls/model";
import type { BundleFlowEdge, HostFlowEdge, StubFlowEdge, WireFlowEdge } from "../graph/model";
import type { WireEnd } from "../ipc/bindings/WireEnd";
import { getAppStore, useApp } from "../store";

/** The run's traffic into import `to` (a wire's or a stub's: the tap keys both by the calling
 * node and its import). Each edge follows its own: a call elsewhere does not redraw it. */
function useTraffic(to: WireEnd | undefined) {
  const key = to ? wireKey(to.node, to.port) : "";
  const calls = useApp((s) => s.wireCalls[key] ?? 0);
  const items = useApp((s) => s.wireItems[key] ?? 0);
  const pulse = useApp((s) => s.wirePulses[key] ?? 0);
  return { calls, items, pulse };
}

/** A dash running along `path` each time a pulse starts (remounted by its key): from the
 * caller's import to the callee's export, the way the call goes. */
function Pulse(props: { path: string; pulse: number }) {
  return props.pulse > 0 ? (
    <path key={props.pulse} d={props.path} pathLength={100} className="wire-pulse" />
  ) : null;
}

/** How many calls crossed an edge, above its middle; clicking shows them in the Calls tab. */
function CallsLabel(props: {
  from: WireEnd;
  to: WireEnd;
  calls: number;
  items: number;
  x: number;
  y: number;
}) {
  const { from, to, calls, items } = props;
  if (calls === 0) return null;
  return (
    <EdgeLabelRenderer>
      <button
        type="button"
        className="wire-calls nodrag nopan"
        data-testid="wire-calls"
        data-calls={calls}
        data-items={items}
        title="Calls across this wire: show them"
        // Above the wire's middle, where a problem or the delete button may show.
        style={{
          transform: `translate(-50%, -100%) translate(${props.x}px, ${props.y - 20}px)`,
        }}
        onClick={() => {
          getAppStore().getState().showWireCalls(from, to);
        }}
      >
        {calls.toLocaleString("en")} {calls === 1 ? "call" : "calls"}
        {items > 0 && ` · ${items.toLocaleString("en")} stream ${items === 1 ? "item" : "items"}`}
      </button>
    </EdgeLabelRenderer>
  );
}

export const WireEdge = memo(function WireEdge(props: EdgeProps<WireFlowEdge>) {
  const [path, labelX, labelY] = getBezierPath(props);
  const { data, selected } = props;
  const { calls, items, pulse } = useTraffic(data?.to);
  return (
    <>
      <g
        data-testid="wire"
        data-from-node={data?.from.node}
        data-from-port={data?.from.port}
        data-to-node={data?.to.node}
        data-to-port={data?.to.port}
        data-broken={data?.problem ? "true" : undefined}
        className={["wire", selected ? "wire--selected" : "", data?.problem ? "wire--broken" : ""]
          .filter(Boolean)
          .join(" ")}
      >
        {data?.problem && <title>{`No longer fits: ${data.problem}`}</title>}
        <BaseEdge id={props.id} path={path} interactionWidth={24} />
        <Pulse path={path} pulse={pulse} />
      </g>
      {data && (
        <CallsLabel
          from={data.from}
          to={data.to}
          calls={calls}
          items={items}
          x={labelX}
          y={labelY}
        />
      )}
      {data?.problem && !selected && (
        <EdgeLabelRenderer>
          <div
            className="wire-problem nodrag nopan"
            data-testid="wire-problem"
            title={data.problem}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          >
            ✗ no longer fits
          </div>
        </EdgeLabelRenderer>
      )}
      {selected && data && (
        <EdgeLabelRenderer>
          <button
            type="button"
            className="wire-delete nodrag nopan"
            data-testid="wire-delete"
            title="Delete this wire (Delete)"
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
            onClick={() => {
              getAppStore().getState().deleteWire(data.from, data.to);
            }}
          >
            ✕
          </button>
        </EdgeLabelRenderer>
      )}
    </>
  );
});

/** A stub's edge to the import it answers: dashed in the stub colour, its calls counted and
 * pulsed like a wire's. Removed with its stub, so never selected. */
export const StubEdge = memo(function StubEdge(props: EdgeProps<StubFlowEdge>) {
  const [path, labelX, labelY] = getBezierPath(props);
  const { data } = props;
  const { calls, items, pulse } = useTraffic(data?.to);
  return (
    <>
      <g
        data-testid="stub-wire"
        data-stub={data?.from.node}
        data-to-node={data?.to.node}
        data-to-port={data?.to.port}
        className="stub-wire"
      >
        <BaseEdge id={props.id} path={path} interactionWidth={24} />
        <Pulse path={path} pulse={pulse} />
      </g>
      {data && (
        <CallsLabel
          from={data.from}
          to={data.to}
          calls={calls}
          items={items}
          x={labelX}
          y={labelY}
        />
      )}
    </>
  );
});

export const HostEdge = memo(function HostEdge(props: EdgeProps<HostFlowEdge>) {
  const [path] = getBezierPath(props);
  const { data } = props;
  return (
    <g
      data-testid="host-wire"
      data-to-node={data?.to.node}
      data-to-port={data?.to.port}
      data-provided={data?.provided}
      data-off={data?.off}
      className={[
        "host-wire",
        data?.provided ? "" : "host-wire--unprovided",
        data?.off ? "host-wire--off" : "",
      ]
        .filter(Boolean)
        .join(" ")}
    >
      <BaseEdge id={props.id} path={path} interactionWidth={0} />
    </g>
  );
});

/** The one muted edge from the Host to a node's collapsed WASI bundle. */
export const BundleEdge = memo(function BundleEdge(props: EdgeProps<BundleFlowEdge>) {
  const [path] = getBezierPath(props);
  const bundle = props.data?.bundle;
  const denied = (bundle?.denied.length ?? 0) > 0;
  return (
    <g
      data-testid="wasi-bundle-wire"
      data-to-node={props.data?.node}
      data-count={bundle?.ports.length}
      data-denied={denied}
      data-error={bundle?.error || undefined}
      className={[
        "edge--wasi-bundle",
        denied ? "edge--wasi-bundle-denied" : "",
        bundle?.error ? "edge--wasi-bundle-error" : "",
      ]
        .filter(Boolean)
        .join(" ")}
    >
      {bundle && <title>{bundle.title}</title>}
      <BaseEdge id={props.id} path={path} interactionWidth={12} />
    </g>
  );
});
