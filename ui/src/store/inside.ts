// Inside compositions: what each component file on the canvas is made of (asked of the engine
// once per file, as its node loads) and taking a composed node apart into a project of its own.
import { insideKey } from "../graph/inside";
import type { InnerGraph } from "../ipc/bindings/InnerGraph";
import { toAppError } from "../ipc/errors";
import { counted } from "../text";
import type { AppState, Deps } from "./index";
import { storeHelpers, type Get, type Set } from "./shared";

export type InsideState = {
  /** What the engine found inside each component file, by `insideKey`: null for a component
   * that instantiates no component inside it. */
  inside: Record<string, InnerGraph | null | undefined>;
};

export type InsideActions = {
  /** Asks the engine what is inside the file of every loaded node not asked about yet. */
  lookInside: () => Promise<void>;
  /** Takes `node`'s composition apart into `dir` (asked for when not given) and opens the
   * project that instantiates and wires the parts as the composition did. */
  decomposeNode: (node: string, dir?: string) => Promise<void>;
};

/** What is inside `node`'s component file at `path`, or null when it is no composition or the
 * engine has not said yet. */
export function insideOf(
  state: Pick<AppState, "inside" | "entries">,
  node: string,
  path: string,
): InnerGraph | null {
  const sha256 = state.entries[node]?.details?.info.sha256;
  return sha256 ? (state.inside[insideKey(path, sha256)] ?? null) : null;
}

export function createInsideSlice(set: Set, get: Get, deps: Deps): InsideState & InsideActions {
  const { fail, tracked } = storeHelpers(set, get);
  /** Files asked about, answered or not: each is asked once, however often its node loads. */
  const asked = new Set<string>();

  return {
    inside: {},

    async lookInside() {
      const { project, entries } = get();
      const files = new Map<string, string>();
      for (const node of project.nodes) {
        const sha256 = entries[node.id]?.details?.info.sha256;
        if (!sha256) continue;
        const key = insideKey(node.component, sha256);
        if (asked.has(key)) continue;
        asked.add(key);
        files.set(key, node.component);
      }
      await Promise.all(
        [...files].map(async ([key, path]) => {
          let graph: InnerGraph | null;
          try {
            graph = await deps.engine.insideComponent(path);
          } catch {
            // Not worth a message: the node says what is wrong with its file.
            graph = null;
          }
          set({ inside: { ...get().inside, [key]: graph } });
        }),
      );
    },

    async decomposeNode(nodeId, dir) {
      const node = get().project.nodes.find((n) => n.id === nodeId);
      if (!node) return;
      const folder = dir ?? (await deps.dialogs.pickDecomposeFolder());
      if (!folder || !(await get().mayDiscard("Open the decomposed project?"))) return;
      let projectFile: string;
      try {
        projectFile = await tracked(`Decomposing ${nodeId}`, () =>
          deps.engine.decomposeComponent(node.component, folder),
        );
      } catch (error) {
        fail(toAppError(error));
        return;
      }
      if (!(await get().openProjectFile(projectFile))) return;
      // A part that could not be used as recorded has its own message, which says more.
      if (get().message) return;
      const parts = get().project.nodes.map((n) => n.id);
      get().showMessage(
        "info",
        `Decomposed ${nodeId} into ${counted(parts.length, "component")}: ${parts.join(", ")}.`,
      );
    },
  };
}
