import { AutoWire } from "./AutoWire";
import { useShallow } from "zustand/react/shallow";

import { stubFor } from "../graph/stubs";
import type { ComponentInfo } from "../ipc/bindings/ComponentInfo";
import type { Port } from "../ipc/bindings/Port";
import { useApp } from "../store";
import { Field } from "./Field";
import { InsidePanel } from "./InsidePanel";
import { RegistryDetails } from "./RegistryDetails";
import { StubEditor } from "./StubEditor";
import { StubOffer } from "./StubOffer";
import { Wit } from "./Wit";

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function PortDetails(props: { node: string; port: Port; direction: "import" | "export" }) {
  const { node, port, direction } = props;
  // Select stable pieces of the store; derive the rest here (a derived array in a selector
  // would be new on every call and re-render forever).
  const s = useApp(
    useShallow((s) => ({
      exports: s.project.exports,
      wires: s.project.wires,
      toggleExport: s.toggleExport,
      host: s.entries[node]?.details?.hostImports[port.name] ?? null,
      stub: direction === "import" ? (stubFor(s.project, node, port.name)?.id ?? null) : null,
    })),
  );
  const exported = s.exports.some((e) => e.node === node && e.export === port.name);
  const explicit = s.exports.length > 0;
  const wiredFrom = s.wires.find((w) => w.to.node === node && w.to.port === port.name);
  const wiredTo = s.wires.filter((w) => w.from.node === node && w.from.port === port.name);
  return (
    <section className="inspector-port" data-testid="inspector-port" data-port-name={port.name}>
      <h3 className="inspector-port-name">{port.name}</h3>
      <div className="chips">
        <span className="chip">{direction}</span>
        <span className="chip">{port.kind}</span>
        {port.wasi && <span className="chip chip--wasi">WASI</span>}
      </div>
      {direction === "import" && (
        <p className="inspector-note">
          {wiredFrom
            ? `Wired from ${wiredFrom.from.node} (${wiredFrom.from.port}).`
            : s.stub
              ? `Answered by the stub ${s.stub}: select it to change what it answers.`
              : s.host
                ? `Open: the host provides it (${s.host}).`
                : "Open, and the host does not provide it: wire an export to it, or answer it with a stub."}
        </p>
      )}
      {direction === "import" && !wiredFrom && !s.stub && !s.host && (
        <StubOffer node={node} port={port} />
      )}
      {direction === "export" && (
        <>
          <p className="inspector-note">
            {wiredTo.length > 0
              ? `Feeds ${wiredTo.map((w) => w.to.node).join(", ")}.`
              : "Not wired to any import."}
          </p>
          <label className="check">
            <input
              type="checkbox"
              data-testid="toggle-export"
              checked={exported}
              onChange={() => {
                s.toggleExport(node, port.name);
              }}
            />
            Export from the composition
            {!explicit && (
              <span className="muted"> (none chosen: the engine’s default applies)</span>
            )}
          </label>
        </>
      )}
      {port.docs && <p className="docs">{port.docs}</p>}
      <h4>Functions</h4>
      {port.functions.length === 0 && <p className="muted">None.</p>}
      {port.functions.map((f) => (
        <div key={f.name} className="fn" data-testid="inspector-function">
          <Wit text={f.signature} />
          {f.docs && <p className="docs">{f.docs}</p>}
        </div>
      ))}
      {port.types.length > 0 && (
        <>
          <h4>Types</h4>
          {port.types.map((t) => (
            <div key={t.name} className="fn">
              <Wit text={t.definition} />
              {t.docs && <p className="docs">{t.docs}</p>}
            </div>
          ))}
        </>
      )}
    </section>
  );
}

function NodeDetails(props: { node: string; info: ComponentInfo | null }) {
  const s = useApp(
    useShallow((s) => ({
      entry: s.entries[props.node],
      node: s.project.nodes.find((n) => n.id === props.node),
      accept: s.acceptChangedComponent,
      remove: s.deleteNode,
      publish: s.openPublishDialog,
    })),
  );
  const { info } = props;
  return (
    <section className="inspector-node">
      <h2 data-testid="inspector-title">{props.node}</h2>
      {s.entry?.problem && (
        <div className={`problem problem--${s.entry.state}`} data-testid="inspector-problem">
          {s.entry.problem}
          {s.entry.state === "changed" && (
            <button
              type="button"
              className="small"
              data-testid="accept-changed"
              onClick={() => {
                s.accept(props.node);
              }}
            >
              Accept the new file
            </button>
          )}
        </div>
      )}
      <Field label="Path" testId="inspector-path">
        <code className="break">{s.node?.component}</code>
      </Field>
      {s.node?.registry && <RegistryDetails node={props.node} source={s.node.registry} />}
      {info && (
        <>
          <Field label="World">
            {info.world ?? <span className="muted">anonymous (a compiled component)</span>}
          </Field>
          <Field label="Kind">{info.role}</Field>
          <Field label="Size" testId="inspector-size">
            {formatSize(info.size)} ({info.size.toLocaleString("en")} bytes)
          </Field>
          <Field label="SHA-256" testId="inspector-sha256">
            <code className="break">{info.sha256}</code>
          </Field>
          <Field label="Ports">
            {info.imports.length} imports, {info.exports.length} exports
          </Field>
        </>
      )}
      <div className="inspector-actions">
        <button
          type="button"
          className="small"
          data-testid="node-publish"
          onClick={() => {
            s.publish(props.node);
          }}
        >
          Publish…
        </button>
        <button
          type="button"
          className="small danger"
          onClick={() => {
            s.remove(props.node);
          }}
        >
          Remove node
        </button>
      </div>
      {info && (
        <>
          <h4>WIT</h4>
          <Wit text={info.wit} testId="inspector-wit" />
        </>
      )}
    </section>
  );
}

export function Inspector() {
  const selection = useApp((s) => s.selection);
  const node = selection.kind === "node" || selection.kind === "port" ? selection.node : null;
  const info = useApp((s) => (node === null ? null : (s.entries[node]?.details?.info ?? null)));
  const port =
    selection.kind === "port" && info
      ? (selection.direction === "import" ? info.imports : info.exports).find(
          (p) => p.name === selection.port,
        )
      : undefined;
  return (
    <div className="inspector panel-body" data-testid="inspector">
      {selection.kind === "none" && (
        <p className="muted hint">
          Select a node to see its WIT, size and hash; click a port to see its functions, types and
          docs; select a stub to set what it answers.
        </p>
      )}
      {selection.kind === "stub" && <StubEditor key={selection.stub} stub={selection.stub} />}
      {selection.kind === "port" && port && (
        <PortDetails node={selection.node} port={port} direction={selection.direction} />
      )}
      {node !== null && <NodeDetails node={node} info={info} />}
      {selection.kind === "node" && <InsidePanel node={selection.node} />}
      {selection.kind === "node" && <AutoWire node={selection.node} />}
    </div>
  );
}
