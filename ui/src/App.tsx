import { ReactFlowProvider } from "@xyflow/react";
import { useEffect } from "react";

import { Canvas } from "./canvas/Canvas";
import { CompilePanel } from "./compile/CompilePanel";
import { ConsentDialog } from "./consent/ConsentDialog";
import { DeployDialog } from "./deploy/DeployDialog";
import { HelpOverlay } from "./help/HelpOverlay";
import { appWindow } from "./ipc";
import { LibraryPanel } from "./library/LibraryPanel";
import { ProjectDescription } from "./library/ProjectDescription";
import { LoadingIndicator } from "./messages/LoadingIndicator";
import { MessageBar } from "./messages/MessageBar";
import { SidePanel } from "./panels/SidePanel";
import { PublishDialog } from "./registry/PublishDialog";
import { PullDialog } from "./registry/PullDialog";
import { HotReloadPanel } from "./reload/HotReloadPanel";
import { RunDock } from "./run/RunDock";
import { StatusBar } from "./run/StatusBar";
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

  // Hot reload: watch the files of the nodes on the canvas (again whenever that set changes).
  const watched = useApp((s) =>
    [...new Set(s.project.nodes.map((n) => n.component))].sort().join("\n"),
  );
  useEffect(() => {
    void getAppStore()
      .getState()
      .watchFiles(watched ? watched.split("\n") : []);
  }, [watched]);

  useShortcuts();

  return (
    <div className="app">
      <Toolbar />
      <div className="workspace">
        {panels.library && <LibraryPanel />}
        <div className="center">
          <main className="canvas-area">
            <Canvas />
            <ProjectDescription />
            <MessageBar />
            <LoadingIndicator />
            <CompilePanel />
            <HotReloadPanel />
          </main>
          <RunDock />
        </div>
        {panels.inspector && <SidePanel />}
      </div>
      <StatusBar />
      <HelpOverlay />
      <ConsentDialog />
      <PullDialog />
      <PublishDialog />
      <DeployDialog />
    </div>
  );
}
