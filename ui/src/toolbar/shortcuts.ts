import { useReactFlow } from "@xyflow/react";
import { useEffect } from "react";

import { getAppStore } from "../store";

/** Every keyboard shortcut: the help overlay lists this table. */
export const SHORTCUTS: { keys: string; what: string }[] = [
  { keys: "Ctrl+N", what: "New project" },
  { keys: "Ctrl+O", what: "Open a project…" },
  { keys: "Ctrl+S", what: "Save the project" },
  { keys: "Ctrl+Shift+S", what: "Save the project as…" },
  { keys: "A", what: "Add components…" },
  { keys: "Ctrl+B", what: "Compile the composition" },
  { keys: "F5", what: "Run the composition" },
  { keys: "Shift+F5", what: "Stop the run, the server or the invocation" },
  { keys: "`", what: "Hide or show the output and logs" },
  { keys: "Delete / Backspace", what: "Delete the selected wires and nodes" },
  { keys: "Ctrl+Z", what: "Undo" },
  { keys: "Ctrl+Shift+Z / Ctrl+Y", what: "Redo" },
  { keys: "L", what: "Auto-layout" },
  { keys: "F", what: "Fit the view" },
  { keys: "+ / −", what: "Zoom in / out" },
  { keys: "[ / ]", what: "Hide or show the library / the inspector" },
  { keys: "? / F1", what: "Show or hide this help" },
  { keys: "Esc", what: "Close help, dismiss the message, clear the selection" },
];

function typingInto(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))
  );
}

/** Installs the window's keyboard shortcuts. */
export function useShortcuts(): void {
  const flow = useReactFlow();
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const s = getAppStore().getState();
      const key = event.key.toLowerCase();
      const run = (action: () => unknown) => {
        event.preventDefault();
        void action();
      };
      // Run and Stop work from anywhere, even while typing grants.
      if (key === "f5" && event.shiftKey) {
        run(s.stopRun);
        return;
      }
      if (key === "f5") {
        run(s.runProject);
        return;
      }
      if (typingInto(event.target)) return;
      const ctrl = event.ctrlKey || event.metaKey;
      if (ctrl && key === "z" && event.shiftKey) run(s.redo);
      else if (ctrl && key === "z") run(s.undo);
      else if (ctrl && key === "y") run(s.redo);
      else if (ctrl && key === "s" && event.shiftKey) run(s.saveAs);
      else if (ctrl && key === "s") run(s.save);
      else if (ctrl && key === "o") run(s.requestOpen);
      else if (ctrl && key === "n") run(() => s.newProject());
      else if (ctrl && key === "b") run(s.compileProject);
      else if (ctrl || event.altKey) return;
      else if (key === "delete" || key === "backspace") run(s.deleteSelection);
      else if (key === "?" || key === "f1") {
        run(() => {
          s.setHelpOpen(!s.helpOpen);
        });
      } else if (key === "escape") {
        run(() => {
          if (s.helpOpen) s.setHelpOpen(false);
          else if (s.message) s.dismissMessage();
          else s.clearSelection();
        });
      } else if (key === "a") run(s.requestAddComponents);
      else if (key === "l") run(s.autoLayout);
      else if (key === "f") run(() => flow.fitView({ padding: 0.12, duration: 250 }));
      else if (key === "[") {
        run(() => {
          s.togglePanel("library");
        });
      } else if (key === "]") {
        run(() => {
          s.togglePanel("inspector");
        });
      } else if (key === "`") {
        run(() => {
          s.togglePanel("dock");
        });
      } else if (key === "+" || key === "=") run(() => flow.zoomIn({ duration: 150 }));
      else if (key === "-") run(() => flow.zoomOut({ duration: 150 }));
    };
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("keydown", onKey);
    };
  }, [flow]);
}
