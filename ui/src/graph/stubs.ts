// Stubs as the window sees them: which imports they answer, which imports may have one, and what
// each stubbed function answers, in words. The engine's rules are said here before asking it, so
// the canvas never offers what it would refuse.
import type { ComponentDetails } from "../ipc/bindings/ComponentDetails";
import type { Port } from "../ipc/bindings/Port";
import type { Project } from "../ipc/bindings/Project";
import type { Stub } from "../ipc/bindings/Stub";
import type { StubAnswer } from "../ipc/bindings/StubAnswer";
import type { WireCheck } from "../ipc/bindings/WireCheck";
import type { WireEnd } from "../ipc/bindings/WireEnd";
import type { StubLine } from "./model";

/** The stub answering import `port` of `node`, if one does. */
export function stubFor(project: Project, node: string, port: string): Stub | undefined {
  return project.stubs.find((s) => s.answers.node === node && s.answers.port === port);
}

/** The ids of the stubs answering `node`'s imports, by import. */
export function stubbedImports(project: Project, node: string): Map<string, string> {
  return new Map(
    project.stubs.filter((s) => s.answers.node === node).map((s) => [s.answers.port, s.id]),
  );
}

/** Every id the project uses: a new node or stub must differ from all of them. */
export function takenIds(project: Project): string[] {
  return [...project.nodes.map((n) => n.id), ...project.stubs.map((s) => s.id)];
}

/**
 * Why no stub can answer `port`, or null if one can (once nothing else provides it). A stub has
 * no instances to give out, so an interface defining resources needs a real provider.
 */
export function whyNoStub(port: Port): string | null {
  if (port.kind === "type") return "A type import needs no provider: there is nothing to answer.";
  if (port.types.some((t) => t.kind === "resource")) {
    return "It defines resources, which a stub cannot give out: wire a component that exports it.";
  }
  return null;
}

/** The engine's rule of one provider per import, for a wire into `to`: refused while a stub
 * answers it (the stub goes first, by the user's hand). */
export function stubRefusal(project: Project, to: WireEnd): WireCheck | null {
  const stub = stubFor(project, to.node, to.port);
  if (!stub) return null;
  return {
    verdict: "refused",
    reason: `import \`${to.port}\` of \`${to.node}\` is answered by the stub \`${stub.id}\`: remove the stub first`,
    mismatch: null,
  };
}

/** The import `stub` answers, as its node's component has it (undefined while unknown, or if
 * the component no longer has it). */
export function answeredPort(
  stub: Stub,
  details: ComponentDetails | null | undefined,
): Port | undefined {
  return details?.info.imports.find((p) => p.name === stub.answers.port);
}

/** What a call of a function gets, given its saved answer and whether it has a result. */
export function stubLine(
  name: string,
  answer: StubAnswer | undefined,
  hasResult: boolean,
): StubLine {
  if (!answer) {
    return hasResult
      ? { name, text: "— no answer", tone: "unanswered" }
      : { name, text: "nothing", tone: "nothing" };
  }
  if ("traps" in answer) return { name, text: `traps: ${answer.traps}`, tone: "trap" };
  return answer.returns === ""
    ? { name, text: "nothing", tone: "nothing" }
    : { name, text: answer.returns, tone: "value" };
}

/** One line per function of the import `port` (the saved answers alone while it is unknown),
 * then answers to functions it does not have. */
export function stubLines(stub: Stub, port: Port | undefined): StubLine[] {
  const answered = Object.entries(stub.functions);
  if (!port) return answered.map(([name, answer]) => stubLine(name, answer, true));
  const lines = port.functions.map((f) =>
    stubLine(f.name, stub.functions[f.name], f.result !== null),
  );
  for (const [name] of answered) {
    if (!port.functions.some((f) => f.name === name)) {
      lines.push({ name, text: "not in the import", tone: "unknown" });
    }
  }
  return lines;
}
