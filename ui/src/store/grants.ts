// The store's grants: which scope the capabilities panel edits and where it looks, and the edits
// to a scope's grants (host toggles, folders, stdin) made outside the panel's own fields.
import {
  PROJECT_SCOPE,
  freeGuestPath,
  grants,
  scopeProfile,
  withProfile,
  type GrantScope,
} from "../capabilities/profile";
import type { CapabilityToggle } from "../ipc/bindings/CapabilityToggle";
import type { WasmtimeLine } from "../ipc/bindings/WasmtimeLine";
import { toAppError } from "../ipc/errors";
import type { Deps } from "./index";
import { storeHelpers, type Get, type Set } from "./shared";

export type GrantsState = {
  /** Whose grants the capabilities panel edits. */
  grantScope: GrantScope;
  /** The section of the capabilities panel to bring into view (bumped to scroll again). */
  grantFocus: { section: CapabilityToggle | "limits"; request: number } | null;
};

export type GrantsActions = {
  /** Shows the capabilities panel for `scope`, at `section` if given. */
  openGrants: (scope: GrantScope, section?: CapabilityToggle | "limits") => void;
  /** Flips a toggle that needs no value (network, name lookup, HTTP) in `scope`'s grants. */
  toggleCapability: (scope: GrantScope, toggle: CapabilityToggle) => void;
  /** Grants the host folder `host` to `scope`, read-only, at the next free guest path. */
  addDir: (scope: GrantScope, host: string) => void;
  requestAddDir: (scope: GrantScope) => Promise<void>;
  /** Feeds the host file `path` to stdin in `scope`'s grants. */
  setStdinFile: (scope: GrantScope, path: string) => void;
  requestStdinFile: (scope: GrantScope) => Promise<void>;
  /** What is wrong with the first malformed HTTP allow-list entry, as the engine says; `null`
   * when every entry is a host or `host:port`. */
  checkHttpHosts: (hosts: string[]) => Promise<string | null>;
  /** The `wasmtime` command line granting what `scope` is granted (rejects with the engine's
   * error when the project's components cannot be read). */
  wasmtimeLine: (scope: GrantScope) => Promise<WasmtimeLine>;
};

export function createGrantsSlice(set: Set, get: Get, deps: Deps): GrantsState & GrantsActions {
  const { commit } = storeHelpers(set, get);

  return {
    grantScope: PROJECT_SCOPE,
    grantFocus: null,

    openGrants(scope, section) {
      const focus = section
        ? { section, request: (get().grantFocus?.request ?? 0) + 1 }
        : get().grantFocus;
      set({
        grantScope: scope,
        sideTab: "capabilities",
        panels: { ...get().panels, inspector: true },
        grantFocus: focus,
      });
    },

    toggleCapability(scope, toggle) {
      const { project } = get();
      const profile = scopeProfile(project, scope);
      const on = !grants(profile, toggle);
      switch (toggle) {
        case "inherit-network":
          commit(withProfile(project, scope, { ...profile, "inherit-network": on }));
          return;
        case "allow-ip-name-lookup":
          commit(withProfile(project, scope, { ...profile, "allow-ip-name-lookup": on }));
          return;
        case "http":
          commit(
            withProfile(project, scope, { ...profile, http: { ...profile.http, allowed: on } }),
          );
          return;
        default:
          // These need values (which folder, which variables): edit them in the panel.
          get().openGrants(scope, toggle);
      }
    },

    addDir(scope, host) {
      const { project } = get();
      const profile = scopeProfile(project, scope);
      const dir = { host, guest: freeGuestPath(profile), "read-only": true };
      commit(withProfile(project, scope, { ...profile, dirs: [...profile.dirs, dir] }));
    },

    async requestAddDir(scope) {
      const host = await deps.dialogs.pickFolder();
      if (host) get().addDir(scope, host);
    },

    setStdinFile(scope, path) {
      const { project } = get();
      const profile = scopeProfile(project, scope);
      commit(withProfile(project, scope, { ...profile, stdin: { kind: "file", path } }));
    },

    async requestStdinFile(scope) {
      const path = await deps.dialogs.pickStdinFile();
      if (path) get().setStdinFile(scope, path);
    },

    async checkHttpHosts(hosts) {
      for (const host of hosts) {
        try {
          await deps.engine.checkHttpHost(host);
        } catch (error) {
          return toAppError(error).message;
        }
      }
      return null;
    },

    wasmtimeLine(scope) {
      const { project, projectPath } = get();
      return deps.engine.wasmtimeCommand(
        project,
        projectPath,
        scope.kind === "node" ? scope.node : null,
      );
    },
  };
}
