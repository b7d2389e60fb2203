import "@xyflow/react/dist/style.css";
import "./styles.css";

import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { App } from "./App";
import { dialogs, engine } from "./ipc";
import { outputSink } from "./output/sink";
import { createAppStore, installStore } from "./store";
import { installTestHook } from "./testHook";

const store = createAppStore({
  engine,
  dialogs,
  // elkjs is large: load it the first time a layout is asked for.
  layout: async (boxes, links) => (await import("./graph/layout")).layoutGraph(boxes, links),
  output: outputSink,
});
installStore(store);
// Only in builds made for the end-to-end tests (scripts/app-lib.sh sets it): a release build
// carries no test hook.
if (import.meta.env.VITE_PLUGBOARD_TEST_HOOK === "1") installTestHook(store);

const root = document.getElementById("root");
if (root) {
  createRoot(root, {
    // A bug in the window: say so plainly instead of leaving an empty page.
    onUncaughtError(error) {
      const pre = document.createElement("pre");
      pre.className = "crash";
      pre.dataset.testid = "crash";
      pre.textContent = `Plugboard's window hit a bug:\n${error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ""}` : String(error)}`;
      root.replaceChildren(pre);
    },
  }).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
void store.getState().init();
