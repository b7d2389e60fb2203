// The window's one store: the project being edited, what the engine said about it, the canvas,
// the selection, undo history and messages. Only actions here talk to the engine (through the
// `Deps` given to `createAppStore`, which is `ui/src/ipc` in the app and fakes in unit tests).
import { applyNodeChanges, type EdgeChange, type NodeChange } from "@xyflow/react";
import { useStore } from "zustand";
import { createStore, type StoreApi } from "zustand/vanilla";

import {
  PROJECT_SCOPE,
  freeGuestPath,
  grants,
  scopeProfile,
  withProfile,
  type GrantScope,
} from "./capabilities/profile";
import type { AppError, FileDrop } from "./ipc";
import { toAppError } from "./ipc/errors";
import type { CapabilityToggle } from "./ipc/bindings/CapabilityToggle";
import type { ComponentDetails } from "./ipc/bindings/ComponentDetails";
import type { HostInterface } from "./ipc/bindings/HostInterface";
import type { NodeLoad } from "./ipc/bindings/NodeLoad";
import type { Project } from "./ipc/bindings/Project";
import type { SampleLibrary } from "./ipc/bindings/SampleLibrary";
import type { WireCheck } from "./ipc/bindings/WireCheck";
import type { WireEnd } from "./ipc/bindings/WireEnd";
import type { engine as realEngine, dialogs as realDialogs } from "./ipc";
import type { Box, Link, Point } from "./graph/layout";
import {
  componentName,
  defaultHostPosition,
  freshNodeId,
  syncFlowNodes,
  type CanvasInput,
  type NodeEntry,
} from "./graph/mapping";
import { HOST_ID, wireEdgeId, wireKey, type AppNode, type Direction } from "./graph/model";
import type { OutputSink } from "./output/sink";
import { createRunSlice, type RunActions, type RunState } from "./run/slice";

/** What the store needs from the outside world. */
export type Deps = {
  engine: typeof realEngine;
  dialogs: typeof realDialogs;
  layout: (boxes: Box[], links: Link[]) => Promise<Map<string, Point>>;
  /** Where run output is shown (the output pane's terminal). */
  output: Pick<OutputSink, "clear" | "write" | "note">;
};

/** The tabs of the right-hand panel. */
export type SideTab = "inspector" | "capabilities" | "invoke";

export type MessageKind = "error" | "refusal" | "info";
export type Message = { id: number; kind: MessageKind; text: string };

export type Selection =
  | { kind: "none" }
  | { kind: "node"; node: string }
  | { kind: "port"; node: string; port: string; direction: Direction };

export type CompileState =
  | { state: "idle" }
  | { state: "running" }
  | { state: "done"; result: ComponentDetails }
  | { state: "failed"; error: AppError };

/** A wire being dragged from one port. */
export type WireDrag = { end: WireEnd; direction: Direction };

export type AppState = {
  hostInterfaces: HostInterface[];
  library: SampleLibrary | null;
  libraryError: string | null;

  project: Project;
  /** The file the project was opened from or last saved to. */
  projectPath: string | null;
  /** The project as last opened or saved, as JSON: the project is dirty when it differs. */
  savedJson: string;
  entries: Record<string, NodeEntry | undefined>;
  past: Project[];
  future: Project[];

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
  /** The last refused drop, marked on its ports. */
  refused: { from: WireEnd; to: WireEnd } | null;

  compile: CompileState;
  message: Message | null;
  loading: { id: number; label: string }[];
  helpOpen: boolean;
  fileHover: boolean;
  /** Which side panels are shown (hide them to give a projector the whole width). */
  panels: { library: boolean; inspector: boolean; dock: boolean };
  sideTab: SideTab;
  /** Whose grants the capabilities panel edits. */
  grantScope: GrantScope;
  /** The section of the capabilities panel to bring into view (bumped to scroll again). */
  grantFocus: { section: CapabilityToggle | "limits"; request: number } | null;
  /** The opened project's description (what it shows, what to toggle) is shown. */
  descriptionOpen: boolean;
  /** The undo step that typing into the same field keeps extending. */
  lastEdit: string | null;
};

export type AppActions = {
  init: () => Promise<void>;
  newProject: (options?: { force?: boolean }) => Promise<void>;
  openProjectFile: (path: string) => Promise<boolean>;
  requestOpen: () => Promise<void>;
  save: () => Promise<boolean>;
  saveAs: () => Promise<boolean>;
  saveTo: (path: string) => Promise<boolean>;
  mayDiscard: (what: string) => Promise<boolean>;
  addComponents: (paths: string[], at?: Point) => Promise<void>;
  requestAddComponents: () => Promise<void>;
  dropFiles: (drop: FileDrop, at: Point) => Promise<void>;
  acceptChangedComponent: (node: string) => void;
  recheckComponents: () => Promise<void>;

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

  undo: () => void;
  redo: () => void;
  autoLayout: () => Promise<void>;
  requestFit: () => void;

  compileProject: () => Promise<boolean>;
  closeCompileResult: () => void;
  saveComposition: (path?: string) => Promise<boolean>;
  exportWac: (path?: string) => Promise<boolean>;

  showMessage: (kind: MessageKind, text: string) => void;
  dismissMessage: () => void;
  setHelpOpen: (open: boolean) => void;
  setFileHover: (over: boolean) => void;
  togglePanel: (panel: "library" | "inspector" | "dock") => void;

  /** Replaces the project with `update(project)` as one undo step; edits with the same `coalesce`
   * key in a row (typing into one field) extend that step. */
  editProject: (update: (project: Project) => Project, coalesce?: string) => void;
  setSideTab: (tab: SideTab) => void;
  /** Shows the capabilities panel for `scope`, at `section` if given. */
  openGrants: (scope: GrantScope, section?: CapabilityToggle | "limits") => void;
  /** Flips a toggle that needs no value (network, name lookup, HTTP) in `scope`'s grants. */
  toggleCapability: (scope: GrantScope, toggle: CapabilityToggle) => void;
  /** Grants the host folder `host` to `scope`, read-only, at the next free guest path. */
  addDir: (scope: GrantScope, host: string) => void;
  requestAddDir: (scope: GrantScope) => Promise<void>;
  /** Feeds the host file `path` to stdin in `scope`'s grants. */
  setStdinFile: (scope: GrantScope, path: string) => void;
  requestStdinFile: (scope: GrantScope) => Promise<void>;
  dismissDescription: () => void;
};

export type AppStore = AppState & AppActions & RunState & RunActions;

/** The project's JSON, the measure of "unsaved changes". */
export function projectJson(project: Project): string {
  return JSON.stringify(project);
}

export function isDirty(state: Pick<AppState, "project" | "savedJson">): boolean {
  return projectJson(state.project) !== state.savedJson;
}

/** The window title: file name (or "Untitled"), a dot when dirty, and the app's name. */
export function windowTitle(state: Pick<AppState, "project" | "savedJson" | "projectPath">) {
  const file = state.projectPath?.split(/[\\/]/).pop() ?? "Untitled";
  return `${isDirty(state) ? "● " : ""}${file} — Plugboard`;
}

function emptyProject(): Project {
  // Replaced by the engine's own default as soon as the window starts (see `init`).
  return {
    format: 1,
    nodes: [],
    wires: [],
    exports: [],
    capabilities: {
      env: [],
      "inherit-env": false,
      args: [],
      stdin: { kind: "none" },
      dirs: [],
      "inherit-network": false,
      "allow-ip-name-lookup": false,
      http: { allowed: false, hosts: [] },
    },
    limits: { "timeout-ms": null, "max-memory-bytes": null, fuel: null },
  };
}

function entryOf(load: NodeLoad): NodeEntry {
  const { status, details, error } = load;
  if (status.state === "missing") {
    return {
      state: "missing",
      details: null,
      problem: `Component file not found: ${load.path} (${status.reason})`,
      actualSha256: null,
    };
  }
  if (error) return { state: "error", details: null, problem: error.message, actualSha256: null };
  if (status.state === "changed") {
    return {
      state: "changed",
      details,
      problem: `The component file changed since the project recorded it (sha256 ${status.expected.slice(0, 12)}… → ${status.actual.slice(0, 12)}…)`,
      actualSha256: status.actual,
    };
  }
  return { state: "ok", details, problem: null, actualSha256: null };
}

/** A canvas position in whole units, as the project file keeps it. */
function rounded(p: Point): Point {
  return { x: Math.round(p.x), y: Math.round(p.y) };
}

function sameEnd(a: WireEnd, b: WireEnd): boolean {
  return a.node === b.node && a.port === b.port;
}

let nextId = 1;

export function createAppStore(deps: Deps): StoreApi<AppStore> {
  return createStore<AppStore>()((set, get) => {
    /** The canvas's nodes for the state after `patch`. */
    function rebuild(patch: Partial<AppStore>): Partial<AppStore> {
      const state = { ...get(), ...patch };
      const input: CanvasInput = {
        project: state.project,
        entries: state.entries,
        hostInterfaces: state.hostInterfaces,
        compileError: state.compile.state === "failed" ? state.compile.error : null,
      };
      const host = state.project.hostPosition ?? state.hostPosition;
      return { ...patch, nodes: syncFlowNodes(state.nodes, input, host) };
    }

    /** Replaces the project with an edited one, as one undo step (or, with the same `coalesce`
     * key as the step before, as part of that step). */
    function commit(project: Project, extra: Partial<AppStore> = {}, coalesce?: string) {
      const { project: before, past, lastEdit } = get();
      const extend = coalesce !== undefined && coalesce === lastEdit && past.length > 0;
      set(
        rebuild({
          project,
          past: extend ? past : [...past, before].slice(-200),
          future: [],
          wireChecks: {},
          refused: null,
          compile: { state: "idle" },
          lastEdit: coalesce ?? null,
          ...extra,
        }),
      );
    }

    /** Starts afresh with `project` loaded from `path` (or a new one). */
    function replaceProject(
      project: Project,
      projectPath: string | null,
      entries: Record<string, NodeEntry | undefined>,
    ) {
      set(
        rebuild({
          project,
          projectPath,
          savedJson: projectJson(project),
          entries,
          past: [],
          future: [],
          nodes: [],
          hostPosition: defaultHostPosition(project),
          selectedWires: [],
          selection: { kind: "none" },
          drag: null,
          wireChecks: {},
          refused: null,
          compile: { state: "idle" },
          fitRequest: get().fitRequest + 1,
          grantScope: PROJECT_SCOPE,
          descriptionOpen: Boolean(project.description),
          lastEdit: null,
          wireProblems: {},
          reload: null,
          // What the last project's runs did says nothing about this one.
          capabilityLog: [],
          requestLog: [],
          invoke: null,
        }),
      );
    }

    function fail(error: AppError) {
      get().showMessage("error", error.message);
    }

    async function tracked<T>(label: string, work: () => Promise<T>): Promise<T> {
      const id = nextId++;
      set({ loading: [...get().loading, { id, label }] });
      try {
        return await work();
      } finally {
        set({ loading: get().loading.filter((l) => l.id !== id) });
      }
    }

    /** Asks the engine about `proposals` not answered yet for the current project. */
    async function checkWires(proposals: { from: WireEnd; to: WireEnd }[]) {
      const { project, projectPath, wireChecks } = get();
      const unknown = proposals.filter((p) => !wireChecks[wireKey(p.from, p.to)]);
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
      hostInterfaces: [],
      library: null,
      libraryError: null,
      project: emptyProject(),
      projectPath: null,
      savedJson: projectJson(emptyProject()),
      entries: {},
      past: [],
      future: [],
      nodes: [],
      hostPosition: { x: -480, y: 0 },
      selectedWires: [],
      selection: { kind: "none" },
      fitRequest: 0,
      drag: null,
      wireChecks: {},
      refused: null,
      compile: { state: "idle" },
      message: null,
      loading: [],
      helpOpen: false,
      fileHover: false,
      panels: { library: true, inspector: true, dock: true },
      sideTab: "inspector",
      grantScope: PROJECT_SCOPE,
      grantFocus: null,
      descriptionOpen: false,
      lastEdit: null,
      ...createRunSlice(set, get, deps),

      async init() {
        try {
          const startup = await deps.engine.startup();
          set({ hostInterfaces: startup.hostInterfaces });
          const project = await deps.engine.newProject();
          replaceProject(project, null, {});
          const opening = startup.project ? get().openProjectFile(startup.project) : null;
          try {
            set({ library: await deps.engine.library(), libraryError: null });
          } catch (error) {
            set({ libraryError: toAppError(error).message });
          }
          await opening;
        } catch (error) {
          fail(toAppError(error));
        }
      },

      async mayDiscard(what) {
        if (!isDirty(get())) return true;
        return deps.dialogs.confirmDiscard(what);
      },

      async newProject(options) {
        if (!options?.force && !(await get().mayDiscard("Start a new project?"))) return;
        try {
          replaceProject(await deps.engine.newProject(), null, {});
        } catch (error) {
          fail(toAppError(error));
        }
      },

      async openProjectFile(path) {
        try {
          const opened = await tracked(`Opening ${path.split(/[\\/]/).pop() ?? path}`, () =>
            deps.engine.openProject(path),
          );
          const entries: Record<string, NodeEntry> = {};
          for (const load of opened.nodes) entries[load.node] = entryOf(load);
          replaceProject(opened.project, opened.path, entries);
          set({ background: {} });
          get().precompileNodes(
            opened.nodes
              .filter((n) => entries[n.node]?.details)
              .map((n) => ({ id: n.node, path: n.path })),
          );
          const problems = opened.nodes.filter((n) => entries[n.node]?.state !== "ok");
          if (problems.length > 0) {
            get().showMessage(
              "error",
              `${problems.length} component${problems.length > 1 ? "s" : ""} of this project could not be used as recorded: ${problems
                .map((p) => p.node)
                .join(", ")}. They are flagged on the canvas.`,
            );
          } else {
            set({ message: null });
          }
          return true;
        } catch (error) {
          fail(toAppError(error));
          return false;
        }
      },

      async requestOpen() {
        if (!(await get().mayDiscard("Open another project?"))) return;
        const path = await deps.dialogs.pickProject();
        if (path) await get().openProjectFile(path);
      },

      async save() {
        const { projectPath } = get();
        return projectPath ? get().saveTo(projectPath) : get().saveAs();
      },

      async saveAs() {
        const path = await deps.dialogs.pickProjectDestination(
          get().projectPath ?? "untitled.plugboard.json",
        );
        if (!path) return false;
        // A name typed without an extension still becomes a project file.
        return get().saveTo(/\.json$/i.test(path) ? path : `${path}.plugboard.json`);
      },

      async saveTo(path) {
        const { project, projectPath } = get();
        try {
          const saved = await deps.engine.saveProject(project, projectPath, path);
          // Edits made while saving stay unsaved; otherwise adopt the engine's copy.
          const edited = get().project !== project;
          set(
            rebuild({
              projectPath: saved.path,
              savedJson: projectJson(saved.project),
              ...(edited ? {} : { project: saved.project }),
            }),
          );
          get().showMessage("info", `Saved ${saved.path}`);
          return true;
        } catch (error) {
          fail(toAppError(error));
          return false;
        }
      },

      async addComponents(paths, at) {
        for (const [index, path] of paths.entries()) {
          const name = componentName(path);
          const id = freshNodeId(
            name,
            Object.keys(get().entries).concat(get().project.nodes.map((n) => n.id)),
          );
          let details: ComponentDetails;
          try {
            details = await tracked(`Loading ${name}.wasm`, () =>
              deps.engine.loadComponent(id, path),
            );
          } catch (error) {
            fail(toAppError(error));
            continue;
          }
          const { project, entries } = get();
          const nodeId = freshNodeId(
            name,
            project.nodes.map((n) => n.id),
          );
          const position = at
            ? { x: at.x + index * 40, y: at.y + index * 40 }
            : nextFreePosition(project);
          commit(
            {
              ...project,
              nodes: [
                ...project.nodes,
                { id: nodeId, component: path, sha256: details.info.sha256, position },
              ],
            },
            {
              entries: {
                ...entries,
                [nodeId]: { state: "ok", details, problem: null, actualSha256: null },
              },
              selection: { kind: "node", node: nodeId },
              message: null,
              fitRequest: get().fitRequest + 1,
            },
          );
          get().precompileNodes([{ id: nodeId, path }]);
        }
      },

      async requestAddComponents() {
        const paths = await deps.dialogs.pickComponents();
        if (paths.length > 0) await get().addComponents(paths);
      },

      async dropFiles(drop, at) {
        const projectFile = drop.paths.find((p) => p.endsWith(".plugboard.json"));
        if (projectFile) {
          if (await get().mayDiscard("Open the dropped project?")) {
            await get().openProjectFile(projectFile);
          }
          return;
        }
        await get().addComponents(drop.paths, at);
      },

      acceptChangedComponent(node) {
        const { project, entries } = get();
        const entry = entries[node];
        if (entry?.state !== "changed" || !entry.actualSha256) return;
        const sha256 = entry.actualSha256;
        commit(
          {
            ...project,
            nodes: project.nodes.map((n) => (n.id === node ? { ...n, sha256 } : n)),
          },
          {
            entries: {
              ...entries,
              [node]: { ...entry, state: "ok", problem: null, actualSha256: null },
            },
          },
        );
      },

      async recheckComponents() {
        const { project, projectPath } = get();
        if (project.nodes.length === 0) return;
        let loads: NodeLoad[];
        try {
          loads = await deps.engine.checkProject(project, projectPath);
        } catch {
          return; // Not worth a message: the next compile reports the same problem.
        }
        const entries = { ...get().entries };
        let changed = false;
        for (const load of loads) {
          const next = entryOf(load);
          const before = entries[load.node];
          // A file rebuilt in place (hot reload) keeps its state but not its ports.
          const rebuilt = before?.details?.info.sha256 !== next.details?.info.sha256;
          if (before?.state !== next.state || before.problem !== next.problem || rebuilt) {
            entries[load.node] = next;
            changed = true;
          }
        }
        if (changed && get().project === project) set(rebuild({ entries }));
      },

      onNodesChange(changes) {
        const nodes = applyNodeChanges(
          changes.filter((c) => c.type !== "remove"),
          get().nodes,
        );
        let selection = get().selection;
        for (const change of changes) {
          if (change.type === "select" && change.selected && change.id !== HOST_ID) {
            selection = { kind: "node", node: change.id };
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
        const positions = project.nodes.map((n) => {
          const p = moved.get(n.id);
          return p && (p.x !== n.position.x || p.y !== n.position.y)
            ? { ...n, position: rounded(p) }
            : n;
        });
        // The Host node's place is saved with the project too, once it was moved.
        const host = ended.some((c) => c.id === HOST_ID) ? moved.get(HOST_ID) : undefined;
        set({ nodes, selection });
        if (host || positions.some((n, i) => n !== project.nodes[i])) {
          commit(
            {
              ...project,
              nodes: positions,
              ...(host ? { hostPosition: rounded(host) } : {}),
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
        const doomed = new Set(
          nodes.filter((n) => n.selected && n.type === "component").map((n) => n.id),
        );
        const wires = new Set(selectedWires);
        if (doomed.size === 0 && wires.size === 0) return;
        commit(
          {
            ...project,
            nodes: project.nodes.filter((n) => !doomed.has(n.id)),
            wires: project.wires.filter(
              (w) =>
                !doomed.has(w.from.node) &&
                !doomed.has(w.to.node) &&
                !wires.has(wireEdgeId(w.from, w.to)),
            ),
            exports: project.exports.filter((e) => !doomed.has(e.node)),
          },
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
        const { project } = get();
        commit(
          {
            ...project,
            nodes: project.nodes.filter((n) => n.id !== node),
            wires: project.wires.filter((w) => w.from.node !== node && w.to.node !== node),
            exports: project.exports.filter((e) => e.node !== node),
          },
          { selection: { kind: "none" } },
        );
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
          set({ refused: { from, to } });
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

      undo() {
        const { past, project, future } = get();
        const previous = past[past.length - 1];
        if (!previous) return;
        set(
          rebuild({
            project: previous,
            past: past.slice(0, -1),
            future: [project, ...future],
            wireChecks: {},
            refused: null,
            selectedWires: [],
            compile: { state: "idle" },
          }),
        );
      },

      redo() {
        const { past, project, future } = get();
        const next = future[0];
        if (!next) return;
        set(
          rebuild({
            project: next,
            past: [...past, project],
            future: future.slice(1),
            wireChecks: {},
            refused: null,
            selectedWires: [],
            compile: { state: "idle" },
          }),
        );
      },

      async autoLayout() {
        const { nodes, project } = get();
        const boxes = nodes.map((n) => ({
          id: n.id,
          width: n.measured?.width ?? 360,
          height: n.measured?.height ?? 300,
        }));
        const links: Link[] = project.wires.map((w) => ({
          source: w.from.node,
          target: w.to.node,
        }));
        for (const node of project.nodes) {
          const details = get().entries[node.id]?.details;
          const wired = new Set(
            project.wires.filter((w) => w.to.node === node.id).map((w) => w.to.port),
          );
          if (details?.info.imports.some((p) => p.kind !== "type" && !wired.has(p.name))) {
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
            nodes: project.nodes.map((n) => {
              const p = positions.get(n.id);
              return p ? { ...n, position: rounded(p) } : n;
            }),
            ...(host ? { hostPosition: rounded(host) } : {}),
          },
          { compile: get().compile, fitRequest: get().fitRequest + 1 },
        );
      },

      requestFit() {
        set({ fitRequest: get().fitRequest + 1 });
      },

      async compileProject() {
        const { project, projectPath } = get();
        set({ compile: { state: "running" } });
        try {
          const result = await deps.engine.compile(project, projectPath);
          if (get().project === project)
            set(rebuild({ compile: { state: "done", result }, message: null }));
          return true;
        } catch (error) {
          const appError = toAppError(error);
          if (get().project === project)
            set(rebuild({ compile: { state: "failed", error: appError } }));
          get().showMessage("error", `Compile failed: ${appError.message}`);
          return false;
        }
      },

      closeCompileResult() {
        if (get().compile.state === "done") set({ compile: { state: "idle" } });
      },

      async saveComposition(path) {
        const target = path ?? (await deps.dialogs.pickComponentDestination());
        if (!target) return false;
        const { project, projectPath } = get();
        try {
          await deps.engine.saveComposition(project, projectPath, target);
          get().showMessage("info", `Saved the composed component to ${target}`);
          return true;
        } catch (error) {
          fail(toAppError(error));
          return false;
        }
      },

      async exportWac(path) {
        const target = path ?? (await deps.dialogs.pickWacDestination());
        if (!target) return false;
        const { project, projectPath } = get();
        try {
          await deps.engine.exportWac(project, projectPath, target);
          get().showMessage("info", `Exported the composition as WAC to ${target}`);
          return true;
        } catch (error) {
          fail(toAppError(error));
          return false;
        }
      },

      showMessage(kind, text) {
        set({ message: { id: nextId++, kind, text } });
      },

      dismissMessage() {
        set({ message: null, refused: null });
      },

      setHelpOpen(open) {
        set({ helpOpen: open });
      },

      setFileHover(over) {
        set({ fileHover: over });
      },

      togglePanel(panel) {
        const { panels } = get();
        set({ panels: { ...panels, [panel]: !panels[panel] }, fitRequest: get().fitRequest + 1 });
      },

      editProject(update, coalesce) {
        const { project } = get();
        const next = update(project);
        if (next !== project) commit(next, { compile: get().compile }, coalesce);
      },

      setSideTab(tab) {
        set({ sideTab: tab, panels: { ...get().panels, inspector: true } });
      },

      openGrants(scope, section) {
        const focus = section
          ? { section, request: (get().grantFocus?.request ?? 0) + 1 }
          : get().grantFocus;
        set({
          grantScope: scope,
          sideTab: "capabilities",
          panels: { ...get().panels, inspector: true },
          grantFocus: focus,
        });
      },

      toggleCapability(scope, toggle) {
        const { project } = get();
        const profile = scopeProfile(project, scope);
        const on = !grants(profile, toggle);
        switch (toggle) {
          case "inherit-network":
            commit(withProfile(project, scope, { ...profile, "inherit-network": on }));
            return;
          case "allow-ip-name-lookup":
            commit(withProfile(project, scope, { ...profile, "allow-ip-name-lookup": on }));
            return;
          case "http":
            commit(
              withProfile(project, scope, { ...profile, http: { ...profile.http, allowed: on } }),
            );
            return;
          default:
            // These need values (which folder, which variables): edit them in the panel.
            get().openGrants(scope, toggle);
        }
      },

      addDir(scope, host) {
        const { project } = get();
        const profile = scopeProfile(project, scope);
        const dir = { host, guest: freeGuestPath(profile), "read-only": true };
        commit(withProfile(project, scope, { ...profile, dirs: [...profile.dirs, dir] }));
      },

      async requestAddDir(scope) {
        const host = await deps.dialogs.pickFolder();
        if (host) get().addDir(scope, host);
      },

      setStdinFile(scope, path) {
        const { project } = get();
        const profile = scopeProfile(project, scope);
        commit(withProfile(project, scope, { ...profile, stdin: { kind: "file", path } }));
      },

      async requestStdinFile(scope) {
        const path = await deps.dialogs.pickStdinFile();
        if (path) get().setStdinFile(scope, path);
      },

      dismissDescription() {
        set({ descriptionOpen: false });
      },
    };
  });
}

/** Right of everything on the canvas, level with the top node. */
function nextFreePosition(project: Project): Point {
  if (project.nodes.length === 0) return { x: 0, y: 0 };
  const right = Math.max(...project.nodes.map((n) => n.position.x));
  const top = Math.min(...project.nodes.map((n) => n.position.y));
  return { x: right + 460, y: top };
}

/** The verdict cached for a wire, if the engine answered already. */
export function cachedVerdict(
  state: Pick<AppState, "wireChecks">,
  from: WireEnd,
  to: WireEnd,
): WireCheck | undefined {
  return state.wireChecks[wireKey(from, to)];
}

let appStore: StoreApi<AppStore> | null = null;

/** Installs the app's store (done once by main.tsx with the real IPC). */
export function installStore(store: StoreApi<AppStore>): void {
  appStore = store;
}

export function getAppStore(): StoreApi<AppStore> {
  if (!appStore) throw new Error("the store is not installed yet");
  return appStore;
}

/** Reads the app's store with a selector (use `useShallow` for objects and arrays). */
export function useApp<T>(selector: (state: AppStore) => T): T {
  return useStore(getAppStore(), selector);
}
