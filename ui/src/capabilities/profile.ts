// Reading and writing capability profiles and limits as the project holds them. The engine
// serialises them sparsely (defaults left out, and the generated types say those fields are
// optional): read through `fullProfile`, write back through `sparseProfile`, and a toggle
// flipped on and off again leaves the project exactly as it was (not dirty). Which WASI
// interface a toggle governs comes from the engine (`HostInterface.toggle`).
import type { CapabilityProfile } from "../ipc/bindings/CapabilityProfile";
import type { CapabilityToggle } from "../ipc/bindings/CapabilityToggle";
import type { HttpGrant } from "../ipc/bindings/HttpGrant";
import type { Limits } from "../ipc/bindings/Limits";
import type { Project } from "../ipc/bindings/Project";

/** Whose grants: the project's (what the Host node shows) or one node's own. */
export type GrantScope = { kind: "project" } | { kind: "node"; node: string };

export const PROJECT_SCOPE: GrantScope = { kind: "project" };

export const TOGGLES: readonly CapabilityToggle[] = [
  "env",
  "stdin",
  "dirs",
  "inherit-network",
  "allow-ip-name-lookup",
  "http",
];

/** What each toggle is called in the window. */
export const TOGGLE_LABEL: Record<CapabilityToggle, string> = {
  env: "environment & args",
  stdin: "stdin",
  dirs: "folders",
  "inherit-network": "network",
  "allow-ip-name-lookup": "name lookup",
  http: "outgoing HTTP",
};

/** Toggles that need values (which folder, which variables): they are edited in the panel, not
 * flipped. */
export function needsValues(toggle: CapabilityToggle): boolean {
  return toggle === "env" || toggle === "stdin" || toggle === "dirs";
}

export function isToggle(name: string): name is CapabilityToggle {
  return (TOGGLES as readonly string[]).includes(name);
}

/** A profile with every field present: what the panel edits and the badges read. */
export type FullProfile = Omit<Required<CapabilityProfile>, "http"> & {
  http: Required<HttpGrant>;
};

/** `profile` with every field present (the engine leaves defaults out). */
export function fullProfile(profile: CapabilityProfile | null | undefined): FullProfile {
  const p: CapabilityProfile = profile ?? {};
  return {
    env: p.env ?? [],
    "inherit-env": p["inherit-env"] ?? false,
    args: p.args ?? [],
    stdin: p.stdin ?? { kind: "none" },
    dirs: p.dirs ?? [],
    "inherit-network": p["inherit-network"] ?? false,
    "allow-ip-name-lookup": p["allow-ip-name-lookup"] ?? false,
    http: { allowed: p.http?.allowed ?? false, hosts: p.http?.hosts ?? [] },
  };
}

/** `profile` as the engine writes it: defaults left out, fields in the engine's order. */
export function sparseProfile(profile: FullProfile): CapabilityProfile {
  const out: CapabilityProfile = {};
  if (profile.env.length > 0) out.env = profile.env;
  if (profile["inherit-env"]) out["inherit-env"] = true;
  if (profile.args.length > 0) out.args = profile.args;
  if (profile.stdin.kind !== "none") out.stdin = profile.stdin;
  if (profile.dirs.length > 0) out.dirs = profile.dirs;
  if (profile["inherit-network"]) out["inherit-network"] = true;
  if (profile["allow-ip-name-lookup"]) out["allow-ip-name-lookup"] = true;
  if (profile.http.allowed || profile.http.hosts.length > 0) {
    out.http = profile.http.hosts.length > 0 ? profile.http : { allowed: profile.http.allowed };
  }
  return out;
}

/** Whether `toggle` grants anything in `profile` (as the engine's `CapabilityProfile::grants`). */
export function grants(profile: FullProfile, toggle: CapabilityToggle): boolean {
  switch (toggle) {
    case "env":
      return profile["inherit-env"] || profile.env.length > 0 || profile.args.length > 0;
    case "stdin":
      return profile.stdin.kind !== "none";
    case "dirs":
      return profile.dirs.length > 0;
    case "inherit-network":
      return profile["inherit-network"];
    case "allow-ip-name-lookup":
      return profile["allow-ip-name-lookup"];
    case "http":
      return profile.http.allowed;
  }
}

/** Short chips for what `profile` grants, for a node's badge: `net`, `env 2`, `/data ro`, … */
export function grantChips(profile: FullProfile): string[] {
  const chips: string[] = [];
  if (profile.env.length > 0) chips.push(`env ${profile.env.length}`);
  if (profile["inherit-env"]) chips.push("host env");
  if (profile.args.length > 0) chips.push(`args ${profile.args.length}`);
  if (profile.stdin.kind !== "none") chips.push("stdin");
  for (const dir of profile.dirs) chips.push(`${dir.guest}${dir["read-only"] ? " ro" : ""}`);
  if (profile["inherit-network"]) chips.push("network");
  if (profile["allow-ip-name-lookup"]) chips.push("dns");
  if (profile.http.allowed) chips.push(profile.http.hosts.length > 0 ? "http (list)" : "http");
  return chips;
}

/** The profile that applies to `scope`: a node's own, else the project's. */
export function scopeProfile(project: Project, scope: GrantScope): FullProfile {
  if (scope.kind === "node") {
    const own = project.nodes.find((n) => n.id === scope.node)?.capabilities;
    if (own) return fullProfile(own);
  }
  return fullProfile(project.capabilities);
}

/** Whether node `node` has grants of its own (else it inherits the project's). */
export function hasOwnGrants(project: Project, node: string): boolean {
  return Boolean(project.nodes.find((n) => n.id === node)?.capabilities);
}

/** `project` with `profile` as `scope`'s grants (a node gets grants of its own). */
export function withProfile(project: Project, scope: GrantScope, profile: FullProfile): Project {
  const sparse = sparseProfile(profile);
  if (scope.kind === "project") return { ...project, capabilities: sparse };
  return {
    ...project,
    nodes: project.nodes.map((n) => (n.id === scope.node ? { ...n, capabilities: sparse } : n)),
  };
}

/** `project` with node `node` inheriting the project's grants (`own` false) or starting its own
 * from a copy of them (`own` true). */
export function withOwnGrants(project: Project, node: string, own: boolean): Project {
  return {
    ...project,
    nodes: project.nodes.map((n) => {
      if (n.id !== node) return n;
      if (own) return { ...n, capabilities: sparseProfile(fullProfile(project.capabilities)) };
      // eslint-disable-next-line @typescript-eslint/no-unused-vars
      const { capabilities, ...rest } = n;
      return rest;
    }),
  };
}

/** Every limit, each a number or `null` when unset: what the panel edits. */
export type FullLimits = { [K in keyof Limits]-?: number | null };

/** `limits` with every field present. */
export function fullLimits(limits: Limits | null | undefined): FullLimits {
  const l = limits ?? {};
  return {
    "timeout-ms": l["timeout-ms"] ?? null,
    "max-memory-bytes": l["max-memory-bytes"] ?? null,
    fuel: l.fuel ?? null,
    "max-requests": l["max-requests"] ?? null,
  };
}

/** `limits` as the engine writes them (unset limits left out). */
export function sparseLimits(limits: FullLimits): Limits {
  const out: Limits = {};
  if (limits["timeout-ms"] !== null) out["timeout-ms"] = limits["timeout-ms"];
  if (limits["max-memory-bytes"] !== null) out["max-memory-bytes"] = limits["max-memory-bytes"];
  if (limits.fuel !== null) out.fuel = limits.fuel;
  if (limits["max-requests"] !== null) out["max-requests"] = limits["max-requests"];
  return out;
}

/** The next free guest path for a granted folder: `/data`, `/data2`, … */
export function freeGuestPath(profile: FullProfile): string {
  const taken = new Set(profile.dirs.map((d) => d.guest));
  if (!taken.has("/data")) return "/data";
  for (let i = 2; ; i++) if (!taken.has(`/data${i}`)) return `/data${i}`;
}
