import { useEffect, useRef, useState } from "react";
import { useShallow } from "zustand/react/shallow";

import type { Port } from "../ipc/bindings/Port";
import { useApp } from "../store";
import { methodsOf, sessionStarts, shortName } from "./session";

/** An invoke session on `node` (`null`: the composition): one instance kept between calls, the
 * handles its calls made listed with their methods, a line of WAVE to send, and the
 * transcript. */
export function SessionPanel(props: { node: string | null; ports: Port[] }) {
  const s = useApp(
    useShallow((s) => ({
      session: s.session,
      open: s.openSession,
      send: s.sendSessionLine,
      close: s.closeSession,
    })),
  );
  const [line, setLine] = useState("");
  const input = useRef<HTMLInputElement>(null);
  const transcript = useRef<HTMLOListElement>(null);
  const session = s.session;
  const live = session !== null && session.state !== "ended";
  const entries = session?.entries.length ?? 0;
  useEffect(() => {
    transcript.current?.lastElementChild?.scrollIntoView({ block: "nearest" });
  }, [entries]);

  const fill = (text: string) => {
    setLine(text);
    input.current?.focus();
  };
  const submit = () => {
    if (line.trim() === "") return;
    void s.send(line);
    setLine("");
  };
  const target = props.node ?? "the composition";

  return (
    <section
      className="session"
      data-testid="session"
      data-state={session?.state ?? "none"}
      aria-label="Invoke session"
    >
      <h4>Session</h4>
      {!live && (
        <>
          <p className="muted">
            A session keeps one instance of <code>{target}</code> between calls: make a resource,
            keep its handle, call its methods, drop it.
          </p>
          {session?.end && (
            <p className="muted" data-testid="session-end">
              Last session on {session.node ?? "the composition"}: {session.end}
            </p>
          )}
          <button type="button" data-testid="session-open" onClick={() => void s.open(props.node)}>
            Open a session on {target}
          </button>
        </>
      )}
      {live && (
        <>
          <p className="muted">
            On <code>{session.node ?? "the composition"}</code>
            {session.state === "opening" ? " — starting…" : ""}. Write a call in WAVE;{" "}
            <code>b = bucket("x")</code> names the handle it returns, <code>drop b</code> drops it.
          </p>
          <div className="session-starts" data-testid="session-starts">
            {sessionStarts(props.ports).map((start) => (
              <button
                type="button"
                key={start.key}
                className="fn-pick"
                data-testid="session-start"
                data-line={start.line}
                title={start.fn.signature}
                onClick={() => {
                  fill(start.line);
                }}
              >
                <code>{start.line})</code>
              </button>
            ))}
          </div>
          <h5>Handles</h5>
          {session.handles.length === 0 && <p className="muted">None held.</p>}
          <ul className="session-handles">
            {session.handles.map((handle) => (
              <li key={handle.name} data-testid="session-handle" data-name={handle.name}>
                <code className="session-handle-name">{handle.name}</code>{" "}
                <span className="muted">{handle.resource ?? "imported resource"}</span>
                {methodsOf(props.ports, handle).map((method) => (
                  <button
                    type="button"
                    key={method.name}
                    className="fn-pick"
                    data-testid="session-method"
                    data-method={shortName(method)}
                    title={method.signature}
                    onClick={() => {
                      fill(`${handle.name}.${shortName(method)}(`);
                    }}
                  >
                    <code>.{shortName(method)}()</code>
                  </button>
                ))}
                <button
                  type="button"
                  data-testid="session-drop"
                  title={`Drop ${handle.name}: its resource's destructor runs`}
                  onClick={() => void s.send(`drop ${handle.name}`)}
                >
                  Drop
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {session && session.entries.length > 0 && (
        <ol className="session-transcript" ref={transcript} data-testid="session-transcript">
          {session.entries.map((entry) => (
            <li
              key={entry.key}
              data-testid="session-entry"
              data-refused={entry.refused !== null}
              className={entry.refused !== null ? "session-entry--refused" : undefined}
            >
              <code className="session-call">› {entry.call}</code>
              {entry.refused !== null ? (
                <span className="problem" data-testid="session-refused">
                  {entry.refused}
                </span>
              ) : (
                <code className="session-results" data-testid="session-results">
                  {entry.results?.length ? entry.results.join(", ") : "()"}
                </code>
              )}
            </li>
          ))}
        </ol>
      )}
      {live && (
        <form
          className="session-line"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <input
            ref={input}
            data-testid="session-line"
            value={line}
            spellCheck={false}
            placeholder='b = bucket("fruit")'
            aria-label="A call in WAVE"
            onChange={(e) => {
              setLine(e.target.value);
            }}
          />
          <button type="submit" className="primary" data-testid="session-send">
            Send
          </button>
          <button type="button" data-testid="session-close" onClick={() => void s.close()}>
            Close session
          </button>
          {session.waiting > 0 && <span className="muted"> {session.waiting} waiting…</span>}
        </form>
      )}
    </section>
  );
}
