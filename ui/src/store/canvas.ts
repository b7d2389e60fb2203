// The store's canvas and wiring: React Flow's nodes, the selection, deleting, dragging a wire
// and the engine's verdicts on wires, connecting, auto-layout and fitting the view. Stubs are
// nodes here too: selected, dragged, laid out and deleted like them.
import type { Mismatch } from "../ipc/bindings/Mismatch";
import { applyNodeChanges, type EdgeChange, type NodeChange } from "@xyflow/react";

import type { Link, Point } from "../graph/layout";
import { openImports } from "../graph/mapping";
import { HOST_ID, wireEdgeId, wireKey, type AppNode, type Direction } from "../graph/model";
import { stubRefusal } from "../graph/stubs";
import { toAppError } from "../ipc/errors";
import type { Project } from "../ipc/bindings/Project";
import type { WireCheck } from "../ipc/bindings/WireCheck";
import type { WireEnd } from "../ipc/bindings/WireEnd";
import type { Deps } from "./index";
import { storeHelpers, type Get, type Set } from "./shared";

export type Selection =
  | { kind: "none" }
  | { kind: "node"; node: string }
  | { kind: "stub"; stub: string }
  | { kind: "port"; node: string; port: string; direction: Direction };

/** A wire being dragged from one port. */
export type WireDrag = { end: WireEnd; direction: Direction };

export type CanvasState = {
  /** React Flow's nodes: positions, measured sizes, selection. Rebuilt from the project. */
  nodes: AppNode[];
  /** Where the Host node sits while the project has no place saved for it. */
  hostPosition: Point;
  selectedWires: string[];
  selection: Selection;
  /** Bumped to ask the canvas to fit the view. */
  fitRequest: number;

  drag: WireDrag | null;
  /** The engine's verdicts on wires, for the project as it stands (cleared when it changes). */
  wireChecks: Record<string, WireCheck | undefined>;
  /** The last refused drop, marked on its ports, with both sides' WIT when its type is what
   * does not fit. */
  refused: { from: WireEnd; to: WireEnd; mismatch: Mismatch | null } | null;
};

export type CanvasActions = {
  onNodesChange: (changes: NodeChange<AppNode>[]) => void;
  onEdgesChange: (changes: EdgeChange[]) => void;
  selectPort: (node: string, port: string, direction: Direction) => void;
  clearSelection: () => void;
  deleteSelection: () => void;
  deleteWire: (from: WireEnd, to: WireEnd) => void;
  deleteNode: (node: string) => void;
  toggleExport: (node: string, port: string) => void;

  startWireDrag: (end: WireEnd, direction: Direction) => Promise<void>;
  endWireDrag: () => void;
  connect: (from: WireEnd, to: WireEnd) => Promise<boolean>;

  autoLayout: () => Promise<void>;
  requestFit: () => void;
};

/** A canvas position in whole units, as the project file keeps it. */
function rounded(p: Point): Point {
  return { x: Math.round(p.x), y: Math.round(p.y) };
}

function sameEnd(a: WireEnd, b: WireEnd): boolean {
  return a.node === b.node && a.port === b.port;
}

/** `project` without the nodes and stubs `doomed` names, and without what named those nodes:
 * their wires, exports and the stubs answering them. */
function withoutNodes(project: Project, doomed: ReadonlySet<string>): Project {
  return {
    ...project,
    nodes: project.nodes.filter((n) => !doomed.has(n.id)),
    wires: project.wires.filter((w) => !doomed.has(w.from.node) && !doomed.has(w.to.node)),
    stubs: project.stubs.filter((s) => !doomed.has(s.id) && !doomed.has(s.answers.node)),
    exports: project.exports.filter((e) => !doomed.has(e.node)),
  };
}

/** `items` (nodes or stubs) at the places `moved` gives them, each unmoved one kept as is. */
function placed<T extends { id: string; position: Point }>(
  items: T[],
  moved: ReadonlyMap<string, Point>,
): T[] {
  return items.map((item) => {
    const p = moved.get(item.id);
    return p && (p.x !== item.position.x || p.y !== item.position.y)
      ? { ...item, position: rounded(p) }
      : item;
  });
}

export function createCanvasSlice(set: Set, get: Get, deps: Deps): CanvasState & CanvasActions {
  const { commit, fail } = storeHelpers(set, get);

  /** Asks the engine about `proposals` not answered yet for the current project (those into a
   * stubbed import are refused here, as the engine would refuse to run them). */
  async function checkWires(proposals: { from: WireEnd; to: WireEnd }[]) {
    const { project, projectPath, wireChecks } = get();
    const fresh = proposals.filter((p) => !wireChecks[wireKey(p.from, p.to)]);
    const stubbed: typeof wireChecks = {};
    for (const p of fresh) {
      const refusal = stubRefusal(project, p.to);
      if (refusal) stubbed[wireKey(p.from, p.to)] = refusal;
    }
    if (Object.keys(stubbed).length > 0) set({ wireChecks: { ...wireChecks, ...stubbed } });
    const unknown = fresh.filter((p) => !stubbed[wireKey(p.from, p.to)]);
    if (unknown.length === 0) return;
    const verdicts = await deps.engine.checkWires(project, projectPath, unknown);
    // Answers for a project that changed meanwhile are stale: drop them.
    if (get().project !== project) return;
    const next = { ...get().wireChecks };
    unknown.forEach((p, i) => {
      const verdict = verdicts[i];
      if (verdict) next[wireKey(p.from, p.to)] = verdict;
    });
    set({ wireChecks: next });
  }

  return {
    nodes: [],
    hostPosition: { x: -480, y: 0 },
    selectedWires: [],
    selection: { kind: "none" },
    fitRequest: 0,
    drag: null,
    wireChecks: {},
    refused: null,

    onNodesChange(changes) {
      const nodes = applyNodeChanges(
        changes.filter((c) => c.type !== "remove"),
        get().nodes,
      );
      let selection = get().selection;
      for (const change of changes) {
        if (change.type === "select" && change.selected && change.id !== HOST_ID) {
          const stub = nodes.some((n) => n.id === change.id && n.type === "stub");
          selection = stub ? { kind: "stub", stub: change.id } : { kind: "node", node: change.id };
        }
      }
      const ended = changes.filter(
        (c): c is Extract<NodeChange<AppNode>, { type: "position" }> =>
          c.type === "position" && c.dragging === false,
      );
      if (ended.length === 0) {
        set({ nodes, selection });
        return;
      }
      // A drag ended: record the new positions in the project, as one undo step.
      const moved = new Map(nodes.map((n) => [n.id, n.position]));
      const { project } = get();
      const positions = placed(project.nodes, moved);
      const stubs = placed(project.stubs, moved);
      // The Host node's place is saved with the project too, once it was moved.
      const host = ended.some((c) => c.id === HOST_ID) ? moved.get(HOST_ID) : undefined;
      set({ nodes, selection });
      const changed =
        positions.some((n, i) => n !== project.nodes[i]) ||
        stubs.some((s, i) => s !== project.stubs[i]);
      if (host || changed) {
        commit(
          {
            ...project,
            nodes: positions,
            stubs,
            ...(host ? { "host-position": rounded(host) } : {}),
          },
          { compile: get().compile },
        );
      }
    },

    onEdgesChange(changes) {
      let selected = new Set(get().selectedWires);
      for (const change of changes) {
        if (change.type !== "select") continue;
        if (change.selected) selected.add(change.id);
        else selected.delete(change.id);
      }
      selected = new Set([...selected].filter((id) => id.startsWith("wire:")));
      set({ selectedWires: [...selected] });
    },

    selectPort(node, port, direction) {
      set({
        selection: { kind: "port", node, port, direction },
        sideTab: "inspector",
        panels: { ...get().panels, inspector: true },
      });
    },

    clearSelection() {
      set({
        selection: { kind: "none" },
        selectedWires: [],
        nodes: get().nodes.map((n) => (n.selected ? { ...n, selected: false } : n)),
      });
    },

    deleteSelection() {
      const { project, nodes, selectedWires } = get();
      const doomed = new Set(nodes.filter((n) => n.selected && n.type !== "host").map((n) => n.id));
      const wires = new Set(selectedWires);
      if (doomed.size === 0 && wires.size === 0) return;
      const rest = withoutNodes(project, doomed);
      commit(
        { ...rest, wires: rest.wires.filter((w) => !wires.has(wireEdgeId(w.from, w.to))) },
        { selectedWires: [], selection: { kind: "none" } },
      );
    },

    deleteWire(from, to) {
      const { project } = get();
      commit({
        ...project,
        wires: project.wires.filter((w) => !(sameEnd(w.from, from) && sameEnd(w.to, to))),
      });
    },

    deleteNode(node) {
      commit(withoutNodes(get().project, new Set([node])), { selection: { kind: "none" } });
    },

    toggleExport(node, port) {
      const { project } = get();
      const chosen = project.exports.some((e) => e.node === node && e.export === port);
      commit({
        ...project,
        exports: chosen
          ? project.exports.filter((e) => !(e.node === node && e.export === port))
          : [...project.exports, { node, export: port }],
      });
    },

    async startWireDrag(end, direction) {
      set({ drag: { end, direction }, refused: null });
      const { project, entries } = get();
      const proposals: { from: WireEnd; to: WireEnd }[] = [];
      for (const node of project.nodes) {
        if (node.id === end.node) continue;
        const info = entries[node.id]?.details?.info;
        if (!info) continue;
        const ports = direction === "export" ? info.imports : info.exports;
        for (const port of ports) {
          if (port.kind === "type") continue;
          const other = { node: node.id, port: port.name };
          proposals.push(
            direction === "export" ? { from: end, to: other } : { from: other, to: end },
          );
        }
      }
      try {
        await checkWires(proposals);
      } catch (error) {
        fail(toAppError(error));
      }
    },

    endWireDrag() {
      set({ drag: null });
    },

    async connect(from, to) {
      const key = wireKey(from, to);
      try {
        if (!get().wireChecks[key]) await checkWires([{ from, to }]);
      } catch (error) {
        fail(toAppError(error));
        return false;
      }
      const verdict = get().wireChecks[key];
      if (!verdict) return false;
      if (verdict.verdict === "refused") {
        set({ refused: { from, to, mismatch: verdict.mismatch } });
        get().showMessage("refusal", `Wire refused: ${verdict.reason}`);
        return false;
      }
      const { project } = get();
      commit(
        { ...project, wires: [...project.wires, { from, to }] },
        { message: null, drag: null },
      );
      return true;
    },

    async autoLayout() {
      const { nodes, project } = get();
      const boxes = nodes.map((n) => ({
        id: n.id,
        width: n.measured?.width ?? 360,
        height: n.measured?.height ?? 300,
      }));
      const links: Link[] = [
        ...project.wires.map((w) => ({ source: w.from.node, target: w.to.node })),
        ...project.stubs.map((s) => ({ source: s.id, target: s.answers.node })),
      ];
      for (const node of project.nodes) {
        const details = get().entries[node.id]?.details;
        if (details && openImports(project, node.id, details).length > 0) {
          links.push({ source: HOST_ID, target: node.id });
        }
      }
      let positions: Map<string, Point>;
      try {
        positions = await deps.layout(boxes, links);
      } catch (error) {
        get().showMessage("error", `Auto-layout failed: ${String(error)}`);
        return;
      }
      if (get().project !== project) return;
      const host = positions.get(HOST_ID);
      commit(
        {
          ...project,
          nodes: placed(project.nodes, positions),
          stubs: placed(project.stubs, positions),
          ...(host ? { "host-position": rounded(host) } : {}),
        },
        { compile: get().compile, fitRequest: get().fitRequest + 1 },
      );
    },

    requestFit() {
      set({ fitRequest: get().fitRequest + 1 });
    },
  };
}

/** The verdict cached for a wire, if the engine answered already. */
export function cachedVerdict(
  state: Pick<CanvasState, "wireChecks">,
  from: WireEnd,
  to: WireEnd,
): WireCheck | undefined {
  return state.wireChecks[wireKey(from, to)];
}
