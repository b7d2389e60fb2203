// Which exported functions the invoke panel offers: plain functions, a resource's static
// functions, and its methods, which run on a new instance its constructor makes (an invocation
// keeps nothing between calls). Methods of a resource with no constructor are listed apart.
import type { FunctionInfo } from "../ipc/bindings/FunctionInfo";
import type { Port } from "../ipc/bindings/Port";

export type Invokable = {
  port: Port;
  fn: FunctionInfo;
  /** For a method: the constructor that makes the instance it runs on. */
  constructor: FunctionInfo | null;
};

/** The constructor of `fn`'s resource, in `port`. */
function constructorOf(port: Port, fn: FunctionInfo): FunctionInfo | null {
  return port.functions.find((f) => f.kind === "constructor" && f.resource === fn.resource) ?? null;
}

function isMethod(fn: FunctionInfo): boolean {
  return fn.kind === "method";
}

/** Every function the panel can call with typed-in values. */
export function callable(ports: Port[]): Invokable[] {
  return ports.flatMap((port) =>
    port.functions.flatMap((fn): Invokable[] => {
      if (fn.kind === "freestanding" || fn.kind === "static") {
        return [{ port, fn, constructor: null }];
      }
      const constructor = isMethod(fn) ? constructorOf(port, fn) : null;
      return constructor ? [{ port, fn, constructor }] : [];
    }),
  );
}

/** Resources whose methods cannot be called here (they have no constructor), with those
 * methods. */
export function uncallable(ports: Port[]): { name: string; functions: FunctionInfo[] }[] {
  const byName = new Map<string, FunctionInfo[]>();
  for (const port of ports) {
    for (const fn of port.functions) {
      if (fn.resource === null || !isMethod(fn) || constructorOf(port, fn)) continue;
      byName.set(fn.resource, [...(byName.get(fn.resource) ?? []), fn]);
    }
  }
  return [...byName].map(([name, functions]) => ({ name, functions }));
}
