// The store's deploy manifests: the project as a Spin application or a wasmCloud workload, shown
// in a dialog per target with what the manifest cannot carry, and saved where the user picks
// (its paths then relative to that place). Part of the one store (see ../store).
import type { DeployManifest } from "../ipc/bindings/DeployManifest";
import type { DeployTarget } from "../ipc/bindings/DeployTarget";
import type { Deps } from "../store";
import { dialogTask, type Get, type Set, type Task } from "../store/shared";

/** Each target's tab label and the file its manifest is saved as by default. */
export const DEPLOY_TARGETS: Record<DeployTarget, { label: string; file: string }> = {
  spin: { label: "Spin — spin.toml", file: "spin.toml" },
  wasmcloud: { label: "wasmCloud — WorkloadDeployment", file: "workload-deployment.yaml" },
};

/** The deploy dialog: one target's manifest, as it would be saved beside the project. */
export type DeployDialog = {
  target: DeployTarget;
  task: Task;
  manifest: DeployManifest | null;
  /** Where the manifest was saved last, while the dialog is open. */
  saved: string | null;
};

export type DeployState = {
  deploy: DeployDialog | null;
};

export type DeployActions = {
  /** Opens the dialog on `target`'s manifest (or shows that tab), asking the engine for it. */
  showDeployManifest: (target: DeployTarget) => Promise<void>;
  closeDeploy: () => void;
  /** Saves the shown manifest to `path`, or where the save dialog says. */
  saveDeployManifest: (path?: string) => Promise<void>;
};

export function createDeploySlice(set: Set, get: Get, deps: Deps): DeployState & DeployActions {
  const slot = {
    read: () => get().deploy,
    write: (deploy: DeployDialog) => {
      set({ deploy });
    },
  };

  return {
    deploy: null,

    async showDeployManifest(target) {
      const { project, projectPath } = get();
      const shown: DeployDialog = { target, task: { state: "idle" }, manifest: null, saved: null };
      const done = await dialogTask(slot, shown, () =>
        deps.engine.deployManifest(project, projectPath, target),
      );
      if (done) slot.write({ ...done.dialog, task: { state: "idle" }, manifest: done.result });
    },

    closeDeploy() {
      set({ deploy: null });
    },

    async saveDeployManifest(path) {
      const open = get().deploy;
      if (!open) return;
      const target =
        path ?? (await deps.dialogs.pickDeployDestination(DEPLOY_TARGETS[open.target].file));
      if (!target || get().deploy !== open) return;
      const { project, projectPath } = get();
      const done = await dialogTask(slot, open, () =>
        deps.engine.saveDeployManifest(project, projectPath, open.target, target),
      );
      if (done) {
        slot.write({
          ...done.dialog,
          task: { state: "idle" },
          manifest: done.result,
          saved: target,
        });
      }
    },
  };
}
