// The one door between the window and the app: every command, dialog and window event goes
// through here, so the store never touches Tauri directly (and tests can replace this module).
import { Channel, invoke } from "@tauri-apps/api/core";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { getCurrentWindow } from "@tauri-apps/api/window";
import { ask, open, save } from "@tauri-apps/plugin-dialog";

import type { AppError } from "./bindings/AppError";
import { EngineError, toAppError } from "./errors";
import type { ComponentDetails } from "./bindings/ComponentDetails";
import type { ComponentInfo } from "./bindings/ComponentInfo";
import type { ComponentReload } from "./bindings/ComponentReload";
import type { FilesChanged } from "./bindings/FilesChanged";
import type { GrantReview } from "./bindings/GrantReview";
import type { InvokeRequest } from "./bindings/InvokeRequest";
import type { InvokeStarted } from "./bindings/InvokeStarted";
import type { NodeLoad } from "./bindings/NodeLoad";
import type { OpenedProject } from "./bindings/OpenedProject";
import type { Project } from "./bindings/Project";
import type { RunEvent } from "./bindings/RunEvent";
import type { RunId } from "./bindings/RunId";
import type { RunMode } from "./bindings/RunMode";
import type { SampleLibrary } from "./bindings/SampleLibrary";
import type { SavedProject } from "./bindings/SavedProject";
import type { Startup } from "./bindings/Startup";
import type { TestRequest } from "./bindings/TestRequest";
import type { TestResponse } from "./bindings/TestResponse";
import type { Wire } from "./bindings/Wire";
import type { WireCheck } from "./bindings/WireCheck";

export type { AppError };
export { EngineError, toAppError } from "./errors";

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    throw new EngineError(toAppError(error));
  }
}

/** A channel whose messages go to `listener`, in order. */
function channel<T>(listener: (message: T) => void): Channel<T> {
  const events = new Channel<T>();
  events.onmessage = listener;
  return events;
}

/** Receives a run's events, in order, ending with one terminal event. */
export type RunListener = (event: RunEvent) => void;

/** The engine's commands (src-tauri/src/commands). Each rejects with an AppError. */
export const engine = {
  startup: () => call<Startup>("startup"),
  library: () => call<SampleLibrary>("library"),
  newProject: () => call<Project>("new_project"),
  loadComponent: (node: string, path: string) =>
    call<ComponentDetails>("load_component", { node, path }),
  openProject: (path: string) => call<OpenedProject>("open_project", { path }),
  checkProject: (project: Project, projectPath: string | null) =>
    call<NodeLoad[]>("check_project", { project, projectPath }),
  saveProject: (project: Project, projectPath: string | null, path: string) =>
    call<SavedProject>("save_project", { project, projectPath, path }),
  checkWires: (project: Project, projectPath: string | null, proposals: Wire[]) =>
    call<WireCheck[]>("check_wires", { project, projectPath, proposals }),
  compile: (project: Project, projectPath: string | null) =>
    call<ComponentDetails>("compile", { project, projectPath }),
  saveComposition: (project: Project, projectPath: string | null, path: string) =>
    call<ComponentDetails>("save_composition", { project, projectPath, path }),
  exportWac: (project: Project, projectPath: string | null, path: string) =>
    call<null>("export_wac", { project, projectPath, path }),
  runProject: (project: Project, projectPath: string | null, mode: RunMode, on: RunListener) =>
    call<RunId>("run_project", { project, projectPath, mode, events: channel(on) }),
  serveProject: (
    project: Project,
    projectPath: string | null,
    mode: RunMode,
    address: string | null,
    on: RunListener,
  ) => call<RunId>("serve_project", { project, projectPath, mode, address, events: channel(on) }),
  invokeFunction: (
    project: Project,
    projectPath: string | null,
    mode: RunMode,
    request: InvokeRequest,
    on: RunListener,
  ) =>
    call<InvokeStarted>("invoke_function", {
      project,
      projectPath,
      mode,
      request,
      events: channel(on),
    }),
  reviewGrants: (project: Project, projectPath: string | null) =>
    call<GrantReview>("review_grants", { project, projectPath }),
  acceptGrants: (project: Project, projectPath: string | null) =>
    call<null>("accept_grants", { project, projectPath }),
  acceptGrantEdit: (before: Project, after: Project, projectPath: string | null) =>
    call<null>("accept_grant_edit", { before, after, projectPath }),
  checkHttpHost: (entry: string) => call<null>("check_http_host", { entry }),
  stopRun: (id: RunId) => call<null>("stop_run", { id }),
  swapServedProject: (id: RunId, project: Project, projectPath: string | null, mode: RunMode) =>
    call<null>("swap_served_project", { id, project, projectPath, mode }),
  precompile: (node: string, path: string, on: RunListener) =>
    call<RunId>("precompile", { node, path, events: channel(on) }),
  sendRequest: (request: TestRequest) => call<TestResponse>("send_request", { request }),
  watchComponents: (paths: string[], onChange: (changed: FilesChanged) => void) =>
    call<null>("watch_components", { paths, events: channel(onChange) }),
  reloadComponent: (
    project: Project,
    projectPath: string | null,
    node: string,
    before: ComponentInfo | null,
  ) => call<ComponentReload>("reload_component", { project, projectPath, node, before }),
};

const PROJECT_FILTER = { name: "Plugboard project", extensions: ["json"] };

/** Native dialogs: they only pick paths; the store's actions do the work. */
export const dialogs = {
  async pickComponents(): Promise<string[]> {
    const picked = await open({
      title: "Add components",
      multiple: true,
      filters: [{ name: "WebAssembly component", extensions: ["wasm"] }],
    });
    return picked ?? [];
  },
  pickProject: () => open({ title: "Open project", multiple: false, filters: [PROJECT_FILTER] }),
  pickProjectDestination: (defaultPath?: string) =>
    save({ title: "Save project as", defaultPath, filters: [PROJECT_FILTER] }),
  pickComponentDestination: () =>
    save({
      title: "Save composed component",
      defaultPath: "composition.wasm",
      filters: [{ name: "WebAssembly component", extensions: ["wasm"] }],
    }),
  pickWacDestination: () =>
    save({
      title: "Export as WAC",
      defaultPath: "composition.wac",
      filters: [{ name: "WAC document", extensions: ["wac"] }],
    }),
  async pickStdinFile(): Promise<string | null> {
    const picked = await open({ title: "Feed a file to stdin", directory: false, multiple: false });
    return picked ?? null;
  },
  async pickFolder(): Promise<string | null> {
    const picked = await open({ title: "Grant a folder", directory: true, multiple: false });
    return picked ?? null;
  },
  confirmDiscard: (what: string) =>
    ask(`${what}\n\nYour unsaved changes will be lost.`, {
      title: "Unsaved changes",
      kind: "warning",
      okLabel: "Discard changes",
      cancelLabel: "Cancel",
    }),
};

/** A file dropped from the file manager, at a position in CSS pixels of the page. */
export interface FileDrop {
  paths: string[];
  x: number;
  y: number;
}

/** Window-wide events and settings. */
export const appWindow = {
  setTitle(title: string): void {
    document.title = title;
    void getCurrentWindow()
      .setTitle(title)
      .catch(() => undefined);
  },
  /** Calls `onDrop` for files dropped on the window; returns the unsubscribe function. */
  async onFileDrop(onDrop: (drop: FileDrop) => void, onHover: (over: boolean) => void) {
    return getCurrentWebview().onDragDropEvent((event) => {
      const payload = event.payload;
      if (payload.type === "drop") {
        onHover(false);
        const scale = window.devicePixelRatio || 1;
        onDrop({
          paths: payload.paths,
          x: payload.position.x / scale,
          y: payload.position.y / scale,
        });
      } else if (payload.type === "enter" || payload.type === "over") {
        onHover(true);
      } else {
        onHover(false);
      }
    });
  },
  /** Asks `mayClose` before the window closes; the window stays open when it answers false. */
  async onCloseRequested(mayClose: () => Promise<boolean>) {
    return getCurrentWindow().onCloseRequested(async (event) => {
      if (!(await mayClose())) event.preventDefault();
    });
  },
};
