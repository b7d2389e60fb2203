import { useShallow } from "zustand/react/shallow";

import { useApp } from "../store";

/** What the opened project shows and what to toggle (the WASI worlds library describes each). */
export function ProjectDescription() {
  const s = useApp(
    useShallow((s) => ({
      open: s.descriptionOpen,
      title: s.project.title,
      description: s.project.description,
      dismiss: s.dismissDescription,
    })),
  );
  if (!s.open || !s.description) return null;
  return (
    <div className="project-description" data-testid="project-description">
      <div className="project-description-title">
        {s.title ?? "About this project"}
        <button type="button" className="panel-close" title="Close" onClick={s.dismiss}>
          ✕
        </button>
      </div>
      <p>{s.description}</p>
    </div>
  );
}
