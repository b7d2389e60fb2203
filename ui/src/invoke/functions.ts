// Which exported functions the invoke panel offers: the ones called with typed-in values, and
// the resources whose functions it lists without calling them.
import type { FunctionInfo } from "../ipc/bindings/FunctionInfo";
import type { Port } from "../ipc/bindings/Port";

/** Exported functions that can be called with typed-in values (not resource methods). */
export function callable(ports: Port[]): { port: Port; fn: FunctionInfo }[] {
  return ports.flatMap((port) =>
    port.functions.filter((fn) => fn.resource === null).map((fn) => ({ port, fn })),
  );
}

/** The exported resources, each with its functions: listed, but not callable on their own. */
export function resources(ports: Port[]): { name: string; functions: FunctionInfo[] }[] {
  const byName = new Map<string, FunctionInfo[]>();
  for (const fn of ports.flatMap((port) => port.functions)) {
    if (fn.resource === null) continue;
    byName.set(fn.resource, [...(byName.get(fn.resource) ?? []), fn]);
  }
  return [...byName].map(([name, functions]) => ({ name, functions }));
}
