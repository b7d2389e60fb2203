// What the store's slices share: the `set` and `get` they are given, ids for messages and loading
// rows, the helpers that rebuild the canvas, commit an edit as an undo step, report errors and
// show work in progress, and the work a dialog does while it stays open.
import type { StoreApi } from "zustand/vanilla";

import { syncFlowNodes, type CanvasInput, type Fault } from "../graph/mapping";
import { runFault } from "../run/model";
import type { AppError } from "../ipc";
import { toAppError } from "../ipc/errors";
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
      registryNews: state.registryNews,
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

/** Where a dialog's work stands: the dialog shows it busy, or why it failed. */
export type Task = { state: "idle" } | { state: "busy" } | { state: "failed"; error: string };

/** A dialog kept in the store: `read` gives the one open (or null), `write` replaces it. */
export type DialogSlot<D> = { read: () => D | null; write: (dialog: D) => void };

/**
 * Shows `dialog` busy in `slot` while `work` runs. Gives the result back, with the busy dialog,
 * while that same dialog is still open; null when it was closed or replaced meanwhile, or when
 * `work` failed (the dialog then shows the engine's message).
 */
export async function dialogTask<D extends { task: Task }, T>(
  slot: DialogSlot<D>,
  dialog: D,
  work: () => Promise<T>,
): Promise<{ dialog: D; result: T } | null> {
  const busy: D = { ...dialog, task: { state: "busy" } };
  slot.write(busy);
  try {
    const result = await work();
    return slot.read() === busy ? { dialog: busy, result } : null;
  } catch (error) {
    if (slot.read() === busy) {
      slot.write({ ...busy, task: { state: "failed", error: toAppError(error).message } });
    }
    return null;
  }
}
