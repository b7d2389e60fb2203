import { useEffect, useRef, useState } from "react";

export type MenuItem = {
  testId: string;
  label: string;
  /** A shortcut, shown at the right. */
  keys?: string;
  onSelect: () => unknown;
  disabled?: boolean;
};

/** A toolbar button that opens a short list of choices; a click elsewhere or Escape closes it. */
export function ToolMenu(props: {
  testId: string;
  icon: string;
  label: string;
  hint: string;
  items: MenuItem[];
}) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const away = (event: MouseEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    window.addEventListener("mousedown", away);
    return () => {
      window.removeEventListener("mousedown", away);
    };
  }, [open]);
  return (
    <div
      className="tool-menu"
      ref={root}
      onKeyDown={(event) => {
        if (event.key === "Escape") setOpen(false);
      }}
    >
      <button
        type="button"
        className={open ? "tool tool--open" : "tool"}
        aria-haspopup="menu"
        aria-expanded={open}
        data-testid={props.testId}
        title={props.hint}
        onClick={() => {
          setOpen(!open);
        }}
      >
        <span className="tool-icon" aria-hidden>
          {props.icon}
        </span>
        {props.label}
      </button>
      {open && (
        <div className="tool-menu-list" role="menu">
          {props.items.map((item) => (
            <button
              key={item.testId}
              type="button"
              role="menuitem"
              className="tool-menu-item"
              data-testid={item.testId}
              disabled={item.disabled}
              onClick={() => {
                setOpen(false);
                void item.onSelect();
              }}
            >
              {item.label}
              {item.keys && <kbd>{item.keys}</kbd>}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
