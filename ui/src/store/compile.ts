// The store's compiling: composing the project into one component to check it, and saving the
// composition as a component or exporting it as WAC.
import type { AppError } from "../ipc";
import { toAppError } from "../ipc/errors";
import type { ComponentDetails } from "../ipc/bindings/ComponentDetails";
import type { Deps } from "./index";
import { storeHelpers, type Get, type Set } from "./shared";

export type CompileState =
  | { state: "idle" }
  | { state: "running" }
  | { state: "done"; result: ComponentDetails }
  | { state: "failed"; error: AppError };

export type CompileSliceState = {
  compile: CompileState;
};

export type CompileActions = {
  compileProject: () => Promise<boolean>;
  closeCompileResult: () => void;
  saveComposition: (path?: string) => Promise<boolean>;
  exportWac: (path?: string) => Promise<boolean>;
};

export function createCompileSlice(
  set: Set,
  get: Get,
  deps: Deps,
): CompileSliceState & CompileActions {
  const { rebuild, fail } = storeHelpers(set, get);

  return {
    compile: { state: "idle" },

    async compileProject() {
      const { project, projectPath } = get();
      set({ compile: { state: "running" } });
      try {
        const result = await deps.engine.compile(project, projectPath);
        if (get().project === project)
          set(rebuild({ compile: { state: "done", result }, message: null }));
        return true;
      } catch (error) {
        const appError = toAppError(error);
        if (get().project === project)
          set(rebuild({ compile: { state: "failed", error: appError } }));
        get().showMessage("error", `Compile failed: ${appError.message}`);
        return false;
      }
    },

    closeCompileResult() {
      if (get().compile.state === "done") set({ compile: { state: "idle" } });
    },

    async saveComposition(path) {
      const target = path ?? (await deps.dialogs.pickComponentDestination());
      if (!target) return false;
      const { project, projectPath } = get();
      try {
        await deps.engine.saveComposition(project, projectPath, target);
        get().showMessage("info", `Saved the composed component to ${target}`);
        return true;
      } catch (error) {
        fail(toAppError(error));
        return false;
      }
    },

    async exportWac(path) {
      const target = path ?? (await deps.dialogs.pickWacDestination());
      if (!target) return false;
      const { project, projectPath } = get();
      try {
        await deps.engine.exportWac(project, projectPath, target);
        get().showMessage("info", `Exported the composition as WAC to ${target}`);
        return true;
      } catch (error) {
        fail(toAppError(error));
        return false;
      }
    },
  };
}
