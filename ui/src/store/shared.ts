// What the store's slices share: the `set` and `get` they are given, ids for messages and loading
// rows, and the helpers that rebuild the canvas, commit an edit as an undo step, report errors
// and show work in progress.
import type { StoreApi } from "zustand/vanilla";

import { syncFlowNodes, type CanvasInput, type Fault } from "../graph/mapping";
import { runFault } from "../run/model";
import type { AppError } from "../ipc";
import type { Project } from "../ipc/bindings/Project";
import type { AppStore } from "./index";

export type Set = StoreApi<AppStore>["setState"];
export type Get = () => AppStore;

let nextId = 1;

/** A fresh id for a message or a loading row. */
export function newId(): number {
  return nextId++;
}

/** What the canvas marks as at fault: a failed compile's node and port, else those of the run
 * that failed at a node. */
export function canvasFault(state: Pick<AppStore, "compile" | "run">): Fault | null {
  if (state.compile.state === "failed") return state.compile.error;
  return runFault(state.run);
}

/** The helpers, for the store of `set` and `get`. */
export function storeHelpers(set: Set, get: Get) {
  /** The canvas's nodes for the state after `patch`. */
  function rebuild(patch: Partial<AppStore>): Partial<AppStore> {
    const state = { ...get(), ...patch };
    const input: CanvasInput = {
      project: state.project,
      entries: state.entries,
      hostInterfaces: state.hostInterfaces,
      fault: canvasFault(state),
      wasiExpanded: state.wasiExpanded,
    };
    const host = state.project["host-position"] ?? state.hostPosition;
    return { ...patch, nodes: syncFlowNodes(state.nodes, input, host) };
  }

  /** Replaces the project with an edited one, as one undo step (or, with the same `coalesce`
   * key as the step before, as part of that step). Grants the edit adds are the user's: they
   * count as accepted. */
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
    get().noteGrantEdit(before, project);
  }

  function fail(error: AppError) {
    get().showMessage("error", error.message);
  }

  /** Does `work` while the loading indicator shows `label`. */
  async function tracked<T>(label: string, work: () => Promise<T>): Promise<T> {
    const id = newId();
    set({ loading: [...get().loading, { id, label }] });
    try {
      return await work();
    } finally {
      set({ loading: get().loading.filter((l) => l.id !== id) });
    }
  }

  return { rebuild, commit, fail, tracked };
}
