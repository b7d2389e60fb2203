import type { ReactNode } from "react";

/** One labelled value of the inspector. */
export function Field(props: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="field" data-testid={props.testId}>
      <div className="field-label">{props.label}</div>
      <div className="field-value">{props.children}</div>
    </div>
  );
}
