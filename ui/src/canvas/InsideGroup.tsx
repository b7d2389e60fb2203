import { memo, useMemo } from "react";

import { hostLine, innerLine, insideView } from "../graph/inside";
import { insideOf, useApp } from "../store";

/**
 * What a composed node is made of, in its own card: a badge with the count of instances inside
 * that unfolds, in place, into one row per instance with the inner wires into it. Read-only (the
 * inspector's Decompose makes the parts editable); nothing for a component that is no
 * composition. Unfolding grows the card, and React Flow re-measures it and its handles.
 */
export const InsideGroup = memo(function InsideGroup(props: { node: string; path: string }) {
  const { node, path } = props;
  const graph = useApp((s) => insideOf(s, node, path));
  const expanded = useApp((s) => s.insideExpanded[node] === true);
  const toggle = useApp((s) => s.toggleInside);
  const view = useMemo(() => (graph ? insideView(graph) : null), [graph]);
  if (!view) return null;
  return (
    <>
      <button
        type="button"
        className="inside-toggle nodrag"
        data-testid="inside-toggle"
        data-expanded={expanded}
        aria-expanded={expanded}
        title={expanded ? "Hide what is inside" : "List the instances inside and their wires"}
        onClick={(event) => {
          event.stopPropagation();
          toggle(node);
        }}
      >
        <span className="inside-caret">{expanded ? "▾" : "▸"}</span>
        <span
          className="inside-badge"
          data-testid="inside-badge"
          data-count={view.instances.length}
        >
          composition · {view.instances.length} inside
        </span>
      </button>
      {expanded && (
        <ul className="inside-group" data-testid="inside-group">
          {view.instances.map((instance, index) => (
            <li
              // Names from the engine may repeat (two unnamed instances of one component).
              key={`${index}:${instance.name}`}
              className="inside-instance"
              data-testid="inside-instance"
              data-instance={instance.name}
            >
              <span className="inside-instance-name">{instance.name}</span>
              {instance.wires.map((wire) => (
                <span
                  key={wire.import}
                  className="inside-wire"
                  data-testid="inside-wire"
                  data-import={wire.import}
                  data-from={wire.from.instance}
                  title={innerLine(wire.import, wire.from)}
                >
                  {wire.label} ← {wire.from.instance}
                </span>
              ))}
              {instance.fromHost > 0 && (
                <span className="inside-host">{hostLine(instance.fromHost)}</span>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
});
