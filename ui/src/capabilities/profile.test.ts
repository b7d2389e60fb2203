import { describe, expect, it } from "vitest";

import { seedProject } from "../fixtures";
import type { CapabilityProfile } from "../ipc/bindings/CapabilityProfile";
import {
  fullProfile,
  grantChips,
  grants,
  scopeProfile,
  sparseProfile,
  withOwnGrants,
  withProfile,
} from "./profile";

describe("capability profiles", () => {
  it("read sparse profiles and write them back as the engine does", () => {
    const sparse = { "inherit-network": true } as CapabilityProfile;
    const full = fullProfile(sparse);
    expect(full.env).toEqual([]);
    expect(grants(full, "inherit-network")).toBe(true);
    expect(grants(full, "dirs")).toBe(false);
    expect(JSON.stringify(sparseProfile(full))).toBe(JSON.stringify(sparse));
    // On and off again: the same JSON as before, so the project is not dirty.
    const off = sparseProfile({ ...full, "inherit-network": false });
    expect(JSON.stringify(off)).toBe("{}");
  });

  it("give a node grants of its own, or let it inherit the project's", () => {
    let project = withProfile(
      seedProject(),
      { kind: "project" },
      {
        ...fullProfile(null),
        args: ["x"],
      },
    );
    project = withOwnGrants(project, "consumer-app", true);
    const scope = { kind: "node", node: "consumer-app" } as const;
    expect(scopeProfile(project, scope).args).toEqual(["x"]);
    project = withProfile(project, scope, {
      ...scopeProfile(project, scope),
      "inherit-network": true,
    });
    expect(grantChips(scopeProfile(project, scope))).toEqual(["args 1", "network"]);
    expect(grantChips(scopeProfile(project, { kind: "project" }))).toEqual(["args 1"]);
    project = withOwnGrants(project, "consumer-app", false);
    expect(project.nodes.find((n) => n.id === "consumer-app")).not.toHaveProperty("capabilities");
  });
});
