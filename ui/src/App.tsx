import { ReactFlowProvider } from "@xyflow/react";
import { useEffect } from "react";

import { Canvas } from "./canvas/Canvas";
import { CompilePanel } from "./compile/CompilePanel";
import { HelpOverlay } from "./help/HelpOverlay";
import { Inspector } from "./inspector/Inspector";
import { appWindow } from "./ipc";
import { LibraryPanel } from "./library/LibraryPanel";
import { LoadingIndicator } from "./messages/LoadingIndicator";
import { MessageBar } from "./messages/MessageBar";
import { getAppStore, isDirty, useApp, windowTitle } from "./store";
import { Toolbar } from "./toolbar/Toolbar";
import { useShortcuts } from "./toolbar/shortcuts";

export function App() {
  return (
    <ReactFlowProvider>
      <Shell />
    </ReactFlowProvider>
  );
}

function Shell() {
  const title = useApp(windowTitle);
  const panels = useApp((s) => s.panels);
  useEffect(() => {
    appWindow.setTitle(title);
  }, [title]);

  useEffect(() => {
    const unlisten = appWindow.onCloseRequested(async () => {
      const state = getAppStore().getState();
      return !isDirty(state) || state.mayDiscard("Close Plugboard?");
    });
    return () => {
      void unlisten.then((stop) => {
        stop();
      });
    };
  }, []);

  // Component files may change or vanish while the window is away: look again on return.
  useEffect(() => {
    const recheck = () => {
      void getAppStore().getState().recheckComponents();
    };
    window.addEventListener("focus", recheck);
    return () => {
      window.removeEventListener("focus", recheck);
    };
  }, []);

  useShortcuts();

  return (
    <div className="app">
      <Toolbar />
      <div className="workspace">
        {panels.library && <LibraryPanel />}
        <main className="canvas-area">
          <Canvas />
          <MessageBar />
          <LoadingIndicator />
          <CompilePanel />
        </main>
        {panels.inspector && <Inspector />}
      </div>
      <HelpOverlay />
    </div>
  );
}
