// Stubs: an import nobody provides answered with values typed in advance, so its node runs
// alone. Adding one beside its node, setting what each function answers (values the engine
// writes as WAVE) and removing it; moving and deleting it are the canvas's, as for nodes.
import { freshNodeId, portLabel } from "../graph/mapping";
import { stubFor, takenIds } from "../graph/stubs";
import { toAppError } from "../ipc/errors";
import type { Stub } from "../ipc/bindings/Stub";
import type { StubAnswer } from "../ipc/bindings/StubAnswer";
import type { TypeShape } from "../ipc/bindings/TypeShape";
import type { JsonValue } from "../ipc/bindings/serde_json/JsonValue";
import type { Deps } from "./index";
import { storeHelpers, type Get, type Set } from "./shared";

/** How far left of its node a new stub sits, and how far below the last one a second one does. */
const STUB_OFFSET = { x: 440, y: 220 };

export type StubsActions = {
  /** Answers `node`'s import `importName` with a new stub (nothing answered yet), left of the
   * node, and selects it. Refused while a wire or a stub provides that import. */
  addStub: (node: string, importName: string) => void;
  /** Sets how `stub`'s function `fn` answers; null leaves it out (it then returns nothing, or
   * traps if it has a result). */
  setStubAnswer: (stub: string, fn: string, answer: StubAnswer | null) => void;
  /** Has `fn` return `value` (the form's JSON, of type `shape`) once the engine wrote it as
   * WAVE. Resolves to why it does not fit (nothing is saved then), or null. */
  setStubReturn: (
    stub: string,
    fn: string,
    shape: TypeShape,
    value: JsonValue,
  ) => Promise<string | null>;
  /** A saved answer (WAVE `text` of type `shape`) as the form's JSON, to fill the form back;
   * null when the engine cannot read it (a hand-edited file), and the form starts empty. */
  stubFormValue: (shape: TypeShape, text: string) => Promise<JsonValue | null>;
  removeStub: (stub: string) => void;
};

export function createStubsSlice(set: Set, get: Get, deps: Deps): StubsActions {
  const { commit } = storeHelpers(set, get);

  /** Replaces the stub `id` with `update(stub)`, as one undo step. */
  function editStub(id: string, update: (stub: Stub) => Stub) {
    const { project } = get();
    commit({ ...project, stubs: project.stubs.map((s) => (s.id === id ? update(s) : s)) });
  }

  return {
    addStub(node, importName) {
      const { project } = get();
      const consumer = project.nodes.find((n) => n.id === node);
      if (!consumer) return;
      const provider =
        stubFor(project, node, importName)?.id ??
        project.wires.find((w) => w.to.node === node && w.to.port === importName)?.from.node;
      if (provider) {
        get().showMessage(
          "refusal",
          `Import ${importName} of ${node} is already provided by ${provider}: an import takes one provider.`,
        );
        return;
      }
      const id = freshNodeId(`${portLabel(importName)}-stub`, takenIds(project));
      const siblings = project.stubs.filter((s) => s.answers.node === node).length;
      const stub: Stub = {
        id,
        answers: { node, port: importName },
        functions: {},
        position: {
          x: consumer.position.x - STUB_OFFSET.x,
          y: consumer.position.y + siblings * STUB_OFFSET.y,
        },
      };
      commit(
        { ...project, stubs: [...project.stubs, stub] },
        { selection: { kind: "stub", stub: id }, selectedWires: [], message: null },
      );
      // Selected on the canvas too, as if clicked: Delete removes it.
      set({
        nodes: get().nodes.map((n) =>
          Boolean(n.selected) === (n.id === id) ? n : { ...n, selected: n.id === id },
        ),
      });
    },

    setStubAnswer(stub, fn, answer) {
      const current = get().project.stubs.find((s) => s.id === stub);
      // The same answer again is no edit (and no undo step).
      const same = JSON.stringify(current?.functions[fn]) === JSON.stringify(answer ?? undefined);
      if (!current || same) return;
      editStub(stub, (s) => ({
        ...s,
        functions: answer
          ? { ...s.functions, [fn]: answer }
          : Object.fromEntries(Object.entries(s.functions).filter(([name]) => name !== fn)),
      }));
    },

    async setStubReturn(stub, fn, shape, value) {
      let wave: string;
      try {
        wave = await deps.engine.stubValue({ shape, value });
      } catch (error) {
        return toAppError(error).message;
      }
      get().setStubAnswer(stub, fn, { returns: wave });
      return null;
    },

    async stubFormValue(shape, text) {
      try {
        return (await deps.engine.stubFormValue(shape, text)).value;
      } catch {
        return null;
      }
    },

    removeStub(stub) {
      const { project, selection } = get();
      commit(
        { ...project, stubs: project.stubs.filter((s) => s.id !== stub) },
        selection.kind === "stub" && selection.stub === stub ? { selection: { kind: "none" } } : {},
      );
    },
  };
}
