import { useEffect, useRef, useState } from "react";
import { useShallow } from "zustand/react/shallow";

import type { FunctionInfo } from "../ipc/bindings/FunctionInfo";
import type { ParamInfo } from "../ipc/bindings/ParamInfo";
import type { Port } from "../ipc/bindings/Port";
import type { InvokeTarget } from "../run/model";
import { useApp } from "../store";
import { initialValue, toJson, type FormValue } from "./form";
import { callable, uncallable, type Invokable } from "./functions";
import { SessionPanel } from "./SessionPanel";
import { ValueInput } from "./ValueInput";

const COMPOSITION = "\u0000composition";

function sameTarget(a: InvokeTarget | null, b: InvokeTarget | null): boolean {
  return (
    a !== null && b !== null && a.node === b.node && a.port === b.port && a.function === b.function
  );
}

export function InvokePanel() {
  const s = useApp(
    useShallow((s) => ({
      nodes: s.project.nodes,
      entries: s.entries,
      composed: s.composed,
      project: s.project,
      invoke: s.invoke,
      loadComposed: s.loadComposed,
      invokeFunction: s.invokeFunction,
      stop: s.stopRun,
      mode: s.runMode,
    })),
  );
  const [wanted, setTargetNode] = useState<string>(() => s.nodes[0]?.id ?? COMPOSITION);
  const [chosen, setChosen] = useState<InvokeTarget | null>(null);
  // The node picked, or the first one when it is gone (another project was opened).
  const targetNode =
    wanted === COMPOSITION || s.nodes.some((n) => n.id === wanted)
      ? wanted
      : (s.nodes[0]?.id ?? COMPOSITION);
  const node = targetNode === COMPOSITION ? null : targetNode;

  const { loadComposed, project } = s;
  useEffect(() => {
    if (node === null) void loadComposed();
  }, [node, project, loadComposed]);

  const ports: Port[] =
    node === null
      ? s.composed?.project === s.project
        ? (s.composed.details?.info.exports ?? [])
        : []
      : (s.entries[node]?.details?.info.exports ?? []);
  const functions = callable(ports);
  const withoutConstructor = uncallable(ports);
  const picked =
    functions.find(
      ({ port, fn }) =>
        chosen !== null &&
        chosen.node === node &&
        chosen.port === port.name &&
        chosen.function === fn.name,
    ) ?? null;

  return (
    <div className="invoke panel-body" data-testid="invoke">
      <p className="hint">
        Call any exported function with values you type: of one node (linked with what it is wired
        to), or of the whole composition. Runs {s.mode}.
      </p>
      <label className="field-row">
        <span className="field-label">Component</span>
        <select
          data-testid="invoke-target"
          value={targetNode}
          onChange={(e) => {
            setTargetNode(e.target.value);
            setChosen(null);
          }}
        >
          {s.nodes.map((n) => (
            <option key={n.id} value={n.id}>
              {n.id}
            </option>
          ))}
          <option value={COMPOSITION}>the composition (fused)</option>
        </select>
      </label>
      {node === null && s.composed?.error && (
        <p className="problem" data-testid="invoke-compose-error">
          {s.composed.error}
        </p>
      )}
      {node === null &&
        s.composed?.project === s.project &&
        !s.composed.details &&
        !s.composed.error && <p className="muted">Composing…</p>}
      <div className="fn-list" data-testid="invoke-functions">
        {functions.length === 0 && withoutConstructor.length === 0 && (
          <p className="muted">No exported functions to call.</p>
        )}
        {functions.map(({ port, fn, constructor }) => {
          const target = { node, port: port.name, function: fn.name };
          const active = sameTarget(chosen, target);
          return (
            <button
              type="button"
              key={`${port.name}#${fn.name}`}
              className={active ? "fn-pick fn-pick--active" : "fn-pick"}
              data-testid="invoke-fn"
              data-port={port.name}
              data-function={fn.name}
              title={
                constructor
                  ? `${port.name}: runs on a new ${fn.resource ?? ""} made by its constructor`
                  : port.name
              }
              onClick={() => {
                setChosen(target);
              }}
            >
              <code>{label(fn)}</code>
            </button>
          );
        })}
      </div>
      {withoutConstructor.map(({ name, functions: members }) => (
        <div key={name} className="fn-resource" data-testid="invoke-resource" data-resource={name}>
          <p className="muted">
            Resource <code>{name}</code> has no constructor: its methods run on an instance made
            elsewhere, which an invocation here cannot get. Call a function that uses it instead.
          </p>
          {members.map((fn) => (
            <button
              type="button"
              key={fn.name}
              className="fn-pick"
              disabled
              data-testid="invoke-fn"
              data-function={fn.name}
            >
              <code>{label(fn)}</code>
            </button>
          ))}
        </div>
      ))}
      {picked && (
        <InvokeForm
          key={`${node ?? ""}|${picked.port.name}|${picked.fn.name}`}
          picked={picked}
          busy={s.invoke?.state === "running"}
          onInvoke={(args, constructorArgs) =>
            void s.invokeFunction(
              { node, port: picked.port.name, function: picked.fn.name },
              args,
              constructorArgs,
            )
          }
          onStop={() => void s.stop()}
        />
      )}
      <InvokeResult />
      <SessionPanel node={node} ports={ports} />
    </div>
  );
}

/** A function as the list shows it: a resource's own prefixed with the resource. */
function label(fn: FunctionInfo): string {
  return fn.resource === null ? fn.signature : `${fn.resource}.${fn.signature}`;
}

type Json = ReturnType<typeof toJson>;

/** A method's form: the constructor's parameters, then the method's own after the instance. */
function InvokeForm(props: {
  picked: Invokable;
  busy: boolean;
  onInvoke: (args: Json[], constructorArgs?: Json[]) => void;
  onStop: () => void;
}) {
  const { fn, constructor } = props.picked;
  const own = constructor ? fn.params.slice(1) : fn.params;
  const made = constructor?.params ?? [];
  const [values, setValues] = useState<FormValue[]>(() =>
    [...made, ...own].map((p) => initialValue(p.ty.shape)),
  );
  const fields = (params: ParamInfo[], offset: number, prefix: string) =>
    params.map((param, i) => {
      const value = values[offset + i];
      return value ? (
        <div
          key={`${prefix}${param.name}`}
          className="invoke-param"
          data-testid="invoke-param"
          data-param={`${prefix}${param.name}`}
        >
          <div className="value-name">
            {param.name}: <code className="muted">{param.ty.wit}</code>
          </div>
          <ValueInput
            shape={param.ty.shape}
            value={value}
            path={`${prefix}${param.name}`}
            onChange={(next) => {
              setValues(values.map((v, j) => (j === offset + i ? next : v)));
            }}
          />
        </div>
      ) : null;
    });
  const json = (params: ParamInfo[], offset: number) =>
    params.map((p, i) => toJson(p.ty.shape, values[offset + i] ?? initialValue(p.ty.shape)));
  return (
    <form
      className="invoke-form"
      data-testid="invoke-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (constructor) props.onInvoke(json(own, made.length), json(made, 0));
        else props.onInvoke(json(own, 0));
      }}
    >
      {constructor && (
        <>
          <h4>
            <code>
              new {fn.resource}({made.map((p) => p.name).join(", ")})
            </code>
          </h4>
          <p className="muted">
            An invocation keeps nothing between calls: the method runs on a new{" "}
            <code>{fn.resource}</code> its constructor makes from these values.
          </p>
          {fields(made, 0, "new.")}
        </>
      )}
      <h4>
        <code>{label(fn)}</code>
      </h4>
      {fn.docs && <p className="docs">{fn.docs}</p>}
      {own.length === 0 && <p className="muted">No parameters.</p>}
      {fields(own, made.length, "")}
      <div className="invoke-actions">
        <button type="submit" className="primary" data-testid="btn-invoke" disabled={props.busy}>
          ▶ Invoke
        </button>
        {props.busy && (
          <button type="button" data-testid="btn-invoke-stop" onClick={props.onStop}>
            ■ Stop
          </button>
        )}
      </div>
    </form>
  );
}

function InvokeResult() {
  const invoke = useApp((s) => s.invoke);
  const box = useRef<HTMLElement>(null);
  const done = invoke?.state === "done";
  useEffect(() => {
    if (done) box.current?.scrollIntoView({ block: "nearest" });
  }, [done, invoke?.seq]);
  if (!invoke) return null;
  const state =
    invoke.state === "running" ? "running" : invoke.error !== null ? "error" : "returned";
  return (
    <section
      ref={box}
      className={`invoke-result invoke-result--${state}`}
      data-testid="invoke-result"
      data-state={state}
    >
      {invoke.call && (
        <div className="invoke-call">
          <span className="muted">call</span> <code data-testid="invoke-call">{invoke.call}</code>
        </div>
      )}
      {invoke.fallback && <p className="muted">Fell back to fused: {invoke.fallback}</p>}
      {state === "running" && <div className="progress" />}
      {invoke.error !== null && (
        <p className="problem" data-testid="invoke-error">
          {invoke.error}
        </p>
      )}
      {invoke.results && (
        <>
          <h4>Result</h4>
          {invoke.results.length === 0 && (
            <p className="muted">Nothing (the function returns no value).</p>
          )}
          {(invoke.values ?? []).map((value, i) => (
            <pre key={i} className="invoke-pretty" data-testid="invoke-pretty">
              {JSON.stringify(value, null, 2)}
            </pre>
          ))}
          <h4>As WAVE</h4>
          {invoke.results.map((text, i) => (
            <pre key={i} className="invoke-wave" data-testid="invoke-wave">
              {text}
            </pre>
          ))}
        </>
      )}
    </section>
  );
}
