import { useState, type ReactNode } from "react";
import { useShallow } from "zustand/react/shallow";

import type { SampleProject } from "../ipc/bindings/SampleProject";
import { useApp } from "../store";

/** Groups shown folded until opened: the long or specialised ones. */
const FOLDED = new Set([
  "projects:WASI worlds",
  "projects:Polyglot",
  "Types",
  "Hostile",
  "Polyglot",
]);

function Section(props: { id: string; title: string; children: ReactNode }) {
  const [open, setOpen] = useState(!FOLDED.has(props.id));
  return (
    <section className="lib-group" data-testid="library-group" data-group={props.id}>
      <button
        type="button"
        className="lib-group-name"
        aria-expanded={open}
        onClick={() => {
          setOpen(!open);
        }}
      >
        {open ? "▾" : "▸"} {props.title}
      </button>
      {open && props.children}
    </section>
  );
}

function byGroup(projects: SampleProject[]): [string, SampleProject[]][] {
  const groups = new Map<string, SampleProject[]>();
  for (const p of projects) groups.set(p.group, [...(groups.get(p.group) ?? []), p]);
  return [...groups.entries()];
}

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
  return (
    <aside className="library panel" data-testid="library">
      <div className="panel-title">Components</div>
      {s.error && <p className="muted hint">{s.error}</p>}
      {!s.library && !s.error && <p className="muted hint">Loading…</p>}
      {s.library?.groups.map((group) => (
        <Section key={group.name} id={group.name} title={group.name}>
          {group.samples.map((sample) => (
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
        </Section>
      ))}
      {s.library && s.library.projects.length > 0 && (
        <>
          <div className="panel-title panel-title--second">Projects</div>
          {byGroup(s.library.projects).map(([group, projects]) => (
            <Section key={group} id={`projects:${group}`} title={group}>
              {projects.map((p) => (
                <button
                  type="button"
                  key={p.path}
                  className="lib-item"
                  data-testid="library-project"
                  data-project-path={p.path}
                  title={`${p.description}\n\nClick to open it.`}
                  onClick={() => {
                    void (async () => {
                      if (await s.mayDiscard(`Open “${p.title}”?`)) await s.open(p.path);
                    })();
                  }}
                >
                  <span className="lib-item-name">{p.title}</span>
                  <span className="lib-item-desc">{p.description}</span>
                </button>
              ))}
            </Section>
          ))}
        </>
      )}
    </aside>
  );
}
