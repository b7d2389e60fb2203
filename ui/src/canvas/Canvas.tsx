import {
  Background,
  BackgroundVariant,
  ConnectionLineType,
  Controls,
  MiniMap,
  ReactFlow,
  useNodesInitialized,
  useReactFlow,
  useStore,
  type Connection,
  type FinalConnectionState,
  type IsValidConnection,
  type OnConnectStartParams,
} from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useShallow } from "zustand/react/shallow";

import { wireKey } from "../calls/model";
import { buildEdges } from "../graph/mapping";
import { HOST_ID, portOfHandle, type AppEdge, type AppNode } from "../graph/model";
import { appWindow } from "../ipc";
import type { WireEnd } from "../ipc/bindings/WireEnd";
import { cachedVerdict, canvasFault, getAppStore, useApp } from "../store";
import { ComponentNode } from "./ComponentNode";
import { HostNode } from "./HostNode";
import { StubNode } from "./StubNode";
import { BundleEdge, HostEdge, StubEdge, WireEdge } from "./edges";

// Module-level: a new object on each render would remount every node and edge.
const nodeTypes = { component: ComponentNode, host: HostNode, stub: StubNode };
const edgeTypes = { wire: WireEdge, host: HostEdge, bundle: BundleEdge, stub: StubEdge };
const proOptions = { hideAttribution: true };

/**
 * Below this zoom a port's text is a few pixels high: the canvas draws nodes as their outline and
 * header only (the rest keeps its size, unpainted, so wires still meet their ports) and drops the
 * dotted background, whose dots would crowd into thousands. Software rendering (no GPU, as under
 * Xvfb) repaints everything on each frame of a zoom or a drag; this keeps a big project moving.
 */
export const FAR_ZOOM = 0.35;

/** The export end and the import end of a connection, or null if either is not a component port. */
function wireEnds(c: {
  source: string | null;
  sourceHandle?: string | null;
  target: string | null;
  targetHandle?: string | null;
}): { from: WireEnd; to: WireEnd } | null {
  const fromPort = portOfHandle(c.sourceHandle);
  const toPort = portOfHandle(c.targetHandle);
  if (!c.source || !c.target || c.source === HOST_ID || c.target === HOST_ID) return null;
  if (!fromPort || !toPort) return null;
  return { from: { node: c.source, port: fromPort }, to: { node: c.target, port: toPort } };
}

function minimapColor(node: AppNode): string {
  if (node.type === "host") return "#243b53";
  if (node.type === "stub") return "#a61e4d";
  if (node.data.state === "missing" || node.data.state === "error" || node.data.error)
    return "#e03131";
  return node.data.state === "changed" ? "#f08c00" : "#d9480f";
}

export function Canvas() {
  const s = useApp(
    useShallow((s) => ({
      nodes: s.nodes,
      project: s.project,
      entries: s.entries,
      hostInterfaces: s.hostInterfaces,
      fault: canvasFault(s),
      wireProblems: s.wireProblems,
      wasiExpanded: s.wasiExpanded,
      selectedWires: s.selectedWires,
      fitRequest: s.fitRequest,
      fileHover: s.fileHover,
      onNodesChange: s.onNodesChange,
      onEdgesChange: s.onEdgesChange,
      clearSelection: s.clearSelection,
    })),
  );
  const flow = useReactFlow<AppNode, AppEdge>();
  const initialized = useNodesInitialized();
  // Re-renders only when the zoom crosses FAR_ZOOM, not on every frame of a zoom.
  const far = useStore((state) => state.transform[2] < FAR_ZOOM);
  const fitted = useRef(-1);

  const edges = useMemo(
    () =>
      buildEdges(
        {
          project: s.project,
          entries: s.entries,
          hostInterfaces: s.hostInterfaces,
          fault: s.fault,
          wireProblems: s.wireProblems,
          wasiExpanded: s.wasiExpanded,
        },
        new Set(s.selectedWires),
      ),
    [
      s.project,
      s.entries,
      s.hostInterfaces,
      s.fault,
      s.wireProblems,
      s.wasiExpanded,
      s.selectedWires,
    ],
  );

  // Fit the view once the nodes asked for are measured. `data-view-ready` on the canvas says
  // the last fit asked for is done (tests and screenshots wait for it).
  const [viewReady, setViewReady] = useState(-1);
  useEffect(() => {
    if (initialized && fitted.current !== s.fitRequest) {
      const request = s.fitRequest;
      fitted.current = request;
      // Two frames later: a side panel just shown or hidden has resized the canvas by then.
      requestAnimationFrame(() => {
        requestAnimationFrame(() => {
          void flow.fitView({ padding: 0.12, duration: 200 }).then(() => {
            setViewReady(request);
          });
        });
      });
    }
  }, [initialized, s.fitRequest, flow]);

  // Files dropped from the file manager: positions come in page pixels.
  useEffect(() => {
    const store = getAppStore();
    const unlisten = appWindow.onFileDrop(
      (drop) => {
        const at = flow.screenToFlowPosition({ x: drop.x, y: drop.y });
        void store.getState().dropFiles(drop, at);
      },
      (over) => {
        store.getState().setFileHover(over);
      },
    );
    return () => {
      void unlisten.then((stop) => {
        stop();
      });
    };
  }, [flow]);

  const isValidConnection: IsValidConnection<AppEdge> = useCallback((connection) => {
    const ends = wireEnds(connection);
    if (!ends) return false;
    // Only what the engine already answered: an unknown verdict is decided on drop.
    return cachedVerdict(getAppStore().getState(), ends.from, ends.to)?.verdict !== "refused";
  }, []);

  const onConnectStart = useCallback((_: unknown, params: OnConnectStartParams) => {
    const port = portOfHandle(params.handleId);
    if (!params.nodeId || params.nodeId === HOST_ID || !port) return;
    const direction = params.handleType === "source" ? "export" : "import";
    void getAppStore().getState().startWireDrag({ node: params.nodeId, port }, direction);
  }, []);

  // Clicking a wire (or a stub's edge) that carried calls also shows its traffic.
  const onEdgeClick = useCallback((_: unknown, edge: AppEdge) => {
    if ((edge.type !== "wire" && edge.type !== "stub") || !edge.data) return;
    const store = getAppStore().getState();
    const { from, to } = edge.data;
    if ((store.wireCalls[wireKey(to.node, to.port)] ?? 0) > 0) store.showWireCalls(from, to);
  }, []);

  const onConnect = useCallback((connection: Connection) => {
    const ends = wireEnds(connection);
    if (ends) void getAppStore().getState().connect(ends.from, ends.to);
  }, []);

  const onConnectEnd = useCallback((_: unknown, state: FinalConnectionState) => {
    const store = getAppStore().getState();
    store.endWireDrag();
    // A drop on a port the engine refused: say why (a valid drop went through onConnect).
    if (state.isValid === false && state.toHandle) {
      const [source, target] =
        state.fromHandle.type === "source"
          ? [state.fromHandle, state.toHandle]
          : [state.toHandle, state.fromHandle];
      const ends = wireEnds({
        source: source.nodeId,
        sourceHandle: source.id,
        target: target.nodeId,
        targetHandle: target.id,
      });
      if (ends) void store.connect(ends.from, ends.to);
    }
  }, []);

  return (
    <div
      className={far ? "canvas canvas--far" : "canvas"}
      data-testid="canvas"
      data-view-ready={viewReady === s.fitRequest}
      data-far={far}
    >
      <ReactFlow<AppNode, AppEdge>
        nodes={s.nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={s.onNodesChange}
        onEdgesChange={s.onEdgesChange}
        onConnectStart={onConnectStart}
        onEdgeClick={onEdgeClick}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        onPaneClick={s.clearSelection}
        deleteKeyCode={null}
        connectionLineType={ConnectionLineType.Bezier}
        connectionRadius={28}
        minZoom={0.15}
        maxZoom={2.5}
        proOptions={proOptions}
        // Big graphs: only what is in view is in the DOM. React Flow still renders each node
        // once until it is measured, so fitting the view (and `data-view-ready`) is unchanged.
        onlyRenderVisibleElements
      >
        {!far && <Background variant={BackgroundVariant.Dots} gap={24} size={2} color="#c9c2b2" />}
        <MiniMap<AppNode> pannable zoomable nodeColor={minimapColor} nodeStrokeWidth={3} />
        <Controls showInteractive={false} />
      </ReactFlow>
      {s.nodes.length <= 1 && (
        <div className="canvas-empty">
          <p>Add components from the library on the left,</p>
          <p>with “Add…”, or drop .wasm files here.</p>
        </div>
      )}
      {s.fileHover && (
        <div className="drop-overlay" data-testid="drop-overlay">
          Drop .wasm components to add them (or a .plugboard.json to open it)
        </div>
      )}
    </div>
  );
}
