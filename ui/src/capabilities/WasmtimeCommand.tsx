import { useEffect, useState } from "react";
import { useShallow } from "zustand/react/shallow";

import { CopyButton } from "../dialog/CopyButton";
import type { WasmtimeLine } from "../ipc/bindings/WasmtimeLine";
import { toAppError } from "../ipc/errors";
import { useApp } from "../store";
import type { GrantScope } from "./profile";

/** The `wasmtime` command line that grants what `scope` is granted, copyable, with what
 * wasmtime's flags cannot say listed plainly: the same run at the terminal, for a workshop. */
export function WasmtimeCommand(props: { scope: GrantScope }) {
  const s = useApp(
    useShallow((s) => ({ project: s.project, projectPath: s.projectPath, line: s.wasmtimeLine })),
  );
  const [line, setLine] = useState<WasmtimeLine | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const { scope } = props;
  const node = scope.kind === "node" ? scope.node : null;

  useEffect(() => {
    let current = true;
    // Asked again whenever the grants change; a late answer for an older project is dropped.
    s.line(node === null ? { kind: "project" } : { kind: "node", node })
      .then((answer) => {
        if (!current) return;
        setLine(answer);
        setProblem(null);
      })
      .catch((error: unknown) => {
        if (current) setProblem(toAppError(error).message);
      });
    return () => {
      current = false;
    };
  }, [s, s.project, s.projectPath, node]);

  return (
    <section className="wasmtime-command" data-testid="wasmtime-command" data-section="wasmtime">
      <h3>The same with wasmtime</h3>
      {problem && <p className="problem">{problem}</p>}
      {line && (
        <>
          <pre className="wasmtime-line" data-testid="wasmtime-line">
            {line.command}
          </pre>
          <CopyButton text={line.command} testId="wasmtime-copy" />
          {line.unexpressed.length > 0 && (
            <ul className="wasmtime-unexpressed">
              {line.unexpressed.map((text) => (
                <li key={text} data-testid="wasmtime-unexpressed">
                  {text}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
