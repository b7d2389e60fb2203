import { useShallow } from "zustand/react/shallow";

import { CapabilitiesPanel } from "../capabilities/CapabilitiesPanel";
import { Inspector } from "../inspector/Inspector";
import { InvokePanel } from "../invoke/InvokePanel";
import { useApp, type SideTab } from "../store";

const TABS: { tab: SideTab; label: string }[] = [
  { tab: "inspector", label: "Inspector" },
  { tab: "capabilities", label: "Grants" },
  { tab: "invoke", label: "Invoke" },
];

/** The right-hand panel: the inspector, the capabilities (grants and limits), invoke forms. */
export function SidePanel() {
  const s = useApp(useShallow((s) => ({ tab: s.sideTab, setTab: s.setSideTab })));
  return (
    <aside className="side panel" data-testid="side-panel">
      <nav className="tabs" role="tablist">
        {TABS.map(({ tab, label }) => (
          <button
            key={tab}
            type="button"
            role="tab"
            aria-selected={s.tab === tab}
            className={s.tab === tab ? "tab tab--active" : "tab"}
            data-testid={`tab-${tab}`}
            onClick={() => {
              s.setTab(tab);
            }}
          >
            {label}
          </button>
        ))}
      </nav>
      {s.tab === "inspector" && <Inspector />}
      {s.tab === "capabilities" && <CapabilitiesPanel />}
      {s.tab === "invoke" && <InvokePanel />}
    </aside>
  );
}
