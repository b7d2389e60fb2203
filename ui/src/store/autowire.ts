// Auto-wire: what could feed a node's open imports (the engine's suggestions, each a wire it
// accepts), and taking one, or every unambiguous one. A candidate from the sample library is
// added to the canvas first, left of the node.
import type { Candidate } from "../ipc/bindings/Candidate";
import type { ImportSuggestion } from "../ipc/bindings/ImportSuggestion";
import { toAppError } from "../ipc/errors";
import type { Deps } from "./index";
import type { Get, Set } from "./shared";

export type AutoWireState = {
  /** The suggestions for one node, as last asked. */
  autoWire: {
    node: string;
    state: "asking" | "ready" | "failed";
    suggestions: ImportSuggestion[];
    error: string | null;
  } | null;
};

export type AutoWireActions = {
  /** Asks the engine what could feed `node`'s open imports. */
  suggestWires: (node: string) => Promise<void>;
  /** Wires `candidate` into `node`'s `importName` (adding its component first if it is a file). */
  takeSuggestion: (node: string, importName: string, candidate: Candidate) => Promise<void>;
  /** Takes every import's only candidate; ambiguous imports stay listed. */
  wireAllUnambiguous: (node: string) => Promise<void>;
};

export function createAutoWireSlice(
  set: Set,
  get: Get,
  deps: Deps,
): AutoWireState & AutoWireActions {
  /** Wires one candidate without asking again. */
  async function take(node: string, importName: string, candidate: Candidate): Promise<boolean> {
    const to = { node, port: importName };
    if (candidate.source === "node") {
      return get().connect({ node: candidate.node, port: candidate.export }, to);
    }
    const target = get().nodes.find((n) => n.id === node);
    const at = target ? { x: target.position.x - 420, y: target.position.y } : undefined;
    const before = new Set(get().project.nodes.map((n) => n.id));
    await get().addComponents([candidate.path], at);
    const added = get().project.nodes.find((n) => !before.has(n.id));
    if (!added) return false;
    // Adding selects the new node; the one being wired stays in view.
    set({ selection: { kind: "node", node } });
    return get().connect({ node: added.id, port: candidate.export }, to);
  }

  return {
    autoWire: null,

    async suggestWires(node) {
      const { project, projectPath } = get();
      set({ autoWire: { node, state: "asking", suggestions: [], error: null } });
      try {
        const suggestions = await deps.engine.suggestWires(project, projectPath, node);
        if (get().autoWire?.node === node) {
          set({ autoWire: { node, state: "ready", suggestions, error: null } });
        }
      } catch (error) {
        if (get().autoWire?.node === node) {
          set({
            autoWire: { node, state: "failed", suggestions: [], error: toAppError(error).message },
          });
        }
      }
    },

    async takeSuggestion(node, importName, candidate) {
      await take(node, importName, candidate);
      await get().suggestWires(node);
    },

    async wireAllUnambiguous(node) {
      const current = get().autoWire;
      if (current?.node !== node) return;
      for (const suggestion of current.suggestions) {
        const [only, ...others] = suggestion.candidates;
        if (only && others.length === 0) await take(node, suggestion.import, only);
      }
      await get().suggestWires(node);
    },
  };
}
