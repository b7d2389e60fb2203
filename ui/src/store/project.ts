// The store's project and its history: starting, opening and saving it, adding components,
// edits as undo steps, and what the engine says about its component files.
import { NO_CALLS } from "../calls/model";
import { PROJECT_SCOPE } from "../capabilities/profile";
import type { Point } from "../graph/layout";
import { componentName, defaultHostPosition, freshNodeId, type NodeEntry } from "../graph/mapping";
import { counted } from "../text";
import { takenIds } from "../graph/stubs";
import type { FileDrop } from "../ipc";
import { toAppError } from "../ipc/errors";
import type { ComponentDetails } from "../ipc/bindings/ComponentDetails";
import type { HostInterface } from "../ipc/bindings/HostInterface";
import type { NodeLoad } from "../ipc/bindings/NodeLoad";
import type { Project } from "../ipc/bindings/Project";
import type { RegistrySource } from "../ipc/bindings/RegistrySource";
import type { SampleLibrary } from "../ipc/bindings/SampleLibrary";
import type { Deps } from "./index";
import { storeHelpers, type Get, type Set } from "./shared";

export type ProjectState = {
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
  /** The undo step that typing into the same field keeps extending. */
  lastEdit: string | null;
};

export type ProjectActions = {
  init: () => Promise<void>;
  newProject: (options?: { force?: boolean }) => Promise<void>;
  openProjectFile: (path: string) => Promise<boolean>;
  requestOpen: () => Promise<void>;
  save: () => Promise<boolean>;
  saveAs: () => Promise<boolean>;
  saveTo: (path: string) => Promise<boolean>;
  mayDiscard: (what: string) => Promise<boolean>;
  addComponents: (paths: string[], at?: Point) => Promise<void>;
  /** Adds a node named after `name` for the component at `path` that the engine has read, at
   * `position` (else right of everything), selected, as one undo step. */
  addLoadedComponent: (
    name: string,
    path: string,
    details: ComponentDetails,
    options?: { position?: Point; registry?: RegistrySource },
  ) => void;
  requestAddComponents: () => Promise<void>;
  dropFiles: (drop: FileDrop, at: Point) => Promise<void>;
  acceptChangedComponent: (node: string) => void;
  recheckComponents: () => Promise<void>;

  undo: () => void;
  redo: () => void;

  /** Replaces the project with `update(project)` as one undo step; edits with the same `coalesce`
   * key in a row (typing into one field) extend that step. */
  editProject: (update: (project: Project) => Project, coalesce?: string) => void;
};

/** The project's JSON, the measure of "unsaved changes". */
export function projectJson(project: Project): string {
  return JSON.stringify(project);
}

export function isDirty(state: Pick<ProjectState, "project" | "savedJson">): boolean {
  return projectJson(state.project) !== state.savedJson;
}

/** The window title: file name (or "Untitled"), a dot when dirty, and the app's name. */
export function windowTitle(state: Pick<ProjectState, "project" | "savedJson" | "projectPath">) {
  const file = state.projectPath?.split(/[\\/]/).pop() ?? "Untitled";
  return `${isDirty(state) ? "● " : ""}${file} — Plugboard`;
}

function emptyProject(): Project {
  // Replaced by the engine's own default as soon as the window starts (see `init`).
  return { format: 4, nodes: [], wires: [], stubs: [], exports: [], capabilities: {}, limits: {} };
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

/** Right of everything on the canvas, level with the top node. */
function nextFreePosition(project: Project): Point {
  if (project.nodes.length === 0) return { x: 0, y: 0 };
  const right = Math.max(...project.nodes.map((n) => n.position.x));
  const top = Math.min(...project.nodes.map((n) => n.position.y));
  return { x: right + 460, y: top };
}

export function createProjectSlice(set: Set, get: Get, deps: Deps): ProjectState & ProjectActions {
  const { rebuild, commit, fail, tracked } = storeHelpers(set, get);

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
        ...NO_CALLS,
        callFilter: { kind: "all" },
        invoke: null,
      }),
    );
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
    lastEdit: null,

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
      const file = path.split(/[\\/]/).pop() ?? path;
      try {
        const opened = await tracked(`Opening ${file}`, () => deps.engine.openProject(path));
        const entries: Record<string, NodeEntry> = {};
        for (const load of opened.nodes) entries[load.node] = entryOf(load);
        // A WAC document becomes a new project, and a project of the installed (read-only)
        // library a copy: Save asks where to keep either.
        const asNew = opened.fromWac || opened.copy;
        replaceProject(opened.project, asNew ? null : opened.path, entries);
        set({ background: {} });
        get().precompileNodes(
          opened.nodes
            .filter((n) => entries[n.node]?.details)
            .map((n) => ({ id: n.node, path: n.path })),
        );
        void get().lookInside();
        void get().checkRegistries();
        const problems = opened.nodes.filter((n) => entries[n.node]?.state !== "ok");
        if (problems.length > 0) {
          get().showMessage(
            "error",
            `${counted(problems.length, "component")} of this project could not be used as recorded: ${problems
              .map((p) => p.node)
              .join(", ")}. They are flagged on the canvas.`,
          );
        } else if (opened.fromWac) {
          get().showMessage(
            "info",
            `Read ${file} as a new project: ${counted(opened.project.nodes.length, "node")}, ${counted(opened.project.wires.length, "wire")}. Save it to keep it.`,
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
        const id = freshNodeId(name, Object.keys(get().entries).concat(takenIds(get().project)));
        let details: ComponentDetails;
        try {
          details = await tracked(`Loading ${name}.wasm`, () =>
            deps.engine.loadComponent(id, path),
          );
        } catch (error) {
          fail(toAppError(error));
          continue;
        }
        const position = at ? { x: at.x + index * 40, y: at.y + index * 40 } : undefined;
        get().addLoadedComponent(name, path, details, { position });
      }
    },

    addLoadedComponent(name, path, details, options = {}) {
      const { project, entries } = get();
      const nodeId = freshNodeId(name, takenIds(project));
      const { registry } = options;
      commit(
        {
          ...project,
          nodes: [
            ...project.nodes,
            {
              id: nodeId,
              component: path,
              sha256: details.info.sha256,
              position: options.position ?? nextFreePosition(project),
              ...(registry ? { registry } : {}),
            },
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
      void get().lookInside();
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
      if (changed && get().project === project) {
        set(rebuild({ entries }));
        void get().lookInside();
      }
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

    editProject(update, coalesce) {
      const { project } = get();
      const next = update(project);
      if (next !== project) commit(next, { compile: get().compile }, coalesce);
    },
  };
}
