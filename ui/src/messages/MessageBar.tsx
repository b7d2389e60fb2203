import { useEffect } from "react";

import { useApp } from "../store";
import { RefusalCompare } from "./RefusalCompare";

const ICON = { error: "⛔", refusal: "⚠", info: "✔" } as const;

export function MessageBar() {
  const message = useApp((s) => s.message);
  const refused = useApp((s) => s.refused);
  const dismiss = useApp((s) => s.dismissMessage);
  // Confirmations go away by themselves; errors and refusals stay until dismissed.
  useEffect(() => {
    if (message?.kind !== "info") return;
    const timer = setTimeout(dismiss, 6000);
    return () => {
      clearTimeout(timer);
    };
  }, [message, dismiss]);
  if (!message) return null;
  const compare = message.kind === "refusal" && refused?.mismatch ? refused : null;
  return (
    <div
      key={message.id}
      className={`message message--${message.kind}${compare ? " message--wide" : ""}`}
      data-testid="message"
      data-kind={message.kind}
      role={message.kind === "info" ? "status" : "alert"}
    >
      <span className="message-icon" aria-hidden>
        {ICON[message.kind]}
      </span>
      <span className="message-text">
        {message.text}
        {compare?.mismatch && (
          <RefusalCompare mismatch={compare.mismatch} from={compare.from} to={compare.to} />
        )}
      </span>
      <button type="button" className="message-close" title="Dismiss (Esc)" onClick={dismiss}>
        ✕
      </button>
    </div>
  );
}
