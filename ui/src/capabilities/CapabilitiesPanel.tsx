import { useEffect, useRef } from "react";
import { useShallow } from "zustand/react/shallow";

import type { StdinSource } from "../ipc/bindings/StdinSource";
import { useApp } from "../store";
import { HostsInput } from "./HostsInput";
import { LimitsSection } from "./LimitsSection";
import {
  PROJECT_SCOPE,
  grants,
  hasOwnGrants,
  scopeProfile,
  withOwnGrants,
  withProfile,
  type FullProfile,
  type GrantScope,
} from "./profile";
import { Section } from "./Section";
import { WasmtimeCommand } from "./WasmtimeCommand";

function scopeKey(scope: GrantScope): string {
  return scope.kind === "project" ? "project" : `node:${scope.node}`;
}

/** Where stdin comes from: each choice, and what it starts as (a file is picked with a dialog). */
const STDIN_CHOICES: [StdinSource["kind"], string, (() => StdinSource) | null][] = [
  ["none", "Nothing (end of file)", () => ({ kind: "none" })],
  ["text", "This text", () => ({ kind: "text", text: "" })],
  ["file", "A file…", null],
];

export function CapabilitiesPanel() {
  const s = useApp(
    useShallow((s) => ({
      project: s.project,
      scope: s.grantScope,
      focus: s.grantFocus,
      edit: s.editProject,
      openGrants: s.openGrants,
      requestAddDir: s.requestAddDir,
      requestStdinFile: s.requestStdinFile,
    })),
  );
  const body = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!s.focus) return;
    body.current
      ?.querySelector(`[data-section="${s.focus.section}"]`)
      ?.scrollIntoView({ block: "start", behavior: "smooth" });
  }, [s.focus]);

  const wanted = s.scope;
  const scope: GrantScope =
    wanted.kind === "node" && !s.project.nodes.some((n) => n.id === wanted.node)
      ? PROJECT_SCOPE
      : wanted;
  const own = scope.kind === "node" && hasOwnGrants(s.project, scope.node);
  const editable = scope.kind === "project" || own;
  const profile = scopeProfile(s.project, scope);
  const key = scopeKey(scope);
  const set = (next: FullProfile, field?: string) => {
    s.edit((p) => withProfile(p, scope, next), field ? `${key}:${field}` : undefined);
  };

  return (
    <div className="capabilities panel-body" data-testid="capabilities" data-scope={key} ref={body}>
      <label className="field-row">
        <span className="field-label">Grants of</span>
        <select
          data-testid="grant-scope"
          value={key}
          onChange={(e) => {
            const v = e.target.value;
            s.openGrants(v === "project" ? PROJECT_SCOPE : { kind: "node", node: v.slice(5) });
          }}
        >
          <option value="project">the project (the Host’s defaults)</option>
          {s.project.nodes.map((n) => (
            <option key={n.id} value={`node:${n.id}`}>
              node {n.id}
              {n.capabilities ? " (own grants)" : ""}
            </option>
          ))}
        </select>
      </label>
      {scope.kind === "node" && (
        <label className="check own-grants">
          <input
            type="checkbox"
            data-testid="own-grants"
            checked={own}
            onChange={(e) => {
              s.edit((p) => withOwnGrants(p, scope.node, e.target.checked));
            }}
          />
          <span>
            Give <strong>{scope.node}</strong> grants of its own
            <span className="muted own-note">
              {own
                ? "In a linked run its WASI calls use these, not the project’s."
                : "Now it inherits the project’s grants, shown below."}
            </span>
          </span>
        </label>
      )}
      <p className="hint">
        Everything is denied by default. A denied interface is still linked: the component runs and
        the capability log shows what it tried.
      </p>

      <fieldset disabled={!editable} className="cap-fields">
        <Section id="env" title="Environment variables" on={grants(profile, "env")}>
          <label className="check">
            <input
              type="checkbox"
              data-testid="cap-inherit-env"
              checked={profile["inherit-env"]}
              onChange={(e) => {
                set({ ...profile, "inherit-env": e.target.checked });
              }}
            />
            Pass Plugboard’s whole environment
          </label>
          {profile.env.map((v, i) => (
            <div key={i} className="cap-row" data-testid="cap-env">
              <input
                className="cap-key"
                data-testid="cap-env-key"
                placeholder="NAME"
                value={v.key}
                spellCheck={false}
                onChange={(e) => {
                  const env = profile.env.map((x, j) =>
                    j === i ? { ...x, key: e.target.value } : x,
                  );
                  set({ ...profile, env }, `env-key-${i}`);
                }}
              />
              <span className="cap-eq">=</span>
              <input
                className="cap-value"
                data-testid="cap-env-value"
                placeholder="value"
                value={v.value}
                spellCheck={false}
                onChange={(e) => {
                  const env = profile.env.map((x, j) =>
                    j === i ? { ...x, value: e.target.value } : x,
                  );
                  set({ ...profile, env }, `env-value-${i}`);
                }}
              />
              <button
                type="button"
                className="small"
                title="Remove this variable"
                onClick={() => {
                  set({ ...profile, env: profile.env.filter((_, j) => j !== i) });
                }}
              >
                ✕
              </button>
            </div>
          ))}
          <button
            type="button"
            className="small"
            data-testid="cap-env-add"
            onClick={() => {
              set({ ...profile, env: [...profile.env, { key: "", value: "" }] });
            }}
          >
            + variable
          </button>
        </Section>

        <Section id="args" title="Arguments">
          {profile.args.map((arg, i) => (
            <div key={i} className="cap-row">
              <input
                className="cap-value"
                data-testid="cap-arg"
                value={arg}
                spellCheck={false}
                onChange={(e) => {
                  const args = profile.args.map((x, j) => (j === i ? e.target.value : x));
                  set({ ...profile, args }, `arg-${i}`);
                }}
              />
              <button
                type="button"
                className="small"
                title="Remove this argument"
                onClick={() => {
                  set({ ...profile, args: profile.args.filter((_, j) => j !== i) });
                }}
              >
                ✕
              </button>
            </div>
          ))}
          <button
            type="button"
            className="small"
            data-testid="cap-arg-add"
            onClick={() => {
              set({ ...profile, args: [...profile.args, ""] });
            }}
          >
            + argument
          </button>
        </Section>

        <Section id="stdin" title="Standard input" on={grants(profile, "stdin")}>
          <div className="cap-choice" role="radiogroup" aria-label="Standard input">
            {STDIN_CHOICES.map(([kind, label, fresh]) => (
              <label key={kind} className="check">
                <input
                  type="radio"
                  name={`stdin-${key}`}
                  data-testid={`cap-stdin-${kind}`}
                  checked={profile.stdin.kind === kind}
                  onChange={() => {
                    if (fresh) set({ ...profile, stdin: fresh() });
                    else void s.requestStdinFile(scope);
                  }}
                />
                {label}
              </label>
            ))}
          </div>
          {profile.stdin.kind === "text" && (
            <textarea
              data-testid="cap-stdin"
              rows={3}
              value={profile.stdin.text}
              spellCheck={false}
              onChange={(e) => {
                set({ ...profile, stdin: { kind: "text", text: e.target.value } }, "stdin");
              }}
            />
          )}
          {profile.stdin.kind === "file" && (
            <div className="cap-row" data-testid="cap-stdin-path" data-path={profile.stdin.path}>
              <code className="cap-dir-host" title={profile.stdin.path}>
                {profile.stdin.path}
              </code>
              <button
                type="button"
                className="small"
                title="Pick another file"
                onClick={() => void s.requestStdinFile(scope)}
              >
                Change…
              </button>
            </div>
          )}
        </Section>

        <Section id="dirs" title="Folders" on={grants(profile, "dirs")}>
          {profile.dirs.map((dir, i) => (
            <div key={i} className="cap-dir" data-testid="cap-dir" data-host={dir.host}>
              <code className="cap-dir-host" title={dir.host}>
                {dir.host}
              </code>
              <div className="cap-row">
                <span className="muted">as</span>
                <input
                  className="cap-guest"
                  data-testid="cap-dir-guest"
                  value={dir.guest}
                  spellCheck={false}
                  onChange={(e) => {
                    const dirs = profile.dirs.map((d, j) =>
                      j === i ? { ...d, guest: e.target.value } : d,
                    );
                    set({ ...profile, dirs }, `dir-guest-${i}`);
                  }}
                />
                <label className="check">
                  <input
                    type="checkbox"
                    data-testid="cap-dir-ro"
                    checked={dir["read-only"]}
                    onChange={(e) => {
                      const dirs = profile.dirs.map((d, j) =>
                        j === i ? { ...d, "read-only": e.target.checked } : d,
                      );
                      set({ ...profile, dirs });
                    }}
                  />
                  read-only
                </label>
                <button
                  type="button"
                  className="small"
                  data-testid="cap-dir-remove"
                  title="Stop granting this folder"
                  onClick={() => {
                    set({ ...profile, dirs: profile.dirs.filter((_, j) => j !== i) });
                  }}
                >
                  ✕
                </button>
              </div>
            </div>
          ))}
          <button
            type="button"
            className="small"
            data-testid="cap-dir-add"
            onClick={() => void s.requestAddDir(scope)}
          >
            + folder…
          </button>
        </Section>

        <Section id="inherit-network" title="Network (TCP, UDP)" on={profile["inherit-network"]}>
          <label className="check">
            <input
              type="checkbox"
              data-testid="cap-network"
              checked={profile["inherit-network"]}
              onChange={(e) => {
                set({ ...profile, "inherit-network": e.target.checked });
              }}
            />
            Connect, listen and send to any address
          </label>
        </Section>

        <Section
          id="allow-ip-name-lookup"
          title="Name lookup (DNS)"
          on={profile["allow-ip-name-lookup"]}
        >
          <label className="check">
            <input
              type="checkbox"
              data-testid="cap-name-lookup"
              checked={profile["allow-ip-name-lookup"]}
              onChange={(e) => {
                set({ ...profile, "allow-ip-name-lookup": e.target.checked });
              }}
            />
            Resolve host names
          </label>
        </Section>

        <Section id="http" title="Outgoing HTTP" on={profile.http.allowed}>
          <label className="check">
            <input
              type="checkbox"
              data-testid="cap-http"
              checked={profile.http.allowed}
              onChange={(e) => {
                set({ ...profile, http: { ...profile.http, allowed: e.target.checked } });
              }}
            />
            Send HTTP requests
          </label>
          <label className="field-col">
            <span className="muted">Only to these hosts (comma-separated; empty: any)</span>
            <HostsInput
              hosts={profile.http.hosts}
              onChange={(hosts) => {
                set({ ...profile, http: { ...profile.http, hosts } }, "hosts");
              }}
            />
          </label>
        </Section>
      </fieldset>

      {scope.kind === "project" && <LimitsSection />}
      <WasmtimeCommand scope={scope} />
    </div>
  );
}
