import { useShallow } from "zustand/react/shallow";

import { Dialog } from "../dialog/Dialog";
import { useApp } from "../store";
import { ReferenceForm } from "./ReferenceForm";

/** Add from a registry: one reference, pulled into the component cache and added as a node. */
export function PullDialog() {
  const s = useApp(
    useShallow((s) => ({
      dialog: s.registryDialog,
      pull: s.pullComponent,
      close: s.closeRegistryDialog,
    })),
  );
  if (s.dialog?.kind !== "pull") return null;
  return (
    <Dialog testId="registry-dialog" title="Add a component from a registry" onClose={s.close}>
      <p className="muted">
        An OCI reference, or a package name that wkg&apos;s configuration (or PLUGBOARD_REGISTRY)
        finds a registry for. The project records the digest pulled, so it runs the same component
        whatever the tag points to later.
      </p>
      <ReferenceForm
        testId="registry"
        submitTestId="registry-pull"
        label="Pull"
        busyLabel="Pulling…"
        task={s.dialog.task}
        onSubmit={s.pull}
      />
    </Dialog>
  );
}
