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
  wasiReleases,
  type CanvasInput,
} from "./mapping";
import { HOST_ID, handleId, hostHandleId, unprovidedHandleId } from "./model";
import { highlightWit } from "./wit";
import type { Node as ProjectNode } from "../ipc/bindings/Node";
import type { Project } from "../ipc/bindings/Project";

function nodeAt(project: Project, index: number): ProjectNode {
  const node = project.nodes[index];
  if (!node) throw new Error(`no node ${index}`);
  return node;
}

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
    const data = componentData(nodeAt(seedProject(), 1), seedInput());
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
    expect(wasiReleases(CONSUMER.info)).toBe("0.2");
    const both = details(["wasi:cli/stdout@0.3.0", STDOUT], ["wasi:cli/run@0.3.0"]);
    expect(wasiReleases(both.info)).toBe("0.2 + 0.3");
    expect(wasiReleases(details([OPS], []).info)).toBeNull();
  });
});

describe("edges and the host", () => {
  it("draws every wire, and a dashed host wire to every open import", () => {
    const edges = buildEdges(seedInput(), new Set());
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
    const input = readerInput(project);
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
    const data = componentData(nodeAt(own, 1), readerInput(own));
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
