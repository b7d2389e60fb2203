// The HTTP allow-list field: entries are checked by the engine as they are typed.
import { useRef, useState } from "react";

import { useApp } from "../store";

function parseHosts(text: string): string[] {
  return text
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
}

/** The allow-list as typed (a trailing comma stays while typing), committed as a list once the
 * engine has checked every entry; a malformed entry is refused with the reason. */
export function HostsInput(props: { hosts: string[]; onChange: (hosts: string[]) => void }) {
  const check = useApp((s) => s.checkHttpHosts);
  const [text, setText] = useState(props.hosts.join(", "));
  const [committed, setCommitted] = useState(props.hosts.join(","));
  const [problem, setProblem] = useState<string | null>(null);
  const latest = useRef(0);
  // Edited elsewhere (undo, another project): show that instead.
  if (props.hosts.join(",") !== committed) {
    setCommitted(props.hosts.join(","));
    setText(props.hosts.join(", "));
    setProblem(null);
  }
  return (
    <>
      <input
        data-testid="cap-http-hosts"
        placeholder="example.com, 127.0.0.1:8080"
        value={text}
        spellCheck={false}
        aria-invalid={problem !== null}
        onChange={(e) => {
          setText(e.target.value);
          const hosts = parseHosts(e.target.value);
          const seq = ++latest.current;
          void check(hosts).then((error) => {
            if (seq !== latest.current) return;
            setProblem(error);
            if (error === null) {
              setCommitted(hosts.join(","));
              props.onChange(hosts);
            }
          });
        }}
      />
      {problem !== null && (
        <p className="field-problem" data-testid="cap-http-hosts-problem">
          {problem}
        </p>
      )}
    </>
  );
}
