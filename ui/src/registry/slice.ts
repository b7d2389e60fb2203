// The store's registries: a component pulled from an OCI registry becomes a node like a file
// does, remembering its reference and digest; a node or the composition is published to one;
// and each registry node's registry is asked, in the background, for something newer (offline
// is normal: that is news, never an error). Part of the one store (see ../store).
import type { RegistryNews } from "../graph/mapping";
import type { NodeUpdate } from "../ipc/bindings/NodeUpdate";
import type { Published } from "../ipc/bindings/Published";
import { toAppError } from "../ipc/errors";
import type { Deps } from "../store";
import { dialogTask, storeHelpers, type Get, type Set, type Task } from "../store/shared";
import { referenceName } from "./reference";

/** The registry dialog that is open: pulling a component to add, or publishing. */
export type RegistryDialog =
  | { kind: "pull"; task: Task }
  | {
      kind: "publish";
      /** The node to publish; null publishes the composition. */
      node: string | null;
      task: Task;
      published: Published | null;
    };

export type RegistryState = {
  registryDialog: RegistryDialog | null;
  /** What each registry node's registry said last, by node. */
  registryNews: Record<string, RegistryNews | undefined>;
};

export type RegistryActions = {
  openPullDialog: () => void;
  /** Opens the publish dialog for `node`, or for the composition. */
  openPublishDialog: (node: string | null) => void;
  closeRegistryDialog: () => void;
  /** Pulls `reference` and adds it as a node; on failure the dialog says why. */
  pullComponent: (reference: string) => Promise<void>;
  /** Publishes what the dialog is for to `reference`. */
  publish: (reference: string) => Promise<void>;
  /** Asks each registry node's registry for something newer. */
  checkRegistries: () => Promise<void>;
};

export function createRegistrySlice(
  set: Set,
  get: Get,
  deps: Deps,
): RegistryState & RegistryActions {
  const { rebuild, tracked } = storeHelpers(set, get);
  const slot = {
    read: () => get().registryDialog,
    write: (dialog: RegistryDialog) => {
      set({ registryDialog: dialog });
    },
  };

  return {
    registryDialog: null,
    registryNews: {},

    openPullDialog() {
      set({ registryDialog: { kind: "pull", task: { state: "idle" } } });
    },

    openPublishDialog(node) {
      set({
        registryDialog: { kind: "publish", node, task: { state: "idle" }, published: null },
      });
    },

    closeRegistryDialog() {
      set({ registryDialog: null });
    },

    async pullComponent(reference) {
      const done = await dialogTask(slot, { kind: "pull", task: { state: "idle" } }, () =>
        tracked(`Pulling ${reference.trim()}`, () => deps.engine.pullComponent(reference)),
      );
      if (!done) return;
      const { source, path, details } = done.result;
      set({ registryDialog: null });
      get().addLoadedComponent(referenceName(source.reference), path, details, {
        registry: source,
      });
      void get().checkRegistries();
    },

    async publish(reference) {
      const open = get().registryDialog;
      if (open?.kind !== "publish") return;
      const { project, projectPath } = get();
      const done = await dialogTask(slot, { ...open, published: null }, () =>
        deps.engine.publishComponent(project, projectPath, open.node, reference),
      );
      if (done) slot.write({ ...open, task: { state: "idle" }, published: done.result });
    },

    async checkRegistries() {
      const { project } = get();
      const asked = project.nodes.flatMap((n) =>
        n.registry ? [{ node: n.id, source: n.registry }] : [],
      );
      if (asked.length === 0) return;
      let updates: NodeUpdate[];
      try {
        updates = await deps.engine.registryUpdates(project);
      } catch (error) {
        const message = toAppError(error).message;
        updates = asked.map(({ node }) => ({ node, newer: null, error: message }));
      }
      const news = { ...get().registryNews };
      for (const { node, source } of asked) {
        const update = updates.find((u) => u.node === node);
        // A node left out has nothing to say: what it said before is over.
        news[node] = update ? { source, newer: update.newer, error: update.error } : undefined;
      }
      set(rebuild({ registryNews: news }));
    },
  };
}
