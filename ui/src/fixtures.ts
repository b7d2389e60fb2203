// Hand-made engine answers for unit tests of the store and the mappers (the end-to-end tests
// use the real engine).
import type { ComponentDetails } from "./ipc/bindings/ComponentDetails";
import type { FunctionInfo } from "./ipc/bindings/FunctionInfo";
import type { FunctionKind } from "./ipc/bindings/FunctionKind";
import type { HostInterface } from "./ipc/bindings/HostInterface";
import type { InnerGraph } from "./ipc/bindings/InnerGraph";
import type { Port } from "./ipc/bindings/Port";
import type { Project } from "./ipc/bindings/Project";

/** A function of kind `kind` (a resource's when `resource` is given), with no parameters. */
export function fnInfo(
  name: string,
  kind: FunctionKind = "freestanding",
  resource: string | null = null,
): FunctionInfo {
  return {
    name,
    kind,
    resource,
    asynchronous: false,
    params: [],
    result: null,
    signature: `${name}: func()`,
    docs: null,
  };
}

export function port(name: string, extra: Partial<Port> = {}): Port {
  const slash = name.indexOf("/");
  const at = name.indexOf("@");
  return {
    name,
    package: slash > 0 ? name.slice(0, slash) : null,
    version: at > 0 ? name.slice(at + 1) : null,
    kind: slash > 0 ? "interface" : "function",
    wasi: name.startsWith("wasi:"),
    functions: [
      {
        name: "f",
        kind: "freestanding",
        resource: null,
        asynchronous: false,
        params: [],
        result: null,
        signature: "f: func()",
        docs: null,
      },
    ],
    types: [],
    docs: null,
    wit: "",
    ...extra,
  };
}

export const OPS = "example:stringoperations/operations@0.1.0";
export const LOG = "example:logger/log@0.1.0";
export const STDOUT = "wasi:cli/stdout@0.2.6";
export const RUN = "wasi:cli/run@0.2.0";
export const HOST_STDOUT = "wasi:cli/stdout@0.2.12";
export const PREOPENS = "wasi:filesystem/preopens@0.2.6";
export const HOST_PREOPENS = "wasi:filesystem/preopens@0.2.12";

export const HOST: HostInterface[] = [
  {
    name: HOST_STDOUT,
    package: "wasi:cli",
    interface: "stdout",
    version: "0.2.12",
    description: "standard output",
    toggle: null,
  },
  {
    name: "wasi:random/random@0.2.12",
    package: "wasi:random",
    interface: "random",
    version: "0.2.12",
    description: "secure random bytes",
    toggle: null,
  },
  {
    name: HOST_PREOPENS,
    package: "wasi:filesystem",
    interface: "preopens",
    version: "0.2.12",
    description: "the directories granted",
    toggle: "dirs",
  },
  {
    name: "wasi:sockets/tcp@0.2.12",
    package: "wasi:sockets",
    interface: "tcp",
    version: "0.2.12",
    description: "TCP sockets",
    toggle: "inherit-network",
  },
];

export function details(
  imports: string[],
  exports: string[],
  sha256 = "aa".repeat(32),
): ComponentDetails {
  const hostImports: Record<string, string> = {};
  for (const name of imports) {
    if (name === STDOUT) hostImports[name] = HOST_STDOUT;
    if (name === PREOPENS) hostImports[name] = HOST_PREOPENS;
  }
  return {
    info: {
      kind: "component",
      role: exports.includes(RUN) ? "command" : "library",
      world: null,
      size: 1234,
      sha256,
      imports: imports.map((n) => port(n)),
      exports: exports.map((n) => port(n)),
      wit: "package root:component;\n",
    },
    hostImports,
    world: null,
  };
}

export const PROVIDER = details([STDOUT], [OPS]);
export const CONSUMER = details([OPS, STDOUT], [RUN]);
export const LOGGER = details([STDOUT], [LOG]);

export function emptyProject(): Project {
  return {
    format: 4,
    nodes: [],
    wires: [],
    stubs: [],
    exports: [],
    capabilities: {
      env: [],
      "inherit-env": false,
      args: [],
      stdin: { kind: "none" },
      dirs: [],
      "inherit-network": false,
      "allow-ip-name-lookup": false,
      http: { allowed: false, hosts: [] },
    },
    limits: { "timeout-ms": null, "max-memory-bytes": 1073741824, fuel: null },
  };
}

export function seedProject(): Project {
  return {
    ...emptyProject(),
    title: "Seed",
    nodes: [
      { id: "string-operations", component: "/s/string-operations.wasm", position: { x: 0, y: 0 } },
      { id: "consumer-app", component: "/s/consumer-app.wasm", position: { x: 500, y: 0 } },
    ],
    wires: [
      {
        from: { node: "string-operations", port: OPS },
        to: { node: "consumer-app", port: OPS },
      },
    ],
  };
}

/** The seed composed into one component, as the engine sees inside it: the provider, and the
 * consumer its operations are wired into; stdout comes from the host. */
export const SEED_INSIDE: InnerGraph = {
  instances: [
    { name: "string-operations", component: 0, args: [{ import: STDOUT, from: null }] },
    {
      name: "consumer-app",
      component: 1,
      args: [
        { import: OPS, from: [0, OPS] },
        { import: STDOUT, from: null },
      ],
    },
  ],
  exports: [{ name: RUN, from: [1, RUN] }],
};
