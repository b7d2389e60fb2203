// One section of the capabilities panel: its title, and whether what it governs is granted.
import type { ReactNode } from "react";

import type { CapabilityToggle } from "../ipc/bindings/CapabilityToggle";

export function Section(props: {
  id: CapabilityToggle | "limits" | "args";
  title: string;
  on?: boolean;
  children: ReactNode;
}) {
  return (
    <section
      className="cap-section"
      data-section={props.id}
      data-granted={props.on === undefined ? undefined : props.on}
    >
      <h4>
        {props.on !== undefined && (
          <span className={props.on ? "cap-dot cap-dot--on" : "cap-dot"} aria-hidden />
        )}
        {props.title}
        {props.on !== undefined && (
          <span className={props.on ? "cap-state cap-state--on" : "cap-state"}>
            {props.on ? "granted" : "denied"}
          </span>
        )}
      </h4>
      {props.children}
    </section>
  );
}
