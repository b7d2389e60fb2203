// A composition's inside as the window lists it: each inner instance with what feeds its imports,
// and what the composition exports. Pure mappers: what is inside comes from the engine.
import type { InnerGraph } from "../ipc/bindings/InnerGraph";
import { counted } from "../text";
import { portLabel } from "./mapping";

/** An export of an instance inside: what feeds an inner import or is exported from the whole. */
export type InnerSource = { instance: string; export: string };

/** One import of an inner instance that another instance inside provides. */
export type InnerWireView = {
  /** The import's full name. */
  import: string;
  /** Its short name, as a port prints it. */
  label: string;
  from: InnerSource;
};

export type InnerInstanceView = {
  name: string;
  /** Its imports another instance inside provides, in its own order. */
  wires: InnerWireView[];
  /** How many of its imports the host provides (through the composition's own imports). */
  fromHost: number;
};

export type InsideView = {
  instances: InnerInstanceView[];
  /** What the composition exports; `from` is null for what no instance inside exports. */
  exports: { name: string; from: InnerSource | null }[];
};

/** Where a component file's inside is kept: its path and hash together, so a file rebuilt in
 * place is asked about again. */
export function insideKey(path: string, sha256: string): string {
  return JSON.stringify([path, sha256]);
}

/** `name ← instance: export`, how the window writes what feeds an import or an export. */
export function innerLine(name: string, from: InnerSource): string {
  return `${name} ← ${from.instance}: ${from.export}`;
}

/** `+ 2 imports from the host`: what of an instance the composition leaves to its host. */
export function hostLine(fromHost: number): string {
  return `+ ${counted(fromHost, "import")} from the host`;
}

/** The engine's graph with its references (instance positions) resolved to names, and each
 * instance's imports split into inner wires and what the host gives, as both lists show them. */
export function insideView(graph: InnerGraph): InsideView {
  /** The instance (by position) and export a reference names. */
  const source = ([index, name]: [number, string]): InnerSource => ({
    // The engine only names instances it lists; the fallback keeps a surprise legible.
    instance: graph.instances[index]?.name ?? `instance ${index + 1}`,
    export: name,
  });
  return {
    instances: graph.instances.map((instance) => {
      const wires = instance.args.flatMap(({ import: name, from }): InnerWireView[] =>
        from ? [{ import: name, label: portLabel(name), from: source(from) }] : [],
      );
      return { name: instance.name, wires, fromHost: instance.args.length - wires.length };
    }),
    exports: graph.exports.map((e) => ({ name: e.name, from: e.from ? source(e.from) : null })),
  };
}
