import { describe, expect, it } from "vitest";

import {
  CONSUMER,
  HOST,
  HOST_PREOPENS,
  HOST_STDOUT,
  OPS,
  PREOPENS,
  PROVIDER,
  RUN,
  STDOUT,
  details,
  fnInfo,
  port,
  seedProject,
} from "../fixtures";
import {
  buildEdges,
  componentData,
  componentName,
  freshNodeId,
  hostData,
  portLabel,
  syncFlowNodes,
  worldBadge,
  wasiBundle,
  wasiReleases,
  type CanvasInput,
} from "./mapping";
import {
  HOST_ID,
  WASI_BUNDLE_HANDLE,
  handleId,
  hostHandleId,
  portOfHandle,
  unprovidedHandleId,
} from "./model";
import { stubLines, stubRefusal, whyNoStub } from "./stubs";
import { highlightWit } from "./wit";
import type { Node as ProjectNode } from "../ipc/bindings/Node";
import type { Project } from "../ipc/bindings/Project";

function nodeAt(project: Project, index: number): ProjectNode {
  const node = project.nodes[index];
  if (!node) throw new Error(`no node ${index}`);
  return node;
}

/** Both seed nodes with their WASI bundles unfolded: every port and host wire as before. */
const UNFOLDED = { "string-operations": true, "consumer-app": true };

function seedInput(overrides: Partial<CanvasInput> = {}): CanvasInput {
  return {
    project: seedProject(),
    entries: {
      "string-operations": { state: "ok", details: PROVIDER, problem: null, actualSha256: null },
      "consumer-app": { state: "ok", details: CONSUMER, problem: null, actualSha256: null },
    },
    hostInterfaces: HOST,
    fault: null,
    ...overrides,
  };
}

describe("names", () => {
  it("derives component names and fresh node ids", () => {
    expect(componentName("/a/b/logger.wasm")).toBe("logger");
    expect(componentName("C:\\x\\Greeter.WASM")).toBe("Greeter");
    expect(freshNodeId("logger", [])).toBe("logger");
    expect(freshNodeId("logger", ["logger", "logger-2"])).toBe("logger-3");
  });

  it("labels interface ports by interface and plain ports by name", () => {
    expect(portLabel(OPS)).toBe("operations");
    expect(portLabel("wasi:cli/run")).toBe("run");
    expect(portLabel("shout")).toBe("shout");
  });
});

describe("component nodes", () => {
  it("groups ports by package, own interfaces before WASI, and marks open imports", () => {
    const data = componentData(nodeAt(seedProject(), 1), seedInput({ wasiExpanded: UNFOLDED }));
    expect(data.imports.map((g) => g.name)).toEqual(["example:stringoperations", "wasi:cli"]);
    const [ops, stdout] = data.imports.flatMap((g) => g.ports);
    expect(ops).toMatchObject({ name: OPS, label: "operations", open: false });
    expect(stdout).toMatchObject({
      name: STDOUT,
      open: true,
      hostProvided: HOST_STDOUT,
      wasi: true,
    });
    expect(data.role).toBe("command");
  });

  it("keeps wired ports of a missing component visible, flagged missing", () => {
    const input = seedInput({
      entries: {
        "string-operations": {
          state: "missing",
          details: null,
          problem: "not found",
          actualSha256: null,
        },
      },
    });
    const data = componentData(nodeAt(input.project, 0), input);
    expect(data.state).toBe("missing");
    expect(data.exports.flatMap((g) => g.ports)).toMatchObject([{ name: OPS, missing: true }]);
  });

  it("marks the node and port a compile error names", () => {
    const input = seedInput({
      fault: { node: "consumer-app", port: OPS },
    });
    const data = componentData(nodeAt(input.project, 1), input);
    expect(data.error).toBe(true);
    expect(data.imports[0]?.ports[0]?.error).toBe(true);
  });
});

describe("WASI releases", () => {
  it("says which WASI releases a component uses", () => {
    expect(wasiReleases(CONSUMER.info.imports)).toBe("0.2");
    const both = details(["wasi:cli/stdout@0.3.0", STDOUT], ["wasi:cli/run@0.3.0"]);
    expect(wasiReleases([...both.info.imports, ...both.info.exports])).toBe("0.2 + 0.3");
    expect(wasiReleases(details([OPS], []).info.imports)).toBeNull();
  });
});

describe("edges and the host", () => {
  it("draws every wire, and a dashed host wire to every open import", () => {
    const edges = buildEdges(seedInput({ wasiExpanded: UNFOLDED }), new Set());
    expect(edges.filter((e) => e.type === "wire")).toMatchObject([
      {
        source: "string-operations",
        sourceHandle: handleId("export", OPS),
        target: "consumer-app",
        targetHandle: handleId("import", OPS),
      },
    ]);
    const host = edges.filter((e) => e.type === "host");
    expect(host.map((e) => e.target).sort()).toEqual(["consumer-app", "string-operations"]);
    expect(
      host.every((e) => e.source === HOST_ID && e.sourceHandle === hostHandleId(HOST_STDOUT)),
    ).toBe(true);
  });

  it("lists imports the host cannot provide on the host node", () => {
    const project = { ...seedProject(), wires: [] };
    const input = seedInput({ project });
    const host = hostData(input);
    expect(host.unprovided).toEqual([{ name: OPS, label: "operations" }]);
    expect(host.groups.find((g) => g.name === "wasi:cli")?.ports[0]?.used).toBe(true);
    const edge = buildEdges(input, new Set()).find(
      (e) => e.type === "host" && e.data?.to.port === OPS,
    );
    expect(edge?.sourceHandle).toBe(unprovidedHandleId(OPS));
    expect(edge?.data).toMatchObject({ provided: false });
  });

  it("keeps measured sizes and unchanged data across syncs", () => {
    const first = syncFlowNodes([], seedInput(), { x: -400, y: 0 });
    expect(first.map((n) => n.id)).toEqual([HOST_ID, "string-operations", "consumer-app"]);
    const measured = first.map((n) => ({ ...n, measured: { width: 10, height: 20 } }));
    const second = syncFlowNodes(measured, seedInput(), { x: -400, y: 0 });
    expect(second[1]?.measured).toEqual({ width: 10, height: 20 });
    expect(second[1]?.data).toBe(measured[1]?.data);
  });
});

describe("WIT highlighting", () => {
  it("keeps the text and colours keywords, packages, versions and types", () => {
    const text =
      "package example:app@0.1.0;\n// hi\ninterface ops {\n  reverse: func(s: string) -> list<u8, 4>;\n}\n";
    const tokens = highlightWit(text);
    expect(tokens.map((t) => t.text).join("")).toBe(text);
    const kinds = (kind: string) => tokens.filter((t) => t.kind === kind).map((t) => t.text);
    expect(kinds("keyword")).toEqual(["package", "interface", "func"]);
    expect(kinds("package")).toEqual(["example:app"]);
    expect(kinds("version")).toEqual(["@0.1.0"]);
    expect(kinds("type")).toEqual(["string", "list", "u8"]);
    expect(kinds("comment")).toEqual(["// hi"]);
  });
});

describe("grants on the canvas", () => {
  const reader = details([PREOPENS, STDOUT], [RUN]);
  function readerInput(project: Project): CanvasInput {
    return seedInput({
      project,
      entries: {
        "string-operations": { state: "ok", details: PROVIDER, problem: null, actualSha256: null },
        "consumer-app": { state: "ok", details: reader, problem: null, actualSha256: null },
      },
    });
  }
  const granted = {
    ...seedProject().capabilities,
    dirs: [{ host: "/tmp", guest: "/data", "read-only": true }],
  };

  it("draws a host port, an import and its host wire off while their capability is denied", () => {
    const project = seedProject();
    const input = { ...readerInput(project), wasiExpanded: UNFOLDED };
    const host = hostData(input).groups.flatMap((g) => g.ports);
    expect(host.find((p) => p.name === HOST_PREOPENS)).toMatchObject({
      used: true,
      granted: false,
    });
    expect(host.find((p) => p.name === HOST_STDOUT)).toMatchObject({ toggle: null, granted: true });
    const data = componentData(nodeAt(project, 1), input);
    const preopens = data.imports.flatMap((g) => g.ports).find((p) => p.name === PREOPENS);
    expect(preopens?.off).toBe(true);
    const wire = buildEdges(input, new Set()).find(
      (e) => e.type === "host" && e.data?.to.port === PREOPENS,
    );
    expect(wire?.type === "host" && wire.data?.off).toBe(true);
    expect(data.grants).toEqual({ own: false, chips: [] });

    const on = readerInput({ ...project, capabilities: granted });
    expect(
      hostData(on)
        .groups.flatMap((g) => g.ports)
        .find((p) => p.name === HOST_PREOPENS)?.granted,
    ).toBe(true);
  });

  it("uses a node's own grants for its ports and badge", () => {
    const project = seedProject();
    const own: Project = {
      ...project,
      nodes: project.nodes.map((n) =>
        n.id === "consumer-app" ? { ...n, capabilities: granted } : n,
      ),
    };
    const data = componentData(nodeAt(own, 1), { ...readerInput(own), wasiExpanded: UNFOLDED });
    expect(data.imports.flatMap((g) => g.ports).find((p) => p.name === PREOPENS)?.off).toBe(false);
    expect(data.grants).toEqual({ own: true, chips: ["/data ro"] });
    // The host still shows the project's (denied) default.
    expect(
      hostData(readerInput(own))
        .groups.flatMap((g) => g.ports)
        .find((p) => p.name === HOST_PREOPENS)?.granted,
    ).toBe(false);
  });
});

describe("the WASI bundle", () => {
  const STREAMS = "wasi:io/streams@0.2.6";
  const ENV = "wasi:cli/environment@0.2.6";
  const CLOCK = "wasi:clocks/wall-clock@0.2.6";
  const TCP = "wasi:sockets/tcp@0.2.6";
  const HTTP = "wasi:http/types@0.2.6";
  const busy = details([OPS, STDOUT, STREAMS, ENV, CLOCK, PREOPENS, TCP, HTTP], [RUN]);
  // What the host provides of them: all but wasi:http/types.
  busy.hostImports = {
    ...busy.hostImports,
    [STREAMS]: "wasi:io/streams@0.2.12",
    [ENV]: "wasi:cli/environment@0.2.12",
    [CLOCK]: "wasi:clocks/wall-clock@0.2.12",
    [TCP]: "wasi:sockets/tcp@0.2.12",
  };
  function busyInput(overrides: Partial<CanvasInput> = {}): CanvasInput {
    return seedInput({
      entries: {
        "string-operations": { state: "ok", details: PROVIDER, problem: null, actualSha256: null },
        "consumer-app": { state: "ok", details: busy, problem: null, actualSha256: null },
      },
      ...overrides,
    });
  }
  const consumer = () => nodeAt(seedProject(), 1);
  const bundled = [STDOUT, STREAMS, ENV, CLOCK, PREOPENS, TCP];

  it("folds the WASI imports the host provides into one row, labelled and counted", () => {
    const data = componentData(consumer(), busyInput());
    expect(data.wasiBundle).toMatchObject({
      label: "WASI 0.2 · cli, io, clocks, filesystem, sockets — 6",
      ports: bundled,
      expanded: false,
    });
    // Collapsed: the node's own interfaces, and the WASI import the host cannot provide.
    expect(data.imports.flatMap((g) => g.ports.map((p) => p.name))).toEqual([OPS, HTTP]);
  });

  it("draws one bundle edge while collapsed, and each port's host wire unfolded", () => {
    const collapsed = buildEdges(busyInput(), new Set()).filter((e) => e.target === "consumer-app");
    expect(collapsed.filter((e) => e.type === "bundle")).toMatchObject([
      {
        source: HOST_ID,
        sourceHandle: WASI_BUNDLE_HANDLE,
        targetHandle: WASI_BUNDLE_HANDLE,
        data: { node: "consumer-app" },
      },
    ]);
    // Only the unprovided one keeps its own host wire; the real wire is never bundled.
    expect(collapsed.filter((e) => e.type === "host").map((e) => e.targetHandle)).toEqual([
      handleId("import", HTTP),
    ]);
    expect(collapsed.filter((e) => e.type === "wire")).toHaveLength(1);
    expect(portOfHandle(WASI_BUNDLE_HANDLE)).toBeNull();

    const input = busyInput({ wasiExpanded: { "consumer-app": true } });
    const unfolded = buildEdges(input, new Set()).filter((e) => e.target === "consumer-app");
    expect(unfolded.some((e) => e.type === "bundle")).toBe(false);
    expect(unfolded.flatMap((e) => (e.type === "host" ? [e.data?.to.port] : []))).toEqual([
      ...bundled,
      HTTP,
    ]);
    const data = componentData(consumer(), input);
    expect(data.wasiBundle?.expanded).toBe(true);
    expect(data.imports.flatMap((g) => g.ports)).toHaveLength(8);
  });

  it("is denied while the node's grants leave a capability of its interfaces off", () => {
    const project = seedProject();
    const denied = wasiBundle(consumer(), busy, busyInput());
    expect(denied?.denied).toEqual(["dirs", "inherit-network"]);
    expect(denied?.title).toContain("Denied by this node's grants: folders, network.");
    const edge = buildEdges(busyInput(), new Set()).find(
      (e) => e.type === "bundle" && e.target === "consumer-app",
    );
    expect(edge?.type === "bundle" && edge.data?.bundle.denied).toEqual([
      "dirs",
      "inherit-network",
    ]);

    const network = { ...project.capabilities, "inherit-network": true };
    const own: Project = {
      ...project,
      nodes: project.nodes.map((n) =>
        n.id === "consumer-app" ? { ...n, capabilities: network } : n,
      ),
    };
    const input = busyInput({ project: own });
    expect(wasiBundle(nodeAt(own, 1), busy, input)?.denied).toEqual(["dirs"]);
    const all = { ...network, dirs: [{ host: "/tmp", guest: "/data", "read-only": true }] };
    const granted = busyInput({ project: { ...project, capabilities: all } });
    expect(wasiBundle(consumer(), busy, granted)).toMatchObject({ denied: [] });
    expect(wasiBundle(consumer(), busy, granted)?.title).not.toContain("Denied");
  });

  it("is marked at fault when a fault names one of its ports", () => {
    const input = busyInput({ fault: { node: "consumer-app", port: CLOCK } });
    const data = componentData(consumer(), input);
    expect(data.wasiBundle).toMatchObject({ error: true });
    expect(data.wasiBundle?.title).toContain(`At fault: ${CLOCK}.`);
    expect(
      wasiBundle(consumer(), busy, busyInput({ fault: { node: "consumer-app", port: OPS } })),
    ).toMatchObject({ error: false });
  });

  it("is absent for a node without WASI imports from the host", () => {
    const data = componentData(
      consumer(),
      seedInput({
        entries: {
          "consumer-app": {
            state: "ok",
            details: details([OPS], []),
            problem: null,
            actualSha256: null,
          },
        },
      }),
    );
    expect(data.wasiBundle).toBeNull();
  });

  it("groups the host's interfaces by WASI package and version", () => {
    const host = hostData(
      busyInput({
        hostInterfaces: [
          ...HOST,
          {
            name: "wasi:cli/stdout@0.3.0",
            package: "wasi:cli",
            interface: "stdout",
            version: "0.3.0",
            description: "standard output",
            toggle: null,
          },
        ],
      }),
    );
    expect(host.groups.map((g) => `${g.label} ${g.version}`)).toEqual([
      "cli 0.2.12",
      "random 0.2.12",
      "filesystem 0.2.12",
      "sockets 0.2.12",
      "cli 0.3.0",
    ]);
  });
});

describe("an interface port's functions", () => {
  const greet = port("example:greeter/greet@0.1.0", {
    functions: [
      {
        name: "greet",
        kind: "freestanding",
        resource: null,
        asynchronous: false,
        params: [],
        result: null,
        signature: "greet: func(name: string) -> string",
        docs: null,
      },
      {
        name: "tick",
        kind: "freestanding",
        resource: null,
        asynchronous: true,
        params: [],
        result: null,
        signature: "tick: async func()",
        docs: null,
      },
    ],
  });
  const shout = port("shout");

  it("lists an interface's functions with their WIT signatures; a function port has none", () => {
    const lib = details([], []);
    lib.info.exports = [greet, shout];
    const data = componentData(
      nodeAt(seedProject(), 0),
      seedInput({
        entries: {
          "string-operations": { state: "ok", details: lib, problem: null, actualSha256: null },
        },
      }),
    );
    const [interfacePort, functionPort] = data.exports.flatMap((g) => g.ports);
    expect(interfacePort).toMatchObject({
      expandable: true,
      functions: [
        { name: "greet", signature: "greet: func(name: string) -> string", asynchronous: false },
        { name: "tick", signature: "tick: async func()", asynchronous: true },
      ],
    });
    expect(functionPort).toMatchObject({ name: "shout", kind: "function", expandable: false });
  });
});

describe("world badges", () => {
  it("says whether wasmtime takes a component as it is, or what it also imports", () => {
    const fits = worldBadge({
      world: "wasi:cli/command",
      release: "0.2",
      conforms: true,
      extra: [],
    });
    expect(fits.conforms).toBe(true);
    expect(fits.title).toContain("wasmtime run takes it as it is");
    const extra = worldBadge({
      world: "wasi:http/proxy",
      release: "0.2",
      conforms: false,
      extra: ["wasi:filesystem/preopens@0.2.6"],
    });
    expect(extra.title).toContain("also imports wasi:filesystem/preopens@0.2.6");
  });
});

describe("stubs", () => {
  const TO = { node: "consumer-app", port: OPS };
  /** The seed without its wire, its consumer's import answered by a stub. */
  function stubbedInput(): CanvasInput {
    const project: Project = {
      ...seedProject(),
      wires: [],
      stubs: [
        {
          id: "operations-stub",
          answers: TO,
          functions: { f: { returns: '"x"' } },
          position: { x: 100, y: 40 },
        },
      ],
    };
    return seedInput({ project });
  }

  it("draws a stub as its own node, with an edge into the import it answers", () => {
    const input = stubbedInput();
    const stub = syncFlowNodes([], input, { x: -400, y: 0 }).find(
      (n) => n.id === "operations-stub",
    );
    expect(stub).toMatchObject({
      type: "stub",
      position: { x: 100, y: 40 },
      data: {
        answers: TO,
        label: "operations",
        functions: [{ name: "f", text: '"x"', tone: "value" }],
      },
    });
    const edges = buildEdges(input, new Set());
    expect(edges.filter((e) => e.type === "stub")).toMatchObject([
      {
        source: "operations-stub",
        sourceHandle: handleId("export", OPS),
        target: "consumer-app",
        targetHandle: handleId("import", OPS),
        data: { from: { node: "operations-stub", port: OPS }, to: TO },
      },
    ]);
  });

  it("no longer counts a stubbed import as open", () => {
    const input = stubbedInput();
    const ops = componentData(nodeAt(input.project, 1), input)
      .imports.flatMap((g) => g.ports)
      .find((p) => p.name === OPS);
    expect(ops).toMatchObject({ open: false, stub: "operations-stub" });
    expect(hostData(input).unprovided).toEqual([]);
    const hostWires = buildEdges(input, new Set()).filter(
      (e) => e.type === "host" && e.data?.to.port === OPS,
    );
    expect(hostWires).toEqual([]);
    expect(stubRefusal(input.project, TO)?.verdict).toBe("refused");
    expect(stubRefusal(input.project, { node: "string-operations", port: OPS })).toBeNull();
  });

  it("says what each function answers, and what the import lacks", () => {
    const withResult = (name: string) => ({
      ...fnInfo(name),
      result: { wit: "string", shape: { kind: "string" as const } },
    });
    const ops = port(OPS, {
      functions: [withResult("reverse"), withResult("upper"), withResult("lower"), fnInfo("log")],
    });
    const stub = {
      id: "s",
      answers: TO,
      functions: {
        reverse: { returns: '"x"' },
        upper: { traps: "not yet" },
        gone: { returns: "1" },
      },
      position: { x: 0, y: 0 },
    };
    expect(stubLines(stub, ops).map((l) => [l.name, l.text, l.tone])).toEqual([
      ["reverse", '"x"', "value"],
      ["upper", "traps: not yet", "trap"],
      ["lower", "— no answer", "unanswered"],
      ["log", "nothing", "nothing"],
      ["gone", "not in the import", "unknown"],
    ]);
    // The import unknown (its component not loaded): the saved answers alone.
    expect(stubLines(stub, undefined).map((l) => l.name)).toEqual(["reverse", "upper", "gone"]);
  });

  it("is not offered for an interface that defines resources", () => {
    expect(whyNoStub(port(OPS))).toBeNull();
    const kv = port("example:kv/store@0.1.0", {
      types: [{ name: "bucket", kind: "resource", definition: "resource bucket;", docs: null }],
    });
    expect(whyNoStub(kv)).toContain("resources");
  });
});
