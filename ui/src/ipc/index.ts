// The one door between the window and the app: every command, dialog and window event goes
// through here, so the store never touches Tauri directly (and tests can replace this module).
import { Channel, invoke } from "@tauri-apps/api/core";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { getCurrentWindow } from "@tauri-apps/api/window";
import { ask, open, save } from "@tauri-apps/plugin-dialog";

import type { AppError } from "./bindings/AppError";
import { commands, type Invoke } from "./bindings/commands";
import { EngineError, toAppError } from "./errors";
import type { FilesChanged } from "./bindings/FilesChanged";
import type { InvokeRequest } from "./bindings/InvokeRequest";
import type { Project } from "./bindings/Project";
import type { RunEvent } from "./bindings/RunEvent";
import type { RunMode } from "./bindings/RunMode";

export type { AppError };
export { EngineError, toAppError } from "./errors";

/** Tauri's `invoke`, its rejections turned into `EngineError`s (an `AppError` inside). */
const call: Invoke = async <T>(command: string, args?: Record<string, unknown>) => {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    throw new EngineError(toAppError(error));
  }
};

/** A channel whose messages go to `listener`, in order. */
function channel<T>(listener: (message: T) => void): Channel<T> {
  const events = new Channel<T>();
  events.onmessage = listener;
  return events;
}

/** Receives a run's events, in order, ending with one terminal event. */
export type RunListener = (event: RunEvent) => void;

const generated = commands(call);

/** The engine's commands (src-tauri/src/commands), typed by the generated bindings; those that
 * stream take a listener instead of a channel. Each rejects with an `EngineError`. */
export const engine = {
  ...generated,
  runProject: (project: Project, projectPath: string | null, mode: RunMode, on: RunListener) =>
    generated.runProject(project, projectPath, mode, channel(on)),
  serveProject: (
    project: Project,
    projectPath: string | null,
    mode: RunMode,
    address: string | null,
    on: RunListener,
  ) => generated.serveProject(project, projectPath, mode, address, channel(on)),
  invokeFunction: (
    project: Project,
    projectPath: string | null,
    mode: RunMode,
    request: InvokeRequest,
    on: RunListener,
  ) => generated.invokeFunction(project, projectPath, mode, request, channel(on)),
  openSession: (
    project: Project,
    projectPath: string | null,
    mode: RunMode,
    node: string | null,
    on: RunListener,
  ) => generated.openSession(project, projectPath, mode, node, channel(on)),
  precompile: (node: string, path: string, on: RunListener) =>
    generated.precompile(node, path, channel(on)),
  watchComponents: (paths: string[], onChange: (changed: FilesChanged) => void) =>
    generated.watchComponents(paths, channel(onChange)),
};

const PROJECT_FILTER = { name: "Plugboard project", extensions: ["json"] };

/** A folder picked in the native dialog titled `title`, or null when cancelled. */
async function pickDirectory(title: string): Promise<string | null> {
  const picked = await open({ title, directory: true, multiple: false });
  return picked ?? null;
}

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
  pickProject: () =>
    open({
      title: "Open project",
      multiple: false,
      filters: [PROJECT_FILTER, { name: "WAC document (packages in deps/)", extensions: ["wac"] }],
    }),
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
  /** Where to save a deploy manifest, `file` (`spin.toml`) by default. */
  pickDeployDestination: (file: string) =>
    save({
      title: `Save ${file}`,
      defaultPath: file,
      filters: [{ name: "Deploy manifest", extensions: [file.slice(file.lastIndexOf(".") + 1)] }],
    }),
  async pickStdinFile(): Promise<string | null> {
    const picked = await open({ title: "Feed a file to stdin", directory: false, multiple: false });
    return picked ?? null;
  },
  pickFolder: () => pickDirectory("Grant a folder"),
  pickDecomposeFolder: () => pickDirectory("Decompose into a folder"),
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
