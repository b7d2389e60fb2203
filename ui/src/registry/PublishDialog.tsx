import { useShallow } from "zustand/react/shallow";

import { CopyButton } from "../dialog/CopyButton";
import { Dialog } from "../dialog/Dialog";
import { useApp } from "../store";
import { ReferenceForm } from "./ReferenceForm";

/** Publish a node's component, or the composition, to a registry; shows where it went. */
export function PublishDialog() {
  const s = useApp(
    useShallow((s) => ({
      dialog: s.registryDialog,
      publish: s.publish,
      close: s.closeRegistryDialog,
    })),
  );
  if (s.dialog?.kind !== "publish") return null;
  const { node, published } = s.dialog;
  const pushed = published && `${published.reference}@${published.digest}`;
  return (
    <Dialog
      testId="publish-dialog"
      title={node === null ? "Publish the composition" : `Publish ${node}`}
      onClose={s.close}
    >
      <p className="muted">
        {node === null
          ? "The project composed into one component, pushed to the reference you give."
          : `The component of node ${node}, pushed to the reference you give.`}{" "}
        Plugboard pushes without credentials: to a registry on this machine, or one that accepts
        anonymous pushes.
      </p>
      <ReferenceForm
        testId="publish"
        submitTestId="publish-submit"
        label="Publish"
        busyLabel="Publishing…"
        task={s.dialog.task}
        onSubmit={s.publish}
      />
      {pushed && (
        <div className="published">
          <span className="published-label">✔ Published</span>
          <code className="published-reference" data-testid="publish-result">
            {pushed}
          </code>
          <CopyButton text={pushed} testId="publish-copy" />
        </div>
      )}
    </Dialog>
  );
}
