import { memo, useMemo } from "react";

import { highlightWit } from "../graph/wit";

/** WIT text with syntax highlighting. */
export const Wit = memo(function Wit(props: { text: string; testId?: string }) {
  const tokens = useMemo(() => highlightWit(props.text), [props.text]);
  return (
    <pre className="wit" data-testid={props.testId}>
      {tokens.map((t, i) =>
        t.kind === "space" ? (
          t.text
        ) : (
          <span key={i} className={`tok-${t.kind}`}>
            {t.text}
          </span>
        ),
      )}
    </pre>
  );
});
