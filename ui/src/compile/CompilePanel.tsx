import { useShallow } from "zustand/react/shallow";

import { portLabel, worldBadge } from "../graph/mapping";
import { formatSize } from "../inspector/Inspector";
import { useApp } from "../store";

export function CompilePanel() {
  const s = useApp(
    useShallow((s) => ({
      compile: s.compile,
      saveComposition: s.saveComposition,
      exportWac: s.exportWac,
      close: s.closeCompileResult,
    })),
  );
  const { compile } = s;
  if (compile.state === "running") {
    return (
      <div className="compile-panel" data-testid="compile-running">
        <div className="compile-title">Compiling…</div>
        <div className="progress" />
      </div>
    );
  }
  if (compile.state !== "done") return null;
  const { info, hostImports, world } = compile.result;
  const provided = info.imports.filter((p) => hostImports[p.name] !== undefined);
  const unprovided = info.imports.filter((p) => hostImports[p.name] === undefined);
  return (
    <div className="compile-panel" data-testid="compile-result">
      <div className="compile-title">
        ✔ Compiled: one component, {formatSize(info.size)}
        {info.role !== "library" && <span className="chip">{info.role}</span>}
        {world && (
          <span
            className={world.conforms ? "chip chip--ok" : "chip chip--warn"}
            data-testid="compile-world"
            data-conforms={world.conforms}
            title={worldBadge(world).title}
          >
            {world.conforms ? "✓ " : "+ "}
            {world.world}
          </span>
        )}
        <button
          type="button"
          className="panel-close"
          data-testid="compile-close"
          title="Close"
          onClick={s.close}
        >
          ✕
        </button>
      </div>
      <h4>Exports</h4>
      <ul className="compile-list">
        {info.exports.map((p) => (
          <li key={p.name} data-testid="result-export" data-port-name={p.name}>
            ★ {p.name}
          </li>
        ))}
      </ul>
      {unprovided.length > 0 && (
        <>
          <h4 className="bad">Imports the host does not provide: wire them before running</h4>
          <ul className="compile-list">
            {unprovided.map((p) => (
              <li
                key={p.name}
                className="unprovided"
                data-testid="result-import"
                data-port-name={p.name}
                data-provided="false"
              >
                ✗ {p.name}
              </li>
            ))}
          </ul>
        </>
      )}
      <h4>Imports the host provides ({provided.length})</h4>
      <div className="compile-chips">
        {provided.length === 0 && <span className="muted">none</span>}
        {provided.map((p) => (
          <span
            key={p.name}
            className="chip chip--wasi"
            title={p.name}
            data-testid="result-import"
            data-port-name={p.name}
            data-provided="true"
          >
            {p.package ? `${p.package.replace(/^wasi:/, "")}/` : ""}
            {portLabel(p.name)}
          </span>
        ))}
      </div>
      <div className="compile-actions">
        <button
          type="button"
          data-testid="btn-save-component"
          onClick={() => void s.saveComposition()}
        >
          Save component…
        </button>
        <button type="button" data-testid="btn-export-wac" onClick={() => void s.exportWac()}>
          Export .wac…
        </button>
      </div>
    </div>
  );
}
