// `window.__PLUGBOARD_TEST__`: what the end-to-end tests use where WebDriver cannot reach
// (native file dialogs, files dropped from a file manager). Each entry calls the same store
// action the dialog or drop handler calls once it has a path; nothing here bypasses the engine.
// Actions return at once: tests wait for what the window shows.
import type { StoreApi } from "zustand/vanilla";

import type { Project } from "./ipc/bindings/Project";
import type { WireEnd } from "./ipc/bindings/WireEnd";
import type { Direction } from "./graph/model";
import { isDirty, type AppStore } from "./store";

export type TestSnapshot = {
  project: Project;
  projectPath: string | null;
  dirty: boolean;
  title: string;
  compile: string;
  /** The component files watched for hot reload. */
  watching: string[];
};

export type PlugboardTestHook = {
  openProject: (path: string) => void;
  addComponent: (path: string) => void;
  saveProjectAs: (path: string) => void;
  startWireDrag: (end: WireEnd, direction: Direction) => void;
  endWireDrag: () => void;
  connect: (from: WireEnd, to: WireEnd) => void;
  saveComposition: (path: string) => void;
  exportWac: (path: string) => void;
  /** Save as in the deploy dialog, with its save dialog answering `path`. */
  saveDeployManifest: (path: string) => void;
  /** The folder picker of the capabilities panel answering `path`. */
  addDir: (path: string) => void;
  /** The stdin file picker of the capabilities panel answering `path`. */
  setStdinFile: (path: string) => void;
  /** Decompose in the inspector, with its folder picker answering `dir`. */
  decompose: (node: string, dir: string) => void;
  snapshot: () => TestSnapshot;
};

declare global {
  interface Window {
    __PLUGBOARD_TEST__?: PlugboardTestHook;
  }
}

export function installTestHook(store: StoreApi<AppStore>): void {
  const actions = () => store.getState();
  window.__PLUGBOARD_TEST__ = {
    openProject: (path) => void actions().openProjectFile(path),
    addComponent: (path) => void actions().addComponents([path]),
    saveProjectAs: (path) => void actions().saveTo(path),
    startWireDrag: (end, direction) => void actions().startWireDrag(end, direction),
    endWireDrag: () => {
      actions().endWireDrag();
    },
    connect: (from, to) => void actions().connect(from, to),
    saveComposition: (path) => void actions().saveComposition(path),
    exportWac: (path) => void actions().exportWac(path),
    saveDeployManifest: (path) => void actions().saveDeployManifest(path),
    addDir: (path) => {
      actions().addDir(actions().grantScope, path);
    },
    setStdinFile: (path) => {
      actions().setStdinFile(actions().grantScope, path);
    },
    decompose: (node, dir) => void actions().decomposeNode(node, dir),
    snapshot: () => {
      const state = store.getState();
      return {
        project: state.project,
        projectPath: state.projectPath,
        dirty: isDirty(state),
        title: document.title,
        compile: state.compile.state,
        watching: state.watching,
      };
    },
  };
}
