// A dialog in the window (not a native one), so it can be read on a projector and driven by the
// end-to-end tests: a title, a close button, and Escape to close. Keys typed in it stay in it
// (the canvas's shortcuts do not fire behind it).
import { useEffect, useId, useRef, type ReactNode } from "react";

export function Dialog(props: {
  testId: string;
  title: string;
  onClose: () => void;
  wide?: boolean;
  children: ReactNode;
}) {
  const titleId = useId();
  const box = useRef<HTMLDivElement>(null);
  // Focus starts inside (unless a field took it), so Escape reaches the dialog.
  useEffect(() => {
    if (!box.current?.contains(document.activeElement)) box.current?.focus();
  }, []);
  return (
    <div
      className="overlay"
      onKeyDown={(event) => {
        event.stopPropagation();
        if (event.key === "Escape") props.onClose();
      }}
    >
      <div
        ref={box}
        tabIndex={-1}
        className={props.wide ? "dialog dialog--wide" : "dialog"}
        role="dialog"
        aria-labelledby={titleId}
        data-testid={props.testId}
      >
        <header className="dialog-header">
          <h2 id={titleId}>{props.title}</h2>
          <button
            type="button"
            className="panel-close"
            data-testid="dialog-close"
            title="Close (Esc)"
            onClick={props.onClose}
          >
            ✕
          </button>
        </header>
        {props.children}
      </div>
    </div>
  );
}

/** What went wrong, in the dialog's own words (the engine's message). */
export function DialogError(props: { testId: string; error: string | null }) {
  if (!props.error) return null;
  return (
    <p className="dialog-error" role="alert" data-testid={props.testId}>
      {props.error}
    </p>
  );
}
