import { useShallow } from "zustand/react/shallow";

import { CopyButton } from "../dialog/CopyButton";
import { Dialog, DialogError } from "../dialog/Dialog";
import type { DeployTarget } from "../ipc/bindings/DeployTarget";
import { counted } from "../text";
import { useApp } from "../store";
import { DEPLOY_TARGETS } from "./slice";

const TARGETS = Object.keys(DEPLOY_TARGETS) as DeployTarget[];

/** The project as a Spin or wasmCloud manifest: one tab per target, the text as it would be
 * saved beside the project, what it cannot carry, Copy and Save as. */
export function DeployDialog() {
  const s = useApp(
    useShallow((s) => ({
      deploy: s.deploy,
      show: s.showDeployManifest,
      save: s.saveDeployManifest,
      close: s.closeDeploy,
    })),
  );
  if (!s.deploy) return null;
  const { target, task, manifest, saved } = s.deploy;
  const busy = task.state === "busy";
  return (
    <Dialog testId="deploy-dialog" title="Export to Spin / wasmCloud" onClose={s.close} wide>
      <div className="tabs dialog-tabs" role="tablist">
        {TARGETS.map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            aria-selected={t === target}
            className={t === target ? "tab tab--active" : "tab"}
            data-testid={`deploy-tab-${t}`}
            onClick={() => void s.show(t)}
          >
            {DEPLOY_TARGETS[t].label}
          </button>
        ))}
      </div>
      {busy && !manifest && <div className="progress" />}
      {manifest && (
        <>
          <pre className="deploy-text" data-testid="deploy-text" data-target={target}>
            {manifest.text}
          </pre>
          {manifest.warnings.length > 0 && (
            <section className="deploy-warnings" data-testid="deploy-warnings">
              <h3>⚠ {counted(manifest.warnings.length, "thing")} the manifest does not carry</h3>
              <ul>
                {manifest.warnings.map((warning) => (
                  <li key={warning} data-testid="deploy-warning">
                    {warning}
                  </li>
                ))}
              </ul>
            </section>
          )}
        </>
      )}
      <DialogError testId="deploy-error" error={task.state === "failed" ? task.error : null} />
      <div className="dialog-actions">
        {saved && (
          <span className="dialog-saved" data-testid="deploy-saved">
            ✔ Saved {saved}
          </span>
        )}
        {manifest && <CopyButton text={manifest.text} testId="deploy-copy" />}
        <button
          type="button"
          className="primary"
          data-testid="deploy-save"
          disabled={!manifest || busy}
          onClick={() => void s.save()}
        >
          Save as…
        </button>
      </div>
    </Dialog>
  );
}
