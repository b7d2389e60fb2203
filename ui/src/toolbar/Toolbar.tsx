import { useReactFlow } from "@xyflow/react";
import { useShallow } from "zustand/react/shallow";

import { isActive } from "../run/model";
import { isDirty, useApp } from "../store";
import { ToolMenu } from "./ToolMenu";

function ToolButton(props: {
  testId: string;
  label: string;
  icon?: string;
  hint: string;
  onClick: () => unknown;
  disabled?: boolean;
  primary?: boolean;
  tone?: "run" | "stop";
}) {
  return (
    <button
      type="button"
      className={[
        "tool",
        props.primary ? "tool--primary" : "",
        props.tone ? `tool--${props.tone}` : "",
        props.label ? "" : "tool--icon",
      ]
        .filter(Boolean)
        .join(" ")}
      aria-label={props.label || props.hint}
      data-testid={props.testId}
      title={props.hint}
      disabled={props.disabled}
      onClick={() => void props.onClick()}
    >
      {props.icon && (
        <span className="tool-icon" aria-hidden>
          {props.icon}
        </span>
      )}
      {props.label}
    </button>
  );
}

export function Toolbar() {
  const flow = useReactFlow();
  const s = useApp(
    useShallow((s) => ({
      dirty: isDirty(s),
      path: s.projectPath,
      title: s.project.title,
      canUndo: s.past.length > 0,
      canRedo: s.future.length > 0,
      compiling: s.compile.state === "running",
      empty: s.project.nodes.length === 0,
      newProject: s.newProject,
      requestOpen: s.requestOpen,
      save: s.save,
      saveAs: s.saveAs,
      requestAdd: s.requestAddComponents,
      openPull: s.openPullDialog,
      openPublish: s.openPublishDialog,
      showDeploy: s.showDeployManifest,
      compile: s.compileProject,
      undo: s.undo,
      redo: s.redo,
      layout: s.autoLayout,
      help: s.setHelpOpen,
      panels: s.panels,
      togglePanel: s.togglePanel,
      running: isActive(s.run),
      serving: s.run?.kind === "serve" && isActive(s.run),
      invoking: s.invoke?.state === "running",
      mode: s.runMode,
      setMode: s.setRunMode,
      run: s.runProject,
      serve: s.serveProject,
      stop: s.stopRun,
    })),
  );
  // The file name without the `.plugboard.json` every project has (the window title has it all).
  const file =
    s.path
      ?.split(/[\\/]/)
      .pop()
      ?.replace(/\.plugboard\.json$/, "") ?? "Untitled";
  return (
    <header className="toolbar">
      <div className="brand">
        <svg className="brand-mark" viewBox="0 0 48 24" aria-hidden>
          <rect x="12" y="9" width="24" height="6" fill="#f1f3f5" />
          <circle cx="10" cy="12" r="9" fill="#ffa94d" />
          <circle cx="38" cy="12" r="9" fill="#4dc6ff" />
        </svg>
        <span className="brand-name">Plugboard</span>
      </div>
      <div className="project-name" data-testid="project-title" data-dirty={s.dirty}>
        <span className="project-file" title={[s.path, s.title].filter(Boolean).join("\n")}>
          {file}
        </span>
        {s.dirty && (
          <span className="dirty" title="Unsaved changes">
            ●<span className="dirty-word">&nbsp;unsaved</span>
          </span>
        )}
      </div>
      <nav className="tools">
        <ToolButton
          testId="btn-new"
          icon="✚"
          label=""
          hint="New project (Ctrl+N)"
          onClick={() => s.newProject()}
        />
        <ToolButton
          testId="btn-open"
          label="Open…"
          hint="Open a project (Ctrl+O)"
          onClick={s.requestOpen}
        />
        <ToolButton testId="btn-save" label="Save" hint="Save (Ctrl+S)" onClick={s.save} />
        <ToolButton
          testId="btn-save-as"
          label="Save as…"
          hint="Save as (Ctrl+Shift+S)"
          onClick={s.saveAs}
        />
        <span className="tool-gap" />
        <ToolMenu
          testId="btn-add"
          icon="⊕"
          label="Add…"
          hint="Add components: .wasm files (A), or from a registry"
          items={[
            { testId: "add-files", label: "Component files…", keys: "A", onSelect: s.requestAdd },
            { testId: "add-registry", label: "From a registry…", onSelect: s.openPull },
          ]}
        />
        <ToolButton
          testId="btn-compile"
          icon="⚙"
          label={s.compiling ? "Compiling…" : "Compile"}
          hint="Compose into one component (Ctrl+B)"
          onClick={s.compile}
          disabled={s.compiling || s.empty}
        />
        <ToolMenu
          testId="btn-share"
          icon="⇪"
          label="Share…"
          hint="Publish to a registry, or export a Spin or wasmCloud manifest"
          items={[
            {
              testId: "share-publish",
              label: "Publish to a registry…",
              onSelect: () => {
                s.openPublish(null);
              },
              disabled: s.empty,
            },
            {
              testId: "share-deploy",
              label: "Export to Spin / wasmCloud…",
              onSelect: () => s.showDeploy("spin"),
              disabled: s.empty,
            },
          ]}
        />
        <span className="tool-gap" />
        <ToolButton
          testId="btn-run"
          icon="▶"
          label="Run"
          hint="Run the composition's command (F5)"
          onClick={() => s.run()}
          disabled={s.running || s.empty}
          tone="run"
        />
        <ToolButton
          testId="btn-serve"
          icon="⇄"
          label="Serve"
          hint="Serve the composition's HTTP proxy on a local port"
          onClick={() => s.serve()}
          disabled={s.running || s.empty}
        />
        <ToolButton
          testId="btn-stop"
          icon="■"
          label="Stop"
          hint={s.serving ? "Stop serving (Shift+F5)" : "Stop the run (Shift+F5)"}
          onClick={s.stop}
          disabled={!s.running && !s.invoking}
          tone="stop"
        />
        <div className="mode-switch" role="radiogroup" data-testid="run-mode" data-mode={s.mode}>
          {(["linked", "fused"] as const).map((mode) => (
            <button
              key={mode}
              type="button"
              role="radio"
              aria-checked={s.mode === mode}
              className={s.mode === mode ? "mode mode--on" : "mode"}
              data-testid={`mode-${mode}`}
              title={
                mode === "linked"
                  ? "Linked: each node compiled once and wired at run time; grants per node"
                  : "Fused: the composed component, as Save and Export write it"
              }
              onClick={() => {
                s.setMode(mode);
              }}
            >
              {mode}
            </button>
          ))}
        </div>
        <span className="tool-gap" />
        <ToolButton
          testId="btn-undo"
          icon="↶"
          label=""
          hint="Undo (Ctrl+Z)"
          onClick={s.undo}
          disabled={!s.canUndo}
        />
        <ToolButton
          testId="btn-redo"
          icon="↷"
          label=""
          hint="Redo (Ctrl+Shift+Z)"
          onClick={s.redo}
          disabled={!s.canRedo}
        />
        <ToolButton
          testId="btn-layout"
          icon="▦"
          label=""
          hint="Auto-layout (L)"
          onClick={s.layout}
        />
        <ToolButton
          testId="btn-fit"
          icon="⤢"
          label=""
          hint="Fit the view (F)"
          onClick={() => flow.fitView({ padding: 0.12, duration: 250 })}
        />
        <ToolButton
          testId="btn-toggle-library"
          icon="◧"
          label=""
          hint={`${s.panels.library ? "Hide" : "Show"} the component library ([)`}
          onClick={() => {
            s.togglePanel("library");
          }}
        />
        <ToolButton
          testId="btn-toggle-inspector"
          icon="◨"
          label=""
          hint={`${s.panels.inspector ? "Hide" : "Show"} the inspector (])`}
          onClick={() => {
            s.togglePanel("inspector");
          }}
        />
        <ToolButton
          testId="btn-help"
          icon="?"
          label=""
          hint="Keyboard shortcuts (?)"
          onClick={() => {
            s.help(true);
          }}
        />
      </nav>
    </header>
  );
}
