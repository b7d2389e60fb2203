import { useShallow } from "zustand/react/shallow";

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
  const { info, hostImports } = compile.result;
  return (
    <div className="compile-panel" data-testid="compile-result">
      <div className="compile-title">
        ✔ Compiled: one component, {formatSize(info.size)}
        {info.role !== "library" && <span className="chip">{info.role}</span>}
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
      <div className="compile-cols">
        <div>
          <h4>Imports: what the host must provide</h4>
          <ul className="compile-list">
            {info.imports.length === 0 && <li className="muted">none</li>}
            {info.imports.map((p) => {
              const provided = hostImports[p.name] !== undefined;
              return (
                <li
                  key={p.name}
                  data-testid="result-import"
                  data-port-name={p.name}
                  data-provided={provided}
                  className={provided ? "" : "unprovided"}
                  title={provided ? `provided by the host` : "the host does not provide this"}
                >
                  {provided ? "✓" : "✗"} {p.name}
                </li>
              );
            })}
          </ul>
        </div>
        <div>
          <h4>Exports</h4>
          <ul className="compile-list">
            {info.exports.map((p) => (
              <li key={p.name} data-testid="result-export" data-port-name={p.name}>
                ★ {p.name}
              </li>
            ))}
          </ul>
        </div>
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
