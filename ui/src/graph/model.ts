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

/** A function as a port's hover card shows it. */
export type FunctionView = { name: string; signature: string };

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
  /** An import no wire feeds: the host must provide it. */
  open: boolean;
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
  imports: PortGroup[];
  exports: PortGroup[];
  /** The last compile failed on this node. */
  error: boolean;
  /** What the node is granted: its own grants, or the project's it inherits. */
  grants: { own: boolean; chips: string[] };
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

export type HostNodeData = {
  groups: { name: string; ports: HostPortView[] }[];
  /** Open imports the host cannot provide: each needs a wire from a component. */
  unprovided: { name: string; label: string }[];
};

export type ComponentFlowNode = Node<ComponentNodeData, "component">;
export type HostFlowNode = Node<HostNodeData, "host">;
export type AppNode = ComponentFlowNode | HostFlowNode;

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
export type WireFlowEdge = Edge<WireEdgeData, "wire">;
export type HostFlowEdge = Edge<HostEdgeData, "host">;
export type AppEdge = WireFlowEdge | HostFlowEdge;

export const HOST_ID = "host";

export function handleId(direction: Direction, port: string): string {
  return `${direction === "import" ? "in" : "out"}:${port}`;
}

export function hostHandleId(hostInterface: string): string {
  return `host:${hostInterface}`;
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
