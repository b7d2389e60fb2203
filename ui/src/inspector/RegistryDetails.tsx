import { useState } from "react";
import { useShallow } from "zustand/react/shallow";

import { registryBadge } from "../graph/mapping";
import type { RegistrySource } from "../ipc/bindings/RegistrySource";
import { RegistryNews } from "../registry/RegistryNews";
import { useApp } from "../store";
import { Field } from "./Field";

/** Where a registry node's component came from, what its registry said last, and asking again. */
export function RegistryDetails(props: { node: string; source: RegistrySource }) {
  const s = useApp(
    useShallow((s) => ({ news: s.registryNews[props.node], check: s.checkRegistries })),
  );
  const [checking, setChecking] = useState(false);
  const badge = registryBadge(props.source, s.news);
  return (
    <div className="inspector-registry" data-testid="inspector-registry">
      <Field label="Registry" testId="inspector-reference">
        <code className="break">{props.source.reference}</code>
      </Field>
      <Field label="Digest" testId="inspector-digest">
        <code className="break">{props.source.digest}</code>
      </Field>
      <div className="inspector-registry-news">
        <RegistryNews badge={badge} full />
        <button
          type="button"
          className="small"
          data-testid="registry-check"
          disabled={checking}
          onClick={() => {
            setChecking(true);
            void s.check().finally(() => {
              setChecking(false);
            });
          }}
        >
          {checking ? "Asking the registry…" : "Check for newer"}
        </button>
      </div>
    </div>
  );
}
