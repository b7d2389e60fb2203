// What the canvas draws, as plain serialisable data: React Flow nodes and edges, their data
// types, and the ids that tie handles to WIT port names.
import type { Edge, Node } from "@xyflow/react";

import type { CapabilityToggle } from "../ipc/bindings/CapabilityToggle";
import type { ComponentRole } from "../ipc/bindings/ComponentRole";
import type { PortKind } from "../ipc/bindings/PortKind";
import type { WireEnd } from "../ipc/bindings/WireEnd";

export type Direction = "import" | "export";

/** Whether a node's component file is usable. */
export type NodeState = "loading" | "ok" | "changed" | "missing" | "error";

/** A function as a port's hover card and its unfolded list show it. */
export type FunctionView = {
  /** The name as it is called (`reverse`, `[method]file.read`): `data-function`. */
  name: string;
  /** The engine's WIT signature: `reverse: func(s: string) -> string` (`async func` if async). */
  signature: string;
  asynchronous: boolean;
};

/** One port of a node: one handle, keyed by its full WIT name. */
export type PortView = {
  /** The full WIT name: the handle's key and `data-port-name`. */
  name: string;
  /** What to print: the interface name, or the bare name. */
  label: string;
  version: string | null;
  kind: PortKind | "unknown";
  wasi: boolean;
  functions: FunctionView[];
  /** An interface (or instance) with functions: its caret unfolds them beneath the port. A
   * function port is its own function, so it has none. */
  expandable: boolean;
  /** An import no wire or stub feeds: the host must provide it. */
  open: boolean;
  /** The stub that answers this import, if one does. */
  stub: string | null;
  /** The host interface that provides this import, if any. */
  hostProvided: string | null;
  /** Provided by the host, but the capability that governs it is off for this node. */
  off: boolean;
  /** Named by a wire, but the component (missing, or changed) does not have it. */
  missing: boolean;
  /** Chosen as an export of the composition. */
  exported: boolean;
  /** The last compile failed here. */
  error: boolean;
};

/** Ports of one package (or the package-less ones), in the component's order. */
export type PortGroup = {
  name: string;
  /** The version all its ports share (then shown once, on the group), else null. */
  version: string | null;
  wasi: boolean;
  ports: PortView[];
};

/**
 * The WASI imports of a node that the host provides: one row and one muted edge to the Host
 * while collapsed (the default), so the wires between components stand out; unfolded, each is
 * a port with its own edge again.
 */
export type WasiBundle = {
  /** `WASI 0.2 · cli, io, clocks — 14`: releases, packages in first-seen order, port count. */
  label: string;
  /** Its ports' full names, in the component's order. */
  ports: string[];
  expanded: boolean;
  /** Capabilities that govern some of its interfaces and that the node's grants leave off. */
  denied: CapabilityToggle[];
  /** A fault (compile or run) names one of its ports. */
  error: boolean;
  /** What hovering the row or the edge says: the ports, and what is denied or at fault. */
  title: string;
};

export type ComponentNodeData = {
  id: string;
  /** The component's file name without `.wasm`. */
  component: string;
  path: string;
  state: NodeState;
  /** Why the state is not `ok`. */
  problem: string | null;
  role: ComponentRole | null;
  /** Which WASI releases it uses: `0.2`, `0.3`, `0.2 + 0.3` (null: none, or not loaded). */
  wasi: string | null;
  /** How it fits the standard world its exports point to (null: a library, or not loaded). */
  world: WorldBadge | null;
  /** Without the bundled WASI ports while the bundle is collapsed. */
  imports: PortGroup[];
  exports: PortGroup[];
  /** Its WASI bundle, if the host provides it any WASI import. */
  wasiBundle: WasiBundle | null;
  /** The last compile failed on this node. */
  error: boolean;
  /** What the node is granted: its own grants, or the project's it inherits. */
  grants: { own: boolean; chips: string[] };
  /** Where its component was pulled from (null: a file of this machine). */
  registry: RegistryBadge | null;
};

/** A registry node's origin, as its badge says it, and what its registry said last. */
export type RegistryBadge = {
  /** The reference, short: `string-operations:0.1.0`. */
  label: string;
  /** The whole reference and the digest pulled. */
  title: string;
  /** Something newer in the registry, in a sentence. */
  newer: string | null;
  /** Why the registry could not be asked (offline is normal). */
  unreachable: string | null;
};

/** A node's standard world, as its badge says it. */
export type WorldBadge = {
  /** `wasi:cli/command`, `wasi:http/proxy`, `wasi:http/service`. */
  world: string;
  conforms: boolean;
  /** What the badge's tooltip says: whether `wasmtime` takes it as is, or what is extra. */
  title: string;
};

export type HostPortView = {
  /** The host interface's full name (with the host's version). */
  name: string;
  label: string;
  description: string;
  /** Some open import uses it. */
  used: boolean;
  /** The capability that governs it, if any (else every component gets it). */
  toggle: CapabilityToggle | null;
  /** Whether the project's grants turn that capability on. */
  granted: boolean;
};

/** The host's interfaces of one WASI package at one version. */
export type HostGroup = {
  /** `namespace:package`: `wasi:cli`. */
  name: string;
  /** What to print: `cli`. */
  label: string;
  version: string;
  ports: HostPortView[];
};

export type HostNodeData = {
  groups: HostGroup[];
  /** Open imports the host cannot provide: each needs a wire from a component. */
  unprovided: { name: string; label: string }[];
};

/** One function of a stub, as its card lists it. */
export type StubLine = {
  name: string;
  /** What a call gets: the WAVE value, `traps: message`, `nothing`, or why there is no answer. */
  text: string;
  /** `unanswered`: it has a result but no answer (so it traps); `unknown`: answered, but the
   * import has no such function (the run refuses the stub). */
  tone: "value" | "nothing" | "trap" | "unanswered" | "unknown";
};

export type StubNodeData = {
  id: string;
  /** The node and the import it answers. */
  answers: WireEnd;
  /** The import's short label (its interface). */
  label: string;
  functions: StubLine[];
};

export type ComponentFlowNode = Node<ComponentNodeData, "component">;
export type HostFlowNode = Node<HostNodeData, "host">;
export type StubFlowNode = Node<StubNodeData, "stub">;
export type AppNode = ComponentFlowNode | HostFlowNode | StubFlowNode;

export type WireEdgeData = {
  from: WireEnd;
  to: WireEnd;
  /** Why the wire no longer fits (a component changed on disk), if it does not. */
  problem: string | null;
};
export type HostEdgeData = {
  to: WireEnd;
  provided: boolean;
  /** The capability behind the interface is off for the importing node. */
  off: boolean;
};
/** The one edge from the Host to a node's collapsed WASI bundle. */
export type BundleEdgeData = { node: string; bundle: WasiBundle };
/** The edge from a stub to the import it answers: `from` is the stub (with that import's name),
 * so its calls are shown like a wire's. */
export type StubEdgeData = { from: WireEnd; to: WireEnd };
export type WireFlowEdge = Edge<WireEdgeData, "wire">;
export type HostFlowEdge = Edge<HostEdgeData, "host">;
export type BundleFlowEdge = Edge<BundleEdgeData, "bundle">;
export type StubFlowEdge = Edge<StubEdgeData, "stub">;
export type AppEdge = WireFlowEdge | HostFlowEdge | BundleFlowEdge | StubFlowEdge;

export const HOST_ID = "host";

export function handleId(direction: Direction, port: string): string {
  return `${direction === "import" ? "in" : "out"}:${port}`;
}

export function hostHandleId(hostInterface: string): string {
  return `host:${hostInterface}`;
}

/** The handle of a WASI bundle: on the node's bundle row, and on the Host (the same id on
 * both). Not a port: `portOfHandle` gives null for it, so no wire starts there. */
export const WASI_BUNDLE_HANDLE = "wasi-bundle";

/** The key of one port of one node, for per-port window state (its unfolded functions). */
export function portKey(node: string, direction: Direction, port: string): string {
  return JSON.stringify([node, handleId(direction, port)]);
}

export function unprovidedHandleId(importName: string): string {
  return `need:${importName}`;
}

/** The port name of a component handle id, or null for anything else. */
export function portOfHandle(handle: string | null | undefined): string | null {
  if (!handle) return null;
  const match = /^(in|out):(.*)$/s.exec(handle);
  return match?.[2] ?? null;
}

export function wireKey(from: WireEnd, to: WireEnd): string {
  return JSON.stringify([from.node, from.port, to.node, to.port]);
}

export function wireEdgeId(from: WireEnd, to: WireEnd): string {
  return `wire:${wireKey(from, to)}`;
}

export function stubEdgeId(stub: string): string {
  return `stub:${JSON.stringify(stub)}`;
}
