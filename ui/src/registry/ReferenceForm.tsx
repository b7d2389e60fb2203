import { useState } from "react";

import { DialogError } from "../dialog/Dialog";
import type { Task } from "../store/shared";

export const REFERENCE_PLACEHOLDER = "ghcr.io/owner/name:1.0.0 or namespace:name@1.0.0";

/** One reference field and the button that acts on it (Enter too), busy while the task runs,
 * with the task's error beneath. */
export function ReferenceForm(props: {
  /** `registry` gives `registry-reference`, `registry-error`. */
  testId: string;
  submitTestId: string;
  label: string;
  busyLabel: string;
  task: Task;
  onSubmit: (reference: string) => unknown;
}) {
  const [reference, setReference] = useState("");
  const busy = props.task.state === "busy";
  return (
    <form
      className="reference-form"
      aria-busy={busy}
      onSubmit={(event) => {
        event.preventDefault();
        if (reference.trim() && !busy) void props.onSubmit(reference.trim());
      }}
    >
      <div className="reference-row">
        <input
          className="reference-input"
          data-testid={`${props.testId}-reference`}
          placeholder={REFERENCE_PLACEHOLDER}
          aria-label="Registry reference"
          autoFocus
          spellCheck={false}
          value={reference}
          disabled={busy}
          onChange={(event) => {
            setReference(event.target.value);
          }}
        />
        <button
          type="submit"
          className="primary"
          data-testid={props.submitTestId}
          disabled={busy || !reference.trim()}
        >
          {busy ? props.busyLabel : props.label}
        </button>
      </div>
      {busy && <div className="progress" data-testid={`${props.testId}-busy`} />}
      <DialogError
        testId={`${props.testId}-error`}
        error={props.task.state === "failed" ? props.task.error : null}
      />
    </form>
  );
}
