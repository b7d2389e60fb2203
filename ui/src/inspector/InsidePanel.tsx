import { useMemo } from "react";
import { useShallow } from "zustand/react/shallow";

import { hostLine, innerLine, insideView } from "../graph/inside";
import { counted } from "../text";
import { insideOf, useApp } from "../store";

/**
 * What the selected composed node is made of: each instance inside with the wires into it, and
 * which instance's export each export of the composition is. Decompose takes it apart into a
 * project of those instances, to edit and run like any other. Nothing for a component that is
 * no composition.
 */
export function InsidePanel(props: { node: string }) {
  const { node } = props;
  const s = useApp(
    useShallow((s) => {
      const path = s.project.nodes.find((n) => n.id === node)?.component ?? "";
      return { graph: insideOf(s, node, path), decompose: s.decomposeNode };
    }),
  );
  const view = useMemo(() => (s.graph ? insideView(s.graph) : null), [s.graph]);
  if (!view) return null;
  return (
    <section className="inside-panel" data-testid="inside-panel">
      <h3>Inside this composition</h3>
      <p className="muted">
        {counted(view.instances.length, "instance")} of components, wired as listed. Decompose
        writes the components to a folder and opens a project that wires them the same way, to edit
        and run.
      </p>
      <ul className="inside-list">
        {view.instances.map((instance, index) => (
          <li
            key={`${index}:${instance.name}`}
            data-testid="inside-panel-instance"
            data-instance={instance.name}
          >
            <strong>{instance.name}</strong>
            {instance.wires.map((wire) => (
              <code key={wire.import} className="break" data-testid="inside-panel-wire">
                {innerLine(wire.import, wire.from)}
              </code>
            ))}
            {instance.fromHost > 0 && <span className="muted">{hostLine(instance.fromHost)}</span>}
          </li>
        ))}
      </ul>
      <h4>Exports</h4>
      <ul className="inside-list">
        {view.exports.map((e) => (
          <li key={e.name} data-testid="inside-panel-export" data-export={e.name}>
            <code className="break">{e.from ? innerLine(e.name, e.from) : e.name}</code>
            {!e.from && <span className="muted">not an export of an instance inside</span>}
          </li>
        ))}
      </ul>
      <button
        type="button"
        className="small"
        data-testid="decompose"
        onClick={() => void s.decompose(node)}
      >
        Decompose into a project…
      </button>
    </section>
  );
}
