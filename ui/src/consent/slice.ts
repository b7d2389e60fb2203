// The store's consent: a project opened from elsewhere runs, serves or invokes only after the
// user has seen and accepted what its grants reach on the host. The engine remembers what was
// accepted per project file, refuses to start anything else, and counts grants the user makes in
// the window as accepted.
import type { GrantReview } from "../ipc/bindings/GrantReview";
import type { Project } from "../ipc/bindings/Project";
import { toAppError } from "../ipc/errors";
import type { Deps } from "../store";
import type { Get, Set } from "../store/shared";

export type ConsentState = {
  /** The grants waiting for the user's answer, shown in the consent dialog. */
  consent: GrantReview | null;
};

export type ConsentActions = {
  /** Resolves true when the project may start: nothing waits for consent, or the user accepted
   * it in the dialog just now; false when the user declined (or the engine could not tell). */
  ensureConsent: () => Promise<boolean>;
  /** The dialog's answer. */
  answerConsent: (accept: boolean) => void;
  /** The user edited grants in the window, from `before` to `after`: what they added is theirs. */
  noteGrantEdit: (before: Project, after: Project) => void;
};

/** Whether two projects grant differently (the project's grants, or any node's own). */
export function grantsDiffer(before: Project, after: Project): boolean {
  const grantsOf = (project: Project) =>
    JSON.stringify([project.capabilities, project.nodes.map((n) => n.capabilities ?? null)]);
  return grantsOf(before) !== grantsOf(after);
}

export function createConsentSlice(set: Set, get: Get, deps: Deps): ConsentState & ConsentActions {
  /** Answers the dialog that is open. */
  let answer: ((accept: boolean) => void) | null = null;
  /** Grant edits still being recorded: a Run right after an edit waits for them. */
  let recording: Promise<unknown> = Promise.resolve();

  return {
    consent: null,

    async ensureConsent() {
      await recording;
      const { project, projectPath } = get();
      let review: GrantReview;
      try {
        review = await deps.engine.reviewGrants(project, projectPath);
      } catch (error) {
        get().showMessage("error", toAppError(error).message);
        return false;
      }
      if (review.scopes.length === 0) return true;
      const accepted = await new Promise<boolean>((resolve) => {
        answer?.(false);
        answer = resolve;
        set({ consent: review });
      });
      if (!accepted) {
        get().showMessage("info", "Not started: the project's grants were not accepted.");
        return false;
      }
      try {
        await deps.engine.acceptGrants(project, projectPath);
        return true;
      } catch (error) {
        get().showMessage("error", toAppError(error).message);
        return false;
      }
    },

    answerConsent(accept) {
      const resolve = answer;
      answer = null;
      set({ consent: null });
      resolve?.(accept);
    },

    noteGrantEdit(before, after) {
      const { projectPath } = get();
      if (!projectPath || !grantsDiffer(before, after)) return;
      recording = recording
        .then(() => deps.engine.acceptGrantEdit(before, after, projectPath))
        .catch((error: unknown) => {
          get().showMessage("error", toAppError(error).message);
        });
    },
  };
}
