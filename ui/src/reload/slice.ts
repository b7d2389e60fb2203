// The store's hot reload: the component files it watches, and what happened when one changed
// on disk (the node reloaded with its new ports, what changed in its WIT, which wires no longer
// fit). Part of the one store (see ../store).
import { portLabel } from "../graph/mapping";
import { wireKey } from "../graph/model";
import type { ComponentDiff } from "../ipc/bindings/ComponentDiff";
import { toAppError } from "../ipc/errors";
import type { Deps } from "../store";
import type { Get, Set } from "../store/shared";

/** What hot reload found when a node's file changed. */
export type ReloadNotice = {
  node: string;
  diff: ComponentDiff;
  /** Wires that no longer fit, with the reason. */
  broken: { from: string; to: string; reason: string }[];
  /** The file could not be read as a component. */
  error: string | null;
};

export type ReloadState = {
  /** Wires that no longer fit after a component changed on disk, by wire key. */
  wireProblems: Record<string, string | undefined>;
  reload: ReloadNotice | null;
  /** The component files being watched for hot reload. */
  watching: string[];
};

export type ReloadActions = {
  watchFiles: (paths: string[]) => Promise<void>;
  reloadChangedFiles: (paths: string[]) => Promise<void>;
  dismissReload: () => void;
};

export function createReloadSlice(set: Set, get: Get, deps: Deps): ReloadState & ReloadActions {
  return {
    wireProblems: {},
    reload: null,
    watching: [],

    async watchFiles(paths) {
      try {
        await deps.engine.watchComponents(paths, (changed) => {
          void get().reloadChangedFiles(changed.paths);
        });
        set({ watching: paths });
      } catch (error) {
        get().showMessage("error", toAppError(error).message);
      }
    },

    async reloadChangedFiles(paths) {
      const changed = new Set(paths);
      const nodes = get().project.nodes.filter((n) => changed.has(n.component));
      if (nodes.length === 0) return;
      const notices: ReloadNotice[] = [];
      let problems: Record<string, string | undefined> | null = null;
      for (const node of nodes) {
        const { project, projectPath, entries } = get();
        const before = entries[node.id]?.details?.info ?? null;
        try {
          const reload = await deps.engine.reloadComponent(project, projectPath, node.id, before);
          problems = {};
          const broken: ReloadNotice["broken"] = [];
          for (const { wire, check } of reload.wires) {
            if (check.verdict !== "refused") continue;
            problems[wireKey(wire.from, wire.to)] = check.reason;
            broken.push({
              // Short names on the card; the reason names the ports in full.
              from: `${wire.from.node}.${portLabel(wire.from.port)}`,
              to: `${wire.to.node}.${portLabel(wire.to.port)}`,
              reason: check.reason,
            });
          }
          notices.push({ node: node.id, diff: reload.diff, broken, error: null });
        } catch (error) {
          notices.push({
            node: node.id,
            diff: { imports: [], exports: [] },
            broken: [],
            error: toAppError(error).message,
          });
        }
      }
      // The nodes' ports and states as they are now (the engine's cache has the new files).
      await get().recheckComponents();
      get().precompileNodes(nodes.map((n) => ({ id: n.id, path: n.component })));
      const last = notices[notices.length - 1] ?? null;
      set({
        reload: last,
        ...(problems ? { wireProblems: problems } : {}),
      });
    },

    dismissReload() {
      set({ reload: null });
    },
  };
}
