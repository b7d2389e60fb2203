import { describe, expect, it, vi } from "vitest";

import { wireKey } from "../calls/model";
import { dragLook } from "../canvas/PortRow";
import {
  CONSUMER,
  HOST,
  LOG,
  LOGGER,
  OPS,
  PROVIDER,
  RUN,
  SEED_INSIDE,
  details,
  emptyProject,
  seedProject,
} from "../fixtures";
import { HOST_ID, wireEdgeId } from "../graph/model";
import type { AppError } from "../ipc";
import { EngineError } from "../ipc/errors";
import type { DeployManifest } from "../ipc/bindings/DeployManifest";
import type { DeployTarget } from "../ipc/bindings/DeployTarget";
import type { NodeUpdate } from "../ipc/bindings/NodeUpdate";
import type { Project } from "../ipc/bindings/Project";
import type { StubValue } from "../ipc/bindings/StubValue";
import type { Wire } from "../ipc/bindings/Wire";
import type { WireCheck } from "../ipc/bindings/WireCheck";
import type { RunEvent } from "../ipc/bindings/RunEvent";
import type { RunListener } from "../ipc";
import { createAppStore, insideOf, isDirty, windowTitle, type Deps } from "./index";

const DETAILS = { "string-operations": PROVIDER, "consumer-app": CONSUMER, logger: LOGGER };

const PULLED_DIGEST = "sha256:0123";

/** A manifest for `target` whose components sit in `dir`, with what it cannot carry. */
function manifestFor(target: DeployTarget, dir: string): DeployManifest {
  return {
    text:
      target === "spin"
        ? `spin_manifest_version = 2\nsource = "${dir}consumer-app.wasm"\n`
        : `kind: WorkloadDeployment\nimage: file://${dir}consumer-app.wasm\n`,
    warnings: [`${target} does not limit memory per run`],
  };
}

/** A fake engine whose wire rule is "same port name", answering as the real one shapes it. */
function fakeDeps() {
  const notWasm: AppError = { kind: "not-wasm", message: "not a WebAssembly file: it is text" };
  const checkWires = vi.fn((_: Project, __: string | null, proposals: Wire[]) =>
    Promise.resolve(
      proposals.map((w): WireCheck =>
        w.from.port === w.to.port
          ? { verdict: "allowed" }
          : {
              verdict: "refused",
              reason: `\`${w.from.port}\` does not fit \`${w.to.port}\``,
              mismatch: null,
            },
      ),
    ),
  );
  const engine: Deps["engine"] = {
    startup: () => Promise.resolve({ root: "/repo", project: null, hostInterfaces: HOST }),
    library: () => Promise.resolve({ groups: [], projects: [] }),
    newProject: () => Promise.resolve(emptyProject()),
    loadComponent: (_node, path) => {
      const name = /([^/]+)\.wasm$/.exec(path)?.[1] ?? "";
      const found = DETAILS[name as keyof typeof DETAILS] as (typeof DETAILS)["logger"] | undefined;
      return found ? Promise.resolve(found) : Promise.reject(new EngineError(notWasm));
    },
    openProject: (path) =>
      Promise.resolve({
        path,
        fromWac: path.endsWith(".wac"),
        copy: false,
        project: seedProject(),
        nodes: [
          {
            node: "string-operations",
            path: "/s/string-operations.wasm",
            status: { state: "ok" },
            details: PROVIDER,
            error: null,
          },
          {
            node: "consumer-app",
            path: "/s/consumer-app.wasm",
            status: { state: "ok" },
            details: CONSUMER,
            error: null,
          },
        ],
      }),
    checkProject: () => Promise.resolve([]),
    saveProject: (project, _from, path) => Promise.resolve({ path, project }),
    checkWires,
    compile: () =>
      Promise.reject(
        new EngineError({
          kind: "incompatible",
          message: "bad wire",
          node: "consumer-app",
          port: OPS,
        }),
      ),
    saveComposition: () => Promise.resolve(CONSUMER),
    exportWac: () => Promise.resolve(null),
    runProject: vi.fn(() => Promise.resolve(7)),
    serveProject: vi.fn(() => Promise.resolve(8)),
    invokeFunction: vi.fn(() => Promise.resolve({ id: 9, call: "f()" })),
    openSession: vi.fn(() => Promise.resolve(11)),
    suggestWires: vi.fn(() => Promise.resolve([])),
    sessionCall: vi.fn(() => Promise.resolve(null)),
    closeSession: vi.fn(() => Promise.resolve(null)),
    reviewGrants: vi.fn(() => Promise.resolve({ scopes: [] })),
    acceptGrants: vi.fn(() => Promise.resolve(null)),
    acceptGrantEdit: vi.fn(() => Promise.resolve(null)),
    checkHttpHost: vi.fn(() => Promise.resolve(null)),
    wasmtimeCommand: vi.fn(() =>
      Promise.resolve({ command: "wasmtime run a.wasm", unexpressed: [] }),
    ),
    stopRun: vi.fn(() => Promise.resolve(null)),
    setCallTap: vi.fn(() => Promise.resolve(null)),
    swapServedProject: vi.fn(() => Promise.resolve(null)),
    precompile: vi.fn(() => Promise.resolve(10)),
    sendRequest: vi.fn(() => Promise.reject(new Error("not serving"))),
    watchComponents: vi.fn(() => Promise.resolve(null)),
    reloadComponent: vi.fn(() => Promise.reject(new Error("no reload"))),
    // No composition among the fixtures.
    insideComponent: vi.fn(() => Promise.resolve(null)),
    decomposeComponent: vi.fn(() => Promise.reject(new Error("not a composition"))),
    // A reference with a registry host pulls string-operations; anything else is refused.
    pullComponent: vi.fn((reference: string) =>
      reference.includes("/")
        ? Promise.resolve({
            source: { reference, digest: PULLED_DIGEST },
            path: "/cache/sha256/0123.wasm",
            details: PROVIDER,
          })
        : Promise.reject(
            new EngineError({ kind: "registry", message: `\`${reference}\` is no reference` }),
          ),
    ),
    publishComponent: vi.fn(
      (_project: Project, _path: string | null, _node: string | null, reference: string) =>
        Promise.resolve({ reference, digest: "sha256:4567" }),
    ),
    registryUpdates: vi.fn(() => Promise.resolve<NodeUpdate[]>([])),
    deployManifest: vi.fn((_project: Project, _path: string | null, target: DeployTarget) =>
      Promise.resolve(manifestFor(target, "components/")),
    ),
    saveDeployManifest: vi.fn((_project: Project, _path: string | null, target: DeployTarget) =>
      Promise.resolve(manifestFor(target, "../components/")),
    ),
    // Strings and numbers only, as WAVE writes them.
    stubFormValue: vi.fn((_shape: unknown, text: string) => Promise.resolve({ value: text })),
    stubValue: vi.fn(({ shape, value }: StubValue) =>
      shape.kind === "string" && typeof value === "string"
        ? Promise.resolve(JSON.stringify(value))
        : shape.kind === "u32" && typeof value === "number"
          ? Promise.resolve(String(value))
          : Promise.reject(
              new EngineError({
                kind: "invalid-arguments",
                message: `expected a ${shape.kind}, got ${JSON.stringify(value)}`,
              }),
            ),
    ),
  };
  const dialogs: Deps["dialogs"] = {
    pickComponents: () => Promise.resolve([]),
    pickProject: () => Promise.resolve(null),
    pickProjectDestination: () => Promise.resolve("/tmp/saved-as.plugboard.json"),
    pickComponentDestination: () => Promise.resolve(null),
    pickWacDestination: () => Promise.resolve(null),
    pickDeployDestination: vi.fn(() => Promise.resolve("/tmp/deploy/spin.toml")),
    pickFolder: vi.fn(() => Promise.resolve("/home/me/photos")),
    pickDecomposeFolder: vi.fn(() => Promise.resolve("/home/me/parts")),
    pickStdinFile: vi.fn(() => Promise.resolve("/home/me/input.txt")),
    confirmDiscard: vi.fn(() => Promise.resolve(true)),
  };
  const output = { clear: vi.fn(), write: vi.fn(), note: vi.fn() };
  const layout: Deps["layout"] = (boxes) =>
    Promise.resolve(new Map(boxes.map((b, i) => [b.id, { x: i * 500, y: 0 }])));
  return { engine, dialogs, layout, output, checkWires };
}

async function openedSeed(deps = fakeDeps()) {
  const store = createAppStore(deps);
  await store.getState().init();
  await store.getState().openProjectFile("/p/seed.plugboard.json");
  return { store, deps };
}

describe("opening and saving", () => {
  it("opens a project onto the canvas, clean, with the host node", async () => {
    const { store } = await openedSeed();
    const s = store.getState();
    expect(s.nodes.map((n) => n.id)).toEqual([HOST_ID, "string-operations", "consumer-app"]);
    expect(isDirty(s)).toBe(false);
    expect(windowTitle(s)).toBe("seed.plugboard.json — Plugboard");
    expect(s.message).toBeNull();
  });

  it("reads a WAC document as a new project that Save asks a place for", async () => {
    const deps = fakeDeps();
    const store = createAppStore(deps);
    await store.getState().init();
    await store.getState().openProjectFile("/p/app.wac");
    const s = store.getState();
    expect(s.nodes.map((n) => n.id)).toEqual([HOST_ID, "string-operations", "consumer-app"]);
    expect(s.projectPath).toBeNull();
    expect(s.message?.kind).toBe("info");
    expect(s.message?.text).toContain("Read app.wac as a new project: 2 nodes, 1 wire.");
  });

  it("marks changes dirty and saving clean again", async () => {
    const { store } = await openedSeed();
    store.getState().toggleExport("consumer-app", RUN);
    expect(isDirty(store.getState())).toBe(true);
    expect(windowTitle(store.getState())).toMatch(/^● seed/);
    expect(await store.getState().saveAs()).toBe(true);
    expect(store.getState().projectPath).toBe("/tmp/saved-as.plugboard.json");
    expect(isDirty(store.getState())).toBe(false);
  });

  it("gives a project file name typed without an extension its extension", async () => {
    const { store, deps } = await openedSeed();
    deps.dialogs.pickProjectDestination = () => Promise.resolve("/tmp/demo");
    expect(await store.getState().saveAs()).toBe(true);
    expect(store.getState().projectPath).toBe("/tmp/demo.plugboard.json");
  });

  it("asks before discarding unsaved changes", async () => {
    const { store, deps } = await openedSeed();
    await store.getState().newProject();
    expect(deps.dialogs.confirmDiscard).not.toHaveBeenCalled();
    await store.getState().addComponents(["/s/logger.wasm"]);
    await store.getState().newProject();
    expect(deps.dialogs.confirmDiscard).toHaveBeenCalledTimes(1);
  });
});

describe("component files", () => {
  it("flags a component that vanished since the project was opened, and keeps the node", async () => {
    const { store, deps } = await openedSeed();
    deps.engine.checkProject = () =>
      Promise.resolve([
        {
          node: "string-operations",
          path: "/s/string-operations.wasm",
          status: { state: "missing", reason: "No such file or directory" },
          details: null,
          error: null,
        },
      ]);
    await store.getState().recheckComponents();
    const node = store.getState().nodes.find((n) => n.id === "string-operations");
    expect(node?.type === "component" && node.data.state).toBe("missing");
    expect(store.getState().project.nodes).toHaveLength(2);
    expect(isDirty(store.getState())).toBe(false);
  });
});

describe("adding components", () => {
  it("adds a node with a fresh id and undoes and redoes it", async () => {
    const { store } = await openedSeed();
    await store.getState().addComponents(["/s/string-operations.wasm"]);
    const ids = () => store.getState().project.nodes.map((n) => n.id);
    expect(ids()).toEqual(["string-operations", "consumer-app", "string-operations-2"]);
    expect(store.getState().project.nodes[2]?.sha256).toBe(PROVIDER.info.sha256);
    store.getState().undo();
    expect(ids()).toEqual(["string-operations", "consumer-app"]);
    expect(isDirty(store.getState())).toBe(false);
    store.getState().redo();
    expect(ids()).toHaveLength(3);
  });

  it("shows the engine's error for a bad file and changes nothing", async () => {
    const { store } = await openedSeed();
    const before = store.getState().project;
    await store.getState().addComponents(["/tmp/notes.txt"]);
    expect(store.getState().project).toBe(before);
    expect(store.getState().message).toMatchObject({
      kind: "error",
      text: "not a WebAssembly file: it is text",
    });
    expect(store.getState().past).toHaveLength(0);
  });
});

describe("wiring", () => {
  it("asks the engine about every candidate once when a drag starts", async () => {
    const { store, deps } = await openedSeed();
    await store.getState().addComponents(["/s/logger.wasm"]);
    await store.getState().startWireDrag({ node: "logger", port: LOG }, "export");
    const asked = deps.checkWires.mock.calls[0]?.[2] ?? [];
    // Every import of the two other nodes (type ports excluded), from the dragged export.
    expect(asked.map((w) => `${w.to.node} ${w.to.port}`)).toEqual([
      "string-operations wasi:cli/stdout@0.2.6",
      `consumer-app ${OPS}`,
      "consumer-app wasi:cli/stdout@0.2.6",
    ]);
    const s = store.getState();
    expect(dragLook(s, "consumer-app", OPS, "import")).toBe("refused");
    expect(dragLook(s, "logger", LOG, "export")).toBe("origin");
    expect(dragLook(s, "string-operations", OPS, "export")).toBe("inactive");
  });

  it("refuses a drop with the engine's reason, from the cache, and adds nothing", async () => {
    const { store, deps } = await openedSeed();
    await store.getState().addComponents(["/s/logger.wasm"]);
    const from = { node: "logger", port: LOG };
    await store.getState().startWireDrag(from, "export");
    store.getState().endWireDrag();
    const wires = store.getState().project.wires;
    expect(await store.getState().connect(from, { node: "consumer-app", port: OPS })).toBe(false);
    expect(deps.checkWires).toHaveBeenCalledTimes(1);
    expect(store.getState().project.wires).toBe(wires);
    expect(store.getState().message).toMatchObject({ kind: "refusal" });
    expect(store.getState().message?.text).toContain("does not fit");
    expect(dragLook(store.getState(), "consumer-app", OPS, "import")).toBe("rejected");
  });

  it("lets one export feed many imports, and deletes a selected wire", async () => {
    const { store } = await openedSeed();
    await store.getState().addComponents(["/s/consumer-app.wasm"]);
    const from = { node: "string-operations", port: OPS };
    expect(await store.getState().connect(from, { node: "consumer-app-2", port: OPS })).toBe(true);
    expect(store.getState().project.wires).toHaveLength(2);
    const id = wireEdgeId(from, { node: "consumer-app", port: OPS });
    store.getState().onEdgesChange([{ type: "select", id, selected: true }]);
    store.getState().deleteSelection();
    expect(store.getState().project.wires.map((w) => w.to.node)).toEqual(["consumer-app-2"]);
    store.getState().undo();
    expect(store.getState().project.wires).toHaveLength(2);
  });
});

describe("nodes, layout and compile", () => {
  it("deletes a selected node with its wires and exports", async () => {
    const { store } = await openedSeed();
    store.getState().toggleExport("string-operations", OPS);
    store.getState().onNodesChange([{ type: "select", id: "string-operations", selected: true }]);
    expect(store.getState().selection).toEqual({ kind: "node", node: "string-operations" });
    store.getState().deleteSelection();
    const p = store.getState().project;
    expect(p.nodes.map((n) => n.id)).toEqual(["consumer-app"]);
    expect(p.wires).toEqual([]);
    expect(p.exports).toEqual([]);
  });

  it("records a finished drag as a position, in one undo step", async () => {
    const { store } = await openedSeed();
    store
      .getState()
      .onNodesChange([
        { type: "position", id: "consumer-app", position: { x: 700.4, y: 80 }, dragging: true },
      ]);
    expect(store.getState().project.nodes[1]?.position).toEqual({ x: 500, y: 0 });
    store
      .getState()
      .onNodesChange([
        { type: "position", id: "consumer-app", position: { x: 720.4, y: 90 }, dragging: false },
      ]);
    expect(store.getState().project.nodes[1]?.position).toEqual({ x: 720, y: 90 });
    store.getState().undo();
    expect(store.getState().project.nodes[1]?.position).toEqual({ x: 500, y: 0 });
  });

  it("keeps the Host node where it was dragged in the project, undoably", async () => {
    const { store } = await openedSeed();
    expect(store.getState().project["host-position"]).toBeUndefined();
    store
      .getState()
      .onNodesChange([
        { type: "position", id: HOST_ID, position: { x: -700.6, y: 120 }, dragging: false },
      ]);
    expect(store.getState().project["host-position"]).toEqual({ x: -701, y: 120 });
    expect(isDirty(store.getState())).toBe(true);
    const host = store.getState().nodes.find((n) => n.id === HOST_ID);
    expect(host?.position).toEqual({ x: -701, y: 120 });
    store.getState().undo();
    expect(store.getState().project["host-position"]).toBeUndefined();
    expect(isDirty(store.getState())).toBe(false);
  });

  it("lays out every node, the host first", async () => {
    const { store } = await openedSeed();
    await store.getState().autoLayout();
    expect(store.getState().project["host-position"]).toEqual({ x: 0, y: 0 });
    expect(store.getState().project.nodes.map((n) => n.position.x)).toEqual([500, 1000]);
  });

  it("unfolds a WASI bundle and a port's functions without editing the project", async () => {
    const { store } = await openedSeed();
    const bundle = () => {
      const node = store.getState().nodes.find((n) => n.id === "consumer-app");
      return node?.type === "component" ? node.data.wasiBundle : null;
    };
    const project = store.getState().project;
    expect(bundle()?.expanded).toBe(false);
    store.getState().toggleWasiBundle("consumer-app");
    expect(bundle()?.expanded).toBe(true);
    store.getState().togglePortFunctions("consumer-app", "import", OPS);
    expect(Object.values(store.getState().expandedPorts)).toEqual([true]);
    expect(store.getState().project).toBe(project);
    expect(store.getState().past).toEqual([]);
    expect(isDirty(store.getState())).toBe(false);
    store.getState().toggleWasiBundle("consumer-app");
    expect(bundle()?.expanded).toBe(false);
  });

  it("shows a compile error on the node and port it names", async () => {
    const { store } = await openedSeed();
    expect(await store.getState().compileProject()).toBe(false);
    const node = store.getState().nodes.find((n) => n.id === "consumer-app");
    expect(node?.type === "component" && node.data.error).toBe(true);
    expect(store.getState().message?.text).toContain("bad wire");
  });
});

describe("running", () => {
  it("follows a run's events: status, output, capability log", async () => {
    vi.useFakeTimers();
    try {
      const { store, deps } = await openedSeed();
      const events: RunEvent[] = [
        { type: "started" },
        { type: "stdout", data: "Original: hi\n" },
        {
          type: "capability",
          interface: "wasi:sockets/tcp",
          target: "connect 127.0.0.1:4000",
          allowed: false,
          toggle: "inherit-network",
          atMs: 3,
          node: "consumer-app",
          count: 1,
        },
        {
          type: "capability",
          interface: "wasi:sockets/tcp",
          target: "connect 127.0.0.1:4000",
          allowed: false,
          toggle: "inherit-network",
          atMs: 9,
          node: "consumer-app",
          count: 41,
        },
        { type: "exited", code: 0 },
      ];
      deps.engine.runProject = vi.fn((_p: Project, _path: string | null, _m, on: RunListener) => {
        events.forEach(on);
        return Promise.resolve(7);
      });
      await store.getState().runProject();
      expect(deps.output.write).toHaveBeenCalledWith("stdout", "Original: hi\n");
      vi.advanceTimersByTime(50);
      const s = store.getState();
      expect(s.run?.phase).toBe("ended");
      expect(s.run?.end).toEqual({ type: "exited", code: 0 });
      // The same attempt repeated is one row that counts them all.
      expect(s.capabilityLog).toHaveLength(1);
      expect(s.capabilityLog[0]?.attempt.node).toBe("consumer-app");
      expect(s.capabilityLog[0]?.attempt.count).toBe(42);
      expect(deps.output.note).toHaveBeenLastCalledWith("── exited with code 0 (linked)");
    } finally {
      vi.useRealTimers();
    }
  });

  it("lists a run's calls across wires, counts them on the wire and shows a wire's traffic", async () => {
    vi.useFakeTimers();
    try {
      const { store, deps } = await openedSeed();
      const port = "example:stringoperations/operations@0.1.0";
      const call = (number: number, fn: string): RunEvent => ({
        type: "call",
        caller: "consumer-app",
        import: port,
        callee: "string-operations",
        function: fn,
        args: '"hi"',
        results: '"ih"',
        error: null,
        micros: 9,
        atMs: 1,
        number,
      });
      const events: RunEvent[] = [
        { type: "started" },
        call(1, "reverse"),
        call(2, "word-count"),
        {
          type: "call-totals",
          wires: [{ caller: "consumer-app", import: port, calls: 2, items: 0 }],
        },
        { type: "exited", code: 0 },
      ];
      deps.engine.runProject = vi.fn((_p: Project, _path: string | null, _m, on: RunListener) => {
        events.forEach(on);
        return Promise.resolve(7);
      });
      await store.getState().runProject();
      vi.advanceTimersByTime(50);
      let s = store.getState();
      expect(s.run?.phase).toBe("ended");
      expect(s.callLog.map((r) => r.call.function)).toEqual(["word-count", "reverse"]);
      expect(s.wireCalls[wireKey("consumer-app", port)]).toBe(2);
      s.showWireCalls({ node: "string-operations", port }, { node: "consumer-app", port });
      s = store.getState();
      expect(s.dockTab).toBe("calls");
      expect(s.callFilter).toEqual({ kind: "wire", wire: wireKey("consumer-app", port) });
      // A new run starts with no calls.
      deps.engine.runProject = vi.fn(() => Promise.resolve(8));
      await store.getState().runProject();
      expect(store.getState().callLog).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("swaps new code into a running server on the server's own events", async () => {
    vi.useFakeTimers();
    try {
      const { store, deps } = await openedSeed();
      let send: RunListener = () => undefined;
      deps.engine.serveProject = vi.fn((_p, _path, _m, _a, on: RunListener) => {
        send = on;
        return Promise.resolve(8);
      });
      await store.getState().serveProject();
      send({ type: "serving", address: "127.0.0.1:9000" });
      vi.advanceTimersByTime(50);
      await store.getState().swapServer();
      expect(deps.engine.swapServedProject).toHaveBeenCalledWith(
        8,
        store.getState().project,
        "/p/seed.plugboard.json",
        "linked",
      );
      expect(store.getState().run?.swapping).toBe(true);
      send({ type: "swapped", millis: 5 });
      vi.advanceTimersByTime(50);
      expect(store.getState().run).toMatchObject({ phase: "serving", swapping: false, swaps: 1 });
      expect(deps.output.note).toHaveBeenLastCalledWith(
        "── new code swapped in (prepared in 5 ms): new requests get it",
      );
    } finally {
      vi.useRealTimers();
    }
  });

  it("follows an invoke session: answers, refusals, the handles held, and its close", async () => {
    vi.useFakeTimers();
    try {
      const { store, deps } = await openedSeed();
      let send: RunListener = () => undefined;
      deps.engine.openSession = vi.fn((_p, _path, _m, _node, on: RunListener) => {
        send = on;
        return Promise.resolve(11);
      });
      await store.getState().openSession("string-operations");
      expect(store.getState().session).toMatchObject({ id: 11, node: "string-operations" });
      await store.getState().sendSessionLine('  b = bucket("x")  ');
      await store.getState().sendSessionLine("   ");
      expect(deps.engine.sessionCall).toHaveBeenCalledTimes(1);
      expect(deps.engine.sessionCall).toHaveBeenCalledWith(11, 'b = bucket("x")');
      expect(store.getState().session?.waiting).toBe(1);
      const held = { name: "b", resource: "bucket", interface: "example:kv/store@0.1.0" };
      send({ type: "started" });
      send({
        type: "answered",
        call: 'b = bucket("x")',
        results: ["b"],
        values: ["b"],
        handles: [held],
      });
      send({ type: "refused", call: "b.fly()", message: "no method `fly`" });
      vi.advanceTimersByTime(50);
      let session = store.getState().session;
      expect(session).toMatchObject({ state: "open", waiting: 0, handles: [held] });
      expect(session?.entries.map((e) => [e.call, e.results, e.refused])).toEqual([
        ['b = bucket("x")', ["b"], null],
        ["b.fly()", null, "no method `fly`"],
      ]);
      await store.getState().closeSession();
      expect(deps.engine.closeSession).toHaveBeenCalledWith(11);
      send({ type: "closed", dropped: 1 });
      vi.advanceTimersByTime(50);
      session = store.getState().session;
      expect(session).toMatchObject({ state: "ended", handles: [] });
      expect(session?.end).toBe("session closed, 1 handle dropped");
      // An ended session takes no lines.
      await store.getState().sendSessionLine("drops()");
      expect(deps.engine.sessionCall).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it("auto-wires every import with one candidate, and leaves the ambiguous ones listed", async () => {
    const { store, deps } = await openedSeed();
    const ops = { node: "string-operations", port: OPS };
    store.getState().deleteWire(ops, { node: "consumer-app", port: OPS });
    expect(store.getState().project.wires).toHaveLength(0);
    deps.engine.suggestWires = vi.fn(() =>
      Promise.resolve([
        {
          import: OPS,
          candidates: [{ source: "node" as const, node: "string-operations", export: OPS }],
        },
        {
          import: "example:other/api@0.1.0",
          candidates: [
            { source: "file" as const, path: "/s/a.wasm", name: "a", export: "x" },
            { source: "file" as const, path: "/s/b.wasm", name: "b", export: "x" },
          ],
        },
      ]),
    );
    await store.getState().suggestWires("consumer-app");
    expect(store.getState().autoWire?.state).toBe("ready");
    await store.getState().wireAllUnambiguous("consumer-app");
    expect(store.getState().project.wires).toEqual([
      { from: ops, to: { node: "consumer-app", port: OPS } },
    ]);
    // Nothing was added for the ambiguous import.
    expect(store.getState().project.nodes).toHaveLength(2);
  });

  it("stops a run asked to stop before the engine answered with its id", async () => {
    const { store, deps } = await openedSeed();
    let answer: (id: number) => void = () => undefined;
    deps.engine.runProject = vi.fn(
      () =>
        new Promise<number>((done) => {
          answer = done;
        }),
    );
    const running = store.getState().runProject();
    // The grants are reviewed first; then the engine is asked, and has not answered yet.
    await vi.waitFor(() => {
      expect(deps.engine.runProject).toHaveBeenCalled();
    });
    await store.getState().stopRun();
    expect(store.getState().run?.stopRequested).toBe(true);
    answer(42);
    await running;
    expect(deps.engine.stopRun).toHaveBeenCalledWith(42);
  });

  it("flips host toggles in the project's grants, and asks for values where they are needed", async () => {
    const deps = fakeDeps();
    const opened = await deps.engine.openProject("/p/seed.plugboard.json");
    // As the engine sends it: defaults left out.
    const sparse = { ...opened.project, capabilities: {} as Project["capabilities"] };
    deps.engine.openProject = () => Promise.resolve({ ...opened, project: sparse });
    const store = createAppStore(deps);
    await store.getState().init();
    await store.getState().openProjectFile("/p/seed.plugboard.json");
    store.getState().toggleCapability({ kind: "project" }, "inherit-network");
    expect(store.getState().project.capabilities["inherit-network"]).toBe(true);
    expect(isDirty(store.getState())).toBe(true);
    store.getState().toggleCapability({ kind: "project" }, "inherit-network");
    expect(isDirty(store.getState())).toBe(false);
    store.getState().toggleCapability({ kind: "project" }, "dirs");
    expect(store.getState().sideTab).toBe("capabilities");
    expect(store.getState().grantFocus?.section).toBe("dirs");
    await store.getState().requestAddDir({ kind: "node", node: "consumer-app" });
    const node = store.getState().project.nodes.find((n) => n.id === "consumer-app");
    expect(node?.capabilities?.dirs).toEqual([
      { host: "/home/me/photos", guest: "/data", "read-only": true },
    ]);
  });

  it("feeds a picked file to stdin, and nothing when the picker is cancelled", async () => {
    const { store, deps } = await openedSeed();
    await store.getState().requestStdinFile({ kind: "project" });
    expect(store.getState().project.capabilities.stdin).toEqual({
      kind: "file",
      path: "/home/me/input.txt",
    });
    deps.dialogs.pickStdinFile = vi.fn(() => Promise.resolve(null));
    const before = store.getState().project;
    await store.getState().requestStdinFile({ kind: "project" });
    expect(store.getState().project).toBe(before);
  });

  it("extends one undo step while typing into one field", async () => {
    const { store } = await openedSeed();
    const edit = (args: string[]) => {
      store
        .getState()
        .editProject((p) => ({ ...p, capabilities: { ...p.capabilities, args } }), "project:arg-0");
    };
    edit(["a"]);
    edit(["ab"]);
    edit(["abc"]);
    expect(store.getState().past).toHaveLength(1);
    store.getState().undo();
    expect(store.getState().project.capabilities.args).toEqual([]);
  });

  it("asks before a project's grants are used, and starts only once they are accepted", async () => {
    const { store, deps } = await openedSeed();
    const review = {
      scopes: [
        {
          scope: { kind: "project" as const },
          nodes: ["consumer-app"],
          items: [{ kind: "network" as const }],
        },
      ],
    };
    deps.engine.reviewGrants = vi.fn(() => Promise.resolve(review));
    const declined = store.getState().runProject();
    await vi.waitFor(() => {
      expect(store.getState().consent).toEqual(review);
    });
    store.getState().answerConsent(false);
    await declined;
    expect(deps.engine.runProject).not.toHaveBeenCalled();
    expect(deps.engine.acceptGrants).not.toHaveBeenCalled();
    expect(store.getState().consent).toBeNull();

    const accepted = store.getState().runProject();
    await vi.waitFor(() => {
      expect(store.getState().consent).not.toBeNull();
    });
    store.getState().answerConsent(true);
    await accepted;
    expect(deps.engine.acceptGrants).toHaveBeenCalledTimes(1);
    expect(deps.engine.runProject).toHaveBeenCalledTimes(1);
  });

  it("counts grants made in the window as accepted, and nothing else", async () => {
    const { store, deps } = await openedSeed();
    store.getState().toggleCapability({ kind: "project" }, "inherit-network");
    await vi.waitFor(() => {
      expect(deps.engine.acceptGrantEdit).toHaveBeenCalledTimes(1);
    });
    const [before, after] = vi.mocked(deps.engine.acceptGrantEdit).mock.calls[0] ?? [];
    expect(before?.capabilities["inherit-network"]).toBe(false);
    expect(after?.capabilities["inherit-network"]).toBe(true);
    store.getState().requestFit();
    store.getState().onNodesChange([]);
    expect(deps.engine.acceptGrantEdit).toHaveBeenCalledTimes(1);
  });
});

describe("stubs", () => {
  const TO = { node: "consumer-app", port: OPS };
  const STRING = { kind: "string" } as const;

  /** The seed with its wire deleted and the open import answered by a stub. */
  async function stubbedSeed() {
    const opened = await openedSeed();
    const { store } = opened;
    store.getState().deleteWire({ node: "string-operations", port: OPS }, TO);
    store.getState().addStub(TO.node, TO.port);
    return opened;
  }
  const stubs = (store: Awaited<ReturnType<typeof openedSeed>>["store"]) =>
    store.getState().project.stubs;

  it("answers an open import with a stub left of its node, selected, in one undo step", async () => {
    const { store } = await stubbedSeed();
    expect(stubs(store)).toEqual([
      { id: "operations-stub", answers: TO, functions: {}, position: { x: 60, y: 0 } },
    ]);
    const s = store.getState();
    expect(s.selection).toEqual({ kind: "stub", stub: "operations-stub" });
    expect(s.nodes.filter((n) => n.selected).map((n) => n.id)).toEqual(["operations-stub"]);
    expect(s.nodes.find((n) => n.id === "operations-stub")?.type).toBe("stub");
    expect(isDirty(s)).toBe(true);
    store.getState().undo();
    expect(stubs(store)).toEqual([]);
  });

  it("gives each stub an id no node or stub has", async () => {
    const { store } = await stubbedSeed();
    await store.getState().addComponents(["/s/consumer-app.wasm"]);
    store.getState().addStub("consumer-app-2", OPS);
    expect(stubs(store).map((s) => s.id)).toEqual(["operations-stub", "operations-stub-2"]);
  });

  it("saves answers the engine writes as WAVE, and none that does not fit", async () => {
    const { store, deps } = await stubbedSeed();
    const id = "operations-stub";
    expect(await store.getState().setStubReturn(id, "reverse", STRING, "stubbed")).toBeNull();
    expect(deps.engine.stubValue).toHaveBeenCalledWith({ shape: STRING, value: "stubbed" });
    const message = await store.getState().setStubReturn(id, "word-count", { kind: "u32" }, "7x");
    expect(message).toBe('expected a u32, got "7x"');
    expect(stubs(store)[0]?.functions).toEqual({ reverse: { returns: '"stubbed"' } });

    store.getState().setStubAnswer(id, "word-count", { traps: "not yet" });
    expect(stubs(store)[0]?.functions["word-count"]).toEqual({ traps: "not yet" });
    // The same answer again is no new undo step.
    const steps = store.getState().past.length;
    store.getState().setStubAnswer(id, "word-count", { traps: "not yet" });
    expect(store.getState().past).toHaveLength(steps);
    store.getState().setStubAnswer(id, "reverse", null);
    expect(stubs(store)[0]?.functions).toEqual({ "word-count": { traps: "not yet" } });
    store.getState().undo();
    expect(stubs(store)[0]?.functions.reverse).toEqual({ returns: '"stubbed"' });
  });

  it("records a stub's drag as its position, in one undo step", async () => {
    const { store } = await stubbedSeed();
    store.getState().onNodesChange([
      {
        type: "position",
        id: "operations-stub",
        position: { x: -40.6, y: 210 },
        dragging: false,
      },
    ]);
    expect(stubs(store)[0]?.position).toEqual({ x: -41, y: 210 });
    store.getState().undo();
    expect(stubs(store)[0]?.position).toEqual({ x: 60, y: 0 });
  });

  it("removes a stub by its button, with Delete, and with the node it answers", async () => {
    const { store } = await stubbedSeed();
    store.getState().removeStub("operations-stub");
    expect(stubs(store)).toEqual([]);
    expect(store.getState().selection).toEqual({ kind: "none" });

    store.getState().undo();
    store.getState().clearSelection();
    store.getState().onNodesChange([{ type: "select", id: "operations-stub", selected: true }]);
    expect(store.getState().selection).toEqual({ kind: "stub", stub: "operations-stub" });
    store.getState().deleteSelection();
    expect(stubs(store)).toEqual([]);
    expect(store.getState().project.nodes).toHaveLength(2);

    store.getState().undo();
    store.getState().deleteNode("consumer-app");
    expect(stubs(store)).toEqual([]);
  });

  it("refuses a wire into a stubbed import, and a second provider for it", async () => {
    const { store, deps } = await stubbedSeed();
    const from = { node: "string-operations", port: OPS };
    deps.checkWires.mockClear();
    expect(await store.getState().connect(from, TO)).toBe(false);
    expect(deps.checkWires).not.toHaveBeenCalled();
    expect(store.getState().project.wires).toEqual([]);
    expect(store.getState().message?.text).toContain("remove the stub first");
    expect(dragLook(store.getState(), "consumer-app", OPS, "import")).toBe("rejected");

    store.getState().addStub(TO.node, TO.port);
    expect(stubs(store)).toHaveLength(1);
    expect(store.getState().message).toMatchObject({ kind: "refusal" });
  });
});

describe("inside compositions", () => {
  const COMPOSED = "/s/consumer-app.wasm";

  /** The seed, its consumer's file taken for a composition (the seed composed). */
  async function composedSeed() {
    const deps = fakeDeps();
    deps.engine.insideComponent = vi.fn((path: string) =>
      Promise.resolve(path === COMPOSED ? SEED_INSIDE : null),
    );
    const opened = await openedSeed(deps);
    await vi.waitFor(() => {
      expect(insideOf(opened.store.getState(), "consumer-app", COMPOSED)).toBe(SEED_INSIDE);
    });
    return opened;
  }

  it("asks what is inside each component file once, and again once it is rebuilt", async () => {
    const { store, deps } = await composedSeed();
    const asked = () => vi.mocked(deps.engine.insideComponent).mock.calls.map(([path]) => path);
    expect(asked()).toEqual(["/s/string-operations.wasm", COMPOSED]);
    expect(insideOf(store.getState(), "string-operations", "/s/string-operations.wasm")).toBeNull();

    await store.getState().addComponents([COMPOSED]);
    expect(insideOf(store.getState(), "consumer-app-2", COMPOSED)).toBe(SEED_INSIDE);
    await store.getState().openProjectFile("/p/seed.plugboard.json");
    expect(asked()).toHaveLength(2);

    const rebuilt = details([OPS], [RUN], "bb".repeat(32));
    deps.engine.checkProject = () =>
      Promise.resolve([
        {
          node: "consumer-app",
          path: COMPOSED,
          status: { state: "ok" },
          details: rebuilt,
          error: null,
        },
      ]);
    await store.getState().recheckComponents();
    await vi.waitFor(() => {
      expect(asked()).toEqual(["/s/string-operations.wasm", COMPOSED, COMPOSED]);
    });
  });

  it("decomposes a node into a folder, opens the project it made and says what it holds", async () => {
    const { store, deps } = await composedSeed();
    deps.engine.decomposeComponent = vi.fn(() =>
      Promise.resolve("/home/me/parts/seed.plugboard.json"),
    );
    await store.getState().decomposeNode("consumer-app");
    expect(deps.dialogs.pickDecomposeFolder).toHaveBeenCalledTimes(1);
    expect(deps.engine.decomposeComponent).toHaveBeenCalledWith(COMPOSED, "/home/me/parts");
    expect(store.getState().projectPath).toBe("/home/me/parts/seed.plugboard.json");
    expect(store.getState().message).toMatchObject({
      kind: "info",
      text: "Decomposed consumer-app into 2 components: string-operations, consumer-app.",
    });
  });

  it("decomposes into a folder given, and not over unsaved changes kept", async () => {
    const { store, deps } = await composedSeed();
    deps.engine.decomposeComponent = vi.fn(() => Promise.resolve("/tmp/parts/seed.plugboard.json"));
    store.getState().toggleExport("consumer-app", RUN);
    deps.dialogs.confirmDiscard = vi.fn(() => Promise.resolve(false));
    await store.getState().decomposeNode("consumer-app", "/tmp/parts");
    expect(deps.dialogs.confirmDiscard).toHaveBeenCalledWith("Open the decomposed project?");
    expect(deps.engine.decomposeComponent).not.toHaveBeenCalled();
    expect(isDirty(store.getState())).toBe(true);

    deps.dialogs.confirmDiscard = vi.fn(() => Promise.resolve(true));
    await store.getState().decomposeNode("consumer-app", "/tmp/parts");
    expect(deps.dialogs.pickDecomposeFolder).not.toHaveBeenCalled();
    expect(store.getState().projectPath).toBe("/tmp/parts/seed.plugboard.json");
  });

  it("shows why a component cannot be decomposed, and keeps the project", async () => {
    const { store, deps } = await openedSeed();
    deps.engine.decomposeComponent = vi.fn(() =>
      Promise.reject(
        new EngineError({
          kind: "invalid-component",
          message: "the component is not a composition",
        }),
      ),
    );
    const before = store.getState().project;
    await store.getState().decomposeNode("string-operations", "/tmp/parts");
    expect(store.getState().message).toMatchObject({
      kind: "error",
      text: "the component is not a composition",
    });
    expect(store.getState().project).toBe(before);
    expect(store.getState().projectPath).toBe("/p/seed.plugboard.json");
  });
});

describe("registries", () => {
  const REFERENCE = "127.0.0.1:5000/example/string-operations:0.1.0";

  it("adds a pulled component like a file, with where it came from, and asks for newer", async () => {
    const { store, deps } = await openedSeed();
    store.getState().openPullDialog();
    await store.getState().pullComponent(REFERENCE);
    const s = store.getState();
    expect(s.registryDialog).toBeNull();
    expect(s.project.nodes[2]).toEqual({
      id: "string-operations-2",
      component: "/cache/sha256/0123.wasm",
      sha256: PROVIDER.info.sha256,
      position: { x: 960, y: 0 },
      registry: { reference: REFERENCE, digest: PULLED_DIGEST },
    });
    expect(s.selection).toEqual({ kind: "node", node: "string-operations-2" });
    const node = s.nodes.find((n) => n.id === "string-operations-2");
    expect(node?.type === "component" && node.data.component).toBe("string-operations");
    expect(node?.type === "component" && node.data.registry?.label).toBe("string-operations:0.1.0");
    expect(deps.engine.registryUpdates).toHaveBeenCalledTimes(1);
    store.getState().undo();
    expect(store.getState().project.nodes).toHaveLength(2);
  });

  it("keeps the dialog open with the engine's message when a pull fails, adding nothing", async () => {
    const { store } = await openedSeed();
    const before = store.getState().project;
    store.getState().openPullDialog();
    await store.getState().pullComponent("nonsense");
    expect(store.getState().registryDialog).toEqual({
      kind: "pull",
      task: { state: "failed", error: "`nonsense` is no reference" },
    });
    expect(store.getState().project).toBe(before);
    expect(store.getState().message).toBeNull();
  });

  it("drops a pull whose dialog was closed meanwhile", async () => {
    const { store } = await openedSeed();
    store.getState().openPullDialog();
    const pulling = store.getState().pullComponent(REFERENCE);
    expect(store.getState().registryDialog?.task).toEqual({ state: "busy" });
    store.getState().closeRegistryDialog();
    await pulling;
    expect(store.getState().project.nodes).toHaveLength(2);
  });

  it("shows what a registry has newer, an unreachable one quietly, and forgets old news", async () => {
    const { store, deps } = await openedSeed();
    await store.getState().pullComponent(REFERENCE);
    const badge = () => {
      const node = store.getState().nodes.find((n) => n.id === "string-operations-2");
      return node?.type === "component" ? node.data.registry : null;
    };
    const newer = { reference: "x:0.2.0", summary: "version 0.2.0 is in the registry" };
    deps.engine.registryUpdates = vi.fn(() =>
      Promise.resolve([{ node: "string-operations-2", newer, error: null }]),
    );
    await store.getState().checkRegistries();
    expect(badge()).toMatchObject({ newer: newer.summary, unreachable: null });

    deps.engine.registryUpdates = vi.fn(() =>
      Promise.reject(new EngineError({ kind: "registry", message: "connection refused" })),
    );
    await store.getState().checkRegistries();
    expect(badge()).toMatchObject({ newer: null, unreachable: "connection refused" });
    expect(store.getState().message).toBeNull();

    deps.engine.registryUpdates = vi.fn(() => Promise.resolve([]));
    await store.getState().checkRegistries();
    expect(badge()).toMatchObject({ newer: null, unreachable: null });

    // News about another digest than the node's says nothing about it.
    store.getState().editProject((p) => ({
      ...p,
      nodes: p.nodes.map((n) =>
        n.registry ? { ...n, registry: { ...n.registry, digest: "sha256:89ab" } } : n,
      ),
    }));
    store.setState({
      registryNews: {
        "string-operations-2": {
          source: { reference: REFERENCE, digest: PULLED_DIGEST },
          newer,
          error: null,
        },
      },
    });
    store.getState().editProject((p) => ({ ...p, title: "renamed" }));
    expect(badge()).toMatchObject({ newer: null });
  });

  it("publishes the composition or a node, and shows the reference and digest", async () => {
    const { store, deps } = await openedSeed();
    store.getState().openPublishDialog(null);
    await store.getState().publish("127.0.0.1:5000/demo/seed:1.0.0");
    expect(store.getState().registryDialog).toMatchObject({
      kind: "publish",
      node: null,
      task: { state: "idle" },
      published: { reference: "127.0.0.1:5000/demo/seed:1.0.0", digest: "sha256:4567" },
    });
    store.getState().openPublishDialog("consumer-app");
    await store.getState().publish("127.0.0.1:5000/demo/app:1.0.0");
    expect(vi.mocked(deps.engine.publishComponent).mock.calls.map((c) => c[2])).toEqual([
      null,
      "consumer-app",
    ]);
  });

  it("shows why a publish failed in its dialog", async () => {
    const { store, deps } = await openedSeed();
    deps.engine.publishComponent = vi.fn(() =>
      Promise.reject(new EngineError({ kind: "registry", message: "unauthorized" })),
    );
    store.getState().openPublishDialog("consumer-app");
    await store.getState().publish("ghcr.io/me/app:1.0.0");
    expect(store.getState().registryDialog).toMatchObject({
      task: { state: "failed", error: "unauthorized" },
      published: null,
    });
  });
});

describe("deploy manifests", () => {
  it("shows each target's manifest with its warnings, and saves it where the user picks", async () => {
    const { store, deps } = await openedSeed();
    await store.getState().showDeployManifest("spin");
    expect(store.getState().deploy).toMatchObject({
      target: "spin",
      task: { state: "idle" },
      manifest: manifestFor("spin", "components/"),
      saved: null,
    });
    await store.getState().showDeployManifest("wasmcloud");
    expect(store.getState().deploy?.manifest?.text).toContain("kind: WorkloadDeployment");

    await store.getState().saveDeployManifest();
    expect(deps.dialogs.pickDeployDestination).toHaveBeenCalledWith("workload-deployment.yaml");
    expect(deps.engine.saveDeployManifest).toHaveBeenCalledWith(
      expect.anything(),
      "/p/seed.plugboard.json",
      "wasmcloud",
      "/tmp/deploy/spin.toml",
    );
    expect(store.getState().deploy).toMatchObject({
      saved: "/tmp/deploy/spin.toml",
      manifest: manifestFor("wasmcloud", "../components/"),
    });
  });

  it("drops a late manifest for a tab no longer shown, and shows an engine's refusal", async () => {
    const { store, deps } = await openedSeed();
    let answerSpin: (m: DeployManifest) => void = () => undefined;
    deps.engine.deployManifest = vi.fn((_p: Project, _path: string | null, target: DeployTarget) =>
      target === "spin"
        ? new Promise<DeployManifest>((resolve) => {
            answerSpin = resolve;
          })
        : Promise.reject(new EngineError({ kind: "empty-project", message: "nothing to deploy" })),
    );
    const spin = store.getState().showDeployManifest("spin");
    await store.getState().showDeployManifest("wasmcloud");
    answerSpin(manifestFor("spin", ""));
    await spin;
    expect(store.getState().deploy).toMatchObject({
      target: "wasmcloud",
      task: { state: "failed", error: "nothing to deploy" },
      manifest: null,
    });
    store.getState().closeDeploy();
    expect(store.getState().deploy).toBeNull();
  });
});
