import { useShallow } from "zustand/react/shallow";

import type { Candidate } from "../ipc/bindings/Candidate";
import { useApp } from "../store";

function candidateLabel(candidate: Candidate): string {
  return candidate.source === "node"
    ? `${candidate.node} (on the canvas)`
    : `${candidate.name}.wasm (library)`;
}

/** Auto-wire for `node`: for each open import, the exports on the canvas and in the sample
 * library that fit it (checked by the engine); one click wires one, "Wire all" every import
 * with a single candidate. */
export function AutoWire(props: { node: string }) {
  const s = useApp(
    useShallow((s) => ({
      autoWire: s.autoWire,
      suggest: s.suggestWires,
      take: s.takeSuggestion,
      all: s.wireAllUnambiguous,
    })),
  );
  const mine = s.autoWire?.node === props.node ? s.autoWire : null;
  const unambiguous = mine?.suggestions.filter((x) => x.candidates.length === 1).length ?? 0;
  return (
    <section className="autowire" data-testid="autowire" data-state={mine?.state ?? "idle"}>
      <h3>Auto-wire</h3>
      <p className="muted">
        What could feed this node&apos;s open imports: exports on the canvas and in the sample
        library that fit, each checked by the engine.
      </p>
      <div className="autowire-actions">
        <button
          type="button"
          data-testid="autowire-suggest"
          onClick={() => void s.suggest(props.node)}
        >
          Suggest wires
        </button>
        {mine && unambiguous > 0 && (
          <button
            type="button"
            className="primary"
            data-testid="autowire-all"
            onClick={() => void s.all(props.node)}
          >
            Wire all {unambiguous} unambiguous
          </button>
        )}
      </div>
      {mine?.state === "asking" && <div className="progress" />}
      {mine?.error && <p className="problem">{mine.error}</p>}
      {mine?.state === "ready" && mine.suggestions.length === 0 && (
        <p className="muted" data-testid="autowire-none">
          No open imports: everything is wired or provided by the host.
        </p>
      )}
      <ul className="autowire-list">
        {mine?.suggestions.map((suggestion) => (
          <li
            key={suggestion.import}
            data-testid="autowire-import"
            data-import={suggestion.import}
            data-candidates={suggestion.candidates.length}
          >
            <code>{suggestion.import}</code>
            {suggestion.candidates.length === 0 && (
              <span className="muted"> — nothing on the canvas or in the library fits</span>
            )}
            {suggestion.candidates.length > 1 && <span className="muted"> — choose one:</span>}
            <div className="autowire-candidates">
              {suggestion.candidates.map((candidate) => (
                <button
                  type="button"
                  key={candidateLabel(candidate) + candidate.export}
                  className="fn-pick"
                  data-testid="autowire-candidate"
                  data-source={candidate.source}
                  data-name={candidate.source === "node" ? candidate.node : candidate.name}
                  title={`Wire ${candidate.export} into ${suggestion.import}`}
                  onClick={() => void s.take(props.node, suggestion.import, candidate)}
                >
                  {candidateLabel(candidate)}
                </button>
              ))}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
