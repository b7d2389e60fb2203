import type { Port } from "../ipc/bindings/Port";
import { whyNoStub } from "../graph/stubs";
import { useApp } from "../store";

/** For an import nothing provides (no wire, no stub, not the host): a stub to answer it, so its
 * node runs alone, or why it cannot have one. */
export function StubOffer(props: { node: string; port: Port }) {
  const addStub = useApp((s) => s.addStub);
  const why = whyNoStub(props.port);
  if (why) {
    return (
      <p className="muted" data-testid="no-stub">
        {why}
      </p>
    );
  }
  return (
    <div className="stub-offer">
      <button
        type="button"
        className="small"
        data-testid="add-stub"
        onClick={() => {
          addStub(props.node, props.port.name);
        }}
      >
        Answer with a stub
      </button>
      <span className="muted">
        {" "}
        Each function returns a value you type (or traps), so this node runs without a provider.
      </span>
    </div>
  );
}
