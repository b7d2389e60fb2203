// The consent dialog: what a project opened from elsewhere asks for on the host, per scope,
// before its first Run, Serve or Invoke. In the window (not a native dialog) so it can be read
// on a projector and driven by the end-to-end tests.
import type { GrantItem } from "../ipc/bindings/GrantItem";
import type { ScopeRequest } from "../ipc/bindings/ScopeRequest";
import { useApp } from "../store";

/** One grant in words, with whether it reads or changes something sensitive. */
function describe(item: GrantItem): { text: string; strong: boolean } {
  switch (item.kind) {
    case "folder":
      return {
        text: `Folder ${item.host} as ${item.guest}, ${item["read-write"] ? "read-write: it may create, change and delete files" : "read-only"}`,
        strong: item["read-write"],
      };
    case "stdin-file":
      return { text: `The file ${item.path} as stdin`, strong: true };
    case "inherit-env":
      return { text: "Every environment variable of this machine", strong: true };
    case "network":
      return { text: "The network: TCP and UDP to any address", strong: true };
    case "name-lookup":
      return { text: "Name lookup (DNS)", strong: false };
    case "http":
      return {
        text:
          item.hosts.length === 0
            ? "Outgoing HTTP to any host"
            : `Outgoing HTTP to ${item.hosts.join(", ")}`,
        strong: item.hosts.length === 0,
      };
  }
}

function scopeTitle(request: ScopeRequest): string {
  if (request.scope.kind === "node") return `Node ${request.scope.node}`;
  return `Every node without grants of its own (${request.nodes.join(", ")})`;
}

export function ConsentDialog() {
  const consent = useApp((s) => s.consent);
  const answer = useApp((s) => s.answerConsent);
  const path = useApp((s) => s.projectPath);
  if (!consent) return null;
  return (
    <div className="overlay" data-testid="consent-dialog">
      <div className="consent" role="dialog" aria-labelledby="consent-title">
        <h2 id="consent-title">This project asks for access to your machine</h2>
        <p className="muted">
          {path ?? "This project"} has not run here with these grants. Check what they reach before
          it does. Your answer is remembered for this file; a changed grant asks again.
        </p>
        {consent.scopes.map((request) => (
          <section key={scopeTitle(request)} data-testid="consent-scope">
            <h3>{scopeTitle(request)}</h3>
            <ul>
              {request.items.map((item) => {
                const { text, strong } = describe(item);
                return (
                  <li key={text} className={strong ? "consent-strong" : undefined}>
                    {text}
                  </li>
                );
              })}
            </ul>
          </section>
        ))}
        <div className="consent-actions">
          <button
            data-testid="consent-decline"
            onClick={() => {
              answer(false);
            }}
          >
            Don&apos;t run
          </button>
          <button
            className="primary"
            data-testid="consent-accept"
            autoFocus
            onClick={() => {
              answer(true);
            }}
          >
            Accept and run
          </button>
        </div>
      </div>
    </div>
  );
}
