import { useState } from "react";
import { useShallow } from "zustand/react/shallow";

import { useApp } from "../store";

export function LibraryPanel() {
  const s = useApp(
    useShallow((s) => ({
      library: s.library,
      error: s.libraryError,
      add: s.addComponents,
      open: s.openProjectFile,
      mayDiscard: s.mayDiscard,
    })),
  );
  const [closed, setClosed] = useState<Record<string, boolean>>({ Hostile: true, Types: true });
  const toggle = (name: string) => {
    setClosed({ ...closed, [name]: !closed[name] });
  };
  return (
    <aside className="library panel" data-testid="library">
      <div className="panel-title">Library</div>
      {s.error && <p className="muted hint">{s.error}</p>}
      {!s.library && !s.error && <p className="muted hint">Loading…</p>}
      {s.library && s.library.projects.length > 0 && (
        <section className="lib-group">
          <button
            type="button"
            className="lib-group-name"
            onClick={() => {
              toggle("Projects");
            }}
          >
            {closed.Projects ? "▸" : "▾"} Ready projects
          </button>
          {!closed.Projects &&
            s.library.projects.map((p) => (
              <button
                type="button"
                key={p.path}
                className="lib-item"
                data-testid="library-project"
                data-project-path={p.path}
                title={p.description}
                onClick={() => {
                  void (async () => {
                    if (await s.mayDiscard(`Open “${p.title}”?`)) await s.open(p.path);
                  })();
                }}
              >
                <span className="lib-item-name">{p.title}</span>
                <span className="lib-item-group">{p.group}</span>
              </button>
            ))}
        </section>
      )}
      {s.library?.groups.map((group) => (
        <section key={group.name} className="lib-group">
          <button
            type="button"
            className="lib-group-name"
            onClick={() => {
              toggle(group.name);
            }}
          >
            {closed[group.name] ? "▸" : "▾"} {group.name}
          </button>
          {!closed[group.name] &&
            group.samples.map((sample) => (
              <button
                type="button"
                key={sample.name}
                className="lib-item"
                data-testid="sample"
                data-sample-name={sample.name}
                disabled={!sample.built}
                title={
                  sample.built
                    ? `${sample.description}\n\nClick to add it to the canvas.`
                    : "Not built: run sample-components/build.sh"
                }
                onClick={() => void s.add([sample.path])}
              >
                <span className="lib-item-name">
                  <span className="lib-plus" aria-hidden>
                    +
                  </span>{" "}
                  {sample.name}
                </span>
                <span className="lib-item-desc">{sample.description}</span>
              </button>
            ))}
        </section>
      ))}
    </aside>
  );
}
