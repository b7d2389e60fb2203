import { useState } from "react";
import { useShallow } from "zustand/react/shallow";

import { useApp } from "../store";

const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"];

/** The served proxy: its URL, a request tester, and every request and response. */
export function ServePanel() {
  const s = useApp(
    useShallow((s) => ({
      run: s.run,
      rows: s.requestLog,
      tester: s.tester,
      send: s.sendTestRequest,
      serve: s.serveProject,
    })),
  );
  const [method, setMethod] = useState("GET");
  const [path, setPath] = useState("/hello");
  const [body, setBody] = useState("");
  const serving = s.run?.kind === "serve" && s.run.phase === "serving" ? s.run.address : null;
  const url = serving ? `http://${serving}` : null;
  return (
    <section className="serve" data-testid="serve-panel" data-serving={serving !== null}>
      {url ? (
        <div className="serve-url">
          Serving at{" "}
          <code className="url" data-testid="serve-url">
            {url}/
          </code>
        </div>
      ) : (
        <p className="muted hint">
          Serve runs a <code>wasi:http/proxy</code> composition as a local web server: one fresh
          instance per request.{" "}
          <button type="button" className="small" onClick={() => void s.serve()}>
            Serve
          </button>
        </p>
      )}
      <form
        className="tester"
        data-testid="http-tester"
        onSubmit={(e) => {
          e.preventDefault();
          void s.send({ method, path, body });
        }}
      >
        <select
          data-testid="tester-method"
          value={method}
          onChange={(e) => {
            setMethod(e.target.value);
          }}
        >
          {METHODS.map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
        <input
          className="tester-path"
          data-testid="tester-path"
          value={path}
          spellCheck={false}
          onChange={(e) => {
            setPath(e.target.value);
          }}
        />
        <button
          type="submit"
          className="primary"
          data-testid="btn-send-request"
          disabled={!url || s.tester.state === "sending"}
        >
          Send
        </button>
        {method !== "GET" && method !== "HEAD" && (
          <textarea
            className="tester-body"
            data-testid="tester-body"
            rows={2}
            placeholder="request body"
            value={body}
            onChange={(e) => {
              setBody(e.target.value);
            }}
          />
        )}
      </form>
      {s.tester.state === "failed" && (
        <p className="problem" data-testid="tester-error">
          {s.tester.error}
        </p>
      )}
      {s.tester.state === "done" && (
        <div
          className="tester-response"
          data-testid="tester-response"
          data-status={s.tester.response.status}
        >
          <div>
            <span className={s.tester.response.status < 400 ? "status-ok" : "status-bad"}>
              {s.tester.response.status}
            </span>{" "}
            <span className="muted">in {s.tester.response.millis} ms</span>
          </div>
          <details className="tester-headers">
            <summary>{s.tester.response.headers.length} headers</summary>
            {s.tester.response.headers.map(([k, v], i) => (
              <div key={i}>
                <code>
                  {k}: {v}
                </code>
              </div>
            ))}
          </details>
          <pre data-testid="tester-body-received">{s.tester.response.body}</pre>
        </div>
      )}
      <table className="request-log" data-testid="request-log">
        <tbody>
          {s.rows.map((r) => (
            <tr
              key={r.key}
              data-testid="request-row"
              data-status={r.status ?? ""}
              className={r.status !== null && r.status >= 400 ? "bad" : ""}
            >
              <td className="num">#{r.id}</td>
              <td>{r.method}</td>
              <td>
                <code>{r.uri}</code>
              </td>
              <td>{r.status ?? "…"}</td>
              <td className="num">{r.millis !== null ? `${r.millis} ms` : ""}</td>
              <td className="muted">{r.error}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
