// The store's panels and messages: the message bar, work in progress, help, a file dragged over
// the window, which panels and side tab are shown, and the opened project's description.
import { newId, type Get, type Set } from "./shared";

/** The tabs of the right-hand panel. */
export type SideTab = "inspector" | "capabilities" | "invoke";

export type MessageKind = "error" | "refusal" | "info";
export type Message = { id: number; kind: MessageKind; text: string };

export type PanelsState = {
  message: Message | null;
  loading: { id: number; label: string }[];
  helpOpen: boolean;
  fileHover: boolean;
  /** Which side panels are shown (hide them to give a projector the whole width). */
  panels: { library: boolean; inspector: boolean; dock: boolean };
  sideTab: SideTab;
  /** The opened project's description (what it shows, what to toggle) is shown. */
  descriptionOpen: boolean;
};

export type PanelsActions = {
  showMessage: (kind: MessageKind, text: string) => void;
  dismissMessage: () => void;
  setHelpOpen: (open: boolean) => void;
  setFileHover: (over: boolean) => void;
  togglePanel: (panel: "library" | "inspector" | "dock") => void;
  setSideTab: (tab: SideTab) => void;
  dismissDescription: () => void;
};

export function createPanelsSlice(set: Set, get: Get): PanelsState & PanelsActions {
  return {
    message: null,
    loading: [],
    helpOpen: false,
    fileHover: false,
    panels: { library: true, inspector: true, dock: true },
    sideTab: "inspector",
    descriptionOpen: false,

    showMessage(kind, text) {
      set({ message: { id: newId(), kind, text } });
    },

    dismissMessage() {
      set({ message: null, refused: null });
    },

    setHelpOpen(open) {
      set({ helpOpen: open });
    },

    setFileHover(over) {
      set({ fileHover: over });
    },

    togglePanel(panel) {
      const { panels } = get();
      set({ panels: { ...panels, [panel]: !panels[panel] }, fitRequest: get().fitRequest + 1 });
    },

    setSideTab(tab) {
      set({ sideTab: tab, panels: { ...get().panels, inspector: true } });
    },

    dismissDescription() {
      set({ descriptionOpen: false });
    },
  };
}
