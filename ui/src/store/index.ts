// The window's one store, made of one slice per concern. Only its actions talk to the engine
// (through the `Deps` given to `createAppStore`, which is `ui/src/ipc` in the app and fakes in
// unit tests).
import { useStore } from "zustand";
import { createStore, type StoreApi } from "zustand/vanilla";

import type { engine as realEngine, dialogs as realDialogs } from "../ipc";
import type { Box, Link, Point } from "../graph/layout";
import type { OutputSink } from "../output/sink";
import { createCallsSlice, type CallsActions, type CallsSliceState } from "../calls/slice";
import { createConsentSlice, type ConsentActions, type ConsentState } from "../consent/slice";
import { createDeploySlice, type DeployActions, type DeployState } from "../deploy/slice";
import { createRegistrySlice, type RegistryActions, type RegistryState } from "../registry/slice";
import { createReloadSlice, type ReloadActions, type ReloadState } from "../reload/slice";
import { createRunSlice, type RunActions, type RunState } from "../run/slice";
import { createAutoWireSlice, type AutoWireActions, type AutoWireState } from "./autowire";
import { createCanvasSlice, type CanvasActions, type CanvasState } from "./canvas";
import { createCompileSlice, type CompileActions, type CompileSliceState } from "./compile";
import { createExpansionSlice, type ExpansionActions, type ExpansionState } from "./expansion";
import { createGrantsSlice, type GrantsActions, type GrantsState } from "./grants";
import { createInsideSlice, type InsideActions, type InsideState } from "./inside";
import { createPanelsSlice, type PanelsActions, type PanelsState } from "./panels";
import { createProjectSlice, type ProjectActions, type ProjectState } from "./project";
import { createStubsSlice, type StubsActions } from "./stubs";

export { cachedVerdict, type Selection, type WireDrag } from "./canvas";
export type { CompileState } from "./compile";
export { insideOf } from "./inside";
export type { Message, MessageKind, SideTab } from "./panels";
export { isDirty, projectJson, windowTitle } from "./project";
export { canvasFault } from "./shared";

/** What the store needs from the outside world. */
export type Deps = {
  engine: typeof realEngine;
  dialogs: typeof realDialogs;
  layout: (boxes: Box[], links: Link[]) => Promise<Map<string, Point>>;
  /** Where run output is shown (the output pane's terminal). */
  output: Pick<OutputSink, "clear" | "write" | "note">;
};

export type AppState = ProjectState &
  CanvasState &
  CompileSliceState &
  PanelsState &
  GrantsState &
  ConsentState &
  ReloadState &
  ExpansionState &
  AutoWireState &
  InsideState &
  RegistryState &
  DeployState;

export type AppActions = ProjectActions &
  CanvasActions &
  CompileActions &
  PanelsActions &
  GrantsActions &
  ConsentActions &
  ReloadActions &
  ExpansionActions &
  AutoWireActions &
  StubsActions &
  InsideActions &
  RegistryActions &
  DeployActions;

export type AppStore = AppState &
  AppActions &
  RunState &
  RunActions &
  CallsSliceState &
  CallsActions;

export function createAppStore(deps: Deps): StoreApi<AppStore> {
  return createStore<AppStore>()((set, get) => ({
    ...createProjectSlice(set, get, deps),
    ...createCanvasSlice(set, get, deps),
    ...createCompileSlice(set, get, deps),
    ...createPanelsSlice(set, get),
    ...createGrantsSlice(set, get, deps),
    ...createConsentSlice(set, get, deps),
    ...createRunSlice(set, get, deps),
    ...createCallsSlice(set, get, deps),
    ...createReloadSlice(set, get, deps),
    ...createExpansionSlice(set, get),
    ...createAutoWireSlice(set, get, deps),
    ...createStubsSlice(set, get, deps),
    ...createInsideSlice(set, get, deps),
    ...createRegistrySlice(set, get, deps),
    ...createDeploySlice(set, get, deps),
  }));
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
