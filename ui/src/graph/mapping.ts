// Pure mappers from the project and what the engine said about its components to what the canvas
// draws. No rules about WebAssembly here: which imports the host provides, which ports exist and
// what they carry all come from the engine.
import {
  TOGGLE_LABEL,
  fullProfile,
  grantChips,
  grants,
  type FullProfile,
} from "../capabilities/profile";
import type { CapabilityToggle } from "../ipc/bindings/CapabilityToggle";
import type { ComponentDetails } from "../ipc/bindings/ComponentDetails";
import type { HostInterface } from "../ipc/bindings/HostInterface";
import type { Newer } from "../ipc/bindings/Newer";
import type { Node as ProjectNode } from "../ipc/bindings/Node";
import type { Port } from "../ipc/bindings/Port";
import type { Project } from "../ipc/bindings/Project";
import type { RegistrySource } from "../ipc/bindings/RegistrySource";
import type { Stub } from "../ipc/bindings/Stub";
import type { WorldFit } from "../ipc/bindings/WorldFit";
import { referenceName, shortReference } from "../registry/reference";
import {
  HOST_ID,
  WASI_BUNDLE_HANDLE,
  handleId,
  hostHandleId,
  stubEdgeId,
  unprovidedHandleId,
  wireEdgeId,
  wireKey,
  type AppEdge,
  type AppNode,
  type ComponentFlowNode,
  type ComponentNodeData,
  type Direction,
  type HostFlowNode,
  type HostGroup,
  type HostNodeData,
  type NodeState,
  type PortGroup,
  type PortView,
  type RegistryBadge,
  type StubFlowNode,
  type StubNodeData,
  type WorldBadge,
  type WasiBundle,
} from "./model";
import { answeredPort, stubLines, stubbedImports } from "./stubs";

/** What the window knows about one node's component. */
export type NodeEntry = {
  state: NodeState;
  details: ComponentDetails | null;
  problem: string | null;
  /** For a changed component: the hash of the file now. */
  actualSha256: string | null;
};

/** What a node's registry said when last asked about the source it was asked for. */
export type RegistryNews = {
  source: RegistrySource;
  newer: Newer | null;
  error: string | null;
};

/** What the canvas marks as at fault: the node (and port) of a failed compile, or of a run that
 * failed there. */
export type Fault = { node?: string | null; port?: string | null };

export type CanvasInput = {
  project: Project;
  entries: Record<string, NodeEntry | undefined>;
  hostInterfaces: HostInterface[];
  fault: Fault | null;
  /** Wires that no longer fit, by wire key (for edges). */
  wireProblems?: Record<string, string | undefined>;
  /** Nodes whose WASI bundle is unfolded (window state, not the project's). */
  wasiExpanded?: Record<string, boolean | undefined>;
  /** What each registry node's registry said last, by node. */
  registryNews?: Record<string, RegistryNews | undefined>;
};

/** The grants that apply to `node`: its own, or the project's. */
export function effectiveProfile(project: Project, node: ProjectNode): FullProfile {
  return fullProfile(node.capabilities ?? project.capabilities);
}

/** The capability that governs the host interface `name`, if `profile` leaves it off. */
function deniedBy(
  hostInterfaces: HostInterface[],
  name: string | null | undefined,
  profile: FullProfile,
): CapabilityToggle | null {
  if (!name) return null;
  const toggle = hostInterfaces.find((h) => h.name === name)?.toggle ?? null;
  return toggle !== null && !grants(profile, toggle) ? toggle : null;
}

/** The file name of a path without its directory and `.wasm`. */
export function componentName(path: string): string {
  const file = path.split(/[\\/]/).pop() ?? path;
  return file.replace(/\.wasm$/i, "");
}

/** A node id not used yet: the component's name, then `name-2`, `name-3`, … */
export function freshNodeId(name: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const base = name.trim() || "component";
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) {
    const id = `${base}-${i}`;
    if (!used.has(id)) return id;
  }
}

/** What the window calls a WASI package: `cli` for `wasi:cli`. */
export function wasiPackageLabel(pkg: string): string {
  return pkg.slice(pkg.indexOf(":") + 1);
}

/** The short label of a port: the interface of `ns:pkg/iface@1.0.0`, else the name itself. */
export function portLabel(name: string): string {
  const slash = name.indexOf("/");
  if (slash < 0) return name;
  const rest = name.slice(slash + 1);
  const at = rest.indexOf("@");
  return at < 0 ? rest : rest.slice(0, at);
}

function isWireable(port: Port): boolean {
  return port.kind !== "type";
}

/** The imports of `nodeId` that wires feed. */
function wiredImports(project: Project, nodeId: string): Set<string> {
  return new Set(project.wires.filter((w) => w.to.node === nodeId).map((w) => w.to.port));
}

/** Imports of `nodeId` that no wire or stub feeds (type imports are never wired, so never
 * open). */
export function openImports(project: Project, nodeId: string, details: ComponentDetails): Port[] {
  const wired = wiredImports(project, nodeId);
  const stubbed = stubbedImports(project, nodeId);
  return details.info.imports.filter(
    (p) => isWireable(p) && !wired.has(p.name) && !stubbed.has(p.name),
  );
}

/**
 * Whether an open import goes into its node's WASI bundle: a WASI interface the host provides.
 * A wired WASI import keeps its port (wires between components are never bundled), and so does
 * one the host cannot provide, which needs a wire.
 */
function bundles(port: Port, host: string | null | undefined): boolean {
  return port.wasi && Boolean(host);
}

/** The WASI bundle of a node whose component is loaded, or null if nothing goes into it. */
export function wasiBundle(
  node: ProjectNode,
  details: ComponentDetails,
  input: CanvasInput,
): WasiBundle | null {
  const profile = effectiveProfile(input.project, node);
  const ports = openImports(input.project, node.id, details).filter((p) =>
    bundles(p, details.hostImports[p.name]),
  );
  if (ports.length === 0) return null;
  const names = ports.map((p) => p.name);
  const packages = new Set(ports.map((p) => wasiPackageLabel(p.package ?? p.name)));
  const denied = new Set<CapabilityToggle>();
  for (const port of ports) {
    const toggle = deniedBy(input.hostInterfaces, details.hostImports[port.name], profile);
    if (toggle) denied.add(toggle);
  }
  const releases = wasiReleases(ports);
  const faultPort = input.fault?.node === node.id ? input.fault.port : null;
  const atFault = faultPort && names.includes(faultPort) ? faultPort : null;
  const title = [
    `${ports.length} WASI import${ports.length === 1 ? "" : "s"} from the host: ${names.join(", ")}.`,
    denied.size > 0
      ? `Denied by this node's grants: ${[...denied].map((t) => TOGGLE_LABEL[t]).join(", ")}.`
      : "",
    atFault ? `At fault: ${atFault}.` : "",
  ];
  return {
    label: `${releases ? `WASI ${releases}` : "WASI"} · ${[...packages].join(", ")} — ${ports.length}`,
    ports: names,
    expanded: input.wasiExpanded?.[node.id] === true,
    denied: [...denied],
    error: atFault !== null,
    title: title.filter(Boolean).join(" "),
  };
}

function groupPorts(ports: PortView[], wasiOf: (p: PortView) => boolean): PortGroup[] {
  const groups = new Map<string, PortGroup>();
  for (const port of ports) {
    const name = port.name.includes("/") ? port.name.slice(0, port.name.indexOf("/")) : "";
    let group = groups.get(name);
    if (!group) {
      group = { name, version: port.version, wasi: wasiOf(port), ports: [] };
      groups.set(name, group);
    }
    if (group.version !== port.version) group.version = null;
    group.ports.push(port);
  }
  // The component's own interfaces first: they are what gets wired; WASI comes from the host.
  return [...groups.values()].sort((a, b) => Number(a.wasi) - Number(b.wasi));
}

function portView(
  port: Port,
  direction: Direction,
  extra: Partial<PortView> &
    Pick<PortView, "open" | "stub" | "hostProvided" | "exported" | "error" | "off">,
): PortView {
  return {
    name: port.name,
    label: portLabel(port.name),
    version: port.version,
    kind: port.kind,
    wasi: port.wasi,
    functions: port.functions.map((f) => ({
      name: f.name,
      signature: f.signature,
      asynchronous: f.asynchronous,
    })),
    expandable: port.kind !== "function" && port.functions.length > 0,
    missing: false,
    ...extra,
    ...(direction === "export" ? { open: false, stub: null, hostProvided: null, off: false } : {}),
  };
}

function missingPort(name: string, error: boolean, stub: string | null = null): PortView {
  return {
    name,
    label: portLabel(name),
    version: null,
    kind: "unknown",
    wasi: false,
    functions: [],
    expandable: false,
    open: false,
    stub,
    hostProvided: null,
    off: false,
    missing: true,
    exported: false,
    error,
  };
}

/** The data of one component node. */
export function componentData(node: ProjectNode, input: CanvasInput): ComponentNodeData {
  const { project, fault } = input;
  const entry = input.entries[node.id];
  const details = entry?.details ?? null;
  const errorHere = fault?.node === node.id;
  const errorPort = errorHere ? (fault.port ?? null) : null;
  const wiredIn = wiredImports(project, node.id);
  const stubbedIn = stubbedImports(project, node.id);
  const wiredOut = new Set(
    project.wires.filter((w) => w.from.node === node.id).map((w) => w.from.port),
  );
  const exported = new Set(project.exports.filter((e) => e.node === node.id).map((e) => e.export));
  const profile = effectiveProfile(project, node);

  const imports: PortView[] = (details?.info.imports ?? []).map((port) => {
    const stub = stubbedIn.get(port.name) ?? null;
    const open = isWireable(port) && !wiredIn.has(port.name) && stub === null;
    const hostProvided = details?.hostImports[port.name] ?? null;
    return portView(port, "import", {
      open,
      stub,
      hostProvided,
      off: open && deniedBy(input.hostInterfaces, hostProvided, profile) !== null,
      exported: false,
      error: errorPort === port.name,
    });
  });
  const exports: PortView[] = (details?.info.exports ?? []).map((port) =>
    portView(port, "export", {
      open: false,
      stub: null,
      hostProvided: null,
      off: false,
      exported: exported.has(port.name),
      error: errorPort === port.name,
    }),
  );
  // Wires, stubs and exports the component no longer has (or whose file is missing) stay
  // visible.
  for (const name of new Set([...wiredIn, ...stubbedIn.keys()])) {
    if (!imports.some((p) => p.name === name)) {
      imports.push(missingPort(name, errorPort === name, stubbedIn.get(name) ?? null));
    }
  }
  for (const name of new Set([...wiredOut, ...exported])) {
    if (!exports.some((p) => p.name === name)) exports.push(missingPort(name, errorPort === name));
  }
  const bundle = details ? wasiBundle(node, details, input) : null;
  const shown =
    bundle && !bundle.expanded ? imports.filter((p) => !bundle.ports.includes(p.name)) : imports;
  return {
    id: node.id,
    // A pulled component's file is named after its digest: the reference names it better.
    component: node.registry
      ? referenceName(node.registry.reference)
      : componentName(node.component),
    path: node.component,
    state: entry?.state ?? "loading",
    problem: entry?.problem ?? null,
    role: details?.info.role ?? null,
    wasi: details ? wasiReleases([...details.info.imports, ...details.info.exports]) : null,
    world: details?.world ? worldBadge(details.world) : null,
    imports: groupPorts(shown, (p) => p.wasi),
    exports: groupPorts(exports, (p) => p.wasi),
    wasiBundle: bundle,
    error: errorHere,
    grants: { own: Boolean(node.capabilities), chips: grantChips(profile) },
    registry: node.registry ? registryBadge(node.registry, input.registryNews?.[node.id]) : null,
  };
}

/** The badge of a component pulled from `source`, with `news` if it is about that source (news
 * about what the node was pulled from before, say before an undo, says nothing now). */
export function registryBadge(
  source: RegistrySource,
  news: RegistryNews | undefined,
): RegistryBadge {
  const current =
    news?.source.reference === source.reference && news.source.digest === source.digest
      ? news
      : null;
  return {
    label: shortReference(source.reference),
    title: `${source.reference}\n${source.digest}`,
    newer: current?.newer?.summary ?? null,
    unreachable: current?.error ?? null,
  };
}

/** The badge of a component's fit to its standard world. */
export function worldBadge(fit: WorldFit): WorldBadge {
  const runner = fit.world === "wasi:cli/command" ? "wasmtime run" : "wasmtime serve";
  const title = fit.conforms
    ? `Conforms to ${fit.world} (WASI ${fit.release}): ${runner} takes it as it is.`
    : `A ${fit.world} (WASI ${fit.release}) that also imports ${fit.extra.join(", ")}: wire ` +
      `those, or run it where a host provides them.`;
  return { world: fit.world, conforms: fit.conforms, title };
}

/** The WASI releases `ports` use (a component's imports and exports, or its bundle): `0.2`,
 * `0.3` or `0.2 + 0.3` (what rustc's std with an async export gives), or null for none. */
export function wasiReleases(ports: readonly Port[]): string | null {
  const releases = new Set<string>();
  for (const port of ports) {
    const release = port.wasi ? /^(\d+\.\d+)\./.exec(port.version ?? "")?.[1] : undefined;
    if (release) releases.add(release);
  }
  return releases.size === 0 ? null : [...releases].sort().join(" + ");
}

/** The data of the host node: the interfaces it provides, and what it cannot provide. */
export function hostData(input: CanvasInput): HostNodeData {
  const used = new Set<string>();
  const unprovided = new Map<string, { name: string; label: string }>();
  for (const node of input.project.nodes) {
    const details = input.entries[node.id]?.details;
    if (!details) continue;
    for (const port of openImports(input.project, node.id, details)) {
      const host = details.hostImports[port.name];
      if (host) used.add(host);
      else unprovided.set(port.name, { name: port.name, label: portLabel(port.name) });
    }
  }
  // One group per package and version: 0.2 and 0.3 name the same interfaces.
  const groups: HostGroup[] = [];
  const profile = fullProfile(input.project.capabilities);
  for (const iface of input.hostInterfaces) {
    let group = groups.find((g) => g.name === iface.package && g.version === iface.version);
    if (!group) {
      group = {
        name: iface.package,
        label: wasiPackageLabel(iface.package),
        version: iface.version,
        ports: [],
      };
      groups.push(group);
    }
    group.ports.push({
      name: iface.name,
      label: iface.interface,
      description: iface.description,
      used: used.has(iface.name),
      toggle: iface.toggle,
      granted: iface.toggle === null || grants(profile, iface.toggle),
    });
  }
  return { groups, unprovided: [...unprovided.values()] };
}

/** The data of one stub node: what each function of the import it answers returns. */
export function stubData(stub: Stub, input: CanvasInput): StubNodeData {
  const port = answeredPort(stub, input.entries[stub.answers.node]?.details);
  return {
    id: stub.id,
    answers: stub.answers,
    label: portLabel(stub.answers.port),
    functions: stubLines(stub, port),
  };
}

/** Every wire of the project, an edge from every stub to the import it answers, and a dashed
 * wire from the host to every open import, but one edge for all those in a collapsed WASI
 * bundle. */
export function buildEdges(input: CanvasInput, selectedWires: ReadonlySet<string>): AppEdge[] {
  const edges: AppEdge[] = input.project.wires.map((wire) => {
    const id = wireEdgeId(wire.from, wire.to);
    return {
      id,
      type: "wire",
      source: wire.from.node,
      sourceHandle: handleId("export", wire.from.port),
      target: wire.to.node,
      targetHandle: handleId("import", wire.to.port),
      selected: selectedWires.has(id),
      data: {
        from: wire.from,
        to: wire.to,
        problem: input.wireProblems?.[wireKey(wire.from, wire.to)] ?? null,
      },
    };
  });
  for (const stub of input.project.stubs) {
    const to = stub.answers;
    edges.push({
      id: stubEdgeId(stub.id),
      type: "stub",
      source: stub.id,
      sourceHandle: handleId("export", to.port),
      target: to.node,
      targetHandle: handleId("import", to.port),
      // Removed with its stub: only clicked, to show its calls.
      selectable: false,
      deletable: false,
      focusable: false,
      data: { from: { node: stub.id, port: to.port }, to },
    });
  }
  for (const node of input.project.nodes) {
    const details = input.entries[node.id]?.details;
    if (!details) continue;
    const profile = effectiveProfile(input.project, node);
    const bundle = wasiBundle(node, details, input);
    const collapsed = bundle && !bundle.expanded ? bundle : null;
    if (collapsed) {
      edges.push({
        id: `bundle:${JSON.stringify(node.id)}`,
        type: "bundle",
        source: HOST_ID,
        sourceHandle: WASI_BUNDLE_HANDLE,
        target: node.id,
        targetHandle: WASI_BUNDLE_HANDLE,
        selectable: false,
        deletable: false,
        focusable: false,
        data: { node: node.id, bundle: collapsed },
      });
    }
    for (const port of openImports(input.project, node.id, details)) {
      if (collapsed?.ports.includes(port.name)) continue;
      const host = details.hostImports[port.name];
      edges.push({
        id: `host:${JSON.stringify([node.id, port.name])}`,
        type: "host",
        source: HOST_ID,
        sourceHandle: host ? hostHandleId(host) : unprovidedHandleId(port.name),
        target: node.id,
        targetHandle: handleId("import", port.name),
        selectable: false,
        deletable: false,
        focusable: false,
        data: {
          to: { node: node.id, port: port.name },
          provided: host !== undefined,
          off: deniedBy(input.hostInterfaces, host, profile) !== null,
        },
      });
    }
  }
  return edges;
}

/** Where the host sits by default: left of the leftmost node or stub. */
export function defaultHostPosition(project: Project): { x: number; y: number } {
  const positions = [...project.nodes, ...project.stubs].map((n) => n.position);
  if (positions.length === 0) return { x: -430, y: 0 };
  const xs = positions.map((p) => p.x);
  const ys = positions.map((p) => p.y);
  return { x: Math.min(...xs) - 430, y: Math.min(...ys) };
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The React Flow nodes for `input`, reusing what React Flow measured and selected on `previous`
 * and keeping each node's `data` object when it did not change (so memoised nodes skip renders).
 */
export function syncFlowNodes(
  previous: readonly AppNode[],
  input: CanvasInput,
  hostPosition: { x: number; y: number },
): AppNode[] {
  const before = new Map(previous.map((n) => [n.id, n]));
  const oldHost = before.get(HOST_ID);
  const prevHost = oldHost?.type === "host" ? oldHost : undefined;
  const hostInfo = hostData(input);
  const hostNode: HostFlowNode = {
    ...prevHost,
    id: HOST_ID,
    type: "host",
    position: hostPosition,
    deletable: false,
    data: prevHost && sameJson(prevHost.data, hostInfo) ? prevHost.data : hostInfo,
  };
  const nodes: AppNode[] = [hostNode];
  for (const node of input.project.nodes) {
    const old = before.get(node.id);
    const prev = old?.type === "component" ? old : undefined;
    const data = componentData(node, input);
    const flowNode: ComponentFlowNode = {
      ...prev,
      id: node.id,
      type: "component",
      position: { x: node.position.x, y: node.position.y },
      data: prev && sameJson(prev.data, data) ? prev.data : data,
    };
    nodes.push(flowNode);
  }
  for (const stub of input.project.stubs) {
    const old = before.get(stub.id);
    const prev = old?.type === "stub" ? old : undefined;
    const data = stubData(stub, input);
    const flowNode: StubFlowNode = {
      ...prev,
      id: stub.id,
      type: "stub",
      position: { x: stub.position.x, y: stub.position.y },
      data: prev && sameJson(prev.data, data) ? prev.data : data,
    };
    nodes.push(flowNode);
  }
  return nodes;
}
